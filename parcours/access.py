"""The one place that fetches a child's pathway for a user and decides whether they may see it."""

from django.http import Http404
from django.utils.translation import gettext as _

from .models import Parcours

LECTURE = "view"
ECRITURE = "change"


def parcours_pour(*, user, pk, perm: str = LECTURE, queryset=None) -> Parcours:
    """Return the pathway `pk` if `user` holds `perm` on it; otherwise 404, exactly like a
    pathway that does not exist, so that nothing leaks about other programmes' children."""
    base = queryset if queryset is not None else Parcours.objects.all()
    if perm == LECTURE:
        base = base.visibles_par(user)
    elif perm == ECRITURE:
        base = base.modifiables_par(user)
    else:
        raise ValueError(f"Unknown permission {perm!r}")
    try:
        return base.get(pk=pk)
    except (Parcours.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Parcours introuvable.")) from None
