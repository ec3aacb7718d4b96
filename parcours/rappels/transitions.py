"""Reminders about school transitions (issue 21): a checklist still incomplete before the rentrée."""

from datetime import date

from django.db.models import DateField, F, Func, Value
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reussite.core.models import Rappel
from reussite.core.rappels import Genre, Rendu

from ..models import Parcours
from .base import en_colonnes, pour_coordination, pour_referent, rendre_parcours


def _transitions_incompletes(le: date):
    """From the programme's alert month (June by default), the référent of a child changing
    school at the rentrée whose checklist is not complete — the coordination when the pathway has
    no référent. Due on the 1st of that month: once a year per pathway and recipient."""
    from ..selectors.transitions import transitions_incompletes

    base = transitions_incompletes(le)
    colonnes = {
        "objet": "pk",
        "programme": "programme_id",
        "echeance": Func(
            Value(le.year),
            F("programme__transitions_alerte_mois"),
            Value(1),
            function="make_date",
            output_field=DateField(),
        ),
    }
    return en_colonnes(pour_referent(base), **colonnes).union(
        en_colonnes(pour_coordination(base.filter(referent__isnull=True)), **colonnes)
    )


def _transitions_valables(rappels: list[Rappel], le: date) -> set[int]:
    encore = {(ligne["r_objet"], ligne["r_destinataire"]) for ligne in _transitions_incompletes(le)}
    return {r.pk for r in rappels if (r.object_id, r.destinataire_id) in encore}


def _rendre_transitions(rappels: list[Rappel]) -> dict[int, Rendu]:
    rendus = rendre_parcours(
        rappels,
        _("Passage à la rentrée : liste de passage incomplète"),
        _(
            "%(enfant)s change d’école à la rentrée et sa liste de passage n’est pas complète "
            "(contact avec l’établissement d’accueil, accord de la famille, fiche de liaison, "
            "rencontre avant l’été)."
        ),
    )
    for r in rappels:
        if r.pk in rendus:
            rendus[r.pk].lien = reverse("parcours:transition", args=[r.object_id])
    return rendus


TRANSITION_INCOMPLETE = Genre(
    nom="transition_incomplete",
    libelle=gettext_lazy("Passage à la rentrée à préparer"),
    modele=Parcours,
    candidats=_transitions_incompletes,
    valables=_transitions_valables,
    rendre=_rendre_transitions,
)
