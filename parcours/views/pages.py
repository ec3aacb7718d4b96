from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reussite.core.ecriture import ecrire, envoi_rejoue, tous_valides, version_soumise
from reussite.core.pagination import PaginationDifferee, parametres_sans_page
from reussite.core.signals import CLE_SESSION_PROTECTION

from ..access import Capacite, consentement_pour, parcours_pour
from ..filters import ParcoursFilter
from ..forms import (
    ConfirmationForm,
    ConsentementForm,
    EnfantForm,
    FamilleForm,
    ParcoursForm,
    ProgrammeForm,
    ResponsableFormSet,
    ResponsableFormSetEdition,
    SortieForm,
    SuspensionForm,
    TransitionForm,
)
from ..models import Enfant, MotifSortie, ResponsableLegal, Statut
from ..selectors import (
    SECTION_PARTAGE,
    SECTION_SYNTHESE,
    avec_drapeau_ip,
    dpo_seulement,
    familles_correspondantes,
    parcours_detail_queryset,
    parcours_pour_liste,
    pilotage_seulement,
    programmes_coordonnes,
    programmes_de_travail,
)
from ..selectors import (
    tableau_de_bord as lire_tableau_de_bord,
)
from ..services import (
    SORTIES_SANS_QUESTIONNAIRE,
    DonneesCreation,
    DonneesResponsable,
    avertissement_age,
    consentement_enregistrer,
    enfant_et_parcours_creer,
    enfant_modifier,
    famille_modifier,
    parcours_changer_statut,
    parcours_modifier,
    parcours_sortir,
    transitions_possibles,
)
from .fiche import url_section


@require_GET
def tableau_de_bord(request):
    peut_creer = programmes_coordonnes(request.user).exists()
    if not peut_creer and pilotage_seulement(request.user):
        # Steering users see aggregates, never a list of children: their home is the statistics.
        return redirect("parcours:statistiques")
    # Only users holding a legal role carry the flag: the others pay no query for this.
    if (
        not peut_creer
        and request.session.get(CLE_SESSION_PROTECTION)
        and dpo_seulement(request.user)
    ):
        # The DPO never sees a child's file: their home is the programme's legal space.
        return redirect("programmes:protection")
    contexte = lire_tableau_de_bord(request.user)
    contexte["peut_creer"] = peut_creer
    return render(request, "parcours/tableau_de_bord.html", contexte)


@require_GET
def parcours_liste(request, mes_suivis=False):
    base = parcours_pour_liste(request.user)
    if mes_suivis:
        # Filters only narrow this queryset: they can never widen what is shared.
        base = base.suivis_par(request.user)
    filtre = ParcoursFilter(request.GET, queryset=base)
    # The page's 25 ids are sorted on the pathways and children alone, then their rows joined
    # and flagged: sorting a 3,000-pathway programme's fully joined rows cost 35 ms at national
    # scale, where the planner expects an average programme's 300 (issue 18).
    page = PaginationDifferee(
        filtre.qs, 25, lignes=lambda lignes: avec_drapeau_ip(lignes, request.user)
    ).get_page(request.GET.get("page"))
    contexte = {
        "filtre": filtre,
        "page": page,
        "parametres": parametres_sans_page(request),
        "peut_creer": not mes_suivis and programmes_coordonnes(request.user).exists(),
        "mes_suivis": mes_suivis,
        "url_liste": reverse("parcours:mes_suivis" if mes_suivis else "parcours:liste"),
    }
    if request.htmx:
        return render(request, "parcours/includes/_liste_resultats.html", contexte)
    return render(request, "parcours/liste.html", contexte)


def parcours_creer(request):
    programmes = programmes_coordonnes(request.user)
    if not programmes.exists():
        raise PermissionDenied
    donnees = request.POST if request.method == "POST" else None
    form_programme = ProgrammeForm(donnees, programmes=programmes, prefix="programme")
    form_enfant = EnfantForm(donnees, programmes=programmes, prefix="enfant")
    form_famille = FamilleForm(donnees, prefix="famille")
    formset = ResponsableFormSet(
        donnees, queryset=ResponsableLegal.objects.none(), prefix="responsables"
    )
    form_parcours = ParcoursForm(donnees, programmes=programmes, prefix="parcours")
    form_confirmation = ConfirmationForm(donnees, prefix="confirmation")
    avertissements, doublons, familles = [], [], []
    autres = [form_programme, form_enfant, form_famille, formset, form_confirmation]

    def page():
        if doublons or avertissements or familles:
            # Bring keyboard and screen-reader users straight to what must be checked.
            form_confirmation.fields["confirmer"].widget.attrs["autofocus"] = True
        return render(
            request,
            "parcours/creer.html",
            {
                "form_programme": form_programme,
                "plusieurs_programmes": programmes.count() > 1,
                "form_enfant": form_enfant,
                "form_famille": form_famille,
                "formset": formset,
                "form_parcours": form_parcours,
                "form_confirmation": form_confirmation,
                "doublons": doublons,
                "avertissements": avertissements,
                "familles": familles,
            },
        )

    if request.method == "POST" and (rejoue := envoi_rejoue(request)) is not None:
        return rejoue  # a double click: never shown the duplicates the first one created
    if request.method == "POST" and tous_valides([form_parcours, *autres]):
        programme = form_programme.cleaned_data["programme"]
        enfant = form_enfant.cleaned_data
        doublons = list(
            Enfant.objects.doublons_probables(
                programme=programme,
                nom=enfant["nom"],
                prenom=enfant["prenom"],
                date_naissance=enfant["date_naissance"],
            ).prefetch_related("parcours")
        )
        avertissement = avertissement_age(
            date_naissance=enfant["date_naissance"],
            date_entree=form_parcours.cleaned_data["date_entree"],
        )
        if avertissement:
            avertissements.append(avertissement)
        # The guardians typed may be those of a family already followed: offer to attach the
        # child to it (a sibling) rather than create the family a second time.
        familles = familles_correspondantes(
            user=request.user,
            programme=programme,
            responsables=[f.donnees() for f in formset.forms if f.has_changed()],
        )
        if (doublons or avertissements or familles) and not form_confirmation.cleaned_data[
            "confirmer"
        ]:
            return page()
    return ecrire(
        request,
        form_parcours,
        lambda: enfant_et_parcours_creer(
            programme=form_programme.cleaned_data["programme"],
            auteur=request.user,
            donnees=DonneesCreation(
                enfant=form_enfant.cleaned_data,
                famille=form_famille.cleaned_data,
                responsables=[
                    DonneesResponsable(**f.donnees()) for f in formset.forms if f.has_changed()
                ],
                parcours=form_parcours.cleaned_data,
            ),
        ),
        autres=autres,
        creation=True,
        succes=_("Le parcours a été créé."),
        suite=lambda parcours: reverse("parcours:detail", args=[parcours.pk]),
        page=page,
    )


def _fiche(parcours) -> str:
    return url_section(parcours, SECTION_SYNTHESE)


def _partage(parcours) -> str:
    return url_section(parcours, SECTION_PARTAGE)


def parcours_modifier_vue(request, pk):
    parcours = parcours_pour(
        user=request.user, pk=pk, capacite=Capacite.ECRITURE, queryset=parcours_detail_queryset()
    )
    programmes = programmes_de_travail(request.user).filter(pk=parcours.programme_id)
    form = ParcoursForm(
        request.POST if request.method == "POST" else None,
        instance=parcours,
        programmes=programmes,
        prefix="parcours",
    )
    return ecrire(
        request,
        form,
        lambda: parcours_modifier(
            parcours=parcours,
            donnees={nom: form.cleaned_data[nom] for nom in form.Meta.fields},
            version=version_soumise(request),
            auteur=request.user,
        ),
        succes=_("Le parcours a été modifié."),
        suite=_fiche(parcours),
        page=lambda: render(
            request,
            "parcours/modifier_parcours.html",
            {"parcours": parcours, "form": form, "version_de": parcours},
        ),
    )


def enfant_modifier_vue(request, pk):
    parcours = parcours_pour(
        user=request.user, pk=pk, capacite=Capacite.ECRITURE, queryset=parcours_detail_queryset()
    )
    programmes = programmes_de_travail(request.user).filter(pk=parcours.programme_id)
    enfant = parcours.enfant
    form = EnfantForm(
        request.POST if request.method == "POST" else None,
        instance=enfant,
        programmes=programmes,
        prefix="enfant",
    )
    return ecrire(
        request,
        form,
        lambda: enfant_modifier(
            enfant=enfant, donnees=form.cleaned_data, version=version_soumise(request)
        ),
        succes=_("La fiche de l’enfant a été modifiée."),
        suite=_fiche(parcours),
        page=lambda: render(
            request,
            "parcours/modifier_enfant.html",
            {"parcours": parcours, "form": form, "version_de": enfant},
        ),
    )


def famille_modifier_vue(request, pk):
    parcours = parcours_pour(
        user=request.user, pk=pk, capacite=Capacite.ECRITURE, queryset=parcours_detail_queryset()
    )
    famille = parcours.enfant.famille
    donnees = request.POST if request.method == "POST" else None
    form = FamilleForm(donnees, instance=famille, prefix="famille")
    formset = ResponsableFormSetEdition(
        donnees, queryset=famille.responsables.order_by("pk"), prefix="responsables"
    )
    return ecrire(
        request,
        form,
        lambda: famille_modifier(
            famille=famille,
            donnees=form.cleaned_data,
            version=version_soumise(request),
            responsables=[(f.instance, f.donnees()) for f in formset.forms if f.has_changed()],
        ),
        autres=[formset],
        succes=_("La famille a été modifiée."),
        suite=_fiche(parcours),
        page=lambda: render(
            request,
            "parcours/modifier_famille.html",
            {"parcours": parcours, "form": form, "formset": formset, "version_de": famille},
        ),
    )


@require_POST
def parcours_changer_statut_vue(request, pk):
    parcours = parcours_pour(user=request.user, pk=pk, capacite=Capacite.ECRITURE)
    form = TransitionForm(request.POST)

    def refus():
        # The form is a button on the pathway's page: its errors are shown there.
        if any(champ is not None and champ != "__all__" for champ in form.errors):
            messages.error(request, _("Changement de statut invalide."))
        for erreur in form.non_field_errors():
            messages.error(request, erreur)
        return redirect("parcours:detail", pk=parcours.pk)

    return ecrire(
        request,
        form,
        lambda: parcours_changer_statut(
            parcours=parcours,
            statut=form.cleaned_data["statut"],
            auteur=request.user,
            commentaire=form.cleaned_data["commentaire"],
            version=form.cleaned_data["version"],
        ),
        succes=lambda actuel: (
            _("Statut changé : %(statut)s.") % {"statut": actuel.get_statut_display()}
        ),
        suite=_fiche(parcours),
        page=refus,
        actuelle=_fiche(parcours),
    )


def parcours_suspendre_vue(request, pk):
    """Suspending is a confirmed, secondary action: this page says what it means, and its form
    is refused without the confirmation box (the status buttons of the page cannot suspend)."""
    parcours = parcours_pour(
        user=request.user, pk=pk, capacite=Capacite.ECRITURE, queryset=parcours_detail_queryset()
    )
    if Statut.SUSPENDU not in transitions_possibles(parcours):
        messages.info(
            request,
            _("Ce parcours ne peut pas être suspendu : il est « %(statut)s ».")
            % {"statut": parcours.get_statut_display()},
        )
        return redirect("parcours:detail", pk=parcours.pk)
    form = SuspensionForm(request.POST if request.method == "POST" else None)
    return ecrire(
        request,
        form,
        lambda: parcours_changer_statut(
            parcours=parcours,
            statut=Statut.SUSPENDU,
            auteur=request.user,
            commentaire=form.cleaned_data["commentaire"],
            version=version_soumise(request),
        ),
        succes=_("Le parcours est suspendu."),
        suite=_fiche(parcours),
        page=lambda: render(
            request,
            "parcours/suspendre.html",
            {"parcours": parcours, "form": form, "version_de": parcours},
        ),
    )


def _questionnaire_attendu(sorti, droits) -> bool:
    """After an exit, the team fills the family's exit questionnaire (issue 21), unless the
    family refused, was not heard from, or continues in another programme."""
    return droits.equipe and sorti.motif_sortie not in SORTIES_SANS_QUESTIONNAIRE


def _apres_sortie(sorti, droits) -> str:
    if _questionnaire_attendu(sorti, droits):
        return reverse("parcours:questionnaire_sortie", args=[sorti.pk])
    return _fiche(sorti)


def _sortie_succes(sorti, droits) -> str:
    if _questionnaire_attendu(sorti, droits):
        return _(
            "Le parcours est clos. Remplissez maintenant avec la famille le questionnaire de "
            "sortie."
        )
    return _("Le parcours est clos.")


def parcours_sortir_vue(request, pk):
    parcours = parcours_pour(
        user=request.user, pk=pk, capacite=Capacite.ECRITURE, queryset=parcours_detail_queryset()
    )
    if not parcours.est_ouvert:
        messages.info(request, _("Ce parcours est déjà sorti."))
        return redirect("parcours:detail", pk=parcours.pk)
    initial = {"version": parcours.version}
    if request.GET.get("motif") in MotifSortie.values:
        # Opened by an EPS decision (réorientation): its reason prefilled, still to confirm.
        initial["motif_sortie"] = request.GET["motif"]
    form = SortieForm(request.POST if request.method == "POST" else None, initial=initial)
    return ecrire(
        request,
        form,
        lambda: parcours_sortir(parcours=parcours, auteur=request.user, **form.cleaned_data),
        succes=lambda sorti: _sortie_succes(sorti, parcours.droits),
        suite=lambda sorti: _apres_sortie(sorti, parcours.droits),
        page=lambda: render(request, "parcours/sortir.html", {"parcours": parcours, "form": form}),
    )


def consentement_ajouter_vue(request, pk, renouvelle_pk=None):
    if renouvelle_pk is None:
        precedent = None
        parcours = parcours_pour(
            user=request.user,
            pk=pk,
            capacite=Capacite.ECRITURE,
            queryset=parcours_detail_queryset(),
        )
    else:
        precedent = consentement_pour(
            user=request.user,
            pk=pk,
            consentement_pk=renouvelle_pk,
            capacite=Capacite.ECRITURE,
            queryset=parcours_detail_queryset(),
        )
        parcours = precedent.parcours
    form = ConsentementForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        parcours=parcours,
        precedent=precedent,
    )
    return ecrire(
        request,
        form,
        lambda: consentement_enregistrer(
            parcours=parcours,
            date_signature=form.cleaned_data["date_signature"],
            date_expiration=form.cleaned_data["date_expiration"],
            signataires=list(form.cleaned_data["signataires"]),
            structures=list(form.cleaned_data["structures"]),
            finalites=form.cleaned_data["finalites"],
            fichier=form.cleaned_data["fichier"],
            renouvelle=precedent,
            auteur=request.user,
        ),
        creation=True,
        succes=_("Le consentement de la famille est enregistré."),
        suite=_partage(parcours),
        page=lambda: render(
            request,
            "parcours/consentement.html",
            {"parcours": parcours, "form": form, "precedent": precedent, "multipart": True},
        ),
    )
