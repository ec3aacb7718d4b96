from django import forms
from django.utils.translation import gettext_lazy as _

from reussite.core.forms import FormulaireDsfr

__all__ = ["ImportForm"]


class ImportForm(FormulaireDsfr):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, empty_label=None)
    fichier = forms.FileField(
        label=_("Fichier des enfants et de leurs parcours"),
        help_text=_(
            "CSV (séparateur « ; » ou « , », UTF-8 ou Windows) ou XLSX, 10 Mo et 20 000 lignes au plus."
        ),
        error_messages={"required": _("Choisissez le fichier à importer.")},
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["programme"].initial = programmes.first()
