from django import forms
from django.utils.translation import gettext_lazy as _

from reussite.core.imports.formulaire import FormulaireImport, champ_fichier

__all__ = ["ImportReseauForm"]


class ImportReseauForm(FormulaireImport):
    fichier = champ_fichier(_("Fichier du réseau : structures, professionnels et offres"))
    inviter = forms.BooleanField(
        label=_("Envoyer une invitation aux professionnels créés"),
        help_text=_(
            "Chacun reçoit un lien pour choisir son mot de passe. Sans cette case, les comptes "
            "sont créés sans message : vous les inviterez depuis la fiche de leur structure."
        ),
        required=False,
    )
