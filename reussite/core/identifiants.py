"""The sign-in identifier (an e-mail address), normalised once for every consumer.

Accounts are found case-insensitively (`email__iexact`), so django-axes must count attempts on the
same normalised string, or each spelling of an address (`Agent@…`, `aGent@…`) would get its own
allowance of guesses and the right password in another case would sign in after a lockout.
"""

from django.conf import settings


def normaliser_identifiant(valeur: str | None) -> str | None:
    """The e-mail address as accounts are matched: surrounding spaces removed, lower case."""
    if valeur is None:
        return None
    return valeur.strip().lower()


def identifiant_axes(request, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the identifier django-axes counts and locks, read where axes
    would read it (the credentials given to `authenticate`, else the POST), then normalised."""
    champ = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        valeur = credentials.get(champ)
    else:
        valeur = getattr(request, "data", request.POST).get(champ)
    return normaliser_identifiant(valeur) if isinstance(valeur, str) else valeur
