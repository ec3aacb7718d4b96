"""Pre-computed statistics: one row per programme and calendar year (issue 18).

The platform-wide statistics page and survey export add up these rows instead of scanning
every pathway of the country. A row holds only counts (and two histograms of durations, so
that a median over several programmes stays exact), never anything about one child. Rows are
refreshed by the nightly task; `calcule_le` tells the page how old its figures are."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from reussite.core.models import Programme

__all__ = ["StatistiqueAnnuelle"]


class StatistiqueAnnuelle(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="statistiques_annuelles"
    )
    annee = models.PositiveSmallIntegerField(_("année"))
    chiffres = models.JSONField(_("chiffres"))
    calcule_le = models.DateTimeField(_("calculé le"))

    class Meta:
        verbose_name = _("statistique annuelle")
        verbose_name_plural = _("statistiques annuelles")
        constraints = [
            models.UniqueConstraint(
                fields=["annee", "programme"], name="statistique_annuelle_unique"
            )
        ]

    def __str__(self):
        return f"{self.programme_id} {self.annee}"
