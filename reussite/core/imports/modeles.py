"""The template files of an import: the columns, one example row of synthetic data, and in the
XLSX a drop-down list on every column that takes a fixed set of values.

Each import declares its columns once (`Colonne`); the page's column table, the CSV template,
the XLSX template and the reader's header check all come from that one list, so the import
always reads back its own template.
"""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..exports import TYPE_XLSX

__all__ = ["Colonne", "libelles", "modele_csv", "modele_xlsx", "reponse_modele"]

# One example row, or several (a structure, its professional, its offer).
Exemples = dict[str, str] | Sequence[dict[str, str]]

# Not translated: the drop-down lists' formulas name it.
FEUILLE_LISTES = "Listes"


def libelles(choix) -> tuple:
    """The labels of a `TextChoices`, for `Colonne.choix` (read when the template is built)."""
    return tuple(choix.labels)


@dataclass(frozen=True)
class Colonne:
    cle: str
    aide: str
    obligatoire: bool = False
    # The values a cell may take (their French labels), when the column has a fixed set and
    # takes one of them: the XLSX template offers them as a drop-down list.
    choix: Sequence[str] = field(default=())


def _lignes(exemples: Exemples) -> list[dict[str, str]]:
    return [exemples] if isinstance(exemples, dict) else list(exemples)


def modele_csv(colonnes: Sequence[Colonne], exemples: Exemples) -> bytes:
    """UTF-8 with a BOM (French Excel opens it right), « ; » separated."""
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow([c.cle for c in colonnes])
    for exemple in _lignes(exemples):
        ecrivain.writerow([exemple.get(c.cle, "") for c in colonnes])
    return ("\ufeff" + tampon.getvalue()).encode("utf-8")


def modele_xlsx(colonnes: Sequence[Colonne], exemples: Exemples) -> bytes:
    """First sheet: the headers and the example row (the reader reads the first sheet only).
    « Colonnes »: what each column holds. « Listes »: the values of the drop-down lists, which
    a list longer than 255 characters cannot keep inline."""
    classeur = Workbook()
    donnees = classeur.active
    donnees.title = _("Données")
    donnees.append([c.cle for c in colonnes])
    # Every cell as text: a date typed « 14/03/2016 » or an identifier « 007 » stays as written.
    for exemple in _lignes(exemples):
        donnees.append([exemple.get(c.cle, "") for c in colonnes])
    gras = Font(bold=True)
    fond = PatternFill("solid", fgColor="DDDDFF")
    for rang, colonne in enumerate(colonnes, start=1):
        cellule = donnees.cell(row=1, column=rang)
        cellule.font = gras
        if colonne.obligatoire:
            cellule.fill = fond
        lettre = get_column_letter(rang)
        donnees.column_dimensions[lettre].width = max(14, len(colonne.cle) + 2)
        for ligne in range(2, 1002):
            donnees.cell(row=ligne, column=rang).number_format = "@"
    donnees.freeze_panes = "A2"

    aide = classeur.create_sheet(_("Colonnes"))
    aide.append([_("Colonne"), _("Contenu"), _("Obligatoire"), _("Valeurs possibles")])
    for cellule in aide[1]:
        cellule.font = gras
    for colonne in colonnes:
        aide.append(
            [
                colonne.cle,
                str(colonne.aide),
                _("oui") if colonne.obligatoire else "",
                ", ".join(str(c) for c in colonne.choix),
            ]
        )
    aide.column_dimensions["A"].width = 32
    aide.column_dimensions["B"].width = 70
    aide.column_dimensions["D"].width = 70

    listes = classeur.create_sheet(FEUILLE_LISTES)
    numero_liste = 0
    for rang, colonne in enumerate(colonnes, start=1):
        if not colonne.choix:
            continue
        numero_liste += 1
        lettre_liste = get_column_letter(numero_liste)
        listes.cell(row=1, column=numero_liste, value=colonne.cle).font = gras
        for i, valeur in enumerate(colonne.choix, start=2):
            listes.cell(row=i, column=numero_liste, value=str(valeur))
        fin = len(colonne.choix) + 1
        validation = DataValidation(
            type="list",
            formula1=f"{FEUILLE_LISTES}!${lettre_liste}$2:${lettre_liste}${fin}",
            allow_blank=not colonne.obligatoire,
            showErrorMessage=True,
            errorTitle=_("Valeur non prévue"),
            error=_("Choisissez une valeur de la liste (voir l’onglet « Colonnes »)."),
        )
        lettre = get_column_letter(rang)
        validation.add(f"{lettre}2:{lettre}1001")
        donnees.add_data_validation(validation)
    listes.sheet_state = "hidden"

    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


# The XLSX templates already built by this process. Building one takes 250 to 350 ms of CPU
# (openpyxl formats 25,000 cells as text and writes them), for a file that only changes with the
# code, the language and the example rows (whose dates follow the day): issue 18. A deployment
# starts new processes; a new day or language gives a new key. Bounded, as the key holds the
# example rows.
_MODELES_XLSX: dict[tuple, bytes] = {}
_MODELES_XLSX_MAX = 16


def _modele_xlsx_garde(colonnes: Sequence[Colonne], exemples: Exemples, *, nom: str) -> bytes:
    """`modele_xlsx`, built once per process for a given import (`nom`, its columns), language
    and example rows. The columns' help texts and lists are constants of the code, translated
    in the active language: the key names the language, not their text."""
    cle = (
        nom,
        get_language(),
        tuple((c.cle, c.obligatoire, len(c.choix)) for c in colonnes),
        tuple(tuple(exemple.items()) for exemple in _lignes(exemples)),
    )
    contenu = _MODELES_XLSX.get(cle)
    if contenu is None:
        contenu = modele_xlsx(colonnes, exemples)
        if len(_MODELES_XLSX) >= _MODELES_XLSX_MAX:
            _MODELES_XLSX.clear()
        _MODELES_XLSX[cle] = contenu
    return contenu


def reponse_modele(
    colonnes: Sequence[Colonne], exemples: Exemples, *, nom: str, format_: str
) -> HttpResponse:
    """The template as a download, `nom` without its extension."""
    if format_ == "xlsx":
        reponse = HttpResponse(
            _modele_xlsx_garde(colonnes, exemples, nom=nom), content_type=TYPE_XLSX
        )
    else:
        format_ = "csv"
        reponse = HttpResponse(
            modele_csv(colonnes, exemples), content_type="text/csv; charset=utf-8"
        )
    reponse["Content-Disposition"] = f'attachment; filename="{nom}.{format_}"'
    return reponse
