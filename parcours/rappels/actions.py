"""Reminders about an action past its end date without a result."""

from datetime import date

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reussite.core.models import Rappel
from reussite.core.rappels import Genre, Rendu

from ..models import STATUTS_ACTION_ACTIFS, Action, Statut
from .base import en_colonnes, pour_referent


def _actions_en_cours():
    return Action.objects.filter(statut__in=STATUTS_ACTION_ACTIFS, resultat="").exclude(
        parcours__statut=Statut.SORTI
    )


def _actions_en_retard(le: date):
    base = _actions_en_cours().filter(date_fin__lt=le)
    colonnes = {"objet": "pk", "programme": "parcours__programme_id", "echeance": F("date_fin")}
    professionnels = base.filter(professionnel__isnull=False).annotate(
        r_destinataire=F("professionnel__user_id")
    )
    return en_colonnes(professionnels, **colonnes).union(
        en_colonnes(pour_referent(base, "parcours__"), **colonnes)
    )


def _actions_valables(rappels: list[Rappel], le: date) -> set[int]:
    actions = {
        a.pk: a
        for a in _actions_en_cours()
        .filter(pk__in={r.object_id for r in rappels}, date_fin__lt=le)
        .select_related("professionnel", "parcours__referent")
    }
    valables = set()
    for r in rappels:
        a = actions.get(r.object_id)
        if a is None or a.date_fin != r.echeance:
            continue
        concernes = {
            a.professionnel.user_id if a.professionnel else None,
            a.parcours.referent.user_id if a.parcours.referent else None,
        }
        if r.destinataire_id in concernes:
            valables.add(r.pk)
    return valables


def _rendre_actions(rappels: list[Rappel]) -> dict[int, Rendu]:
    actions = Action.objects.select_related("parcours__enfant").in_bulk(
        {r.object_id for r in rappels}
    )
    rendus = {}
    for r in rappels:
        a = actions.get(r.object_id)
        if a is None:
            continue
        enfant = a.parcours.enfant
        contexte = {
            "action": a.intitule,
            "enfant": f"{enfant.prenom} {enfant.nom[:1]}.",
            "date": r.echeance.strftime("%d/%m/%Y"),
        }
        rendus[r.pk] = Rendu(
            titre=_("Une action devait se terminer le %(date)s") % contexte,
            texte=_(
                "L’action « %(action)s » du parcours de %(enfant)s devait se terminer le "
                "%(date)s : indiquez son résultat, ou prolongez-la."
            )
            % contexte,
            lien=reverse("parcours:detail", args=[a.parcours_id]),
        )
    return rendus


ACTION_EN_RETARD = Genre(
    nom="action_en_retard",
    libelle=gettext_lazy("Action en retard"),
    modele=Action,
    candidats=_actions_en_retard,
    valables=_actions_valables,
    rendre=_rendre_actions,
)
