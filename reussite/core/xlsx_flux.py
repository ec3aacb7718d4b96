"""A streamed XLSX writer for the list exports (issue 18).

openpyxl builds the whole workbook before the first byte leaves (5.2 s for a 5,000-action list,
nothing sent until then) and spends most of it on cell objects. A worksheet is only XML in a
ZIP archive: this writes the rows' XML straight into a deflated ZIP entry and hands the
compressed bytes out as they come. `zipfile` writes to a stream that cannot seek with data
descriptors, so nothing is held back. Cells: inline strings, numbers, dates and date-times
(serial numbers with a French display format); every value is neutralised by the caller
(`reussite.core.exports.neutraliser`), so a text starting like a formula is already prefixed.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

__all__ = ["xlsx_en_flux"]

# Characters XML 1.0 forbids (control characters other than tab, line feed, carriage return).
_INTERDITS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TITRE_INTERDIT = re.compile(r"[\\/?*\[\]:]")
_EPOQUE = datetime(1899, 12, 30)
# Rows written between two hand-outs of compressed bytes.
LOT = 200

_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
{feuilles}</Types>"""
_TYPE_FEUILLE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/></Relationships>"""
_CLASSEUR = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<sheets>{feuilles}</sheets></workbook>"""
_RELS_CLASSEUR = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
{feuilles}<Relationship Id="rIdStyles" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
Target="styles.xml"/></Relationships>"""
# Style 1: a date (dd/mm/yyyy); style 2: a date and time (dd/mm/yyyy hh:mm).
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>\
<numFmt numFmtId="165" formatCode="dd/mm/yyyy\\ hh:mm"/></numFmts>\
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""
_DEBUT_FEUILLE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_FIN_FEUILLE = "</sheetData></worksheet>"


class _Sortie:
    """What `zipfile` writes into: kept until the generator hands it out. No `seek` or `tell`,
    so that zipfile streams (data descriptors after each entry)."""

    def __init__(self):
        self.morceaux: list[bytes] = []

    def write(self, donnees) -> int:
        self.morceaux.append(bytes(donnees))
        return len(donnees)

    def flush(self):
        pass

    def vider(self) -> bytes:
        donnees = b"".join(self.morceaux)
        self.morceaux.clear()
        return donnees


def _colonne(i: int) -> str:
    lettres = ""
    i += 1
    while i:
        i, reste = divmod(i - 1, 26)
        lettres = chr(65 + reste) + lettres
    return lettres


def _cellule(reference: str, valeur) -> str:
    if type(valeur) is str:  # most cells: tested first
        if not valeur:
            return ""
        texte = escape(_INTERDITS.sub("", valeur))
        return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{texte}</t></is></c>'
    if valeur is None or valeur == "":
        return ""
    if isinstance(valeur, bool):
        valeur = str(valeur)
    if isinstance(valeur, datetime):
        serie = (valeur.replace(tzinfo=None) - _EPOQUE).total_seconds() / 86400
        return f'<c r="{reference}" s="2"><v>{serie!r}</v></c>'
    if isinstance(valeur, date):
        return f'<c r="{reference}" s="1"><v>{(valeur - _EPOQUE.date()).days}</v></c>'
    if isinstance(valeur, int | float | Decimal):
        return f'<c r="{reference}"><v>{valeur}</v></c>'
    texte = escape(_INTERDITS.sub("", str(valeur)))
    return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{texte}</t></is></c>'


def _ligne(numero: int, valeurs: Iterable, colonnes: list[str]) -> str:
    cellules = []
    for i, valeur in enumerate(valeurs):
        while i >= len(colonnes):
            colonnes.append(_colonne(len(colonnes)))
        cellules.append(_cellule(f"{colonnes[i]}{numero}", valeur))
    return f'<row r="{numero}">{"".join(cellules)}</row>'


def xlsx_en_flux(feuilles: list[tuple[str, list, Iterable[Iterable]]]) -> Iterator[bytes]:
    """The workbook's bytes, a batch of rows at a time. `feuilles`: (title, headers, rows), the
    values already neutralised."""
    sortie = _Sortie()
    # A sheet name holds none of \\ / ? * [ ] : and at most 31 characters.
    titres = [_TITRE_INTERDIT.sub(" ", titre)[:31] for titre, _e, _l in feuilles]
    with zipfile.ZipFile(sortie, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr(
            "[Content_Types].xml",
            _TYPES.format(
                feuilles="".join(_TYPE_FEUILLE.format(n=n) for n in range(1, len(titres) + 1))
            ),
        )
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr(
            "xl/workbook.xml",
            _CLASSEUR.format(
                feuilles="".join(
                    f'<sheet name="{escape(_INTERDITS.sub("", t), {chr(34): "&quot;"})}" '
                    f'sheetId="{n}" r:id="rId{n}"/>'
                    for n, t in enumerate(titres, 1)
                )
            ),
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            _RELS_CLASSEUR.format(
                feuilles="".join(
                    f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/'
                    f'officeDocument/2006/relationships/worksheet" '
                    f'Target="worksheets/sheet{n}.xml"/>'
                    for n in range(1, len(titres) + 1)
                )
            ),
        )
        zf.writestr("xl/styles.xml", _STYLES)
        yield sortie.vider()
        for n, (_titre, entetes, lignes) in enumerate(feuilles, 1):
            colonnes: list[str] = []
            with zf.open(f"xl/worksheets/sheet{n}.xml", "w") as feuille:
                feuille.write(_DEBUT_FEUILLE.encode())
                feuille.write(_ligne(1, entetes, colonnes).encode())
                lot = []
                for numero, ligne in enumerate(lignes, 2):
                    lot.append(_ligne(numero, ligne, colonnes))
                    if len(lot) >= LOT:
                        feuille.write("".join(lot).encode())
                        lot.clear()
                        yield sortie.vider()
                feuille.write(("".join(lot) + _FIN_FEUILLE).encode())
            yield sortie.vider()
    yield sortie.vider()
