"""Importing an existing caseload: upload, preview (the dry run), confirm, result."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reussite.core.ecriture import ecrire, verrouiller, version_soumise
from reussite.core.forms import FormulaireDsfr
from reussite.core.imports.modeles import reponse_modele

from ..access import import_pour
from ..forms import ImportForm
from ..models import ImportParcours, StatutImport
from ..selectors import programmes_coordonnes
from ..services.imports import (
    COLONNES,
    SEUIL_ARRIERE_PLAN,
    import_analyser,
    import_appliquer,
    progression_import,
)


def exemple_parcours() -> dict[str, str]:
    """A synthetic example row, its dates computed from today so that the template always
    reads back without an error (a child of 9, in a pathway for a year, consent valid)."""
    aujourdhui = date.today()

    def jour(d: date) -> str:
        return d.strftime("%d/%m/%Y")

    return {
        "identifiant": "ANC-0001",
        "nom": "Exemple",
        "prenom": "Léa",
        "date_naissance": jour(aujourdhui.replace(day=1) - timedelta(days=365 * 9)),
        "sexe": "Fille",
        "niveau_scolaire": "CE2",
        "commune": "Villeneuve",
        "responsable_nom": "Exemple",
        "responsable_prenom": "Sophie",
        "responsable_lien": "Mère",
        "responsable_telephone": "06 39 98 00 01",
        "statut": "En cours",
        "date_entree": jour(aujourdhui - timedelta(days=365)),
        "orienteur": "École / établissement scolaire",
        "motifs": "résultats scolaires|isolement social",
        "consentement_date_signature": jour(aujourdhui - timedelta(days=360)),
        "consentement_date_expiration": jour(aujourdhui + timedelta(days=180)),
        "consentement_finalites": "accompagnement",
    }


def import_page(request):
    programmes = programmes_coordonnes(request.user)
    if not programmes.exists():
        raise PermissionDenied
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        programmes=programmes,
    )
    derniers = ImportParcours.objects.filter(programme__in=programmes).select_related("programme")[
        :10
    ]
    return ecrire(
        request,
        form,
        lambda: import_analyser(
            programme=form.cleaned_data["programme"],
            auteur=request.user,
            fichier=form.cleaned_data["fichier"],
        ),
        creation=True,
        succes=_("Fichier analysé : vérifiez l’aperçu, rien n’est encore importé."),
        suite=lambda imp: reverse("parcours:import_apercu", args=[imp.pk]),
        page=lambda: render(
            request,
            "parcours/imports/page.html",
            {"form": form, "colonnes": COLONNES, "derniers": derniers},
        ),
    )


@require_GET
def import_modele(request, format_="csv"):
    """The template file (CSV or XLSX): the columns, and one example row of synthetic data."""
    if not programmes_coordonnes(request.user).exists():
        raise Http404
    return reponse_modele(
        COLONNES, exemple_parcours(), nom="modele-import-parcours", format_=format_
    )


def _confirmer(imp: ImportParcours, version: int | None) -> ImportParcours:
    with transaction.atomic():
        actuel = verrouiller(imp, version)
        if actuel.statut != StatutImport.ANALYSE:
            raise ValidationError(_("Cet import a déjà été confirmé."))
        grand = len(actuel.lignes) > SEUIL_ARRIERE_PLAN
        if not grand:
            return import_appliquer(import_id=actuel.pk)
        from ..tasks import import_parcours_appliquer

        actuel.statut = StatutImport.EN_COURS
        actuel.version += 1
        actuel.save(update_fields=["statut", "version"])
        transaction.on_commit(lambda: import_parcours_appliquer.delay(actuel.pk))
        return actuel


def import_apercu(request, import_pk):
    """The dry run's preview, its confirmation (the version it was read at), then the result."""
    imp = import_pour(user=request.user, import_pk=import_pk)
    form = FormulaireDsfr(request.POST if request.method == "POST" else None)

    def page():
        return render(
            request,
            "parcours/imports/apercu.html",
            {
                "imp": imp,
                "form": form,
                "compte": {a: imp.compter(a) for a in ("creer", "modifier", "inchange", "rejet")},
                "progression": progression_import(imp.pk)
                if imp.statut == StatutImport.EN_COURS
                else None,
                "en_arriere_plan": len(imp.lignes) > SEUIL_ARRIERE_PLAN,
            },
        )

    def succes(resultat):
        if resultat.statut == StatutImport.TERMINE:
            return _("Import terminé : voici ce qui a été fait.")
        if resultat.statut == StatutImport.ECHEC:
            return _("L’import a échoué : rien n’a été écrit.")
        return _("Import lancé : cette page montre sa progression.")

    return ecrire(
        request,
        form,
        lambda: _confirmer(imp, version_soumise(request)),
        succes=succes,
        suite=reverse("parcours:import_apercu", args=[imp.pk]),
        page=page,
    )
