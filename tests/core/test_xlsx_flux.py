"""The streamed XLSX writer of the list exports (issue 18): a workbook spreadsheet software and
openpyxl read back, whose first bytes leave before the first row is read."""

import hashlib
import io
import warnings
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from reussite.core.exports import neutraliser
from reussite.core.xlsx_flux import xlsx_en_flux


def _lire(octets: bytes):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no « no default style » or other repair warning
        return load_workbook(io.BytesIO(octets))


def test_le_classeur_se_relit_cellule_par_cellule():
    lignes = [
        ['Héloïse <&> "guillemets"', date(2026, 3, 4), datetime(2026, 3, 4, 14, 30), 3],
        [neutraliser("=SOMME(A1)"), None, "", Decimal("12.50")],
        ["contrôle\x01retiré", 0, -2.5, "  espaces  "],
    ]
    classeur = _lire(
        b"".join(xlsx_en_flux([("Actions / 2026: [test]", ["A", "B", "C", "D"], lignes)]))
    )
    feuille = classeur.active
    assert feuille.title == "Actions   2026   test "
    valeurs = [[c.value for c in rangee] for rangee in feuille.iter_rows()]
    assert valeurs[0] == ["A", "B", "C", "D"]
    assert valeurs[1] == [
        'Héloïse <&> "guillemets"',
        datetime(2026, 3, 4),
        datetime(2026, 3, 4, 14, 30),
        3,
    ]
    assert valeurs[2] == ["'=SOMME(A1)", None, None, 12.5]
    assert valeurs[3] == ["contrôleretiré", 0, -2.5, "  espaces  "]
    assert feuille["B2"].number_format == "dd/mm/yyyy"


def test_plusieurs_feuilles():
    classeur = _lire(b"".join(xlsx_en_flux([("Une", ["x"], [[1]]), ("Deux", ["y"], [[2], [3]])])))
    assert classeur.sheetnames == ["Une", "Deux"]
    assert [c.value for c in classeur["Deux"]["A"]] == ["y", 2, 3]


def test_les_premiers_octets_partent_avant_la_premiere_ligne():
    lues = []

    def lignes():
        for i in range(1000):
            lues.append(i)
            # Hard to compress, so that deflate hands out bytes as it goes.
            yield [hashlib.sha256(str(i).encode()).hexdigest(), i]

    flux = xlsx_en_flux([("Feuille", ["texte", "n"], lignes())])
    premier = next(flux)
    assert premier.startswith(b"PK") and lues == []
    reste = list(flux)
    # Rows leave by batches while they are read, not all at the end.
    assert sum(1 for morceau in reste if morceau) > 3
    classeur = _lire(premier + b"".join(reste))
    assert classeur.active.max_row == 1001
