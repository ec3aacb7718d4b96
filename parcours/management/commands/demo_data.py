"""`manage.py demo_data`: a realistic and entirely synthetic data set for demonstrations.

One fictional programme ("PRE de Val-de-Réussite"), twelve partner structures, thirty
professionals, two hundred children with their families and pathways in every status, and one
login per role. It never runs by itself: it refuses when DEBUG is off unless `--force` is given.

Determinism: names come from Faker (fr_FR) and every choice from one generator, both seeded with
`GRAINE`, so two installations show the same children. Dates are computed from today, so the data
set always looks current (open pathways, reviews due, valid consents).

Proportions follow DOMAIN.md, "Realistic proportions": 58 % boys; ages 2–5, 6–10 and 11–16 in the
survey's 15/52/32 ratio (17 and over left out: the PRE takes children up to 16); school levels
derived from the birth date; most children referred by their school; school results, then social
isolation, as the main motives; pathways of 12 to 19 months for those that reach their objectives.

Rows are written with `bulk_create`, not through the services: the services stamp the history
with "now" and refuse dates in the future of "today", while a demo needs a past that already
happened. The command therefore keeps the services' invariants itself (the status lifecycle, a
consent before leaving "en attente de consentement", coherent dates, `Enfant.recherche`) and
derives permissions with the function the services call. `tests/parcours/test_demo_data.py` checks those
invariants on the result.
"""

import random
import time as chronometre
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F
from django.utils import timezone
from faker import Faker

from parcours.demo.actions import generer_actions
from parcours.demo.conventions import generer_conventions
from parcours.demo.dispositifs import generer_dispositifs
from parcours.demo.eps import generer_eps
from parcours.demo.journal import generer_journal
from parcours.demo.juridique import generer_juridique
from parcours.demo.offres import generer_offres
from parcours.demo.orientations import generer_orientations
from parcours.demo.protection import generer_rectifications
from parcours.demo.second_programme import NOM_SECOND_PROGRAMME, generer_second_programme
from parcours.demo.sollicitations import generer_sollicitations
from parcours.demo.statistiques import generer_pilotage
from parcours.demo.transitions import generer_transitions
from parcours.models import (
    ChangementStatut,
    Consentement,
    Enfant,
    Famille,
    Finalite,
    Intervenant,
    LienResponsable,
    MotifOrientation,
    MotifSortie,
    NiveauScolaire,
    Orienteur,
    Parcours,
    ProfilAccompagnement,
    ResponsableLegal,
    Sexe,
    Statut,
)
from parcours.permissions import parcours_permissions_recalculer
from parcours.text import normaliser
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

GRAINE = 2026
NOM_PROGRAMME = "PRE de Val-de-Réussite"
VILLE = "Val-de-Réussite"
COMMUNES = [VILLE, "Réussite-le-Haut", "Pont-de-Réussite"]
# Fictional QPV codes: département "999" does not exist.
CODES_QPV = ["QP999001", "QP999002"]
QUARTIERS_QPV = ["Les Coteaux", "La Résidence du Parc"]
QUARTIERS_HORS_QPV = ["Centre-ville", "Bellevue", "Les Vignes"]

# Not a secret: the demo accounts are public by design and the command prints it.
MOT_DE_PASSE = "reussite-demo-2026"
DOMAINE = "demo.reussite.test"
EMAIL_COORDINATION = f"coordination@{DOMAINE}"
EMAIL_REFERENT = f"referent@{DOMAINE}"
EMAIL_PARTENAIRE = f"partenaire@{DOMAINE}"
EMAIL_ADMIN = f"admin@{DOMAINE}"
EMAIL_PILOTAGE = f"pilotage@{DOMAINE}"
EMAIL_DPO = f"dpo@{DOMAINE}"
# The second programme (transfers between programmes): its coordinator and référent.
EMAILS_SECOND_PROGRAMME = {
    "coordinateur": f"coordination.rive-claire@{DOMAINE}",
    "referent": f"referent.rive-claire@{DOMAINE}",
}
COMPTES = [
    ("coordinateur", EMAIL_COORDINATION),
    ("référent de parcours", EMAIL_REFERENT),
    ("professionnel partenaire", EMAIL_PARTENAIRE),
    ("administrateur", EMAIL_ADMIN),
    ("comité de pilotage", EMAIL_PILOTAGE),
    ("délégué à la protection des données", EMAIL_DPO),
    (f"coordinateur ({NOM_SECOND_PROGRAMME})", EMAILS_SECOND_PROGRAMME["coordinateur"]),
    (f"référent ({NOM_SECOND_PROGRAMME})", EMAILS_SECOND_PROGRAMME["referent"]),
]

# (key, name, type, UAI). UAI codes in the non-existent département 999.
STRUCTURES = [
    ("porteuse", f"CCAS de {VILLE}", TypeStructure.PORTEUSE, ""),
    ("maternelle", "École maternelle Les Coquelicots", TypeStructure.ECOLE, "9990101K"),
    ("groupe_scolaire", "Groupe scolaire Jean-Jaurès", TypeStructure.ECOLE, "9990102L"),
    ("elementaire", "École élémentaire Louise-Michel", TypeStructure.ECOLE, "9990103M"),
    ("college", "Collège Simone-Veil", TypeStructure.ECOLE, "9990104N"),
    ("departement", "Maison départementale des solidarités du Val", TypeStructure.DEPARTEMENT, ""),
    ("pmi", "Centre de PMI des Coteaux", TypeStructure.PMI, ""),
    ("caf", f"CAF – point d’accueil de {VILLE}", TypeStructure.CAF, ""),
    ("cmp", "CMP infanto-juvénile du Val", TypeStructure.SANTE, ""),
    ("ville", f"Ville de {VILLE} – direction jeunesse et sports", TypeStructure.VILLE, ""),
    ("asso_devoirs", "Association Graines de savoirs", TypeStructure.ASSOCIATION, ""),
    ("asso_parents", "Association Parents en chemin", TypeStructure.ASSOCIATION, ""),
]

# (structure key, function, fixed email of a demo login or None): 30 professionals.
PROFESSIONNELS = [
    ("porteuse", Fonction.COORDINATEUR, EMAIL_COORDINATION),
    ("porteuse", Fonction.REFERENT, EMAIL_REFERENT),
    *[("porteuse", Fonction.REFERENT, None)] * 5,
    ("maternelle", Fonction.DIRECTEUR_ECOLE, None),
    ("maternelle", Fonction.ENSEIGNANT, None),
    ("groupe_scolaire", Fonction.DIRECTEUR_ECOLE, None),
    ("groupe_scolaire", Fonction.ENSEIGNANT, None),
    ("groupe_scolaire", Fonction.PSYCHOLOGUE, None),
    ("elementaire", Fonction.DIRECTEUR_ECOLE, None),
    ("elementaire", Fonction.ENSEIGNANT, None),
    ("college", Fonction.DIRECTEUR_ECOLE, None),
    ("college", Fonction.ENSEIGNANT, None),
    ("college", Fonction.INFIRMIER, None),
    ("departement", Fonction.ASSISTANT_SOCIAL, EMAIL_PARTENAIRE),
    ("departement", Fonction.ASSISTANT_SOCIAL, None),
    ("departement", Fonction.EDUCATEUR, None),
    ("pmi", Fonction.INFIRMIER, None),
    ("pmi", Fonction.MEDECIN, None),
    ("caf", Fonction.CONSEILLER_CAF, None),
    ("cmp", Fonction.PSYCHOLOGUE, None),
    ("cmp", Fonction.ORTHOPHONISTE, None),
    ("ville", Fonction.ANIMATEUR, None),
    ("ville", Fonction.ANIMATEUR, None),
    ("asso_devoirs", Fonction.ANIMATEUR, None),
    ("asso_devoirs", Fonction.ANIMATEUR, None),
    ("asso_parents", Fonction.EDUCATEUR, None),
]

NOMBRE_ENFANTS = 200
SEXES = {Sexe.MASCULIN: 58, Sexe.FEMININ: 42}
TRANCHES_AGE = {(2, 5): 15, (6, 10): 52, (11, 16): 32}
# Within a band: few two-year-olds, and more collégiens than lycéens (the 2014–15 levels had 3 %
# at lycée). Ages not listed weigh 1.
POIDS_DES_AGES = {
    2: 0.4,
    3: 1,
    4: 1.2,
    5: 1.4,
    11: 1.25,
    12: 1.15,
    13: 1,
    14: 0.8,
    15: 0.5,
    16: 0.3,
}
# Family sizes: (children per family, number of families); 200 children in all.
FRATRIES = [(3, 6), (2, 20), (1, 142)]
FAMILLES_ASE = 2  # guardianship entrusted to the ASE: the département signs the consent

# Open pathways per status, then exits as (reason, status before exit, count): 162 + 38 = 200.
STATUTS_OUVERTS = {
    Statut.REPERAGE: 12,
    Statut.EN_ATTENTE_CONSENTEMENT: 14,
    Statut.DIAGNOSTIC: 16,
    Statut.EN_COURS: 110,
    Statut.SUSPENDU: 10,
}
SORTIES = [
    (MotifSortie.OBJECTIFS_ATTEINTS, Statut.EN_COURS, 14),
    (MotifSortie.REFUS_FAMILLE, Statut.EN_ATTENTE_CONSENTEMENT, 3),
    (MotifSortie.REFUS_FAMILLE, Statut.DIAGNOSTIC, 2),
    (MotifSortie.REFUS_FAMILLE, Statut.EN_COURS, 2),
    (MotifSortie.DEMENAGEMENT, Statut.EN_COURS, 3),
    (MotifSortie.DEMENAGEMENT, Statut.SUSPENDU, 1),
    (MotifSortie.DEMENAGEMENT, Statut.DIAGNOSTIC, 1),
    (MotifSortie.REORIENTATION, Statut.EN_COURS, 3),
    (MotifSortie.REORIENTATION, Statut.DIAGNOSTIC, 2),
    (MotifSortie.PRISE_EN_CHARGE_ASE, Statut.EN_COURS, 1),
    (MotifSortie.PRISE_EN_CHARGE_ASE, Statut.SUSPENDU, 1),
    (MotifSortie.LIMITE_AGE, Statut.EN_COURS, 2),
    (MotifSortie.SANS_NOUVELLES, Statut.REPERAGE, 1),
    (MotifSortie.SANS_NOUVELLES, Statut.EN_ATTENTE_CONSENTEMENT, 1),
    (MotifSortie.SANS_NOUVELLES, Statut.SUSPENDU, 1),
]
SANS_REFERENT = {Statut.REPERAGE: 6, Statut.EN_ATTENTE_CONSENTEMENT: 2}
PARCOURS_DU_REFERENT_DEMO = 25  # open ones; plus a few exits
REVUES_DEPASSEES = 10

# Days between entry and today for each open status.
ANCIENNETE = {
    Statut.REPERAGE: (0, 25),
    Statut.EN_ATTENTE_CONSENTEMENT: (7, 60),
    Statut.DIAGNOSTIC: (25, 90),
    Statut.EN_COURS: (60, 640),
    Statut.SUSPENDU: (150, 500),
}
# Days spent in the previous status before reaching this one.
DELAIS = {
    Statut.EN_ATTENTE_CONSENTEMENT: (1, 10),
    Statut.DIAGNOSTIC: (7, 30),
    Statut.EN_COURS: (21, 60),
    Statut.SUSPENDU: (60, 200),
}
RETOUR_APRES_SUSPENSION = (14, 60)

# The lifecycle's main line; "suspendu" branches off "en cours" and comes back to it.
LIGNEE = [Statut.REPERAGE, Statut.EN_ATTENTE_CONSENTEMENT, Statut.DIAGNOSTIC, Statut.EN_COURS]

# PS to 3e, one per school year: NiveauScolaire lists them in order between "non scolarisé" and
# "lycée".
NIVEAUX = list(NiveauScolaire)[1:-1]
MATERNELLE = {NiveauScolaire.NON_SCOLARISE, *NIVEAUX[:3]}
CLASSES_LYCEE = ["Seconde", "Première", "Terminale"]

ORIENTEURS = {
    Orienteur.ECOLE: 56,
    Orienteur.SERVICE_SOCIAL: 12,
    Orienteur.FAMILLE: 9,
    Orienteur.PMI: 7,
    Orienteur.SANTE: 5,
    Orienteur.ASSOCIATION: 4,
    Orienteur.VILLE: 3,
    Orienteur.ASE: 2,
    Orienteur.AUTRE: 2,
}
STRUCTURE_ORIENTEUR = {
    Orienteur.SERVICE_SOCIAL: "departement",
    Orienteur.ASE: "departement",
    Orienteur.PMI: "pmi",
    Orienteur.SANTE: "cmp",
    Orienteur.VILLE: "ville",
}
MOTIFS_ELEVE = {
    MotifOrientation.RESULTATS_SCOLAIRES: 45,
    MotifOrientation.ISOLEMENT_SOCIAL: 20,
    MotifOrientation.COMPORTEMENT: 12,
    MotifOrientation.ABSENTEISME: 6,
    MotifOrientation.PARENTALITE: 6,
    MotifOrientation.SANTE: 5,
    MotifOrientation.LANGAGE: 4,
    MotifOrientation.AUTRE: 2,
}
MOTIFS_PETITS = {
    MotifOrientation.LANGAGE: 30,
    MotifOrientation.ISOLEMENT_SOCIAL: 20,
    MotifOrientation.RESULTATS_SCOLAIRES: 15,
    MotifOrientation.COMPORTEMENT: 14,
    MotifOrientation.PARENTALITE: 13,
    MotifOrientation.SANTE: 8,
}
PROFILS = {
    ProfilAccompagnement.LEGER: 35,
    ProfilAccompagnement.SOUTENU: 45,
    ProfilAccompagnement.RENFORCE: 20,
}
LANGUES = {"français": 76, "arabe": 8, "turc": 4, "portugais": 4, "soninké": 4, "tamoul": 4}

COMMENTAIRES_SUSPENSION = [
    "Hospitalisation de l’enfant.",
    "Séjour prolongé de la famille à l’étranger.",
    "Famille temporairement indisponible.",
    "Suspension à la demande de la famille.",
]
COMMENTAIRES_SORTIE = {
    MotifSortie.OBJECTIFS_ATTEINTS: "Objectifs atteints : le droit commun prend le relais.",
    MotifSortie.REFUS_FAMILLE: "La famille ne souhaite pas poursuivre l’accompagnement.",
    MotifSortie.DEMENAGEMENT: "La famille a déménagé hors du territoire du programme.",
    MotifSortie.REORIENTATION: "Réorientation vers un accompagnement de droit commun.",
    MotifSortie.PRISE_EN_CHARGE_ASE: "Prise en charge par l’aide sociale à l’enfance.",
    MotifSortie.LIMITE_AGE: "L’enfant a atteint la limite d’âge du programme.",
    MotifSortie.SANS_NOUVELLES: "Aucune nouvelle de la famille malgré plusieurs relances.",
}


def _repartir(total: int, poids: dict) -> list:
    """`total` values in the proportions of `poids`, exactly (largest remainder method)."""
    somme = sum(poids.values())
    parts = {cle: total * p / somme for cle, p in poids.items()}
    nombres = {cle: int(part) for cle, part in parts.items()}
    reste = total - sum(nombres.values())
    for cle in sorted(parts, key=lambda c: parts[c] - nombres[c], reverse=True)[:reste]:
        nombres[cle] += 1
    return [cle for cle, nombre in nombres.items() for _ in range(nombre)]


def _anniversaire(naissance: date, age: int) -> date:
    try:
        return naissance.replace(year=naissance.year + age)
    except ValueError:  # born on 29 February
        return naissance.replace(year=naissance.year + age, day=28)


def _expiration(signature: date) -> date:
    """End of the school year (5 July); a consent signed in June covers the next year too."""
    fin = date(signature.year, 7, 5)
    if signature >= fin:
        return date(signature.year + 1, 7, 5)
    return date(signature.year + 1, 7, 5) if signature.month == 6 else fin


# Consents are recorded on the day they are signed, at this time (UTC), set in SQL in one go.
HEURE_DES_CONSENTEMENTS = timedelta(hours=13)


def _enregistrement(signature: date) -> datetime:
    return datetime.combine(signature, time(), tzinfo=UTC) + HEURE_DES_CONSENTEMENTS


def _identifiant(texte: str) -> str:
    return normaliser(texte).replace(" ", "-")


@dataclass
class _Enfant:
    """A child being generated, with their pathway's plan; written in bulk afterwards."""

    sexe: str
    age: int
    ase: bool = False
    famille: Famille | None = None
    enfant: Enfant | None = None
    statut: str = ""
    motif_sortie: str = ""
    chemin: list[str] = field(default_factory=list)
    referent: Professionnel | None = None


class Command(BaseCommand):
    help = (
        "Crée un jeu de données de démonstration réaliste et entièrement fictif "
        f"(« {NOM_PROGRAMME} »). Ne fait rien s’il existe déjà."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Exécuter même quand DEBUG est désactivé (jamais en production).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG est désactivé : ces données de démonstration ne doivent pas arriver en "
                "production. Relancez avec --force si vous êtes sûr de l’environnement."
            )
        if Programme.objects.filter(nom=NOM_PROGRAMME).exists():
            self.stdout.write(
                f"Le programme de démonstration « {NOM_PROGRAMME} » existe déjà : "
                "aucune donnée créée."
            )
            self._retablir_mots_de_passe()
        else:
            if User.objects.filter(email__iendswith=f"@{DOMAINE}").exists():
                raise CommandError(
                    f"Des comptes @{DOMAINE} existent sans le programme « {NOM_PROGRAMME} » : "
                    "supprimez-les avant de recréer les données de démonstration."
                )
            debut = chronometre.monotonic()
            with transaction.atomic():
                resume = _Generateur(date.today()).generer()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Programme « {NOM_PROGRAMME} » créé en "
                    f"{chronometre.monotonic() - debut:.1f} s : {resume}."
                )
            )
        self.stdout.write("")
        self.stdout.write(f"Comptes de démonstration (mot de passe : {MOT_DE_PASSE})")
        largeur = max(len(libelle) for libelle, _ in COMPTES)
        for libelle, email in COMPTES:
            self.stdout.write(f"  {libelle:<{largeur}}  {email}")

    def _retablir_mots_de_passe(self):
        # The printed logins must work: a demo account whose password was changed gets the demo
        # password back. Nothing is written when it still matches. The accounts share one hash,
        # checked once: each check costs a full key derivation.
        verifies: dict[str, bool] = {}
        for _libelle, email in COMPTES:
            user = User.objects.filter(email=email).first()
            if user is None:
                self.stdout.write(self.style.WARNING(f"Compte {email} introuvable."))
                continue
            if user.password not in verifies:
                verifies[user.password] = user.check_password(MOT_DE_PASSE)
            if not verifies[user.password]:
                user.set_password(MOT_DE_PASSE)
                user.save(update_fields=["password"])
                self.stdout.write(f"Mot de passe de démonstration rétabli pour {email}.")


class _Generateur:
    def __init__(self, aujourdhui: date):
        self.aujourdhui = aujourdhui
        self.maintenant = timezone.now()
        self.rng = random.Random(GRAINE)  # noqa: S311 (reproducible demo data, not secrets)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(GRAINE)
        self.emails: set[str] = set()

    # Small helpers -------------------------------------------------------------------------

    def _choix(self, poids: dict):
        return self.rng.choices(list(poids), weights=list(poids.values()))[0]

    def _telephone(self, mobile: bool = True) -> str:
        # Ranges ARCEP reserves for fiction: 06 39 98 xx xx and 01 99 00 xx xx.
        prefixe = "06 39 98" if mobile else "01 99 00"
        return f"{prefixe} {self.rng.randint(0, 99):02d} {self.rng.randint(0, 99):02d}"

    def _email(self, prenom: str, nom: str, domaine: str) -> str:
        base = f"{_identifiant(prenom)}.{_identifiant(nom)}"
        email, n = f"{base}@{domaine}", 1
        while email in self.emails:
            n += 1
            email = f"{base}{n}@{domaine}"
        self.emails.add(email)
        return email

    def _moment(self, jour: date, apres: datetime | None = None) -> datetime:
        """An office-hours moment on `jour`, not in the future, strictly after `apres`."""
        heure = time(self.rng.randint(9, 17), self.rng.choice([0, 15, 30, 45]))
        moment = min(timezone.make_aware(datetime.combine(jour, heure)), self.maintenant)
        if apres is not None and moment <= apres:
            moment = apres + timedelta(minutes=20)
        return moment

    def _jours(self, bornes: tuple[int, int]) -> timedelta:
        return timedelta(days=self.rng.randint(*bornes))

    # Generation ----------------------------------------------------------------------------

    def generer(self) -> str:
        self._programme_et_structures()
        self._professionnels()
        enfants = self._familles_et_enfants()
        self._planifier(enfants)
        self._parcours(enfants)
        self._charte_et_intervenants()
        # The second programme and its one transferred child, before the actions, meetings
        # and notes: those go to the pathways still open. The transfer goes through the
        # services, which derive the moved pathway's permissions themselves.
        generer_second_programme(
            programme=self.programme,
            coordinateur=self.coordination.user,
            emails=EMAILS_SECOND_PROGRAMME,
            mot_de_passe_chiffre=User.objects.get(email=EMAIL_ADMIN).password,
            aujourdhui=self.aujourdhui,
        )
        generer_offres(
            programme=self.programme,
            structures=self.structures,
            parcours=list(
                Parcours.objects.filter(programme=self.programme)
                .select_related("enfant")
                .order_by("pk")
            ),
            rng=self.rng,
            auteur=None,
        )
        generer_conventions(
            programme=self.programme,
            structures=self.structures,
            auteur=User.objects.get(email=EMAIL_ADMIN),
            aujourdhui=self.aujourdhui,
        )
        resume_actions = generer_actions(
            programme=self.programme,
            structures=self.structures,
            auteur=self.coordination.user,
            rng=self.rng,
            aujourdhui=self.aujourdhui,
            reserves=(self.coordination, self.referent_demo, self.partenaire_demo),
        )
        resume_eps = generer_eps(
            programme=self.programme,
            coordinateur=self.coordination.user,
            rng=self.rng,
            aujourdhui=self.aujourdhui,
        )
        generer_journal(
            programme=self.programme,
            coordinateur=self.coordination.user,
            rng=self.rng,
            maintenant=self.maintenant,
        )
        generer_rectifications(
            programme=self.programme, coordinateur=self.coordination.user, rng=self.rng
        )
        generer_dispositifs(
            programme=self.programme,
            coordinateur=self.coordination.user,
            rng=self.rng,
            aujourdhui=self.aujourdhui,
        )
        # Referrals: the demo partner refers from their structure, others from theirs.
        auteurs = {}
        for professionnel in self.professionnels:
            cle = next(k for k, s in self.structures.items() if s.pk == professionnel.structure_id)
            auteurs.setdefault(cle, professionnel)
        auteurs["departement"] = self.partenaire_demo
        generer_orientations(
            programme=self.programme,
            auteurs=auteurs,
            coordinateur=self.coordination.user,
            rng=self.rng,
            aujourdhui=self.aujourdhui,
        )
        generer_sollicitations(
            programme=self.programme,
            coordinateur=self.coordination.user,
            partenaire=self.partenaire_demo,
            rng=self.rng,
            aujourdhui=self.aujourdhui,
        )
        # School transitions (issue 21): checklists in every state for next September.
        generer_transitions(
            programme=self.programme,
            coordinateur=self.coordination.user,
            rng=self.rng,
            aujourdhui=self.aujourdhui,
        )
        generer_pilotage(
            programme=self.programme,
            email=EMAIL_PILOTAGE,
            mot_de_passe_chiffre=User.objects.get(email=EMAIL_ADMIN).password,
        )
        generer_juridique(
            programme=self.programme,
            ville=VILLE,
            email_dpo=EMAIL_DPO,
            mot_de_passe_chiffre=User.objects.get(email=EMAIL_ADMIN).password,
        )
        for parcours in (
            Parcours.objects.filter(programme=self.programme)
            .select_related("referent__user")
            .prefetch_related("consentements")
        ):
            parcours_permissions_recalculer(parcours=parcours)
        return (
            f"{len(self.structures)} structures, {len(self.professionnels)} professionnels, "
            f"{len(self.familles)} familles, {len(enfants)} enfants et parcours, "
            f"{self.nombre_consentements} consentements, {resume_actions}, {resume_eps}"
        )

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
                email=f"contact.{_identifiant(cle)}@{DOMAINE}",
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

    def _age(self, minimum: int, maximum: int) -> int:
        ages = range(minimum, maximum + 1)
        return self.rng.choices(ages, weights=[POIDS_DES_AGES.get(age, 1) for age in ages])[0]

    def _naissance(self, age: int, rang_dans_fratrie: int) -> date:
        # Siblings' birthdays fall in disjoint parts of the year, so that two siblings one year
        # apart in age are born at least a year apart; a two-year-old is at least 2 years and a
        # month old, leaving room for an entry after their second birthday.
        debut, fin = [(30, 140), (141, 250), (251, 364)][rang_dans_fratrie]
        return _anniversaire(self.aujourdhui, -age) - self._jours((debut, fin))

    def _niveau(self, naissance: date) -> tuple[str, int]:
        rentree = self.aujourdhui.year if self.aujourdhui.month >= 9 else self.aujourdhui.year - 1
        rang = rentree - naissance.year - 3
        if rang >= 5 and self.rng.random() < 0.08:  # repeated a year
            rang -= 1
        if rang < 0:
            return NiveauScolaire.NON_SCOLARISE, rang
        if rang >= len(NIVEAUX):
            return NiveauScolaire.LYCEE, rang
        return NIVEAUX[rang], rang

    def _familles_et_enfants(self) -> list[_Enfant]:
        sexes = _repartir(NOMBRE_ENFANTS, SEXES)
        tranches = _repartir(NOMBRE_ENFANTS, TRANCHES_AGE)
        self.rng.shuffle(sexes)
        self.rng.shuffle(tranches)
        plans = [
            _Enfant(sexe=sexe, age=self._age(*tranche))
            for sexe, tranche in zip(sexes, tranches, strict=True)
        ]
        tailles = [taille for taille, nombre in FRATRIES for _ in range(nombre)]
        self.rng.shuffle(tailles)
        fratries, debut = [], 0
        for taille in tailles:
            fratries.append(plans[debut : debut + taille])
            debut += taille
        assert debut == NOMBRE_ENFANTS

        familles, responsables, enfants = [], [], []
        self.responsables_par_famille: dict[int, list[ResponsableLegal]] = {}
        self.familles_ase: set[int] = set(range(FAMILLES_ASE))
        for index, fratrie in enumerate(fratries):
            nom = self.fake.last_name()
            qpv = self.rng.random() < 0.75
            quartier = self.rng.choice(QUARTIERS_QPV if qpv else QUARTIERS_HORS_QPV)
            famille = Famille(
                programme=self.programme,
                adresse=self.fake.street_address(),
                commune=VILLE if qpv or self.rng.random() < 0.6 else self.rng.choice(COMMUNES),
                langue_parlee=self._choix(LANGUES),
            )
            familles.append(famille)
            famille_responsables = self._responsables(famille, nom, ase=index in self.familles_ase)
            responsables.extend(famille_responsables)
            # Each family lives in one school sector: maternelle + élémentaire, or the
            # groupe scolaire for both.
            secteur = self.rng.choice([("maternelle", "elementaire"), ("groupe_scolaire",) * 2])
            aine = None
            for rang, plan in enumerate(sorted(fratrie, key=lambda p: p.age)):
                plan.famille, plan.ase = famille, index in self.familles_ase
                # Siblings of the same age are twins.
                if aine is not None and aine.age == plan.age:
                    naissance = aine.enfant.date_naissance
                else:
                    naissance = self._naissance(plan.age, rang)
                plan.enfant = self._enfant(plan, famille, nom, naissance, secteur, quartier, qpv)
                enfants.append(plan.enfant)
                aine = plan
            self.responsables_par_famille[id(famille)] = famille_responsables

        # bulk_create fills each foreign key from its related object, saved just before.
        Famille.objects.bulk_create(familles)
        ResponsableLegal.objects.bulk_create(responsables)
        Enfant.objects.bulk_create(enfants)
        self.familles = familles
        return [plan for fratrie in fratries for plan in fratrie]

    def _responsables(self, famille: Famille, nom: str, *, ase: bool) -> list[ResponsableLegal]:
        if ase:
            departement = self.structures["departement"]
            return [
                ResponsableLegal(
                    famille=famille,
                    nom="Département – Aide sociale à l’enfance",
                    lien=LienResponsable.INSTITUTION,
                    telephone=departement.telephone,
                    email=departement.email,
                )
            ]
        composition = self._choix({"deux_parents": 55, "mere": 35, "pere": 7, "tuteur": 3})
        personnes = []
        if composition in ("deux_parents", "mere"):
            nom_mere = nom if composition == "mere" or self.rng.random() < 0.6 else None
            personnes.append(
                (
                    LienResponsable.MERE,
                    self.fake.first_name_female(),
                    nom_mere or self.fake.last_name(),
                )
            )
        if composition in ("deux_parents", "pere"):
            personnes.append((LienResponsable.PERE, self.fake.first_name_male(), nom))
        if composition == "tuteur":
            personnes.append((LienResponsable.TUTEUR, self.fake.first_name_female(), nom))
        return [
            ResponsableLegal(
                famille=famille,
                nom=nom_personne,
                prenom=prenom,
                lien=lien,
                telephone=self._telephone(),
                email=(
                    self._email(prenom, nom_personne, "exemple.test")
                    if self.rng.random() < 0.45
                    else ""
                ),
            )
            for lien, prenom, nom_personne in personnes
        ]

    def _enfant(self, plan, famille, nom, naissance, secteur, quartier, qpv) -> Enfant:
        prenom = (
            self.fake.first_name_male()
            if plan.sexe == Sexe.MASCULIN
            else self.fake.first_name_female()
        )
        niveau, rang_scolaire = self._niveau(naissance)
        etablissement, classe = None, ""
        if niveau == NiveauScolaire.LYCEE:
            classe = CLASSES_LYCEE[min(rang_scolaire - len(NIVEAUX), 2)]
        elif niveau != NiveauScolaire.NON_SCOLARISE:
            cle = secteur[0] if rang_scolaire < 3 else secteur[1]
            if rang_scolaire >= 8:
                cle = "college"
            etablissement = self.structures[cle]
            court = niveau if niveau[0].isdigit() else niveau.upper()  # "PS", "CE1", "6e"
            classe = f"{court} {self.rng.choice('ABC')}"
        return Enfant(
            programme=self.programme,
            famille=famille,
            nom=nom,
            prenom=prenom,
            date_naissance=naissance,
            sexe=plan.sexe,
            etablissement=etablissement,
            niveau_scolaire=niveau,
            classe=classe,
            quartier=quartier,
            qpv=qpv,
            recherche=normaliser(f"{nom} {prenom}"),  # bulk_create skips Enfant.save()
        )

    def _planifier(self, enfants: list[_Enfant]):
        """Give each child a status, an exit reason and a status path; then a référent."""
        plans = [(statut, "", statut) for statut, n in STATUTS_OUVERTS.items() for _ in range(n)]
        plans += [(Statut.SORTI, motif, avant) for motif, avant, n in SORTIES for _ in range(n)]
        assert len(plans) == len(enfants)
        self.rng.shuffle(plans)
        # Exits for the age limit go to children who have turned 16.
        seize_ans = [j for j, plan in enumerate(enfants) if plan.age == 16]
        for i, (_statut, motif, _avant) in enumerate(plans):
            if motif == MotifSortie.LIMITE_AGE and enfants[i].age < 16:
                j = next((j for j in seize_ans if plans[j][1] != MotifSortie.LIMITE_AGE), None)
                if j is None:
                    raise CommandError("Pas assez d’enfants de 16 ans pour les sorties par âge.")
                plans[i], plans[j] = plans[j], plans[i]
        for plan, (statut, motif, avant) in zip(enfants, plans, strict=True):
            plan.statut, plan.motif_sortie = statut, motif
            if avant == Statut.SUSPENDU:
                plan.chemin = [*LIGNEE, Statut.SUSPENDU]
            else:
                plan.chemin = LIGNEE[: LIGNEE.index(avant) + 1]
                # Some pathways went through a suspension and resumed.
                if avant == Statut.EN_COURS and self.rng.random() < 0.12:
                    plan.chemin += [Statut.SUSPENDU, Statut.EN_COURS]

        ouverts = [p for p in enfants if p.statut != Statut.SORTI]
        sans_referent = {
            id(p)
            for statut, n in SANS_REFERENT.items()
            for p in [q for q in ouverts if q.statut == statut][:n]
        }
        a_referer = [p for p in ouverts if id(p) not in sans_referent]
        # The partner's pathways: under way, so with a consent valid today (see _consentements).
        pour_partenaire = [p for p in a_referer if p.statut == Statut.EN_COURS][:2]
        for plan in pour_partenaire:
            plan.referent = self.partenaire_demo
        self.plans_du_partenaire = {id(p) for p in pour_partenaire}
        reste = [p for p in a_referer if p.referent is None]
        for plan in self.rng.sample(reste, PARCOURS_DU_REFERENT_DEMO):
            plan.referent = self.referent_demo
        sortis = [p for p in enfants if p.statut == Statut.SORTI]
        for plan in [p for p in sortis if p.chemin != [Statut.REPERAGE]][:3]:
            plan.referent = self.referent_demo
        # A child who left during identification may never have had a référent.
        for plan in a_referer + [p for p in sortis if p.chemin != [Statut.REPERAGE]]:
            if plan.referent is None:
                plan.referent = self.rng.choice(self.autres_referents)

    def _parcours(self, enfants: list[_Enfant]):
        parcours, historiques, consentements, signatures = [], [], [], []
        dates_parcours, dates_historique = [], []
        for plan in enfants:
            p, historique, plan_consentements, derniere_activite = self._un_parcours(plan)
            parcours.append(p)
            dates_parcours.append((historique[0][1], derniere_activite))
            historiques.append(historique)
            consentements.append(plan_consentements)
        self._revues(enfants, parcours)
        Parcours.objects.bulk_create(parcours)

        lignes_historique, lignes_consentement = [], []
        for p, historique, plan_consentements in zip(
            parcours, historiques, consentements, strict=True
        ):
            for changement, moment in historique:
                changement.parcours = p
                lignes_historique.append(changement)
                dates_historique.append(moment)
            for consentement, signataires in plan_consentements:
                consentement.parcours = p
                lignes_consentement.append(consentement)
                signatures.append(signataires)
        ChangementStatut.objects.bulk_create(lignes_historique)
        Consentement.objects.bulk_create(lignes_consentement)
        Signataire = Consentement.signataires.through
        Signataire.objects.bulk_create(
            Signataire(consentement_id=consentement.pk, responsablelegal_id=responsable.pk)
            for consentement, signataires in zip(lignes_consentement, signatures, strict=True)
            for responsable in signataires
        )
        self.nombre_consentements = len(lignes_consentement)
        self.parcours_du_partenaire = {
            p.pk
            for plan, p in zip(enfants, parcours, strict=True)
            if id(plan) in self.plans_du_partenaire
        }
        self._structures_des_consentements(parcours, lignes_consentement)

        # bulk_create stamps auto_now_add fields with "now"; bulk_update writes the real past.
        for p, (cree_le, derniere_activite) in zip(parcours, dates_parcours, strict=True):
            p.cree_le, p.derniere_activite = cree_le, derniere_activite
        Parcours.objects.bulk_update(parcours, ["cree_le", "derniere_activite"])
        for changement, moment in zip(lignes_historique, dates_historique, strict=True):
            changement.le = moment
        ChangementStatut.objects.bulk_update(lignes_historique, ["le"], batch_size=500)
        Consentement.objects.filter(parcours__programme=self.programme).update(
            cree_le=ExpressionWrapper(
                F("date_signature") + HEURE_DES_CONSENTEMENTS, output_field=DateTimeField()
            )
        )

    def _structures_des_consentements(self, parcours, consentements):
        """Each consent names the structures the family accepts to share with: the child's
        school, one to three other partners, and the partner login's structure for the pathways
        that login follows (so that it sees them)."""
        par_parcours = {p.pk: p for p in parcours}
        autres = [
            s
            for s in self.structures.values()
            if s.type not in (TypeStructure.PORTEUSE, TypeStructure.ECOLE)
        ]
        Partage = Consentement.structures.through
        lignes = []
        for consentement in consentements:
            p = par_parcours[consentement.parcours_id]
            nommees = {s.pk for s in self.rng.sample(autres, self.rng.randint(1, 3))}
            if p.enfant.etablissement_id:
                nommees.add(p.enfant.etablissement_id)
            if p.pk in self.parcours_du_partenaire:
                nommees.add(self.partenaire_demo.structure_id)
            lignes += [Partage(consentement_id=consentement.pk, structure_id=pk) for pk in nommees]
        Partage.objects.bulk_create(lignes)

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

    def _un_parcours(self, plan: _Enfant):
        enfant = plan.enfant
        deux_ans = _anniversaire(enfant.date_naissance, 2)
        # Dates: entry, exit, then each status of the path in between.
        if plan.statut == Statut.SORTI:
            if plan.motif_sortie == MotifSortie.LIMITE_AGE:
                seize_ans = _anniversaire(enfant.date_naissance, 16)
                sortie = seize_ans + self._jours((0, (self.aujourdhui - seize_ans).days))
                duree = (240, 600)
            else:
                sortie = self.aujourdhui - self._jours((5, 500))
                duree = {
                    MotifSortie.OBJECTIFS_ATTEINTS: (330, 600),
                    MotifSortie.REFUS_FAMILLE: (10, 120),
                }.get(plan.motif_sortie, (30, 400))
            sortie = max(sortie, deux_ans + timedelta(days=1))
            entree = max(sortie - self._jours(duree), deux_ans)
            fin = sortie
        else:
            # Open pathways' history stops yesterday: today's office hours may not have come yet.
            hier = self.aujourdhui - timedelta(days=1)
            entree = max(hier - self._jours(ANCIENNETE[plan.statut]), deux_ans)
            sortie, fin = None, hier
        jalons = [entree]
        for precedent, statut in zip(plan.chemin, plan.chemin[1:], strict=False):
            retour = precedent == Statut.SUSPENDU
            jalons.append(
                jalons[-1] + self._jours(RETOUR_APRES_SUSPENSION if retour else DELAIS[statut])
            )
        etendue, total = (fin - entree).days, (jalons[-1] - entree).days
        if total > etendue:  # a short pathway: the same steps, closer together
            jalons = [entree + timedelta(days=(j - entree).days * etendue // total) for j in jalons]
        if plan.statut == Statut.SUSPENDU:  # suspended lately, not right after the entry
            jalons[-1] = max(jalons[-2], fin - self._jours((7, 90)))

        auteur_suivi = (plan.referent or self.coordination).user
        historique, moment = [], None
        etapes = list(zip(["", *plan.chemin], plan.chemin, jalons, strict=False))
        if sortie is not None:
            etapes.append((plan.chemin[-1], Statut.SORTI, sortie))
        for ancien, nouveau, jour in etapes:
            moment = self._moment(jour, apres=moment)
            commentaire = self._commentaire(ancien, nouveau, plan.motif_sortie)
            auteur = self.coordination.user if ancien in ("", Statut.REPERAGE) else auteur_suivi
            historique.append(
                (
                    ChangementStatut(
                        ancien_statut=ancien,
                        nouveau_statut=nouveau,
                        auteur=auteur,
                        commentaire=commentaire,
                    ),
                    moment,
                )
            )
        consentements = []
        if Statut.DIAGNOSTIC in plan.chemin:
            couverture = sortie or self.aujourdhui
            consentements = self._consentements(plan, jalons, couverture, auteur_suivi)
        derniere_activite = max(
            [moment, *(_enregistrement(c.date_signature) for c, _signataires in consentements)]
        )
        return (
            Parcours(
                programme=self.programme,
                enfant=enfant,
                statut=plan.statut,
                orienteur=(orienteur := self._orienteur(plan)),
                orienteur_structure=self._structure_orienteur(orienteur, enfant),
                motifs_orientation=self._motifs(enfant),
                profil_accompagnement=(
                    self._choix(PROFILS) if Statut.EN_COURS in plan.chemin else ""
                ),
                referent=plan.referent,
                date_entree=entree,
                date_sortie=sortie,
                motif_sortie=plan.motif_sortie,
                version=len(historique) + len(consentements),
            ),
            historique,
            consentements,
            derniere_activite,
        )

    def _commentaire(self, ancien: str, nouveau: str, motif_sortie: str) -> str:
        if ancien == "":
            return "Création du parcours"
        if nouveau == Statut.EN_ATTENTE_CONSENTEMENT:
            return "Premier rendez-vous avec la famille ; formulaire de consentement remis."
        if nouveau == Statut.DIAGNOSTIC:
            return "Consentement signé par la famille."
        if nouveau == Statut.EN_COURS:
            if ancien == Statut.SUSPENDU:
                return "Reprise de l’accompagnement."
            return "Entrée validée en EPS."
        if nouveau == Statut.SUSPENDU:
            return self.rng.choice(COMMENTAIRES_SUSPENSION)
        return COMMENTAIRES_SORTIE[motif_sortie]

    def _consentements(self, plan, jalons, couverture: date, auteur):
        """The signed consent, then a renewal before each 5 July until `couverture` (the exit,
        or today: an open pathway past "en attente de consentement" has a valid consent)."""
        indice = plan.chemin.index(Statut.DIAGNOSTIC)
        signature = max(jalons[indice] - self._jours((0, 3)), jalons[indice - 1])
        responsables = self.responsables_par_famille[id(plan.famille)]
        consentements = []
        while True:
            expiration = _expiration(signature)
            signataires = list(responsables)
            if len(signataires) == 2 and self.rng.random() < 0.3:
                signataires = [self.rng.choice(signataires)]
            consentement = Consentement(
                date_signature=signature,
                date_expiration=expiration,
                finalites=[f.value for f in Finalite],
                enregistre_par=auteur,
            )
            consentements.append((consentement, signataires))
            if expiration > couverture:
                break
            signature = expiration - self._jours((5, 30))
        if plan.motif_sortie == MotifSortie.REFUS_FAMILLE:
            consentement = consentements[-1][0]
            consentement.date_retrait = couverture
            consentement.motif_retrait = "La famille retire son consentement."
        return consentements

    def _orienteur(self, plan: _Enfant) -> str:
        if plan.ase:
            return Orienteur.ASE
        poids = dict(ORIENTEURS)
        if plan.enfant.niveau_scolaire == NiveauScolaire.NON_SCOLARISE:
            poids[Orienteur.ECOLE] = 0
        if plan.age > 6:
            poids[Orienteur.PMI] = 0
        return self._choix(poids)

    def _structure_orienteur(self, orienteur: str, enfant: Enfant) -> Structure | None:
        if orienteur == Orienteur.ECOLE:
            return enfant.etablissement
        if orienteur == Orienteur.ASSOCIATION:
            return self.structures[self.rng.choice(["asso_devoirs", "asso_parents"])]
        cle = STRUCTURE_ORIENTEUR.get(orienteur)
        return self.structures[cle] if cle else None

    def _motifs(self, enfant: Enfant) -> list[str]:
        poids = dict(MOTIFS_PETITS if enfant.niveau_scolaire in MATERNELLE else MOTIFS_ELEVE)
        if enfant.niveau_scolaire == NiveauScolaire.NON_SCOLARISE:
            poids[MotifOrientation.RESULTATS_SCOLAIRES] = 0
        motifs = []
        for _ in range(self._choix({1: 45, 2: 40, 3: 15})):
            motif = self._choix(poids)
            poids[motif] = 0
            motifs.append(str(motif))
        return motifs

    def _revues(self, enfants: list[_Enfant], parcours: list[Parcours]):
        """A review date on pathways in diagnosis or under way; a few are past due."""
        suivis = [
            (plan, p)
            for plan, p in zip(enfants, parcours, strict=True)
            if plan.statut in (Statut.DIAGNOSTIC, Statut.EN_COURS, Statut.SUSPENDU)
        ]
        for _plan, p in suivis:
            p.date_prochaine_revue = self.aujourdhui + self._jours((7, 120))
        du_referent = [p for plan, p in suivis if plan.referent is self.referent_demo]
        des_autres = [
            p
            for plan, p in suivis
            if plan.referent not in (self.referent_demo, self.partenaire_demo)
        ]
        depassees = self.rng.sample(du_referent, min(3, len(du_referent)))
        depassees += self.rng.sample(des_autres, REVUES_DEPASSEES - len(depassees))
        for p in depassees:
            p.date_prochaine_revue = self.aujourdhui - self._jours((3, 60))
