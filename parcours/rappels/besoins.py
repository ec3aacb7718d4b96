"""Reminders about an unmet need still waiting for an offer."""

from datetime import date

from django.db.models import DateField, ExpressionWrapper, F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reussite.core.models import Rappel
from reussite.core.rappels import Genre, Rendu

from ..models import BesoinNonCouvert, StatutBesoin
from .base import coordinateurs, en_colonnes, pour_coordination


def _besoins_en_attente(le: date):
    base = (
        BesoinNonCouvert.objects.filter(statut=StatutBesoin.OUVERT)
        .annotate(
            r_seuil=ExpressionWrapper(
                F("date_signalement") + F("programme__rappel_besoin_jours"),
                output_field=DateField(),
            )
        )
        .filter(r_seuil__lte=le)
    )
    return en_colonnes(
        pour_coordination(base), objet="pk", programme="programme_id", echeance=F("r_seuil")
    )


def _besoins_valables(rappels: list[Rappel], le: date) -> set[int]:
    besoins = BesoinNonCouvert.objects.filter(
        pk__in={r.object_id for r in rappels}, statut=StatutBesoin.OUVERT
    ).in_bulk()
    coordination = coordinateurs({b.programme_id for b in besoins.values()})
    return {
        r.pk
        for r in rappels
        if (b := besoins.get(r.object_id)) is not None
        and (b.programme_id, r.destinataire_id) in coordination
    }


def _rendre_besoins(rappels: list[Rappel]) -> dict[int, Rendu]:
    besoins = BesoinNonCouvert.objects.in_bulk({r.object_id for r in rappels})
    rendus = {}
    for r in rappels:
        b = besoins.get(r.object_id)
        if b is None:
            continue
        contexte = {
            "domaine": b.get_domaine_display(),
            "age": b.get_tranche_age_display(),
            "depuis": b.date_signalement.strftime("%d/%m/%Y"),
        }
        rendus[r.pk] = Rendu(
            titre=_("Un besoin attend une offre depuis le %(depuis)s") % contexte,
            texte=_(
                "Un besoin en %(domaine)s (%(age)s) signalé le %(depuis)s n’a toujours pas "
                "d’offre : à porter au comité de pilotage ?"
            )
            % contexte,
            lien=reverse("parcours:detail", args=[b.parcours_id]) if b.parcours_id else "",
        )
    return rendus


BESOIN_EN_ATTENTE = Genre(
    nom="besoin_en_attente",
    libelle=gettext_lazy("Besoin non couvert en attente"),
    modele=BesoinNonCouvert,
    candidats=_besoins_en_attente,
    valables=_besoins_valables,
    rendre=_rendre_besoins,
)
