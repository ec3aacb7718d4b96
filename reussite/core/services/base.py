from datetime import timedelta

from django.db import connections, transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from ..models import Programme, Role, User


@transaction.atomic
def role_attribuer(*, user: User, programme: Programme, role: Role) -> None:
    assign_perm(role.value, user, programme)


@transaction.atomic
def role_retirer(*, user: User, programme: Programme, role: Role) -> None:
    remove_perm(role.value, user, programme)


# The CNIL's framework asks to keep access traces 6 months at least.
RETENTION_MINIMALE_TRACE = timedelta(days=183)


def trace_purger(*, avant) -> int:
    """The retention purge: the only path allowed to delete access-trail entries, and never
    entries younger than the minimal retention.

    The application role may not delete from the trail: the deletion runs in
    `core_traceacces_purger`, a SECURITY DEFINER function of the owner role that checks the
    cut-off again (migration core/0011, reussite/core/privileges.py)."""
    from ..privileges import FONCTION_PURGE
    from ..trace import ALIAS

    if avant > timezone.now() - RETENTION_MINIMALE_TRACE:
        raise ValueError("The access trail keeps at least 6 months of entries.")

    with connections[ALIAS].cursor() as cursor:
        cursor.execute(f"SELECT {FONCTION_PURGE}(%s)", [avant])
        return cursor.fetchone()[0]


@transaction.atomic
def charte_accepter(*, user: User, version: str) -> None:
    from ..models import AcceptationCharte

    AcceptationCharte.objects.get_or_create(user=user, version=version)
