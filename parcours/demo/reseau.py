"""The demo's network: the programme, its partner structures and professionals with their
logins and roles, the charter, and the partners who intervene on pathways."""

from datetime import date

from django.contrib.auth.hashers import make_password

from parcours.demo.base import identifiant
from parcours.demo.parametres import (
    CODES_QPV,
    COMMUNES,
    DOMAINE,
    EMAIL_ADMIN,
    EMAIL_COORDINATION,
    EMAIL_PARTENAIRE,
    EMAIL_REFERENT,
    MOT_DE_PASSE,
    NOM_PROGRAMME,
    PROFESSIONNELS,
    STRUCTURES,
    VILLE,
)
from parcours.models import Intervenant, Parcours, Statut
from partenaires.models import (
    Fonction,
    Partenariat,
    Professionnel,
    SignatureCharte,
    Structure,
    TypeStructure,
)
from reussite.core.charte import CHARTE_VERSION
from reussite.core.models import AcceptationCharte, FrequenceCourriels, Programme, Role, User
from reussite.core.services import role_attribuer


class ReseauMixin:
    """Steps of `Generateur` (parcours/demo/generateur.py)."""

    def _programme_et_structures(self):
        self.programme = Programme.objects.create(
            nom=NOM_PROGRAMME,
            territoire=f"{VILLE} et communes associées",
            communes=COMMUNES,
            codes_qpv=CODES_QPV,
        )
        structures = [
            Structure(
                nom=nom,
                type=type_,
                uai=uai,
                adresse=self.fake.street_address(),
                commune=VILLE,
                telephone=self._telephone(mobile=False),
                email=f"contact.{identifiant(cle)}@{DOMAINE}",
            )
            for cle, nom, type_, uai in STRUCTURES
        ]
        Structure.objects.bulk_create(structures)
        self.structures = {cle: s for (cle, *_), s in zip(STRUCTURES, structures, strict=True)}
        Partenariat.objects.bulk_create(
            Partenariat(
                structure=structure,
                programme=self.programme,
                est_porteuse=structure.type == TypeStructure.PORTEUSE,
                depuis=date(self.aujourdhui.year - self.rng.randint(1, 8), 9, 1),
            )
            for structure in structures
        )

    def _professionnels(self):
        # One hash for every account: hashing 31 passwords would cost seconds for nothing.
        mot_de_passe = make_password(MOT_DE_PASSE)
        users, professionnels = [], []
        for cle, fonction, email in PROFESSIONNELS:
            prenom, nom = self.fake.first_name(), self.fake.last_name()
            if email is None:
                email = self._email(prenom, nom, DOMAINE)
            users.append(
                User(
                    email=email,
                    first_name=prenom,
                    last_name=nom,
                    password=mot_de_passe,
                    # The demo référent gets each reminder by email at once (console output).
                    frequence_courriels=FrequenceCourriels.IMMEDIAT
                    if email == EMAIL_REFERENT
                    else FrequenceCourriels.QUOTIDIEN,
                )
            )
            professionnels.append(
                Professionnel(
                    user=users[-1],
                    structure=self.structures[cle],
                    fonction=fonction,
                    depuis=self.aujourdhui - self._jours((120, 3000)),
                )
            )
        admin = User(
            email=EMAIL_ADMIN,
            first_name=self.fake.first_name(),
            last_name=self.fake.last_name(),
            password=mot_de_passe,
            is_staff=True,
            is_superuser=True,
        )
        User.objects.bulk_create([*users, admin])
        Professionnel.objects.bulk_create(professionnels)
        self.professionnels = professionnels
        par_email = {p.user.email: p for p in professionnels}
        self.coordination = par_email[EMAIL_COORDINATION]
        self.referent_demo = par_email[EMAIL_REFERENT]
        self.partenaire_demo = par_email[EMAIL_PARTENAIRE]
        self.autres_referents = [
            p
            for p in professionnels
            if p.fonction == Fonction.REFERENT and p is not self.referent_demo
        ]
        role_attribuer(
            user=self.coordination.user, programme=self.programme, role=Role.COORDINATEUR
        )
        role_attribuer(user=admin, programme=self.programme, role=Role.ADMINISTRATEUR)

    def _charte_et_intervenants(self):
        """Every structure signed the charter; every professional but the partner login accepted
        it (the partner meets the charter page at first sign-in). A few partners intervene."""
        SignatureCharte.objects.bulk_create(
            SignatureCharte(
                structure=structure,
                version=CHARTE_VERSION,
                date_signature=self.aujourdhui - self._jours((30, 700)),
                signataire=f"Direction – {structure.nom}",
            )
            for structure in self.structures.values()
        )
        AcceptationCharte.objects.bulk_create(
            AcceptationCharte(user_id=p.user_id, version=CHARTE_VERSION)
            for p in self.professionnels
            if p is not self.partenaire_demo
        )
        intervenants = []
        candidats = [
            p
            for p in self.professionnels
            if p.structure.type not in (TypeStructure.PORTEUSE,) and p is not self.partenaire_demo
        ]
        ouverts = list(
            Parcours.objects.filter(programme=self.programme, statut=Statut.EN_COURS)
            .prefetch_related("consentements__structures")
            .order_by("pk")
        )
        for parcours in ouverts:
            structures = {
                s.pk
                for c in parcours.consentements.all()
                if c.est_valide()
                for s in c.structures.all()
            }
            possibles = [p for p in candidats if p.structure_id in structures]
            if possibles and self.rng.random() < 0.4:
                intervenants.append(
                    Intervenant(
                        parcours=parcours,
                        professionnel=self.rng.choice(possibles),
                        depuis=max(parcours.date_entree, self.aujourdhui - self._jours((10, 200))),
                        ajoute_par=self.coordination.user,
                    )
                )
        Intervenant.objects.bulk_create(intervenants)
