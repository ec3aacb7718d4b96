"""Importing the partner network: upload, preview (the dry run), confirm, result. For a
programme's administrators; 404 for everyone else."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reussite.core.ecriture import ecrire, verrouiller, version_soumise
from reussite.core.forms import FormulaireDsfr
from reussite.core.imports.modeles import reponse_modele
from reussite.core.roles import programmes_administres

from ..access import import_reseau_pour
from ..forms import ImportReseauForm
from ..models import ImportReseau, StatutImportReseau
from ..services.imports import (
    COLONNES_RESEAU,
    SEUIL_ARRIERE_PLAN_RESEAU,
    import_reseau_analyser,
    import_reseau_appliquer,
    progression_import_reseau,
)

# The templates' synthetic example rows: a structure, one of its professionals, one of its offers.
EXEMPLES = [
    {
        "nature": "Structure",
        "structure_nom": "Association Les Petits Pas",
        "structure_commune": "Villeneuve",
        "structure_siret": "",
        "structure_type": "Association",
        "structure_adresse": "12 rue des Écoles",
        "structure_telephone": "01 99 00 12 34",
        "structure_email": "contact@petits-pas.exemple.test",
    },
    {
        "nature": "Professionnel",
        "structure_nom": "Association Les Petits Pas",
        "structure_commune": "Villeneuve",
        "professionnel_email": "camille.exemple@petits-pas.exemple.test",
        "professionnel_prenom": "Camille",
        "professionnel_nom": "Exemple",
        "professionnel_fonction": "Animateur·rice",
    },
    {
        "nature": "Offre",
        "structure_nom": "Association Les Petits Pas",
        "structure_commune": "Villeneuve",
        "offre_intitule": "Aide aux devoirs du soir",
        "offre_type_service": "Aide aux devoirs, soutien scolaire",
        "offre_domaine": "Scolarité",
        "offre_age_min": "6",
        "offre_age_max": "11",
        "offre_capacite": "12",
        "offre_unite_capacite": "places",
        "offre_conditions_acces": "Sur orientation du PRE",
        "offre_cout": "0",
    },
]


def _programmes(request):
    programmes = programmes_administres(request.user)
    if not programmes.exists():
        raise Http404
    return programmes


def import_reseau_page(request):
    programmes = _programmes(request)
    form = ImportReseauForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        programmes=programmes,
    )
    derniers = ImportReseau.objects.filter(programme__in=programmes).select_related("programme")[
        :10
    ]
    return ecrire(
        request,
        form,
        lambda: import_reseau_analyser(
            programme=form.cleaned_data["programme"],
            auteur=request.user,
            fichier=form.cleaned_data["fichier"],
            inviter=form.cleaned_data["inviter"],
        ),
        creation=True,
        succes=_("Fichier analysé : vérifiez l’aperçu, rien n’est encore importé."),
        suite=lambda imp: reverse("partenaires:import_reseau_apercu", args=[imp.pk]),
        page=lambda: render(
            request,
            "partenaires/imports/page.html",
            {"form": form, "colonnes": COLONNES_RESEAU, "derniers": derniers},
        ),
    )


@require_GET
def import_reseau_modele(request, format_="csv"):
    """The template (CSV or XLSX): the columns, example rows of synthetic data."""
    _programmes(request)
    return reponse_modele(COLONNES_RESEAU, EXEMPLES, nom="modele-import-reseau", format_=format_)


def _confirmer(imp: ImportReseau, version: int | None) -> ImportReseau:
    with transaction.atomic():
        actuel = verrouiller(imp, version)
        if actuel.statut != StatutImportReseau.ANALYSE:
            raise ValidationError(_("Cet import a déjà été confirmé."))
        if len(actuel.lignes) <= SEUIL_ARRIERE_PLAN_RESEAU:
            return import_reseau_appliquer(import_id=actuel.pk)
        from ..tasks import import_reseau_appliquer as tache

        actuel.statut = StatutImportReseau.EN_COURS
        actuel.version += 1
        actuel.save(update_fields=["statut", "version"])
        transaction.on_commit(lambda: tache.delay(actuel.pk))
        return actuel


def import_reseau_apercu(request, import_reseau_pk):
    """The dry run's preview, its confirmation (the version it was read at), then the result."""
    imp = import_reseau_pour(user=request.user, import_pk=import_reseau_pk)
    form = FormulaireDsfr(request.POST if request.method == "POST" else None)

    def page():
        return render(
            request,
            "partenaires/imports/apercu.html",
            {
                "imp": imp,
                "form": form,
                "compte": {a: imp.compter(a) for a in ("creer", "modifier", "inchange", "rejet")},
                "progression": progression_import_reseau(imp.pk)
                if imp.statut == StatutImportReseau.EN_COURS
                else None,
                "en_arriere_plan": len(imp.lignes) > SEUIL_ARRIERE_PLAN_RESEAU,
            },
        )

    def succes(resultat):
        if resultat.statut == StatutImportReseau.TERMINE:
            return _("Import terminé : voici ce qui a été fait.")
        if resultat.statut == StatutImportReseau.ECHEC:
            return _("L’import a échoué : rien n’a été écrit.")
        return _("Import lancé : cette page montre sa progression.")

    return ecrire(
        request,
        form,
        lambda: _confirmer(imp, version_soumise(request)),
        succes=succes,
        suite=reverse("partenaires:import_reseau_apercu", args=[imp.pk]),
        page=page,
    )
