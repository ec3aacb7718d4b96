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
from django.views.decorators.http import require_GET, require_POST

from partenaires.models import Structure
from reussite.core.ecriture import ecrire, version_soumise

from ..access import Capacite, examen_pour, reunion_pour
from ..forms import (
    ActionOuverteFormSet,
    AjoutOrdreDuJourForm,
    DecisionForm,
    ObjectifOuvertFormSet,
    PlanificationForm,
    PresencesForm,
)
from ..models import Parcours, Statut
from ..selectors import (
    invitations,
    liste_des_reunions,
    ordre_du_jour,
    programmes_equipe_pre,
)
from ..services import (
    ActionOuverte,
    ObjectifOuvert,
    examen_decider,
    ordre_du_jour_ajouter,
    ordre_du_jour_proposer,
    ordre_du_jour_retirer,
    presences_enregistrer,
    reunion_planifier,
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
        programme = form.cleaned_data["programme"]
        date_heure = form.cleaned_data["date"]
        # The agenda proposes the due pathways the planner may see; they adjust it next.
        proposes = ordre_du_jour_proposer(
            programme=programme,
            le=timezone.localtime(date_heure).date(),
            parmi=Parcours.objects.visibles_par(request.user),
        )
        return reunion_planifier(
            programme=programme,
            date_heure=date_heure,
            lieu=form.cleaned_data["lieu"],
            invites=form.cleaned_data["invites"],
            parcours=list(proposes),
            auteur=request.user,
        )

    return ecrire(
        request,
        form,
        planifier,
        creation=True,
        succes=_(
            "La réunion est planifiée. L’ordre du jour propose les parcours dont la revue "
            "est due : retirez-en ou ajoutez-en."
        ),
        suite=lambda reunion: reverse("parcours:eps_reunion", kwargs={"reunion_pk": reunion.pk}),
        page=lambda: render(request, "parcours/eps/planifier.html", {"form": form}),
    )


RESULTATS_RECHERCHE = 10


def _contexte_reunion(request, reunion, *, equipe: bool) -> dict:
    examens = ordre_du_jour(reunion, request.user)
    invites = invitations(reunion)
    contexte = {
        "reunion": reunion,
        "equipe": equipe,
        "examens": [e for e in examens if e.visible],
        "autres": sum(1 for e in examens if not e.visible),
        "invitations": invites,
    }
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
    parcours = examen.parcours
    structures = Structure.objects.filter(programmes=reunion.programme).order_by("nom")
    if request.method == "POST":
        form = DecisionForm(request.POST, prefix="decision")
        formset = ObjectifOuvertFormSet(request.POST, prefix="objectifs")
        actions = ActionOuverteFormSet(
            request.POST, prefix="actions", form_kwargs={"structures": structures}
        )
    else:
        form = DecisionForm(
            prefix="decision",
            initial={
                "decision": examen.decision,
                "releve_conclusions": examen.releve_conclusions,
                "date_prochaine_revue": examen.date_prochaine_revue,
            },
        )
        formset = ObjectifOuvertFormSet(prefix="objectifs")
        actions = ActionOuverteFormSet(prefix="actions", form_kwargs={"structures": structures})
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
        succes=_("La décision est enregistrée."),
        suite=reverse("parcours:eps_reunion", kwargs={"reunion_pk": reunion.pk}),
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
    contexte["presents"] = [i for i in contexte["invitations"] if i.present]
    return render(request, "parcours/eps/imprimer.html", contexte)
