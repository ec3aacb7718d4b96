from django import forms
from django.utils.translation import gettext_lazy as _

from reussite.core.forms import FormulaireDsfr

__all__ = ["ImportReseauForm"]


class ImportReseauForm(FormulaireDsfr):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, empty_label=None)
    fichier = forms.FileField(
        label=_("Fichier du réseau : structures, professionnels et offres"),
        help_text=_(
            "CSV (séparateur « ; » ou « , », UTF-8 ou Windows) ou XLSX, 10 Mo et 20 000 lignes au plus."
        ),
        error_messages={"required": _("Choisissez le fichier à importer.")},
    )
    inviter = forms.BooleanField(
        label=_("Envoyer une invitation aux professionnels créés"),
        help_text=_(
            "Chacun reçoit un lien pour choisir son mot de passe. Sans cette case, les comptes "
            "sont créés sans message : vous les inviterez depuis la fiche de leur structure."
        ),
        required=False,
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["programme"].initial = programmes.first()
