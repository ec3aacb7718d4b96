from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from reussite.core.charte import CHARTE_VERSION
from reussite.core.pagination import PaginationEstimee

from .models import Partenariat, Professionnel, SignatureCharte, Structure
from .signals import adhesion_modifiee


def _recalculer_structure(structure: Structure) -> None:
    """Membership, charter and partnership facts drive who sees which pathway: any change made
    here sends the same signal as the services, in the same transaction."""
    for professionnel in structure.professionnels.all():
        adhesion_modifiee.send(sender=Professionnel, professionnel=professionnel)


class PartenariatInline(admin.TabularInline):
    model = Partenariat
    extra = 0


class ProfessionnelInline(admin.TabularInline):
    model = Professionnel
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    # The admin's second count of the whole table is not shown, and the paginator answers the
    # unfiltered list's count from the planner's estimate (issue 18).
    show_full_result_count = False
    paginator = PaginationEstimee
    list_display = ["nom", "type", "commune"]
    list_filter = ["type"]
    search_fields = ["nom", "siret", "uai"]
    inlines = [PartenariatInline, ProfessionnelInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        _recalculer_structure(form.instance)


@admin.register(Professionnel)
class ProfessionnelAdmin(admin.ModelAdmin):
    # The admin's second count of the whole table is not shown, and the paginator answers the
    # unfiltered list's count from the planner's estimate (issue 18).
    show_full_result_count = False
    paginator = PaginationEstimee
    list_display = ["user", "structure", "fonction", "actif"]
    list_filter = ["fonction", "actif"]
    search_fields = ["user__email", "user__last_name", "structure__nom"]
    list_select_related = ["user", "structure"]
    autocomplete_fields = ["user", "structure"]

    def save_model(self, request, obj, form, change):
        ancienne_structure = None
        if change and "structure" in form.changed_data:
            ancienne_structure = Professionnel.objects.get(pk=obj.pk).structure
        super().save_model(request, obj, form, change)
        adhesion_modifiee.send(sender=Professionnel, professionnel=obj)
        if ancienne_structure is not None:
            _recalculer_structure(ancienne_structure)


class VersionCharteFilter(admin.SimpleListFilter):
    """The version in force or the older ones: a filter on every value of the column would
    read the whole table (`SELECT DISTINCT version`) on each display (issue 18)."""

    title = _("version de la charte")
    parameter_name = "version"

    def lookups(self, request, model_admin):
        return [
            ("en_vigueur", _("En vigueur (%(version)s)") % {"version": CHARTE_VERSION}),
            ("anterieures", _("Versions antérieures")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "en_vigueur":
            return queryset.filter(version=CHARTE_VERSION)
        if self.value() == "anterieures":
            return queryset.exclude(version=CHARTE_VERSION)
        return queryset


@admin.register(SignatureCharte)
class SignatureCharteAdmin(admin.ModelAdmin):
    # The admin's second count of the whole table is not shown, and the paginator answers the
    # unfiltered list's count from the planner's estimate (issue 18).
    show_full_result_count = False
    paginator = PaginationEstimee
    list_display = ["structure", "version", "date_signature", "signataire"]
    list_filter = [VersionCharteFilter]
    list_select_related = ["structure"]
    search_fields = ["structure__nom", "signataire"]
    autocomplete_fields = ["structure"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _recalculer_structure(obj.structure)

    def delete_model(self, request, obj):
        structure = obj.structure
        super().delete_model(request, obj)
        _recalculer_structure(structure)
