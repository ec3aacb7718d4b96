"""An import of the partner network by a programme's administrator (issue 17, point 2):
structures, their professionals and their offers, from one file."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from reussite.core.imports.fichier import ImportDeFichier
from reussite.core.models import Programme

__all__ = ["ImportReseau", "StatutImportReseau"]


class StatutImportReseau(models.TextChoices):
    ANALYSE = "analyse", _("Analysé : à confirmer")
    EN_COURS = "en_cours", _("Import en cours")
    TERMINE = "termine", _("Importé")
    ECHEC = "echec", _("Échec : rien n’a été importé")


class ImportReseau(ImportDeFichier):
    """One uploaded network file (the plan's entries carry the fingerprint of the rows they
    would change)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="imports_reseau"
    )
    # Invitation e-mails to the professionals created, only when the importer asked for them.
    inviter = models.BooleanField(_("inviter les professionnels créés"), default=False)
    statut = models.CharField(
        max_length=20, choices=StatutImportReseau.choices, default=StatutImportReseau.ANALYSE
    )

    class Meta(ImportDeFichier.Meta):
        verbose_name = _("import du réseau")
        verbose_name_plural = _("imports du réseau")

    def __str__(self):
        return f"Import du réseau n° {self.pk}"
