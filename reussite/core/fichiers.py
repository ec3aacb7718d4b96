"""Uploaded documents (consent scans, pathway documents): checked by content, not by name."""

import uuid

import filetype
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

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
    return genre.mime


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
