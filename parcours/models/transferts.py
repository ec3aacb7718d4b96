"""A pathway following the family when it moves to another programme of the platform.

Each programme stays the controller of its own rows: on acceptance the child and the family are
copied into the receiving programme and a new pathway opens there, waiting for the family's own
consent. The transfer row is the trace both sides keep: the sending pathway (exited with the
reason « transfert ») and the receiving one each show the other as a label.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reussite.core.models import Programme

from .base import Parcours

__all__ = ["StatutTransfert", "Transfert"]


class StatutTransfert(models.TextChoices):
    PROPOSE = "propose", _("Proposé")
    ACCEPTE = "accepte", _("Accepté")
    REFUSE = "refuse", _("Refusé")


class Transfert(models.Model):
    parcours_origine = models.ForeignKey(
        Parcours, on_delete=models.PROTECT, related_name="transferts_sortants"
    )
    programme_origine = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="transferts_sortants"
    )
    programme_destination = models.ForeignKey(
        Programme,
        verbose_name=_("programme qui accueille"),
        on_delete=models.PROTECT,
        related_name="transferts_entrants",
    )
    statut = models.CharField(
        max_length=20, choices=StatutTransfert.choices, default=StatutTransfert.PROPOSE
    )
    # What the receiving coordination needs to decide, and nothing more: no name, no notes.
    resume = models.JSONField(default=dict)
    # The family agreed that the team-visible notes follow the child.
    avec_notes_equipe = models.BooleanField(
        _("la famille accepte que les notes d’équipe suivent l’enfant"), default=False
    )
    propose_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    propose_le = models.DateTimeField(auto_now_add=True)
    decide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decide_le = models.DateTimeField(null=True, blank=True)
    motif_refus = models.TextField(_("motif du refus"), blank=True)
    parcours_destination = models.OneToOneField(
        Parcours,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfert_entrant",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("transfert")
        verbose_name_plural = _("transferts")
        ordering = ["-propose_le", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["parcours_origine"],
                condition=Q(statut=StatutTransfert.PROPOSE),
                name="un_transfert_propose_par_parcours",
                violation_error_message=_("Un transfert est déjà proposé pour ce parcours."),
            ),
            models.CheckConstraint(
                condition=~Q(programme_origine=models.F("programme_destination")),
                name="transfert_vers_un_autre_programme",
            ),
        ]

    def __str__(self):
        return f"Transfert n° {self.pk}"

    @property
    def programme_id(self):
        # Reminders to the receiving coordination carry its programme.
        return self.programme_destination_id
