from django.utils.translation import gettext_lazy as _

from reussite.core.imports.formulaire import FormulaireImport, champ_fichier

__all__ = ["ImportForm"]


class ImportForm(FormulaireImport):
    fichier = champ_fichier(_("Fichier des enfants et de leurs parcours"))
