"""A caseload import: the file, its dry run, and what confirming it did (issue 17, point 2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from reussite.core.imports.fichier import ImportDeFichier
from reussite.core.models import Programme

__all__ = ["ImportParcours", "StatutImport"]


class StatutImport(models.TextChoices):
    ANALYSE = "analyse", _("Analysé : à confirmer")
    EN_COURS = "en_cours", _("Import en cours")
    TERMINE = "termine", _("Importé")
    ECHEC = "echec", _("Échec : rien n’a été importé")
    ABANDONNE = "abandonne", _("Abandonné")


class ImportParcours(ImportDeFichier):
    """One uploaded caseload file (the plan's entries carry the versions of the child and the
    pathway an update would change)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="imports")
    statut = models.CharField(
        max_length=20, choices=StatutImport.choices, default=StatutImport.ANALYSE
    )
    # The parsed rows (text), next to the dry run's plan.
    donnees = models.JSONField(default=list)

    class Meta(ImportDeFichier.Meta):
        verbose_name = _("import de parcours")
        verbose_name_plural = _("imports de parcours")

    def __str__(self):
        return f"Import n° {self.pk}"
