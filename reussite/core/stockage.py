"""Stored files: the named storages, their failures mapped to a French error, and the one way
a stored file leaves the application (a streamed, permission-checked attachment).

Storages (settings.STORAGES): "default" holds the consent scans, documents, signed conventions
and charters; "exports" the built background exports. Both are folders for `make run` and the
tests (MEDIA_ROOT, EXPORTS_ROOT), and prefixes of one private S3 bucket when S3_BUCKET is set
(reussite.core.stockage_s3): no file is ever on a disk that only one node sees.

An unwritable or missing media folder, an unreachable or refusing object store: the user gets an
error on the form, which keeps what was typed; the operators get the cause in the log; nothing is
half-written (the service's transaction rolls back with the error).

Services wrap the statement that writes the file:

    with stockage_protege(champ="fichier"):
        _sauver(document)

and a view (or the coming write helper for views) that writes files itself can call
`erreur_de_stockage(erreur, champ=...)` on an error listed in `ERREURS_STOCKAGE`.
"""

import logging
import os
from contextlib import ContextDecorator

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse, Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# What a storage backend raises when it cannot write or read: the filesystem's OSError, the S3
# client's errors (an unreachable endpoint is a BotoCoreError, a refusal a ClientError).
ERREURS_STOCKAGE: tuple[type[BaseException], ...] = (OSError, BotoCoreError, ClientError)

MESSAGE_STOCKAGE = _(
    "Le fichier n’a pas pu être enregistré : l’espace de stockage des documents est "
    "indisponible. Rien n’a été enregistré ; votre saisie est conservée, joignez le fichier de "
    "nouveau et réessayez plus tard, ou prévenez l’administrateur de la plateforme."
)


def erreur_de_stockage(erreur: BaseException, *, champ: str | None) -> ValidationError:
    """Log the cause of a storage failure and return the French form error to raise.

    The log carries the exception (type, errno, the stored path, which is a random name and
    never the uploaded one): no child's name reaches it.
    """
    logger.error(
        "Écriture d’un fichier impossible (%s) : %s",
        type(erreur).__name__,
        erreur,
        exc_info=erreur,
    )
    if champ is None:
        return ValidationError(MESSAGE_STOCKAGE, code="stockage")
    return ValidationError({champ: ValidationError(MESSAGE_STOCKAGE, code="stockage")})


class stockage_protege(ContextDecorator):
    """Turn a storage error raised inside the block into `erreur_de_stockage`'s form error.

    Used inside a service's transaction: the ValidationError leaves the `atomic` block, which
    rolls back whatever the service wrote before the file failed.
    """

    def __init__(self, *, champ: str | None = "fichier"):
        self.champ = champ

    def __enter__(self):
        return self

    def __exit__(self, genre, erreur, trace):
        if erreur is not None and isinstance(erreur, ERREURS_STOCKAGE):
            raise erreur_de_stockage(erreur, champ=self.champ) from erreur
        return False


# --- Named storages -----------------------------------------------------------------------------


class StockageNomme(LazyObject):
    """The STORAGES entry `nom`, looked up at first use and again whenever STORAGES changes (the
    S3 tests swap it), like Django's own `default_storage`. A model field keeps this object for
    the life of the process, so it must not hold the storage itself."""

    def __init__(self, nom: str):
        self.__dict__["_nom"] = nom
        super().__init__()
        _NOMMES.append(self)

    def _setup(self):
        self._wrapped = storages[self._nom]


_NOMMES: list[StockageNomme] = []


@receiver(setting_changed)
def _oublier_les_stockages(*, setting, **kwargs):
    if setting == "STORAGES":
        for stockage in _NOMMES:
            stockage._wrapped = empty


class ExportsSurDisque(FileSystemStorage):
    """Built exports on the filesystem (`make run`): outside the web root, in a folder no URL
    serves. The folder is read from the settings at each use (tests move it)."""

    @property
    def base_location(self):
        return str(settings.EXPORTS_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Stored files have no public URL: they leave through their view only.")


# --- Serving ------------------------------------------------------------------------------------


class ReponseFichier(FileResponse):
    # 64 KB per chunk rather than 4 KB: fewer reads on an S3 body, same memory bound.
    block_size = 64 * 1024


def reponse_fichier(fichier, *, nom: str, type_mime: str) -> HttpResponse:
    """Stream a stored file (a FieldFile) as an attachment, after the caller's permission check.

    The same headers for every file: attachment under a name the caller builds (never the
    uploaded one), nosniff, never cached. From S3 the object's body is streamed chunk by chunk
    (no presigned URL that would outlive the check, no copy on the node's disk). A missing
    object is a 404; an unreachable storage a 503 page that says so (the cause in the log).
    """
    try:
        flux, taille = _ouvrir(fichier)
    except FileNotFoundError as erreur:
        raise Http404 from erreur
    except ERREURS_STOCKAGE as erreur:
        if isinstance(erreur, ClientError) and _statut_http(erreur) == 404:
            raise Http404 from erreur
        logger.error(
            "Lecture d’un fichier impossible (%s) : %s",
            type(erreur).__name__,
            erreur,
            exc_info=erreur,
        )
        reponse = HttpResponse(render_to_string("stockage_indisponible.html"), status=503)
        reponse["Cache-Control"] = "no-store"
        reponse["Retry-After"] = "60"
        return reponse
    reponse = ReponseFichier(flux, content_type=type_mime, as_attachment=True, filename=nom)
    if taille is not None:
        reponse["Content-Length"] = str(taille)
    reponse["Cache-Control"] = "private, no-store"
    reponse["X-Content-Type-Options"] = "nosniff"
    return reponse


def _ouvrir(fichier):
    """(a readable stream, its size or None)."""
    ouvrir_flux = getattr(fichier.storage, "ouvrir_flux", None)
    if ouvrir_flux is not None:
        return ouvrir_flux(fichier.name)
    flux = fichier.storage.open(fichier.name, "rb")
    return flux, None


def _statut_http(erreur: ClientError) -> int | None:
    return erreur.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
