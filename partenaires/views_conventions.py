"""Conventions pages: administrators of the programme edit, its coordinators read, others 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reussite.core.roles import programmes_administres
from reussite.core.stockage import reponse_fichier

from . import services
from .access import Capacite, convention_pour, peut_creer_convention, peut_voir_conventions
from .forms_conventions import (
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
from .lectures_conventions import (
    CLE_SESSION,
    conventions_liste,
    structures_du_programme,
    structures_filtrables,
    totaux_convention,
)
from .models import Engagement


def _erreurs(form, erreur: ValidationError):
    if hasattr(erreur, "error_dict"):
        for champ, liste in erreur.error_dict.items():
            form.add_error(champ if champ in form.fields else None, liste)
    else:
        form.add_error(None, erreur.messages)


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
    if request.method == "POST" and choix.is_valid() and form.is_valid():
        try:
            convention = services.convention_creer(
                programme=choix.cleaned_data["programme"], auteur=request.user, **form.cleaned_data
            )
        except ValidationError as erreur:
            _erreurs(form, erreur)
        else:
            messages.success(request, _("La convention est créée."))
            return redirect("partenaires:convention_detail", convention.pk)
    return render(
        request,
        "partenaires/conventions/formulaire.html",
        {"form": form, "choix": choix, "titre": _("Nouvelle convention")},
    )


@login_required
def convention_modifier(request, pk):
    convention = convention_pour(user=request.user, pk=pk, capacite=Capacite.ECRITURE)
    form = ConventionForm(request.POST or None, instance=convention)
    if request.method == "POST" and form.is_valid():
        try:
            services.convention_modifier(convention=convention, **form.cleaned_data)
        except ValidationError as erreur:
            _erreurs(form, erreur)
        else:
            messages.success(request, _("La convention est modifiée."))
            return redirect("partenaires:convention_detail", convention.pk)
    return render(
        request,
        "partenaires/conventions/formulaire.html",
        {"form": form, "convention": convention, "titre": _("Modifier la convention")},
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
        _erreurs(form, erreur)
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
    if not form.is_valid():
        return _detail(request, convention, statut=400, form_partie=form)
    return _executer(
        request,
        convention,
        lambda: services.partie_ajouter(
            convention=convention, structure=form.cleaned_data["structure"]
        ),
        form,
        "form_partie",
        _("La partie est ajoutée."),
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
    if not form.is_valid():
        return _detail(request, convention, 400, form_engagement=form, partie_pk=partie.pk)
    return _executer(
        request,
        convention,
        lambda: services.engagement_ajouter(partie=partie, **form.cleaned_data),
        form,
        "form_engagement",
        _("L’engagement est ajouté."),
        partie_pk=partie.pk,
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
    form.is_valid()
    try:
        suivante = services.convention_renouveler(
            convention=convention,
            auteur=request.user,
            copier_engagements=form.cleaned_data.get("copier_engagements", False),
        )
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
        return redirect("partenaires:convention_detail", convention.pk)
    messages.success(request, _("La convention renouvelée est créée à l’état de projet."))
    return redirect("partenaires:convention_detail", suivante.pk)
