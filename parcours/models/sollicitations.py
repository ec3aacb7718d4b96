"""Requests to partners (sollicitations, issue 21): a référent or the coordination formally
asks a structure of the programme's network to act on an objective, and the structure answers.

A request names only what the partner needs: what is asked, why (without confidential detail),
by when. It never opens the pathway: whether the partner sees the child is still decided by
consent and assignment alone (`parcours.access`); otherwise the partner reads a pseudonymised
reference (`reference`) and answers about availability only.
"""

from datetime import date

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partenaires.models import Domaine, Professionnel, Structure
from reussite.core.models import Programme

from .base import NON_SUIVIS, Parcours, suivi
from .suivi import Action, Objectif

__all__ = [
    "STATUTS_SOLLICITATION_REPONDUS",
    "MotifRefus",
    "Sollicitation",
    "StatutSollicitation",
]


class StatutSollicitation(models.TextChoices):
    ENVOYEE = "envoyee", _("Envoyée, sans réponse")
    ACCEPTEE = "acceptee", _("Acceptée")
    ATTENTE = "attente", _("Liste d’attente")
    REFUSEE = "refusee", _("Refusée")
    REDIRIGEE = "redirigee", _("Réorientée vers une autre structure")
    RETIREE = "retiree", _("Retirée")


# The partner's answers (what the obstacles report measures).
STATUTS_SOLLICITATION_REPONDUS = (
    StatutSollicitation.ACCEPTEE,
    StatutSollicitation.ATTENTE,
    StatutSollicitation.REFUSEE,
    StatutSollicitation.REDIRIGEE,
)


class MotifRefus(models.TextChoices):
    CAPACITE = "capacite", _("Pas de capacité disponible")
    MISSION = "mission", _("Hors de nos missions")
    CONDITIONS = "conditions", _("Conditions d’accès non remplies")
    FAMILLE = "famille", _("Famille injoignable")
    AUTRE = "autre", _("Autre motif")


@pghistory.track(*suivi(), exclude=[*NON_SUIVIS, "version"])
class Sollicitation(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="sollicitations"
    )
    parcours = models.ForeignKey(Parcours, on_delete=models.CASCADE, related_name="sollicitations")
    objectif = models.ForeignKey(
        Objectif,
        verbose_name=_("objectif"),
        on_delete=models.PROTECT,
        related_name="sollicitations",
    )
    # Copied from the objective: the report counts by domain even once the pathway is gone.
    domaine = models.CharField(_("domaine"), max_length=20, choices=Domaine.choices)
    structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure sollicitée"),
        on_delete=models.PROTECT,
        related_name="sollicitations",
    )
    professionnel = models.ForeignKey(
        Professionnel,
        verbose_name=_("professionnel sollicité"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sollicitations",
    )
    demande = models.TextField(
        _("ce qui est demandé"),
        help_text=_("Ce que la structure pourrait faire, sans nommer l’enfant ni sa famille."),
    )
    motif = models.TextField(
        _("pourquoi"),
        help_text=_("Le besoin en quelques mots, sans détail confidentiel."),
    )
    echeance = models.DateField(_("réponse souhaitée avant le"))
    statut = models.CharField(
        _("statut"),
        max_length=12,
        choices=StatutSollicitation.choices,
        default=StatutSollicitation.ENVOYEE,
    )
    # --- the answer
    date_rdv = models.DateField(_("date de début ou de rendez-vous"), null=True, blank=True)
    delai_semaines = models.PositiveSmallIntegerField(
        _("délai d’attente estimé (semaines)"), null=True, blank=True
    )
    motif_refus = models.CharField(
        _("motif du refus"), max_length=12, choices=MotifRefus.choices, blank=True
    )
    # Before the suggested structure was chosen from the network, it was typed: kept for the
    # answers given then (and scrubbed by anonymisation), no longer written.
    redirigee_vers = models.CharField(_("structure conseillée"), max_length=200, blank=True)
    # « Réorientée »: the structure of the programme's network the partner suggests. The team
    # confirms, and one step sends the same request there (`suite` of this one).
    structure_conseillee = models.ForeignKey(
        Structure,
        verbose_name=_("structure conseillée"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # RESTRICT, not PROTECT: the first request cannot be deleted alone, but a pathway's
    # requests go together with it (both ends are in the same cascade).
    origine = models.OneToOneField(
        "self",
        verbose_name=_("fait suite à"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="suite",
    )
    commentaire_reponse = models.TextField(_("précision"), blank=True)
    repondu_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    repondu_le = models.DateTimeField(_("réponse le"), null=True, blank=True)
    retiree_le = models.DateTimeField(_("retirée le"), null=True, blank=True)
    # The action an accepted request became (one at most).
    action = models.OneToOneField(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sollicitation",
    )
    version = models.PositiveIntegerField(default=1)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    envoyee_le = models.DateTimeField(_("envoyée le"))
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sollicitation")
        verbose_name_plural = _("sollicitations")
        ordering = ["-envoyee_le", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(statut="refusee") | ~Q(motif_refus=""),
                name="sollicitation_refus_motive",
                violation_error_message=_("Un refus indique son motif."),
            ),
            models.CheckConstraint(
                condition=Q(statut__in=["envoyee", "retiree"]) | Q(repondu_le__isnull=False),
                name="sollicitation_reponse_datee",
                violation_error_message=_("Une réponse est datée."),
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "envoyee_le"]),
            models.Index(fields=["structure", "statut"]),
            models.Index(fields=["professionnel", "statut"]),
            models.Index(fields=["statut", "echeance"]),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        """What the partner reads instead of the child's name when it may not see the child."""
        return f"SOL-{self.pk:06d}" if self.pk else "SOL-?"

    @property
    def suite_envoyee(self) -> "Sollicitation | None":
        """The request sent on to the suggested structure, if any (`suite` raises when none)."""
        try:
            return self.suite
        except Sollicitation.DoesNotExist:
            return None

    @property
    def en_attente_de_reponse(self) -> bool:
        return self.statut == StatutSollicitation.ENVOYEE

    @property
    def en_retard(self) -> bool:
        return self.en_attente_de_reponse and self.echeance < date.today()

    @property
    def delai_reponse_jours(self) -> int | None:
        if self.repondu_le is None:
            return None
        return (self.repondu_le.date() - self.envoyee_le.date()).days
