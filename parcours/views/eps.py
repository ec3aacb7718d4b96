"""EPS meetings: list, planning, the meeting page (agenda, attendance), one examination per
pathway, and the printable agenda and minutes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from partenaires.models import Structure
from reussite.core.ecriture import ecrire, version_soumise

from ..access import Capacite, examen_pour, reunion_pour
from ..forms import (
    ActionOuverteFormSet,
    AjoutOrdreDuJourForm,
    ConfirmationOrdreDuJourForm,
    DecisionForm,
    ObjectifOuvertFormSet,
    PlanificationForm,
    PresencesForm,
)
from ..models import Decision, Parcours, Statut, StatutReunion
from ..selectors import (
    invitations,
    liste_des_reunions,
    ordre_du_jour,
    programmes_equipe_pre,
)
from ..services import (
    ActionOuverte,
    ObjectifOuvert,
    effets_decision,
    examen_decider,
    ordre_du_jour_ajouter,
    ordre_du_jour_confirmer,
    ordre_du_jour_proposer,
    ordre_du_jour_retirer,
    presences_enregistrer,
    reunion_peut_etre_tenue,
    reunion_planifier,
    revue_par_defaut,
)


@require_GET
def eps_liste(request):
    reunions = liste_des_reunions(request.user)
    passees = Paginator(reunions["passees"], 20).get_page(request.GET.get("page"))
    return render(
        request,
        "parcours/eps/liste.html",
        {
            "a_venir": reunions["a_venir"],
            "passees": passees,
            "peut_planifier": programmes_equipe_pre(request.user).exists(),
        },
    )


def eps_planifier(request):
    programmes = programmes_equipe_pre(request.user).order_by("nom")
    if not programmes.exists():
        raise Http404(_("Page introuvable."))
    form = PlanificationForm(request.POST or None, programmes=programmes)

    def planifier():
        # Nothing goes on the agenda by itself: the meeting's page proposes the reviews due,
        # and the coordinator confirms which ones are examined.
        return reunion_planifier(
            programme=form.cleaned_data["programme"],
            date_heure=form.cleaned_data["date"],
            lieu=form.cleaned_data["lieu"],
            invites=form.cleaned_data["invites"],
            auteur=request.user,
        )

    return ecrire(
        request,
        form,
        planifier,
        creation=True,
        succes=_(
            "La réunion est planifiée. Choisissez, parmi les parcours proposés, ceux à inscrire "
            "à l’ordre du jour."
        ),
        suite=lambda reunion: (
            reverse("parcours:eps_reunion", kwargs={"reunion_pk": reunion.pk}) + "#titre-proposes"
        ),
        page=lambda: render(request, "parcours/eps/planifier.html", {"form": form}),
    )


RESULTATS_RECHERCHE = 10


def _proposes(request, reunion):
    """The pathways proposed for the agenda: due for review by the meeting's day, on no
    upcoming agenda yet, among those the coordinator may see."""
    return ordre_du_jour_proposer(
        programme=reunion.programme,
        le=timezone.localtime(reunion.date).date(),
        parmi=Parcours.objects.visibles_par(request.user),
        reunion=reunion,
    ).select_related("enfant")


def _contexte_reunion(request, reunion, *, equipe: bool, confirmation=None) -> dict:
    examens = ordre_du_jour(reunion, request.user)
    invites = invitations(reunion)
    contexte = {
        "reunion": reunion,
        "equipe": equipe,
        "examens": [e for e in examens if e.visible],
        "autres": sum(1 for e in examens if not e.visible),
        "invitations": invites,
        "peut_etre_tenue": reunion_peut_etre_tenue(reunion),
    }
    if equipe and reunion.statut == StatutReunion.PLANIFIEE:
        proposes = _proposes(request, reunion)
        contexte["form_proposes"] = confirmation or ConfirmationOrdreDuJourForm(
            proposes=proposes, prefix="proposes"
        )
        contexte["proposes"] = list(proposes)
        contexte["coches"] = {str(v) for v in (contexte["form_proposes"]["parcours"].value() or [])}
    if equipe:
        # Adding a pathway by hand: a search among the open pathways the planner may see, a
        # few results at a time (a programme has a thousand pathways: no list of them all).
        terme = request.GET.get("q", "").strip()
        contexte["recherche"] = terme
        if len(terme) >= 2:
            deja = [e.parcours_id for e in examens]
            contexte["trouves"] = list(
                Parcours.objects.visibles_par(request.user)
                .filter(programme=reunion.programme)
                .exclude(statut=Statut.SORTI)
                .exclude(pk__in=deja)
                .recherche(terme)
                .select_related("enfant")
                .order_by("enfant__nom", "enfant__prenom", "pk")[:RESULTATS_RECHERCHE]
            )
        contexte["form_presences"] = PresencesForm(invitations=invites, prefix="presences")
    return contexte


@require_GET
def eps_reunion(request, reunion_pk):
    reunion = reunion_pour(user=request.user, pk=reunion_pk)
    return render(
        request,
        "parcours/eps/reunion.html",
        _contexte_reunion(request, reunion, equipe=reunion.equipe),
    )


@require_POST
def eps_confirmer(request, reunion_pk):
    """The coordinator confirms which proposed pathways go on the agenda."""
    reunion = reunion_pour(user=request.user, pk=reunion_pk, capacite=Capacite.EQUIPE)
    form = ConfirmationOrdreDuJourForm(
        request.POST, proposes=_proposes(request, reunion), prefix="proposes"
    )
    vers_reunion = reverse("parcours:eps_reunion", kwargs={"reunion_pk": reunion.pk})
    return ecrire(
        request,
        form,
        lambda: ordre_du_jour_confirmer(
            reunion=reunion, parcours=list(form.cleaned_data["parcours"])
        ),
        creation=True,
        succes=lambda examens: (
            ngettext(
                "%(n)s parcours est inscrit à l’ordre du jour.",
                "%(n)s parcours sont inscrits à l’ordre du jour.",
                len(examens),
            )
            % {"n": len(examens)}
        ),
        suite=vers_reunion + "#titre-ordre-du-jour",
        page=lambda: render(
            request,
            "parcours/eps/reunion.html",
            _contexte_reunion(request, reunion, equipe=True, confirmation=form),
        ),
    )


@require_POST
def eps_ajouter(request, reunion_pk):
    reunion = reunion_pour(user=request.user, pk=reunion_pk, capacite=Capacite.EQUIPE)
    candidats = Parcours.objects.visibles_par(request.user).filter(programme=reunion.programme)
    form = AjoutOrdreDuJourForm(request.POST, candidats=candidats, prefix="ajout")
    if form.is_valid():
        try:
            ordre_du_jour_ajouter(reunion=reunion, parcours=form.cleaned_data["parcours"])
        except ValidationError as erreur:
            for message in erreur.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Le parcours est ajouté à l’ordre du jour."))
    else:
        messages.error(request, _("Choisissez un parcours de ce programme."))
    return redirect("parcours:eps_reunion", reunion_pk=reunion.pk)


@require_POST
def eps_retirer(request, reunion_pk, examen_pk):
    reunion = reunion_pour(user=request.user, pk=reunion_pk, capacite=Capacite.EQUIPE)
    # Removing names nobody but who may see the pathway.
    examen = examen_pour(
        user=request.user, reunion=reunion, examen_pk=examen_pk, capacite=Capacite.LECTURE
    )
    try:
        ordre_du_jour_retirer(examen=examen)
    except ValidationError as erreur:
        for message in erreur.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Le parcours est retiré de l’ordre du jour."))
    return redirect("parcours:eps_reunion", reunion_pk=reunion.pk)


@require_POST
def eps_presences(request, reunion_pk):
    reunion = reunion_pour(user=request.user, pk=reunion_pk, capacite=Capacite.EQUIPE)
    form = PresencesForm(request.POST, invitations=invitations(reunion), prefix="presences")
    vers_reunion = reverse("parcours:eps_reunion", kwargs={"reunion_pk": reunion.pk})

    def refus():
        for erreur in form.non_field_errors() or [
            _("Les présences n’ont pas pu être enregistrées.")
        ]:
            messages.error(request, erreur)
        return redirect(vers_reunion)

    return ecrire(
        request,
        form,
        lambda: presences_enregistrer(
            reunion=reunion,
            presents={int(pk) for pk in form.cleaned_data["presents"]},
            version=version_soumise(request),
        ),
        succes=_("Les présences sont enregistrées."),
        suite=vers_reunion,
        page=refus,
        actuelle=vers_reunion,
    )


def eps_examen(request, reunion_pk, examen_pk):
    reunion = reunion_pour(user=request.user, pk=reunion_pk, capacite=Capacite.EQUIPE)
    examen = examen_pour(user=request.user, reunion=reunion, examen_pk=examen_pk)
    vers_reunion = reverse("parcours:eps_reunion", kwargs={"reunion_pk": reunion.pk})
    if not reunion_peut_etre_tenue(reunion):
        # Decisions are taken at the meeting: not before its day (the service refuses too).
        messages.error(
            request,
            _(
                "La réunion du %(date)s n’a pas encore eu lieu : les décisions s’enregistrent à "
                "partir de ce jour-là."
            )
            % {"date": timezone.localtime(reunion.date).strftime("%d/%m/%Y")},
        )
        return redirect(vers_reunion)
    parcours = examen.parcours
    effets = effets_decision(examen)
    structures = Structure.objects.filter(programmes=reunion.programme).order_by("nom")
    if request.method == "POST":
        form = DecisionForm(request.POST, prefix="decision", effets=effets)
        formset = ObjectifOuvertFormSet(request.POST, prefix="objectifs")
        actions = ActionOuverteFormSet(
            request.POST, prefix="actions", form_kwargs={"structures": structures}
        )
    else:
        form = DecisionForm(
            prefix="decision",
            effets=effets,
            initial={
                "decision": examen.decision,
                "releve_conclusions": examen.releve_conclusions,
                "date_prochaine_revue": examen.date_prochaine_revue or revue_par_defaut(reunion),
            },
        )
        formset = ObjectifOuvertFormSet(prefix="objectifs")
        actions = ActionOuverteFormSet(prefix="actions", form_kwargs={"structures": structures})

    def suite(decide):
        effet = effets[decide.decision]
        if not effet.sortie:
            return vers_reunion
        # The exit is its own form, confirmed there (réorientation: its reason prefilled).
        adresse = reverse("parcours:sortir", args=[parcours.pk])
        return f"{adresse}?motif={effet.motif_sortie}" if effet.motif_sortie else adresse

    def succes(decide):
        """What the decision did, now that it is recorded."""
        if effets[decide.decision].sortie:
            return _("La décision est enregistrée. Confirmez maintenant la sortie du parcours.")
        phrases = [_("La décision est enregistrée.")]
        statut = Parcours.objects.values_list("statut", flat=True).get(pk=parcours.pk)
        if statut != parcours.statut:
            phrases.append(
                _("Le parcours passe à « %(statut)s ».") % {"statut": Statut(statut).label}
            )
        elif (
            decide.decision == Decision.ENTREE_VALIDEE and statut == Statut.EN_ATTENTE_CONSENTEMENT
        ):
            phrases.append(
                _("Il passera au diagnostic dès que le consentement de la famille sera enregistré.")
            )
        if decide.date_prochaine_revue:
            phrases.append(
                _("Prochaine revue le %(date)s.")
                % {"date": decide.date_prochaine_revue.strftime("%d/%m/%Y")}
            )
        return " ".join(phrases)

    return ecrire(
        request,
        form,
        lambda: examen_decider(
            examen=examen,
            decision=form.cleaned_data["decision"],
            releve_conclusions=form.cleaned_data["releve_conclusions"],
            date_prochaine_revue=form.cleaned_data["date_prochaine_revue"],
            objectifs=[
                ObjectifOuvert(domaine=f["domaine"], intitule=f["intitule"])
                for f in formset.cleaned_data
                if f.get("intitule")
            ],
            actions=[
                ActionOuverte(
                    intitule=f["intitule"], structure=f["structure"], date_debut=f["date_debut"]
                )
                for f in actions.cleaned_data
                if f.get("intitule")
            ],
            version=version_soumise(request),
            auteur=request.user,
        ),
        autres=[formset, actions],
        succes=succes,
        suite=suite,
        page=lambda: render(
            request,
            "parcours/eps/examen.html",
            {
                "reunion": reunion,
                "examen": examen,
                "parcours": parcours,
                "form": form,
                "formset": formset,
                "actions": actions,
            },
        ),
    )


@require_GET
def eps_imprimer(request, reunion_pk, document):
    """The agenda before the meeting, the minutes after: never a journal note."""
    reunion = reunion_pour(user=request.user, pk=reunion_pk, capacite=Capacite.EQUIPE)
    contexte = _contexte_reunion(request, reunion, equipe=False)
    contexte["releve"] = document == "releve"
    if contexte["releve"]:
        # The minutes list the pathways examined, not those left undecided.
        contexte["examens"] = [e for e in contexte["examens"] if e.decision]
    contexte["presents"] = [i for i in contexte["invitations"] if i.present]
    return render(request, "parcours/eps/imprimer.html", contexte)
