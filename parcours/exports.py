"""CSV and XLSX exports: streamed, neutralised against formula injection.

A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as
a formula; every text cell that does is prefixed with `'` so that it stays text."""

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

DEBUTS_DANGEREUX = ("=", "+", "-", "@", "\t", "\r")
TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TAILLE_LOT = 500


def neutraliser(valeur):
    """A cell value safe to open in a spreadsheet: text starting like a formula gets a `'`."""
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return _("oui") if valeur else _("non")
    if isinstance(valeur, int | float | Decimal | date | datetime):
        return valeur
    texte = str(valeur)
    if texte.startswith(DEBUTS_DANGEREUX):
        return "'" + texte
    return texte


class _Tampon:
    """csv.writer writes into this and we hand each line straight to the response."""

    def write(self, valeur):
        return valeur


def _lignes_csv(entetes: list[str], lignes: Iterable[Iterable]) -> Iterator[str]:
    ecrivain = csv.writer(_Tampon(), delimiter=";")
    # A byte-order mark so that spreadsheet software reads the accents as UTF-8.
    yield "\ufeff" + ecrivain.writerow([neutraliser(e) for e in entetes])
    for ligne in lignes:
        yield ecrivain.writerow([_texte_csv(neutraliser(v)) for v in ligne])


def _texte_csv(valeur):
    if isinstance(valeur, datetime):
        return valeur.strftime("%d/%m/%Y %H:%M")
    if isinstance(valeur, date):
        return valeur.strftime("%d/%m/%Y")
    if isinstance(valeur, Decimal | float):
        return str(valeur).replace(".", ",")
    return valeur


def reponse_csv(nom: str, entetes: list[str], lignes: Iterable[Iterable]) -> StreamingHttpResponse:
    """Streamed line by line: rows are never all held in memory."""
    reponse = StreamingHttpResponse(
        _lignes_csv(entetes, lignes), content_type="text/csv; charset=utf-8"
    )
    reponse["Content-Disposition"] = f'attachment; filename="{nom}.csv"'
    return reponse


def classeur_xlsx(feuilles: list[tuple[str, list[str], Iterable[Iterable]]]) -> bytes:
    """A workbook written in openpyxl's write-only mode (rows are not kept as objects)."""
    classeur = Workbook(write_only=True)
    for titre, entetes, lignes in feuilles:
        feuille = classeur.create_sheet(title=titre[:31])
        feuille.append([neutraliser(e) for e in entetes])
        for ligne in lignes:
            feuille.append([neutraliser(v) for v in ligne])
    sortie = BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


def reponse_xlsx(nom: str, feuilles) -> HttpResponse:
    reponse = HttpResponse(classeur_xlsx(feuilles), content_type=TYPE_XLSX)
    reponse["Content-Disposition"] = f'attachment; filename="{nom}.xlsx"'
    return reponse


def entetes_parcours() -> list[str]:
    return [
        _("Programme"),
        _("Nom"),
        _("Prénom"),
        _("Date de naissance"),
        _("Sexe"),
        _("Niveau scolaire"),
        _("Classe"),
        _("École"),
        _("QPV"),
        _("Statut"),
        _("Orienté par"),
        _("Référent"),
        _("Date d’entrée"),
        _("Date de sortie"),
        _("Motif de sortie"),
        _("Prochaine revue"),
    ]


def lignes_parcours(queryset) -> Iterator[list]:
    """One row per pathway, read by batches from a server-side cursor."""
    for p in queryset.iterator(chunk_size=TAILLE_LOT):
        enfant = p.enfant
        yield [
            p.programme.nom,
            enfant.nom,
            enfant.prenom,
            enfant.date_naissance,
            enfant.get_sexe_display(),
            enfant.get_niveau_scolaire_display(),
            enfant.classe,
            enfant.etablissement.nom if enfant.etablissement else "",
            enfant.qpv,
            p.get_statut_display(),
            p.get_orienteur_display(),
            str(p.referent.user) if p.referent else "",
            p.date_entree,
            p.date_sortie,
            p.get_motif_sortie_display(),
            p.date_prochaine_revue,
        ]
