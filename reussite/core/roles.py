"""Programme-level roles: who coordinates, administers or steers which programme.

The one place that answers them (ARCHITECTURE.md, "One path for access"). A role is a direct
object permission on the `Programme` (`ProgrammeUserObjectPermission`), so every answer here is
a queryset of programmes or an `Exists` a caller can put in its own query.

Staff policy (one for the whole platform): `is_staff` gives **no programme role**. Platform
staff reach the Django admin and the platform-wide statistics (aggregates, small counts
masked: `vue_plateforme`), never a programme's children, partners or conventions through the
product's pages, unless they also hold a role on that programme like anyone else. (Before,
the partner directory gave staff every programme while conventions and pathways gave them
none; the tested behaviour was the latter.)
"""

from django.db.models import Exists, OuterRef

from .models import Programme, ProgrammeUserObjectPermission, Role

__all__ = [
    "Role",
    "a_un_role",
    "ids_programmes_avec_roles",
    "programmes_administres",
    "programmes_avec_roles",
    "programmes_coordonnes",
    "programmes_de_gestion",
    "programmes_dpo",
    "programmes_juridiques",
    "programmes_statistiques",
    "role_sur_programme",
    "titulaires",
    "vue_plateforme",
]

# "Coordinator or administrator of the programme": the programme's management, written once.
GESTION = (Role.COORDINATEUR, Role.ADMINISTRATEUR)
STATISTIQUES = (Role.COORDINATEUR, Role.ADMINISTRATEUR, Role.PILOTAGE)
# Who keeps the programme's legal identity and reads its legal documents (issue 19).
JURIDIQUE = (Role.COORDINATEUR, Role.ADMINISTRATEUR, Role.DPO)


def _actif(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def role_sur_programme(user, roles, programme_ref: str = "pk") -> Exists:
    """An `Exists` true when `user` holds one of `roles` on the programme `programme_ref`
    (an `OuterRef` path: "pk" from programmes, "programme_id" from a pathway)."""
    return Exists(
        ProgrammeUserObjectPermission.objects.filter(
            content_object=OuterRef(programme_ref),
            user_id=user.pk,
            permission__codename__in=[Role(r).value for r in roles],
        )
    )


def ids_programmes_avec_roles(user, roles):
    """The ids of those programmes, straight from the permission rows (for `pk IN (…)`)."""
    return ProgrammeUserObjectPermission.objects.filter(
        user_id=user.pk, permission__codename__in=[Role(r).value for r in roles]
    ).values("content_object_id")


def programmes_avec_roles(user, roles):
    """Programmes on which `user` holds at least one of `roles`."""
    if not _actif(user):
        return Programme.objects.none()
    return Programme.objects.filter(role_sur_programme(user, roles))


def programmes_coordonnes(user):
    return programmes_avec_roles(user, [Role.COORDINATEUR])


def programmes_administres(user):
    return programmes_avec_roles(user, [Role.ADMINISTRATEUR])


def programmes_de_gestion(user):
    """Programmes the user coordinates or administers."""
    return programmes_avec_roles(user, GESTION)


def programmes_statistiques(user):
    """Programmes whose statistics `user` may read: coordinated, administered or steered."""
    return programmes_avec_roles(user, STATISTIQUES)


def programmes_dpo(user):
    """Programmes whose data-protection officer `user` is."""
    return programmes_avec_roles(user, [Role.DPO])


def programmes_juridiques(user):
    """Programmes whose legal identity `user` edits and whose register entry they read: the
    management and the DPO."""
    return programmes_avec_roles(user, JURIDIQUE)


def a_un_role(user, roles, programme_id: int) -> bool:
    """Whether `user` holds one of `roles` on the programme `programme_id`."""
    return programmes_avec_roles(user, roles).filter(pk=programme_id).exists()


def titulaires(programme_ids, role) -> set[tuple[int, int]]:
    """(programme id, user id) of who holds `role` on those programmes (reminder recipients)."""
    return set(
        ProgrammeUserObjectPermission.objects.filter(
            content_object_id__in=programme_ids, permission__codename=Role(role).value
        ).values_list("content_object_id", "user_id")
    )


def vue_plateforme(user) -> bool:
    """Platform staff read the statistics of every programme at once (masked); nothing else."""
    return _actif(user) and user.is_staff
