"""School transitions (issue 21): a child changing school level next September (grande section
→ CP, CM2 → 6e, 3e → lycée or apprenticeship) and the checklist that secures the hand-over.

One row per pathway and rentrée. Each step of the checklist is dated (when it happened, or for
the meeting when it is planned) and carries who recorded it. What the family agrees to pass on
decides what the hand-over sheet (a PDF) contains; the sheet cannot be produced before that
agreement is recorded, and it never contains notes or child-protection data.
"""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import NON_SUIVIS, Parcours, suivi

__all__ = ["ETAPES_TRANSITION", "ElementTransmis", "Transition", "TypeTransition"]


class TypeTransition(models.TextChoices):
    GS_CP = "gs_cp", _("Grande section → CP")
    CM2_6E = "cm2_6e", _("CM2 → 6e")
    TROISIEME_LYCEE = "3e_lycee", _("3e → lycée ou apprentissage")
    # The coordination's correction: the child stays in the same cycle (repeats a year, level
    # wrongly derived from the birth date). The pathway leaves the list and the at-risk view.
    AUCUNE = "aucune", _("Pas de changement d’école à la rentrée")


class ElementTransmis(models.TextChoices):
    """What the family agrees to pass on to the receiving school, section by section of the
    hand-over sheet. Notes, ruptures and the information préoccupante record are never in it."""

    SCOLARITE = "scolarite", _("La scolarité actuelle (école, niveau, classe)")
    OBJECTIFS = "objectifs", _("Les objectifs du parcours et leur avancement")
    ACTIONS = "actions", _("Les actions en cours et les partenaires qui les mènent")
    CONTACT = "contact", _("Les coordonnées du référent de parcours")


# The four steps of the checklist: (prefix of the `<step>_le` / `<step>_par` fields, label).
ETAPES_TRANSITION = [
    ("contact", _("Contact avec le référent de l’établissement d’accueil")),
    ("accord_famille", _("Accord de la famille sur ce qui est transmis")),
    ("fiche_remise", _("Fiche de liaison remise à l’établissement d’accueil")),
    ("reunion", _("Rencontre avant l’été")),
]


def _auteur():
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )


# Change history like the pathway's other tracked rows (shown on its Historique tab); the
# version bump alone records nothing. Anonymisation scrubs the free texts here too.
@pghistory.track(*suivi(), exclude=[*NON_SUIVIS, "version"])
class Transition(models.Model):
    parcours = models.ForeignKey(Parcours, on_delete=models.PROTECT, related_name="transitions")
    # The September the child changes level (the school year annee_rentree–annee_rentree+1).
    annee_rentree = models.PositiveSmallIntegerField(_("rentrée"))
    type = models.CharField(_("passage"), max_length=20, choices=TypeTransition.choices)
    etablissement_accueil = models.CharField(
        _("établissement d’accueil"), max_length=200, blank=True
    )
    referent_accueil = models.CharField(
        _("référent de l’établissement d’accueil (nom, fonction)"), max_length=200, blank=True
    )
    contact_le = models.DateField(_("contact pris le"), null=True, blank=True)
    contact_par = _auteur()
    elements_transmis = ArrayField(
        models.CharField(max_length=20, choices=ElementTransmis.choices),
        verbose_name=_("ce que la famille accepte de transmettre"),
        blank=True,
        default=list,
    )
    accord_famille_le = models.DateField(
        _("accord de la famille (fiche vue avec elle) le"), null=True, blank=True
    )
    accord_famille_par = _auteur()
    fiche_remise_le = models.DateField(_("fiche de liaison remise le"), null=True, blank=True)
    fiche_remise_par = _auteur()
    reunion_le = models.DateField(_("rencontre avant l’été le"), null=True, blank=True)
    reunion_par = _auteur()
    cree_par = _auteur()
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("passage à la rentrée")
        verbose_name_plural = _("passages à la rentrée")
        ordering = ["-annee_rentree", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["parcours", "annee_rentree"],
                name="une_transition_par_parcours_et_rentree",
                violation_error_message=_(
                    "Ce parcours a déjà une liste de passage pour cette rentrée."
                ),
            )
        ]

    def __str__(self):
        return f"Passage n° {self.pk}"

    @property
    def etapes(self) -> list[dict]:
        """The checklist's steps with their date and author, in order."""
        return [
            {
                "nom": nom,
                "libelle": libelle,
                "le": getattr(self, f"{nom}_le"),
                "par": getattr(self, f"{nom}_par"),
            }
            for nom, libelle in ETAPES_TRANSITION
        ]

    @property
    def progression(self) -> int:
        return sum(1 for nom, _libelle in ETAPES_TRANSITION if getattr(self, f"{nom}_le"))
