"""The upload form every import starts from: the programme (among those the user may import
for) and the file, whose label is the import's own."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import FormulaireDsfr

__all__ = ["FormulaireImport", "champ_fichier"]


class FormulaireImport(FormulaireDsfr):
    """The upload form: the programme (among those the user may import for) and the file."""

    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, empty_label=None)

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["programme"].initial = programmes.first()


def champ_fichier(label: str) -> forms.FileField:
    return forms.FileField(
        label=label,
        help_text=_(
            "CSV (séparateur « ; » ou « , », UTF-8 ou Windows) ou XLSX, 10 Mo et 20 000 lignes au plus."
        ),
        error_messages={"required": _("Choisissez le fichier à importer.")},
    )
