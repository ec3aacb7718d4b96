from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from .models import Programme, Rappel, TraceAcces, User
from .pagination import PaginationEstimee


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    show_full_result_count = False
    paginator = PaginationEstimee  # the unfiltered list is not counted (issue 18)
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name")}),
        (_("Droits"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "password1", "password2"),
            },
        ),
    )


@admin.register(Programme)
class ProgrammeAdmin(GuardedModelAdmin):
    list_display = ["nom", "territoire"]
    search_fields = ["nom", "territoire"]
    show_full_result_count = False  # one count of the table, not two


@admin.register(TraceAcces)
class TraceAccesAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only, the database refuses changes anyway."""

    list_display = [
        "le",
        "evenement",
        "autorise",
        "user_id",
        "content_type",
        "object_id",
        "page",
        "ip",
    ]
    list_filter = ["evenement", "autorise"]
    # No date_hierarchy: it runs a DISTINCT over every date of the trail (millions of rows);
    # the content type is joined, not read once per row; no count of the whole trail: neither
    # the admin's second count nor the paginator's (the planner's estimate, issue 18).
    list_select_related = ["content_type"]
    show_full_result_count = False
    paginator = PaginationEstimee
    ordering = ["-le"]  # the index on `le`, read backwards

    def get_queryset(self, request):
        return super().get_queryset(request).using("trace")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class GenreRappelFilter(admin.SimpleListFilter):
    title = _("type de rappel")
    parameter_name = "genre"

    def lookups(self, request, model_admin):
        from .rappels import libelles

        return sorted(libelles().items())

    def queryset(self, request, queryset):
        return queryset.filter(genre=self.value()) if self.value() else queryset


@admin.register(Rappel)
class RappelAdmin(admin.ModelAdmin):
    """Platform staff follow the sends (failures included) without any child's identity: rows
    show kinds, ids and SMTP errors, never the wording."""

    list_display = [
        "cree_le",
        "genre",
        "statut",
        "echeance",
        "destinataire_id",
        "programme_id",
        "object_id",
        "tentatives",
        "erreur",
    ]
    # No date_hierarchy (a DISTINCT over every reminder's date) and no `AllValuesFieldListFilter`
    # on the kind (a DISTINCT over every reminder): the kinds are the registered ones. Newest
    # first by primary key, its index; no count of every reminder (issue 18).
    list_filter = ["statut", GenreRappelFilter]
    ordering = ["-pk"]
    show_full_result_count = False
    paginator = PaginationEstimee
    fields = [*list_display, "envoye_le", "lu_le"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
