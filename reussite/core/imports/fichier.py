"""What every import's row has in common; each app's import adds its own programme link (its
reverse name), its statuses and its own fields."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["ImportDeFichier"]


class ImportDeFichier(models.Model):
    """One uploaded file. The dry run stores its plan (`lignes`: one entry per row with the
    action, the errors, and what the rows it would change looked like); confirming replays the
    plan in one transaction, or nothing (`resultat`). The file itself is not kept."""

    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nom_fichier = models.CharField(_("fichier"), max_length=200)
    empreinte = models.CharField(max_length=64)
    lignes = models.JSONField(default=list)
    resultat = models.JSONField(default=dict)
    cree_le = models.DateTimeField(auto_now_add=True)
    termine_le = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
        ordering = ["-cree_le", "-pk"]

    def compter(self, action: str) -> int:
        return sum(1 for ligne in self.lignes if ligne["action"] == action)
