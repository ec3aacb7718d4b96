"""Pre-computed statistics: one row per programme and calendar year (issue 18).

The platform-wide statistics page and survey export add up these rows instead of scanning
every pathway of the country. A row holds only counts (and two histograms of durations, so
that a median over several programmes stays exact), never anything about one child. Rows are
refreshed by the nightly task; `calcule_le` tells the page how old its figures are."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from reussite.core.models import Programme

__all__ = ["ObstaclesAnnuels", "StatistiqueAnnuelle"]


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


class ObstaclesAnnuels(models.Model):
    """The obstacles report of every programme for one calendar year, grouped by one axis
    (domain, structure type, structure, territory): the rows the live report computes over
    every request of the country, stored by the nightly task so that the platform-wide report
    reads a handful of rows instead (issue 18). Counts, delays and rates only, never a child."""

    annee = models.PositiveSmallIntegerField(_("année"))
    axe = models.CharField(_("axe"), max_length=12)
    lignes = models.JSONField(_("lignes"))
    calcule_le = models.DateTimeField(_("calculé le"))

    class Meta:
        verbose_name = _("obstacles de l’année")
        verbose_name_plural = _("obstacles des années")
        constraints = [
            models.UniqueConstraint(fields=["annee", "axe"], name="obstacles_annuels_unique")
        ]

    def __str__(self):
        return f"{self.annee} {self.axe}"
