"""Uploaded documents (consent scans, pathway documents): checked by content, not by name.

The first bytes give the claimed type; the file is then parsed as that type (pypdf for a PDF,
Pillow for an image), so that a file that merely starts like a PDF (`%PDF-1.4` followed by HTML)
is refused.
"""

import uuid
import warnings

import filetype
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader

TAILLE_MAX = 10 * 1024 * 1024
TYPES_ACCEPTES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}


def type_document(fichier) -> str:
    """Return the MIME type read from the file's first bytes, or raise a French error."""
    if fichier.size > TAILLE_MAX:
        raise ValidationError(_("Le fichier dépasse 10 Mo."), code="taille")
    position = fichier.tell() if hasattr(fichier, "tell") else 0
    fichier.seek(0)
    entete = fichier.read(8192)
    fichier.seek(position)
    genre = filetype.guess(entete)
    if genre is None or genre.mime not in TYPES_ACCEPTES:
        raise ValidationError(
            _("Ce fichier n’est ni un PDF, ni une image JPEG ou PNG."), code="type"
        )
    fichier.seek(0)
    try:
        if genre.mime == "application/pdf":
            _lire_pdf(fichier)
        else:
            _lire_image(fichier, genre.mime)
    finally:
        fichier.seek(position)
    return genre.mime


# An image larger than this is refused before it is decoded (Pillow's own guard warns first).
PIXELS_MAX = 40_000_000
FORMATS_PILLOW = {"image/jpeg": "JPEG", "image/png": "PNG"}


def _lire_pdf(fichier) -> None:
    """Open the PDF and read its page tree; anything pypdf cannot read is refused."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lecteur = PdfReader(fichier, strict=False)
            if lecteur.is_encrypted:
                raise ValidationError(
                    _("Ce PDF est protégé par un mot de passe : déposez une version non protégée."),
                    code="pdf_chiffre",
                )
            len(lecteur.pages)
    except ValidationError:
        raise
    except Exception as erreur:  # pypdf raises many kinds (PdfReadError, ValueError, KeyError…)
        raise ValidationError(
            _("Ce fichier commence comme un PDF mais ne peut pas être lu : déposez un PDF valide."),
            code="pdf_illisible",
        ) from erreur


def _lire_image(fichier, mime: str) -> None:
    """Decode the image entirely (verify() checks the structure, load() the pixels)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(fichier) as image:
                if image.format != FORMATS_PILLOW[mime]:
                    raise ValueError(image.format)
                largeur, hauteur = image.size
                if largeur * hauteur > PIXELS_MAX:
                    raise ValidationError(
                        _("Cette image est trop grande (plus de 40 millions de pixels)."),
                        code="image_trop_grande",
                    )
                image.verify()
            fichier.seek(0)
            with Image.open(fichier) as image:
                image.load()
    except ValidationError:
        raise
    except (
        OSError,
        ValueError,
        SyntaxError,
        UnidentifiedImageError,
        Image.DecompressionBombError,
    ) as erreur:
        raise ValidationError(
            _("Cette image ne peut pas être lue : déposez une image JPEG ou PNG valide."),
            code="image_illisible",
        ) from erreur


def valider_document(fichier) -> None:
    type_document(fichier)


@deconstructible
class CheminDocument:
    """An upload_to that never keeps the uploaded name (it may contain a child's name)."""

    def __init__(self, dossier: str):
        self.dossier = dossier

    def __call__(self, instance, nom_original):
        extension = TYPES_ACCEPTES.get(getattr(instance, "_fichier_mime", "") or "", "")
        return f"{self.dossier}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other):
        return isinstance(other, CheminDocument) and other.dossier == self.dossier

    def __hash__(self):
        return hash(self.dossier)


chemin_document = CheminDocument
