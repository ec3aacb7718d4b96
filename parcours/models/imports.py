"""A caseload import: the file, its dry run, and what confirming it did (issue 17, point 2)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reussite.core.models import Programme

__all__ = ["ImportParcours", "StatutImport"]


class StatutImport(models.TextChoices):
    ANALYSE = "analyse", _("Analysé : à confirmer")
    EN_COURS = "en_cours", _("Import en cours")
    TERMINE = "termine", _("Importé")
    ECHEC = "echec", _("Échec : rien n’a été importé")
    ABANDONNE = "abandonne", _("Abandonné")


class ImportParcours(models.Model):
    """One uploaded file. The dry run stores its plan (`lignes`: one entry per row with the
    action, the errors, and the versions of the rows it would update); confirming replays the
    plan in one transaction, or nothing."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="imports")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nom_fichier = models.CharField(_("fichier"), max_length=200)
    empreinte = models.CharField(max_length=64)
    statut = models.CharField(
        max_length=20, choices=StatutImport.choices, default=StatutImport.ANALYSE
    )
    # The parsed rows (text) and the dry run's plan: the file itself is not kept.
    donnees = models.JSONField(default=list)
    lignes = models.JSONField(default=list)
    resultat = models.JSONField(default=dict)
    cree_le = models.DateTimeField(auto_now_add=True)
    termine_le = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("import de parcours")
        verbose_name_plural = _("imports de parcours")
        ordering = ["-cree_le", "-pk"]

    def __str__(self):
        return f"Import n° {self.pk}"

    def compter(self, action: str) -> int:
        return sum(1 for ligne in self.lignes if ligne["action"] == action)
