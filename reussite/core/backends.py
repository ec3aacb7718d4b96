"""Guardian's object-permission backend, answering what the apps' access modules answer.

Guardian stays the storage (direct foreign-key rows) and the API (`user.has_perm(perm, obj)`),
but its own checker reads the rows alone: it cannot see `expire_le` (a consent that ended
yesterday) nor the permissions a programme role gives without a row (a coordinator reads every
pathway of their programme). So, for a model whose queryset says who holds a permission
(`avec_permission(user, codename)`: `ParcoursQuerySet`, built on `visibles_par`), the answer
comes from that queryset; any other model keeps guardian's answer. The core names no app: the
protocol is the method.
"""

from guardian.backends import ObjectPermissionBackend as GuardianObjectPermissionBackend
from guardian.backends import check_support


def _codename(perm: str, obj) -> str | None:
    """`app_label.codename` or `codename` → codename, None when the app is not the object's."""
    if "." in perm:
        app_label, codename = perm.split(".", 1)
        if app_label != obj._meta.app_label:
            return None
        return codename
    return perm


class ObjectPermissionBackend(GuardianObjectPermissionBackend):
    def _queryset(self, obj):
        if obj is None:
            return None
        queryset = type(obj)._default_manager.all()
        return queryset if hasattr(queryset, "avec_permission") else None

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        queryset = self._queryset(obj)
        if queryset is None:
            return super().has_perm(user_obj, perm, obj)
        support, user_obj = check_support(user_obj, obj)
        codename = _codename(perm, obj)
        if not support or codename is None:
            return False
        return queryset.avec_permission(user_obj, codename).filter(pk=obj.pk).exists()

    def get_all_permissions(self, user_obj, obj=None):
        queryset = self._queryset(obj)
        if queryset is None:
            return super().get_all_permissions(user_obj, obj)
        support, user_obj = check_support(user_obj, obj)
        if not support:
            return set()
        return {
            codename
            for codename in queryset.codenames_permission()
            if queryset.avec_permission(user_obj, codename).filter(pk=obj.pk).exists()
        }
