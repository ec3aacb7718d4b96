"""An import of the partner network by a programme's administrator (issue 17, point 2):
structures, their professionals and their offers, from one file."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reussite.core.models import Programme

__all__ = ["ImportReseau", "StatutImportReseau"]


class StatutImportReseau(models.TextChoices):
    ANALYSE = "analyse", _("Analysé : à confirmer")
    EN_COURS = "en_cours", _("Import en cours")
    TERMINE = "termine", _("Importé")
    ECHEC = "echec", _("Échec : rien n’a été importé")


class ImportReseau(models.Model):
    """One uploaded file. The dry run stores its plan (`lignes`: per row the action, the
    errors and the fingerprint of the rows it would change); confirming replays the plan in
    one transaction, or nothing. The file itself is not kept."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="imports_reseau"
    )
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nom_fichier = models.CharField(_("fichier"), max_length=200)
    empreinte = models.CharField(max_length=64)
    # Invitation e-mails to the professionals created, only when the importer asked for them.
    inviter = models.BooleanField(_("inviter les professionnels créés"), default=False)
    statut = models.CharField(
        max_length=20, choices=StatutImportReseau.choices, default=StatutImportReseau.ANALYSE
    )
    lignes = models.JSONField(default=list)
    resultat = models.JSONField(default=dict)
    cree_le = models.DateTimeField(auto_now_add=True)
    termine_le = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("import du réseau")
        verbose_name_plural = _("imports du réseau")
        ordering = ["-cree_le", "-pk"]

    def __str__(self):
        return f"Import du réseau n° {self.pk}"

    def compter(self, action: str) -> int:
        return sum(1 for ligne in self.lignes if ligne["action"] == action)
