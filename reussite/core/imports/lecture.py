"""Read a tabular file into rows of text, or refuse it with a French message.

CSV: the csv module of the standard library, UTF-8 with or without BOM, or Windows-1252 (French
Excel), separated by « ; » or « , » (sniffed). XLSX: openpyxl in read-only mode, values only
(formulas are read as their last computed value, never evaluated), after checking the archive's
uncompressed size so that a zip bomb is refused before anything is inflated.
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TAILLE_MAX = 10 * 1024 * 1024
LIGNES_MAX = 20_000
# An XLSX of 10 MB inflates to a few tens of MB; far beyond is a zip bomb.
DECOMPRESSE_MAX = 200 * 1024 * 1024


@dataclass
class Tableau:
    entetes: list[str]
    # (line number in the file, as the user sees it, and the row's cells as text)
    lignes: list[tuple[int, list[str]]]


def _texte(valeur) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, datetime):
        return valeur.date().isoformat()
    if isinstance(valeur, date):
        return valeur.isoformat()
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    return str(valeur).strip()


def _decoder(contenu: bytes) -> str:
    if contenu.startswith(b"\xef\xbb\xbf"):
        return contenu[3:].decode("utf-8")
    try:
        return contenu.decode("utf-8")
    except UnicodeDecodeError:
        # French Excel's « CSV (séparateur : point-virgule) ».
        return contenu.decode("cp1252", errors="strict")


def _lire_csv(contenu: bytes) -> Tableau:
    try:
        texte = _decoder(contenu)
    except UnicodeDecodeError:
        raise ValidationError(
            _("Le fichier n’est ni en UTF-8 ni en Windows-1252 : enregistrez-le en CSV UTF-8.")
        ) from None
    if "\x00" in texte:
        raise ValidationError(_("Ce fichier n’est pas un fichier CSV lisible."))
    premiere = texte.split("\n", 1)[0]
    separateur = ";" if premiere.count(";") >= premiere.count(",") else ","
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=separateur)
    lignes = []
    entetes = None
    try:
        for numero, cellules in enumerate(lecteur, start=1):
            if entetes is None:
                entetes = [c.strip() for c in cellules]
                continue
            if not any(c.strip() for c in cellules):
                continue
            lignes.append((numero, [c.strip() for c in cellules]))
            if len(lignes) > LIGNES_MAX:
                raise ValidationError(_trop_de_lignes())
    except csv.Error as erreur:
        raise ValidationError(
            _("Ligne %(ligne)s : le fichier CSV est mal formé (%(erreur)s).")
            % {"ligne": lecteur.line_num, "erreur": erreur}
        ) from erreur
    return Tableau(entetes or [], lignes)


def _trop_de_lignes() -> str:
    return _("Le fichier dépasse %(n)s lignes : découpez-le en plusieurs fichiers.") % {
        "n": f"{LIGNES_MAX:,}".replace(",", " ")
    }


def _lire_xlsx(contenu: bytes) -> Tableau:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(contenu))
        taille = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ValidationError(_("Ce fichier XLSX est illisible.")) from None
    if taille > DECOMPRESSE_MAX:
        raise ValidationError(
            _("Ce fichier XLSX est anormalement volumineux une fois décompressé : refusé.")
        )
    try:
        classeur = load_workbook(io.BytesIO(contenu), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise ValidationError(_("Ce fichier XLSX est illisible.")) from None
    try:
        feuille = classeur.worksheets[0]
        entetes = None
        lignes = []
        for numero, valeurs in enumerate(feuille.iter_rows(values_only=True), start=1):
            cellules = [_texte(v) for v in valeurs]
            if entetes is None:
                entetes = cellules
                continue
            if not any(cellules):
                continue
            lignes.append((numero, cellules))
            if len(lignes) > LIGNES_MAX:
                raise ValidationError(_trop_de_lignes())
    finally:
        classeur.close()
    while entetes and not entetes[-1]:
        entetes.pop()
    return Tableau(entetes or [], lignes)


def lire_tableau(fichier) -> Tableau:
    """The file's first sheet (or the CSV) as text rows; a French ValidationError otherwise."""
    if fichier.size > TAILLE_MAX:
        raise ValidationError(_("Le fichier dépasse 10 Mo : découpez-le en plusieurs fichiers."))
    fichier.seek(0)
    contenu = fichier.read()
    nom = (getattr(fichier, "name", "") or "").lower()
    if contenu.startswith(b"PK\x03\x04") or nom.endswith(".xlsx"):
        return _lire_xlsx(contenu)
    if nom.endswith((".xls", ".ods")):
        raise ValidationError(_("Enregistrez le fichier au format XLSX ou CSV."))
    return _lire_csv(contenu)


def lignes_du_fichier(fichier, colonnes) -> list[dict]:
    """The file's rows as dicts keyed by column key (headers normalised: accents, case, spaces),
    each with its line number under `_ligne`; a missing required column, an unknown column or
    an empty file is one French `ValidationError` naming them. `colonnes`: the import's
    `Colonne`s (reussite.core.imports.modeles)."""
    from reussite.core.texte import normaliser

    cles = {c.cle for c in colonnes}
    tableau = lire_tableau(fichier)
    entetes = [normaliser(e).replace(" ", "_") for e in tableau.entetes]
    manquantes = [c.cle for c in colonnes if c.obligatoire and c.cle not in entetes]
    inconnues = [
        brute for brute, e in zip(tableau.entetes, entetes, strict=True) if e and e not in cles
    ]
    problemes = []
    if manquantes:
        problemes.append(_("Colonnes manquantes : %(c)s.") % {"c": ", ".join(manquantes)})
    if inconnues:
        problemes.append(
            _("Colonnes inconnues : %(c)s (voir la liste des colonnes).")
            % {"c": ", ".join(inconnues)}
        )
    if problemes:
        raise ValidationError(" ".join(problemes))
    if not tableau.lignes:
        raise ValidationError(_("Le fichier ne contient aucune ligne sous les en-têtes."))
    return [
        {
            "_ligne": numero,
            **{e: (cellules[i] if i < len(cellules) else "") for i, e in enumerate(entetes) if e},
        }
        for numero, cellules in tableau.lignes
    ]
