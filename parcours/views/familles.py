"""A family's page, and adding a child to it: a sibling joins the family and its guardians
instead of duplicating them (issue 15, point 18)."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reussite.core.ecriture import ecrire, envoi_rejoue, tous_valides
from reussite.core.models import Programme

from ..access import Capacite, famille_pour
from ..forms import ConfirmationForm, EnfantForm, ParcoursForm
from ..models import Enfant
from ..selectors import enfant_initial, famille_detail, titre_famille
from ..services import DonneesCreation, avertissement_age, enfant_et_parcours_creer

# The button of the duplicate warning on « Nouveau parcours » posts that form here: the child
# and the pathway typed there are shown again, on this page, to be attached to the family.
RATTACHER = "rattacher"


@require_GET
def famille_detail_vue(request, famille_pk):
    famille = famille_pour(user=request.user, pk=famille_pk, capacite=Capacite.EQUIPE)
    return render(request, "parcours/familles/detail.html", famille_detail(request.user, famille))


def famille_ajouter_enfant_vue(request, famille_pk):
    """A new child and its pathway in the family `famille_pk`: the family, its guardians and its
    programme are the family's; only the child and the pathway are typed."""
    famille = famille_pour(user=request.user, pk=famille_pk, capacite=Capacite.CREATION)
    programmes = Programme.objects.filter(pk=famille.programme_id)
    # Shown again from « Nouveau parcours »: a page to check, not a submission.
    repris = request.method == "POST" and RATTACHER in request.POST
    donnees = request.POST if request.method == "POST" else None
    form_enfant = EnfantForm(
        donnees,
        programmes=programmes,
        prefix="enfant",
        initial=enfant_initial(request.user, famille),
    )
    form_parcours = ParcoursForm(donnees, programmes=programmes, prefix="parcours")
    form_confirmation = ConfirmationForm(None if repris else donnees, prefix="confirmation")
    avertissements, doublons = [], []
    responsables = list(famille.responsables.order_by("pk"))

    def page():
        if doublons or avertissements:
            form_confirmation.fields["confirmer"].widget.attrs["autofocus"] = True
        return render(
            request,
            "parcours/familles/ajouter_enfant.html",
            {
                "famille": famille,
                "responsables": responsables,
                "titre_famille": titre_famille(responsables),
                "form_enfant": form_enfant,
                "form_parcours": form_parcours,
                "form_confirmation": form_confirmation,
                "doublons": doublons,
                "avertissements": avertissements,
            },
        )

    if repris:
        return page()
    if request.method == "POST" and (rejoue := envoi_rejoue(request)) is not None:
        return rejoue  # a double click: the child the first one created, nothing checked again
    if request.method == "POST" and tous_valides([form_enfant, form_parcours, form_confirmation]):
        enfant = form_enfant.cleaned_data
        doublons = list(
            Enfant.objects.doublons_probables(
                programme=famille.programme,
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
        if (doublons or avertissements) and not form_confirmation.cleaned_data["confirmer"]:
            return page()
    return ecrire(
        request,
        form_parcours,
        lambda: enfant_et_parcours_creer(
            programme=famille.programme,
            auteur=request.user,
            donnees=DonneesCreation(
                enfant=form_enfant.cleaned_data,
                parcours=form_parcours.cleaned_data,
                famille_existante=famille,
            ),
        ),
        autres=[form_enfant, form_confirmation],
        creation=True,
        succes=_("Le parcours a été créé ; l’enfant est rattaché à sa famille."),
        suite=lambda parcours: reverse("parcours:detail", args=[parcours.pk]),
        page=page,
    )
