"""The demo data set, built in one transaction by `manage.py demo_data` (see its docstring)."""

from parcours.demo.actions import generer_actions
from parcours.demo.base import GenerateurBase
from parcours.demo.cheminements import CheminementsMixin
from parcours.demo.conventions import generer_conventions
from parcours.demo.dispositifs import generer_dispositifs
from parcours.demo.eps import generer_eps
from parcours.demo.familles import FamillesMixin
from parcours.demo.journal import generer_journal
from parcours.demo.juridique import generer_juridique
from parcours.demo.offres import generer_offres
from parcours.demo.orientations import generer_orientations
from parcours.demo.parametres import (
    EMAIL_ADMIN,
    EMAIL_DPO,
    EMAIL_PILOTAGE,
    EMAILS_SECOND_PROGRAMME,
    VILLE,
)
from parcours.demo.protection import generer_rectifications
from parcours.demo.reseau import ReseauMixin
from parcours.demo.second_programme import generer_second_programme
from parcours.demo.sollicitations import generer_sollicitations
from parcours.demo.statistiques import generer_pilotage
from parcours.demo.transitions import generer_transitions
from parcours.models import Parcours
from parcours.permissions import parcours_permissions_recalculer
from reussite.core.models import User


class Generateur(ReseauMixin, FamillesMixin, CheminementsMixin, GenerateurBase):
    """One generator, one seeded random stream: the steps run in a fixed order and draw from
    the same `rng`, so that their order decides the data set (keep it when adding a step)."""

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
