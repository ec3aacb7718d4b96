from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from .models import Programme, Role, User


@transaction.atomic
def role_attribuer(*, user: User, programme: Programme, role: Role) -> None:
    assign_perm(role.value, user, programme)


@transaction.atomic
def role_retirer(*, user: User, programme: Programme, role: Role) -> None:
    remove_perm(role.value, user, programme)
