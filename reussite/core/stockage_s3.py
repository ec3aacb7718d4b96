"""Stored files on S3-compatible object storage (django-storages' S3 backend, on boto3).

Used by the "default" and "exports" entries of STORAGES when S3_BUCKET is set (settings/base.py):
one private bucket, one prefix per entry. Nothing here ever produces a URL: an object leaves the
application only through its permission-checked view, which streams it
(`reussite.core.stockage.reponse_fichier`), so a presigned or public link can never outlive the
check. A node keeps nothing on its own disk: uploads go from the request to the bucket, exports
from the worker's temporary file to the bucket.
"""

from botocore.config import Config
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class FluxObjet:
    """The body of a GET, read in chunks by FileResponse, closed with the response."""

    def __init__(self, corps):
        self._corps = corps

    def read(self, taille=-1):
        return self._corps.read(None if taille is None or taille < 0 else taille)

    def close(self):
        self._corps.close()


class StockageObjets(S3Storage):
    """A private bucket (no ACL, no URL) reached with short timeouts and few retries: an outage
    turns into the French storage error within seconds instead of holding a request or a worker.

    Options beyond django-storages' own: `delai_connexion` and `delai_lecture` (seconds),
    `tentatives` (total attempts of one call).
    """

    def __init__(self, *, delai_connexion=5, delai_lecture=30, tentatives=3, **options):
        options.setdefault(
            "client_config",
            Config(
                s3={"addressing_style": options.pop("addressing_style", None) or "path"},
                signature_version="s3v4",
                connect_timeout=delai_connexion,
                read_timeout=delai_lecture,
                retries={"max_attempts": tentatives, "mode": "standard"},
            ),
        )
        options.setdefault("default_acl", None)
        options.setdefault("querystring_auth", True)
        # Names are random (reussite.core.fichiers.CheminDocument, exports): never overwrite.
        options.setdefault("file_overwrite", False)
        super().__init__(**options)

    def url(self, name, *args, **kwargs):
        raise ValueError("Stored files have no public URL: they leave through their view only.")

    def ouvrir_flux(self, name: str):
        """(the object's body as a stream, its size): one GET, nothing kept on the node."""
        cle = self._normalize_name(clean_name(name))
        objet = self.connection.meta.client.get_object(Bucket=self.bucket_name, Key=cle)
        return FluxObjet(objet["Body"]), objet.get("ContentLength")
