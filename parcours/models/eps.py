"""Meetings of the équipe pluridisciplinaire de soutien (EPS) and the pathways they examine."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partenaires.models import Professionnel
from reussite.core.dates import PlageDates
from reussite.core.models import Programme

from .base import Parcours


class StatutReunion(models.TextChoices):
    PLANIFIEE = "planifiee", _("Planifiée")
    TENUE = "tenue", _("Tenue")
    ANNULEE = "annulee", _("Annulée")


class ReunionEPS(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="reunions_eps")
    date = models.DateTimeField(_("date et heure"))
    lieu = models.CharField(_("lieu"), max_length=200)
    statut = models.CharField(
        _("statut"), max_length=20, choices=StatutReunion.choices, default=StatutReunion.PLANIFIEE
    )
    invites = models.ManyToManyField(
        Professionnel, through="InvitationEPS", related_name="reunions_eps"
    )
    version = models.PositiveIntegerField(default=1)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("réunion de l’EPS")
        verbose_name_plural = _("réunions de l’EPS")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["programme", "-date"])]

    def __str__(self):
        return f"EPS du {self.date:%d/%m/%Y}"


class InvitationEPS(models.Model):
    reunion = models.ForeignKey(ReunionEPS, on_delete=models.CASCADE, related_name="invitations")
    professionnel = models.ForeignKey(
        Professionnel, on_delete=models.PROTECT, related_name="invitations_eps"
    )
    # None until attendance is taken.
    present = models.BooleanField(_("présent·e"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation à l’EPS")
        verbose_name_plural = _("invitations à l’EPS")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reunion", "professionnel"],
                name="invitation_eps_unique",
                violation_error_message=_("Ce professionnel est déjà invité."),
            )
        ]

    def __str__(self):
        return f"{self.professionnel} – {self.reunion}"


class Decision(models.TextChoices):
    ENTREE_VALIDEE = "entree_validee", _("Entrée validée")
    OBJECTIFS_REVUS = "objectifs_revus", _("Objectifs revus")
    MAINTIEN = "maintien", _("Maintien")
    REORIENTATION = "reorientation", _("Réorientation")
    SORTIE = "sortie", _("Sortie")


class Examen(models.Model):
    """One pathway on a meeting's agenda, and the decision taken. The relevé de conclusions is
    what partners may read; confidential notes never go here."""

    reunion = models.ForeignKey(ReunionEPS, on_delete=models.CASCADE, related_name="examens")
    parcours = models.ForeignKey(Parcours, on_delete=models.CASCADE, related_name="examens")
    ordre = models.PositiveSmallIntegerField(default=0)
    decision = models.CharField(_("décision"), max_length=20, choices=Decision.choices, blank=True)
    releve_conclusions = models.TextField(
        _("relevé de conclusions"),
        blank=True,
        help_text=_("Lu par les partenaires du parcours : n’y mettez rien de confidentiel."),
    )
    date_prochaine_revue = models.DateField(
        _("prochaine revue"), null=True, blank=True, validators=[PlageDates("revue")]
    )
    decide_le = models.DateTimeField(null=True, blank=True)
    decide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("examen en EPS")
        verbose_name_plural = _("examens en EPS")
        ordering = ["ordre", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reunion", "parcours"],
                name="examen_unique_par_reunion",
                violation_error_message=_("Ce parcours est déjà à l’ordre du jour."),
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decide_le__isnull=False),
                name="examen_decision_datee",
                violation_error_message=_("Une décision est datée."),
            ),
        ]
        indexes = [models.Index(fields=["parcours", "reunion"])]

    def __str__(self):
        return f"Examen du parcours n° {self.parcours_id}"
