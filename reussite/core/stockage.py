"""Storage failures while a file is written, mapped in one place to a French form error.

An unwritable or missing media folder (today), the object store's client errors (later): the
user gets an error on the form, which keeps what was typed; the operators get the cause in the
log; nothing is half-written (the service's transaction rolls back with the error).

Services wrap the statement that writes the file:

    with stockage_protege(champ="fichier"):
        _sauver(document)

and a view (or the coming write helper for views) that writes files itself can call
`erreur_de_stockage(erreur, champ=...)` on an error listed in `ERREURS_STOCKAGE`.
"""

import logging
from contextlib import ContextDecorator

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# What a storage backend raises when it cannot write. When files move to object storage, add
# the S3 client's errors here, and only here:
#     from botocore.exceptions import BotoCoreError, ClientError
#     ERREURS_STOCKAGE = (*ERREURS_STOCKAGE, BotoCoreError, ClientError)
ERREURS_STOCKAGE: tuple[type[BaseException], ...] = (OSError,)

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
