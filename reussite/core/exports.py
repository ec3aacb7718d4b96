"""CSV and XLSX exports: neutralised against formula injection, streamed, and registered by kind.

A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as
a formula; every text cell that does is prefixed with `'` so that it stays text.

Every list export of the project goes through this module. The business apps register their
kinds (`enregistrer`) with a function that builds, *for one user and one query string*, the same
queryset as the list page: the synchronous view and the background task both call it, so an
export never holds more than the user may see at the moment it is built. The core knows nothing
of the business apps beyond that registry.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from io import BytesIO
from typing import IO

from django.db.models import Count
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook

DEBUTS_DANGEREUX = ("=", "+", "-", "@", "\t", "\r")
TYPE_CSV = "text/csv; charset=utf-8"
TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TYPE_PDF = "application/pdf"
FORMATS = ("csv", "xlsx")
TYPES_MIME = {"csv": TYPE_CSV, "xlsx": TYPE_XLSX, "pdf": TYPE_PDF}
# Rows fetched per round trip from the server-side cursor.
TAILLE_LOT = 500


@lru_cache(maxsize=256)
def _libelles(modele, champ: str, langue: str) -> dict:
    return {valeur: str(texte) for valeur, texte in modele._meta.get_field(champ).flatchoices}


def libelle(instance, champ: str):
    """`instance.get_<champ>_display()` at a fraction of its cost. Django rebuilds the field's
    choices mapping on every call, hashing each lazy label (one gettext per label): a 10,000-row
    export spent four fifths of its time there. The mapping is built once per language."""
    valeur = getattr(instance, champ)
    return _libelles(type(instance), champ, get_language()).get(valeur, valeur)


def libelles(modele, champ: str) -> dict:
    """The field's choice labels in the current language, `{value: label}`: what `libelle`
    reads, for rows read as tuples (`Tableau.colonnes`). Built once per language."""
    return _libelles(modele, champ, get_language())


def neutraliser(valeur):
    """A cell value safe to open in a spreadsheet: text starting like a formula gets a `'`."""
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return _("oui") if valeur else _("non")
    if isinstance(valeur, datetime):
        # Spreadsheets hold no time zone: the local wall-clock time is what users expect.
        return (
            timezone.localtime(valeur).replace(tzinfo=None) if timezone.is_aware(valeur) else valeur
        )
    if isinstance(valeur, int | float | Decimal | date):
        return valeur
    texte = str(valeur)
    if texte.startswith(DEBUTS_DANGEREUX):
        return "'" + texte
    return texte


def neutraliser_texte(texte: str) -> str:
    """`neutraliser` for a value known to be a `str`: the common case, without the type tests."""
    return "'" + texte if texte.startswith(DEBUTS_DANGEREUX) else texte


def _texte_csv(valeur):
    if isinstance(valeur, datetime):
        return valeur.strftime("%d/%m/%Y %H:%M")
    if isinstance(valeur, date):
        return date_fr(valeur)
    if isinstance(valeur, Decimal | float):
        return str(valeur).replace(".", ",")
    return valeur


def date_fr(jour: date) -> str:
    """`jour.strftime("%d/%m/%Y")` without strftime's cost (a tenth of it): dates are most of
    an export's cells after text."""
    if jour.year < 1000:  # strftime's own padding of such years is platform-dependent
        return jour.strftime("%d/%m/%Y")
    return f"{jour.day:02d}/{jour.month:02d}/{jour.year}"


def cellule_csv(valeur):
    """`_texte_csv(neutraliser(valeur))`, with the common types tested first (exact types:
    a `str` subclass such as a lazy or enum label takes the general path)."""
    genre = type(valeur)
    if genre is str:
        return "'" + valeur if valeur.startswith(DEBUTS_DANGEREUX) else valeur
    if valeur is None:
        return ""
    if genre is date:
        return date_fr(valeur)
    if genre is int:
        return valeur
    return _texte_csv(neutraliser(valeur))


class _Tampon:
    """csv.writer writes into this and each line goes straight to its consumer."""

    def write(self, valeur):
        return valeur


class _Lot:
    """csv.writer writes a batch of lines into this; `vider` hands them out as one string."""

    def __init__(self):
        self.morceaux: list[str] = []
        self.write = self.morceaux.append

    def vider(self) -> str:
        texte = "".join(self.morceaux)
        self.morceaux.clear()
        return texte


# Rows written between two hand-outs of CSV text: one write to the client per batch instead
# of one per row.
LOT_CSV = 200


def lignes_csv(entetes: list[str], lignes: Iterable[Iterable]) -> Iterator[str]:
    """The CSV text (`;`-separated, as French spreadsheets expect), the header line alone first
    so that it leaves before the query runs, then `LOT_CSV` lines at a time."""
    ecrivain = csv.writer(_Tampon(), delimiter=";")
    # A byte-order mark so that spreadsheet software reads the accents as UTF-8.
    yield "\ufeff" + ecrivain.writerow([neutraliser(e) for e in entetes])
    lot = _Lot()
    ecrivain = csv.writer(lot, delimiter=";")
    ecrire = ecrivain.writerow
    n = 0
    for ligne in lignes:
        ecrire([cellule_csv(v) for v in ligne])
        n += 1
        if n == LOT_CSV:
            yield lot.vider()
            n = 0
    if n:
        yield lot.vider()


def reponse_csv(nom: str, entetes: list[str], lignes: Iterable[Iterable]) -> StreamingHttpResponse:
    """Streamed line by line: rows are never all held in memory."""
    reponse = StreamingHttpResponse(lignes_csv(entetes, lignes), content_type=TYPE_CSV)
    reponse["Content-Disposition"] = f'attachment; filename="{nom}.csv"'
    reponse["Cache-Control"] = "no-store"
    return reponse


def ecrire_xlsx(sortie: IO[bytes], feuilles: list[tuple[str, list[str], Iterable[Iterable]]]):
    """A workbook in openpyxl's write-only mode: rows go to a temporary file as they come and
    are never kept as cell objects."""
    classeur = Workbook(write_only=True)
    for titre, entetes, lignes in feuilles:
        feuille = classeur.create_sheet(title=titre[:31])
        feuille.append([neutraliser(e) for e in entetes])
        for ligne in lignes:
            feuille.append([neutraliser(v) for v in ligne])
    classeur.save(sortie)


def classeur_xlsx(feuilles: list[tuple[str, list[str], Iterable[Iterable]]]) -> bytes:
    sortie = BytesIO()
    ecrire_xlsx(sortie, feuilles)
    return sortie.getvalue()


def reponse_xlsx(nom: str, feuilles) -> HttpResponse:
    """Served in one piece: a synchronous XLSX export holds at most the background threshold's
    rows (written in write-only mode); larger ones are built by a task into a file."""
    reponse = HttpResponse(classeur_xlsx(feuilles), content_type=TYPE_XLSX)
    reponse["Content-Disposition"] = f'attachment; filename="{nom}.xlsx"'
    reponse["Cache-Control"] = "no-store"
    return reponse


# --- Registered list exports -------------------------------------------------------------------


@dataclass
class Tableau:
    """What a list export writes: headers, the page's queryset, and how a row reads."""

    titre: str
    entetes: list[str]
    queryset: object  # a QuerySet, ordered
    ligne: Callable[[object], list]
    # When set, `ligne` receives the tuple of these columns (`values_list`) instead of a model
    # instance: no instance of the row's model and its joined relations is built (issue 18).
    colonnes: tuple[str, ...] | None = None

    def compter(self) -> int:
        return self.queryset.count()

    def compter_par(self, champ: str) -> dict:
        """`{value of champ: rows}` in one query: the export view needs both the total and
        the programmes the rows belong to, and two scans of the list delayed the first byte."""
        return dict(
            self.queryset.order_by().values(champ).annotate(n=Count("pk")).values_list(champ, "n")
        )

    def lignes(self, progression: Callable[[int], None] | None = None) -> Iterator[list]:
        """Rows read by batches from a server-side cursor; `progression(n)` is called after
        each batch with the number of rows written so far."""
        if self.colonnes is not None:
            yield from self._lignes_de_valeurs(progression)
            return
        n = 0
        for objet in self.queryset.iterator(chunk_size=TAILLE_LOT):
            yield self.ligne(objet)
            # A prefetch cache points back to its instance (a reference cycle): dropped here,
            # each row is freed as soon as it is written instead of waiting for the garbage
            # collector, so that memory does not grow with the number of rows.
            objet.__dict__.pop("_prefetched_objects_cache", None)
            n += 1
            if progression is not None and n % TAILLE_LOT == 0:
                progression(n)
        if progression is not None:
            progression(n)

    def _lignes_de_valeurs(self, progression) -> Iterator[list]:
        ligne = self.ligne
        n = 0
        for valeurs in self.queryset.values_list(*self.colonnes).iterator(chunk_size=TAILLE_LOT):
            yield ligne(valeurs)
            n += 1
            if progression is not None and n % TAILLE_LOT == 0:
                progression(n)
        if progression is not None:
            progression(n)


@dataclass(frozen=True)
class GenreExport:
    """A kind of list export.

    `construire(user, parametres)` returns the `Tableau` of what `user` sees on the list page
    with these query parameters, or raises `Http404` when the user may not see that page (or
    may not export it: lists carrying children's identities are refused to steering users).
    """

    cle: str
    libelle: str
    nom_fichier: str
    construire: Callable[[object, QueryDict], Tableau]
    identites: bool = False
    modele: type | None = None  # traced in the access journal when `identites`
    # The path from a row to its programme: the export is traced once per programme it holds.
    champ_programme: str = ""
    # A document rather than a list (the funder's evidence pack, issue 21): `construire`
    # returns any object with `compter()` (the steps of its build), and `ecrire(objet, format,
    # sortie, progression)` writes the file; only the background build serves it.
    formats: tuple[str, ...] = FORMATS
    ecrire: Callable[[object, str, IO[bytes], Callable[[int], None] | None], None] | None = None
    # What the progress counts: rows of a list, or steps of a document.
    unite: str = "lignes"

    def ecrire_fichier(self, objet, format: str, sortie: IO[bytes], progression=None) -> None:
        if self.ecrire is not None:
            self.ecrire(objet, format, sortie, progression)
        else:
            ecrire_fichier(objet, format, sortie, progression)


GENRES: dict[str, GenreExport] = {}


def enregistrer(genre: GenreExport) -> None:
    GENRES[genre.cle] = genre


def genre_export(cle: str) -> GenreExport | None:
    return GENRES.get(cle)


def ecrire_fichier(tableau: Tableau, format: str, sortie: IO[bytes], progression=None) -> None:
    """Write the whole export to a binary file (the background task's path)."""
    if format == "csv":
        for texte in lignes_csv(tableau.entetes, tableau.lignes(progression)):
            sortie.write(texte.encode("utf-8"))
    else:
        for morceau in _xlsx_neutralise(tableau, progression):
            sortie.write(morceau)


def _xlsx_neutralise(tableau: Tableau, progression=None) -> Iterator[bytes]:
    from .xlsx_flux import xlsx_en_flux

    lignes = (
        [neutraliser_texte(v) if type(v) is str else neutraliser(v) for v in ligne]
        for ligne in tableau.lignes(progression)
    )
    return xlsx_en_flux([(tableau.titre, [neutraliser(e) for e in tableau.entetes], lignes)])


def reponse_export(tableau: Tableau, format: str, nom: str):
    """Both formats streamed: the first bytes leave before the first row is read (issue 18:
    the XLSX list was built whole by openpyxl, 5 s before its first byte)."""
    if format == "csv":
        return reponse_csv(nom, tableau.entetes, tableau.lignes())
    reponse = StreamingHttpResponse(_xlsx_neutralise(tableau), content_type=TYPE_XLSX)
    reponse["Content-Disposition"] = f'attachment; filename="{nom}.xlsx"'
    reponse["Cache-Control"] = "no-store"
    return reponse
