"""Reminders about referrals: a step for the referrer, a step for the coordination, a referral
waiting too long for a decision."""

from datetime import date

from django.db.models import DateField, ExpressionWrapper, F
from django.db.models.functions import Cast, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reussite.core.models import Rappel
from reussite.core.rappels import Genre, Rendu

from ..models import STATUTS_ORIENTATION_OUVERTS, EchangeOrientation, GenreEchange, Orientation
from .base import COORDINATION, coordinateurs, en_colonnes, pour_coordination


def _echanges_suivis(le: date):
    """(step, referrer) pairs still worth telling: the referrer's membership is active."""
    return (
        EchangeOrientation.objects.filter(orientation__auteur__actif=True)
        .annotate(r_objet=F("pk"), r_destinataire=F("orientation__auteur__user_id"))
        .order_by()
        .values("r_objet", "r_destinataire")
    )


def _echanges_suivis_valables(rappels: list[Rappel], le: date) -> set[int]:
    paires = set(
        EchangeOrientation.objects.filter(
            pk__in={r.object_id for r in rappels}, orientation__auteur__actif=True
        ).values_list("pk", "orientation__auteur__user_id")
    )
    return {r.pk for r in rappels if (r.object_id, r.destinataire_id) in paires}


def _echanges_a_traiter(le: date):
    """(step, coordinator) pairs of deposits and answers on referrals still waiting."""
    base = EchangeOrientation.objects.filter(
        genre__in=[GenreEchange.DEPOT, GenreEchange.REPONSE],
        orientation__statut__in=STATUTS_ORIENTATION_OUVERTS,
    )
    lien = "orientation__programme__programmeuserobjectpermission"
    return (
        base.filter(**{f"{lien}__permission__codename": COORDINATION})
        .annotate(r_objet=F("pk"), r_destinataire=F(f"{lien}__user_id"))
        .order_by()
        .values("r_objet", "r_destinataire")
    )


def _echanges_a_traiter_valables(rappels: list[Rappel], le: date) -> set[int]:
    echanges = EchangeOrientation.objects.filter(
        pk__in={r.object_id for r in rappels},
        orientation__statut__in=STATUTS_ORIENTATION_OUVERTS,
    ).values_list("pk", "orientation__programme_id")
    programme_de = dict(echanges)
    coordination = coordinateurs(set(programme_de.values()))
    return {
        r.pk
        for r in rappels
        if r.object_id in programme_de
        and (programme_de[r.object_id], r.destinataire_id) in coordination
    }


def _rendre_echanges(rappels: list[Rappel], *, pour_coordination: bool) -> dict[int, Rendu]:
    echanges = EchangeOrientation.objects.select_related("orientation__structure").in_bulk(
        {r.object_id for r in rappels}
    )
    rendus = {}
    for r in rappels:
        e = echanges.get(r.object_id)
        if e is None:
            continue
        o = e.orientation
        contexte = {
            "numero": o.pk,
            "date": timezone.localtime(o.recue_le).strftime("%d/%m/%Y"),
            "statut": o.get_statut_display(),
            "etape": e.get_genre_display(),
            "structure": o.structure.nom,
        }
        if pour_coordination:
            titre = (
                _("Nouvelle orientation n° %(numero)s (%(structure)s)")
                if e.genre == GenreEchange.DEPOT
                else _("L’orienteur a répondu sur l’orientation n° %(numero)s")
            )
            texte = _(
                "%(etape)s par %(structure)s le %(date)s : l’orientation attend la décision de "
                "la coordination."
            )
        else:
            titre = _("Votre orientation n° %(numero)s : %(statut)s")
            texte = _(
                "Votre orientation du %(date)s est désormais « %(statut)s ». Ouvrez-la pour lire "
                "le message de la coordination."
            )
        rendus[r.pk] = Rendu(
            titre=titre % contexte,
            texte=texte % contexte,
            lien=reverse("parcours:orientation", args=[o.pk]),
        )
    return rendus


def _orientations_en_attente(le: date):
    """Referrals without a decision for more than the programme's number of days."""
    base = (
        Orientation.objects.filter(statut__in=STATUTS_ORIENTATION_OUVERTS)
        .annotate(
            r_seuil=ExpressionWrapper(
                Cast(TruncDate("recue_le"), DateField()) + F("programme__delai_orientation_jours"),
                output_field=DateField(),
            )
        )
        .filter(r_seuil__lte=le)
    )
    return en_colonnes(
        pour_coordination(base), objet="pk", programme="programme_id", echeance=F("r_seuil")
    )


def _orientations_en_attente_valables(rappels: list[Rappel], le: date) -> set[int]:
    orientations = Orientation.objects.filter(
        pk__in={r.object_id for r in rappels}, statut__in=STATUTS_ORIENTATION_OUVERTS
    ).in_bulk()
    coordination = coordinateurs({o.programme_id for o in orientations.values()})
    return {
        r.pk
        for r in rappels
        if (o := orientations.get(r.object_id)) is not None
        and (o.programme_id, r.destinataire_id) in coordination
    }


def _rendre_orientations_en_attente(rappels: list[Rappel]) -> dict[int, Rendu]:
    orientations = Orientation.objects.select_related("structure").in_bulk(
        {r.object_id for r in rappels}
    )
    rendus = {}
    for r in rappels:
        o = orientations.get(r.object_id)
        if o is None:
            continue
        contexte = {
            "numero": o.pk,
            "date": timezone.localtime(o.recue_le).strftime("%d/%m/%Y"),
            "structure": o.structure.nom,
        }
        rendus[r.pk] = Rendu(
            titre=_("L’orientation n° %(numero)s attend une décision") % contexte,
            texte=_(
                "L’orientation envoyée par %(structure)s le %(date)s attend toujours une "
                "décision : l’orienteur et la famille attendent une réponse."
            )
            % contexte,
            lien=reverse("parcours:orientation", args=[o.pk]),
        )
    return rendus


ORIENTATION_SUIVI = Genre(
    nom="orientation_suivi",
    libelle=gettext_lazy("Suivi de votre orientation"),
    modele=EchangeOrientation,
    candidats=None,
    encore_dus=_echanges_suivis,
    valables=_echanges_suivis_valables,
    rendre=lambda rappels: _rendre_echanges(rappels, pour_coordination=False),
)


ORIENTATION_A_TRAITER = Genre(
    nom="orientation_a_traiter",
    libelle=gettext_lazy("Orientation à traiter"),
    modele=EchangeOrientation,
    candidats=None,
    encore_dus=_echanges_a_traiter,
    valables=_echanges_a_traiter_valables,
    rendre=lambda rappels: _rendre_echanges(rappels, pour_coordination=True),
)


ORIENTATION_EN_ATTENTE = Genre(
    nom="orientation_en_attente",
    libelle=gettext_lazy("Orientation en attente de décision"),
    modele=Orientation,
    candidats=_orientations_en_attente,
    valables=_orientations_en_attente_valables,
    rendre=_rendre_orientations_en_attente,
)
