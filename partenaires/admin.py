from django.contrib import admin

from .models import Partenariat, Professionnel, SignatureCharte, Structure


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


@admin.register(Professionnel)
class ProfessionnelAdmin(admin.ModelAdmin):
    list_display = ["user", "structure", "fonction", "actif"]
    list_filter = ["fonction", "actif"]
    search_fields = ["user__email", "user__last_name", "structure__nom"]
    list_select_related = ["user", "structure"]
    autocomplete_fields = ["user", "structure"]


@admin.register(SignatureCharte)
class SignatureCharteAdmin(admin.ModelAdmin):
    list_display = ["structure", "version", "date_signature", "signataire"]
    list_filter = ["version"]
    search_fields = ["structure__nom", "signataire"]
    autocomplete_fields = ["structure"]
