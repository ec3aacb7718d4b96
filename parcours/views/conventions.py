"""Conventions pages: administrators of the programme edit, its coordinators read, others 404.

A convention is a `partenaires` object, but its page shows what the actions it funds have
consumed, a pathway figure; every form of that page re-renders it on error. The pages are
therefore composed here, in the higher layer (`partenaires` never imports `parcours`:
pyproject.toml, import-linter), on `partenaires`' access, forms, reads and services, under their
URLs and names (`partenaires:convention_*`, wired by `parcours/urls.py` (`reseau_urls`))."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partenaires import services
from partenaires.access import (
    Capacite,
    convention_pour,
    peut_creer_convention,
    peut_voir_conventions,
)
from partenaires.forms.conventions import (
    ConventionForm,
    DocumentForm,
    EngagementForm,
    FiltreConventionsForm,
    PartieForm,
    ProgrammeChoixForm,
    RenouvellementForm,
    ResiliationForm,
    SignataireForm,
    SignatureForm,
)
from partenaires.models import Engagement
from partenaires.selectors.conventions import (
    CLE_SESSION,
    conventions_liste,
    structures_du_programme,
    structures_filtrables,
)
from reussite.core.ecriture import appliquer_erreurs, ecrire, version_soumise
from reussite.core.roles import programmes_administres
from reussite.core.stockage import reponse_fichier

from ..selectors.mutualisation import totaux_convention


@login_required
def convention_liste(request):
    if not peut_voir_conventions(request.user):
        request.session[CLE_SESSION] = False
        raise Http404
    request.session[CLE_SESSION] = True
    filtre = FiltreConventionsForm(
        request.GET or None, structures=structures_filtrables(request.user)
    )
    criteres = filtre.cleaned_data if filtre.is_valid() else {}
    conventions = conventions_liste(
        request.user,
        statut=criteres.get("statut", ""),
        structure=criteres.get("structure"),
        fin_proche=criteres.get("fin_proche", False),
    )
    return render(
        request,
        "partenaires/conventions/liste.html",
        {
            "conventions": conventions,
            "filtre": filtre,
            "peut_creer": peut_creer_convention(request.user),
            "parametres": request.GET.urlencode(),
        },
    )


@login_required
def convention_creer(request):
    programmes = programmes_administres(request.user)
    if not programmes.exists():
        raise Http404
    choix = ProgrammeChoixForm(request.POST or None, programmes=programmes, prefix="p")
    if programmes.count() == 1:
        choix.initial = {"programme": programmes.first()}
    form = ConventionForm(request.POST or None)
    return ecrire(
        request,
        form,
        lambda: services.convention_creer(
            programme=choix.cleaned_data["programme"], auteur=request.user, **form.cleaned_data
        ),
        autres=[choix],
        creation=True,
        succes=_("La convention est créée."),
        suite=_url_convention,
        page=lambda: render(
            request,
            "partenaires/conventions/formulaire.html",
            {"form": form, "choix": choix, "titre": _("Nouvelle convention")},
        ),
    )


def _url_convention(convention) -> str:
    return reverse("partenaires:convention_detail", args=[convention.pk])


@login_required
def convention_modifier(request, pk):
    convention = convention_pour(user=request.user, pk=pk, capacite=Capacite.ECRITURE)
    form = ConventionForm(request.POST or None, instance=convention)
    return ecrire(
        request,
        form,
        lambda: services.convention_modifier(
            convention=convention, version=version_soumise(request), **form.cleaned_data
        ),
        succes=_("La convention est modifiée."),
        suite=_url_convention(convention),
        page=lambda: render(
            request,
            "partenaires/conventions/formulaire.html",
            {"form": form, "convention": convention, "titre": _("Modifier la convention")},
        ),
    )


def _detail(request, convention, statut=200, **formulaires):
    administrer = convention.peut_administrer
    totaux = totaux_convention(convention)
    contexte = {
        "convention": convention,
        "totaux": totaux,
        "administrer": administrer,
        "successeur": getattr(convention, "renouvelee_par", None),
    }
    if administrer:
        structures = structures_du_programme(convention.programme).exclude(
            pk__in=[p.structure_id for p in totaux["parties"]]
        )
        contexte.update(
            {
                "form_partie": formulaires.get("form_partie")
                or PartieForm(structures=structures, prefix="partie"),
                "form_document": formulaires.get("form_document") or DocumentForm(),
                "form_signature": formulaires.get("form_signature") or SignatureForm(),
                "form_resiliation": formulaires.get("form_resiliation") or ResiliationForm(),
                "form_renouvellement": RenouvellementForm(),
                "forms_signataire": {
                    p.pk: (
                        formulaires.get("form_signataire")
                        if formulaires.get("partie_pk") == p.pk
                        else SignataireForm(instance=p, prefix=f"s{p.pk}")
                    )
                    for p in totaux["parties"]
                },
                "forms_engagement": {
                    p.pk: (
                        formulaires.get("form_engagement")
                        if formulaires.get("partie_pk") == p.pk
                        and formulaires.get("form_engagement")
                        else EngagementForm(
                            prefix=f"e{p.pk}", initial={"annee": convention.date_debut.year}
                        )
                    )
                    for p in totaux["parties"]
                },
            }
        )
    return render(request, "partenaires/conventions/detail.html", contexte, status=statut)


@login_required
def convention_detail(request, pk):
    return _detail(request, convention_pour(user=request.user, pk=pk))


def _executer(request, convention, action, form=None, nom=None, succes="", **extra):
    try:
        action()
    except ValidationError as erreur:
        if form is None:
            messages.error(request, " ".join(erreur.messages))
            return redirect("partenaires:convention_detail", convention.pk)
        appliquer_erreurs(form, erreur)
        return _detail(request, convention, statut=400, **{nom: form}, **extra)
    messages.success(request, succes)
    return redirect("partenaires:convention_detail", convention.pk)


@login_required
@require_POST
def convention_partie_ajouter(request, pk):
    convention = convention_pour(user=request.user, pk=pk, capacite=Capacite.ECRITURE)
    form = PartieForm(
        request.POST, structures=structures_du_programme(convention.programme), prefix="partie"
    )
    return ecrire(
        request,
        form,
        lambda: services.partie_ajouter(
            convention=convention, structure=form.cleaned_data["structure"]
        ),
        creation=True,
        succes=_("La partie est ajoutée."),
        suite=_url_convention(convention),
        page=lambda: _detail(request, convention, statut=400, form_partie=form),
    )


def _partie(convention, partie_pk):
    partie = convention.parties.select_related("structure").filter(pk=partie_pk).first()
    if partie is None:
        raise Http404
    partie.convention = convention
    return partie


@login_required
@require_POST
def convention_partie_modifier(request, pk, partie_pk):
    convention = convention_pour(user=request.user, pk=pk, capacite=Capacite.ECRITURE)
    partie = _partie(convention, partie_pk)
    form = SignataireForm(request.POST, instance=partie, prefix=f"s{partie.pk}")
    if not form.is_valid():
        return _detail(request, convention, 400, form_signataire=form, partie_pk=partie.pk)
    return _executer(
        request,
        convention,
        lambda: services.partie_modifier(partie=partie, **form.cleaned_data),
        form,
        "form_signataire",
        _("Le signataire est enregistré."),
        partie_pk=partie.pk,
    )


@login_required
@require_POST
def convention_partie_retirer(request, pk, partie_pk):
    convention = convention_pour(user=request.user, pk=pk, capacite=Capacite.ECRITURE)
    partie = _partie(convention, partie_pk)
    return _executer(
        request,
        convention,
        lambda: services.partie_retirer(partie=partie),
        succes=_("La partie est retirée."),
    )


@login_required
@require_POST
def convention_engagement_ajouter(request, pk, partie_pk):
    convention = convention_pour(user=request.user, pk=pk, capacite=Capacite.ECRITURE)
    partie = _partie(convention, partie_pk)
    form = EngagementForm(request.POST, prefix=f"e{partie.pk}")
    return ecrire(
        request,
        form,
        lambda: services.engagement_ajouter(partie=partie, **form.cleaned_data),
        creation=True,
        succes=_("L’engagement est ajouté."),
        suite=_url_convention(convention),
        page=lambda: _detail(request, convention, 400, form_engagement=form, partie_pk=partie.pk),
    )


@login_required
@require_POST
def convention_engagement_retirer(request, pk, engagement_pk):
    convention = convention_pour(user=request.user, pk=pk, capacite=Capacite.ECRITURE)
    engagement = (
        Engagement.objects.filter(pk=engagement_pk, partie__convention=convention)
        .select_related("partie")
        .first()
    )
    if engagement is None:
        raise Http404
    engagement.partie.convention = convention
    return _executer(
        request,
        convention,
        lambda: services.engagement_retirer(engagement=engagement),
        succes=_("L’engagement est retiré."),
    )


@login_required
@require_POST
def convention_document_deposer(request, pk):
    convention = convention_pour(user=request.user, pk=pk, capacite=Capacite.ECRITURE)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, convention, 400, form_document=form)
    return _executer(
        request,
        convention,
        lambda: services.convention_deposer_document(
            convention=convention, document=form.cleaned_data["document"]
        ),
        form,
        "form_document",
        _("La convention signée est déposée."),
    )


@login_required
def convention_document(request, pk):
    convention = convention_pour(user=request.user, pk=pk)
    if not convention.document:
        raise Http404
    return reponse_fichier(
        convention.document, nom=f"convention-{convention.pk}.pdf", type_mime="application/pdf"
    )


@login_required
@require_POST
def convention_signer(request, pk):
    convention = convention_pour(user=request.user, pk=pk, capacite=Capacite.ECRITURE)
    form = SignatureForm(request.POST)
    if not form.is_valid():
        return _detail(request, convention, 400, form_signature=form)
    return _executer(
        request,
        convention,
        lambda: services.convention_signer(
            convention=convention, date_signature=form.cleaned_data["date_signature"]
        ),
        form,
        "form_signature",
        _("La convention est signée."),
    )


@login_required
@require_POST
def convention_mettre_en_vigueur(request, pk):
    convention = convention_pour(user=request.user, pk=pk, capacite=Capacite.ECRITURE)
    return _executer(
        request,
        convention,
        lambda: services.convention_mettre_en_vigueur(convention=convention),
        succes=_("La convention est en vigueur."),
    )


@login_required
@require_POST
def convention_expirer(request, pk):
    convention = convention_pour(user=request.user, pk=pk, capacite=Capacite.ECRITURE)
    return _executer(
        request,
        convention,
        lambda: services.convention_expirer(convention=convention),
        succes=_("La convention est expirée."),
    )


@login_required
@require_POST
def convention_resilier(request, pk):
    convention = convention_pour(user=request.user, pk=pk, capacite=Capacite.ECRITURE)
    form = ResiliationForm(request.POST)
    if not form.is_valid():
        return _detail(request, convention, 400, form_resiliation=form)
    return _executer(
        request,
        convention,
        lambda: services.convention_resilier(
            convention=convention,
            date_resiliation=form.cleaned_data["date_resiliation"],
            motif=form.cleaned_data["motif"],
        ),
        form,
        "form_resiliation",
        _("La convention est résiliée."),
    )


@login_required
@require_POST
def convention_renouveler(request, pk):
    convention = convention_pour(user=request.user, pk=pk, capacite=Capacite.ECRITURE)
    form = RenouvellementForm(request.POST)

    def refus():
        messages.error(request, " ".join(form.non_field_errors()))
        return redirect("partenaires:convention_detail", convention.pk)

    return ecrire(
        request,
        form,
        lambda: services.convention_renouveler(
            convention=convention,
            auteur=request.user,
            copier_engagements=form.cleaned_data.get("copier_engagements", False),
        ),
        creation=True,
        succes=_("La convention renouvelée est créée à l’état de projet."),
        suite=_url_convention,
        page=refus,
    )
