from django.contrib import admin

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
    list_display = ["nom", "type", "commune"]
    list_filter = ["type"]
    search_fields = ["nom", "siret", "uai"]
    inlines = [PartenariatInline, ProfessionnelInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        _recalculer_structure(form.instance)


@admin.register(Professionnel)
class ProfessionnelAdmin(admin.ModelAdmin):
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


@admin.register(SignatureCharte)
class SignatureCharteAdmin(admin.ModelAdmin):
    list_display = ["structure", "version", "date_signature", "signataire"]
    list_filter = ["version"]
    search_fields = ["structure__nom", "signataire"]
    autocomplete_fields = ["structure"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _recalculer_structure(obj.structure)

    def delete_model(self, request, obj):
        structure = obj.structure
        super().delete_model(request, obj)
        _recalculer_structure(structure)
