"""A programme's service accounts."""

from ..models import Programme, Role


def comptes_du_programme(programme: Programme):
    from guardian.shortcuts import get_users_with_perms

    return (
        get_users_with_perms(programme, only_with_perms_in=[Role.PILOTAGE.value])
        .filter(compte_de_service=True)
        .prefetch_related("jetons_api")
        .order_by("first_name", "pk")
    )
