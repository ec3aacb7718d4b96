"""Reminders about following a pathway: a review coming or missed, a pathway gone quiet, a
pathway newly entrusted to someone."""

from datetime import date

from django.db.models import DateField, ExpressionWrapper, F
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reussite.core.models import Rappel
from reussite.core.rappels import Genre

from ..models import STATUTS_ACTION_ACTIFS, Action, Intervenant, Parcours, Statut
from .base import (
    coordinateurs,
    destinataires_valables,
    en_colonnes,
    pour_referent,
    rendre_parcours,
    union_referent_coordination,
)

# --- Reviews -----------------------------------------------------------------------------------


def _revues_proches(le: date):
    base = (
        Parcours.objects.exclude(statut=Statut.SORTI)
        .annotate(
            r_debut=ExpressionWrapper(
                F("date_prochaine_revue") - F("programme__rappel_revue_jours"),
                output_field=DateField(),
            )
        )
        .filter(date_prochaine_revue__gte=le, r_debut__lte=le)
    )
    return union_referent_coordination(base)


def _revues_depassees(le: date):
    base = Parcours.objects.exclude(statut=Statut.SORTI).filter(date_prochaine_revue__lt=le)
    return union_referent_coordination(base)


def _revues_valables(rappels: list[Rappel], le: date, *, depassee: bool) -> set[int]:
    parcours = {
        p.pk: p
        for p in Parcours.objects.exclude(statut=Statut.SORTI)
        .filter(pk__in={r.object_id for r in rappels})
        .select_related("referent")
    }
    # Same review date as when the reminder was created: a new date is a new event.
    parcours = {
        pk: p
        for pk, p in parcours.items()
        if p.date_prochaine_revue is not None
        and (p.date_prochaine_revue < le if depassee else p.date_prochaine_revue >= le)
    }
    echeances = {(r.object_id, r.echeance) for r in rappels}
    parcours = {pk: p for pk, p in parcours.items() if (pk, p.date_prochaine_revue) in echeances}
    return destinataires_valables(
        rappels, parcours, coordinateurs({p.programme_id for p in parcours.values()})
    )


# --- Pathways going quiet -----------------------------------------------------------------------


def _silence(qs):
    """The day a pathway became quiet: its last write plus the programme's delay."""
    return qs.annotate(
        r_silence=ExpressionWrapper(
            Cast("derniere_activite", DateField()) + F("programme__delai_inactivite_jours"),
            output_field=DateField(),
        )
    )


def _inactifs(le: date):
    base = _silence(Parcours.objects.exclude(statut=Statut.SORTI)).filter(r_silence__lte=le)
    return en_colonnes(
        pour_referent(base), objet="pk", programme="programme_id", echeance=F("r_silence")
    )


def _inactifs_valables(rappels: list[Rappel], le: date) -> set[int]:
    parcours = {
        p.pk: p
        for p in _silence(Parcours.objects.exclude(statut=Statut.SORTI))
        .filter(pk__in={r.object_id for r in rappels})
        .select_related("referent")
    }
    return {
        r.pk
        for r in rappels
        if (p := parcours.get(r.object_id)) is not None
        and p.r_silence == r.echeance
        and p.referent is not None
        and p.referent.user_id == r.destinataire_id
    }


# --- New assignment (raised by the services) ------------------------------------------------------


def _affectations_valables(rappels: list[Rappel], le: date) -> set[int]:
    """Still assigned: still référent, active intervenant, or delivering an active action of
    the open pathway."""
    parcours = {
        p.pk: p
        for p in Parcours.objects.exclude(statut=Statut.SORTI)
        .filter(pk__in={r.object_id for r in rappels})
        .select_related("referent")
        .prefetch_related("intervenants__professionnel", "actions__professionnel")
    }
    valables = set()
    for r in rappels:
        p = parcours.get(r.object_id)
        if p is None:
            continue
        affectes = {i.professionnel.user_id for i in p.intervenants.all() if i.actif}
        affectes |= {
            a.professionnel.user_id
            for a in p.actions.all()
            if a.professionnel is not None and a.statut in STATUTS_ACTION_ACTIFS
        }
        if p.referent is not None:
            affectes.add(p.referent.user_id)
        if r.destinataire_id in affectes:
            valables.add(r.pk)
    return valables


def _affectations_en_cours(le: date):
    """(pathway, user) pairs of the open pathways' référents, intervenants and the
    professionals of their active actions."""
    ouverts = Parcours.objects.exclude(statut=Statut.SORTI)
    referents = ouverts.filter(referent__isnull=False).annotate(
        r_objet=F("pk"), r_destinataire=F("referent__user_id")
    )
    intervenants = Intervenant.objects.filter(actif=True, parcours__in=ouverts).annotate(
        r_objet=F("parcours_id"), r_destinataire=F("professionnel__user_id")
    )
    realisateurs = Action.objects.filter(
        statut__in=STATUTS_ACTION_ACTIFS, professionnel__isnull=False, parcours__in=ouverts
    ).annotate(r_objet=F("parcours_id"), r_destinataire=F("professionnel__user_id"))
    colonnes = ("r_objet", "r_destinataire")
    return (
        referents.order_by()
        .values(*colonnes)
        .union(
            intervenants.order_by().values(*colonnes),
            realisateurs.order_by().values(*colonnes),
        )
    )


REVUE_PROCHE = Genre(
    nom="revue_proche",
    libelle=gettext_lazy("Revue à venir"),
    modele=Parcours,
    candidats=_revues_proches,
    valables=lambda rappels, le: _revues_valables(rappels, le, depassee=False),
    rendre=lambda rappels: rendre_parcours(
        rappels,
        _("Revue de parcours à préparer pour le %(date)s"),
        _("La revue du parcours de %(enfant)s est prévue le %(date)s."),
    ),
)


REVUE_DEPASSEE = Genre(
    nom="revue_depassee",
    libelle=gettext_lazy("Revue dépassée"),
    modele=Parcours,
    candidats=_revues_depassees,
    valables=lambda rappels, le: _revues_valables(rappels, le, depassee=True),
    rendre=lambda rappels: rendre_parcours(
        rappels,
        _("Revue de parcours dépassée depuis le %(date)s"),
        _(
            "La revue du parcours de %(enfant)s était prévue le %(date)s : "
            "inscrivez-le à une réunion EPS ou fixez une nouvelle date."
        ),
    ),
)


AFFECTATION = Genre(
    nom="affectation",
    libelle=gettext_lazy("Nouvelle affectation"),
    modele=Parcours,
    candidats=None,
    encore_dus=_affectations_en_cours,
    valables=_affectations_valables,
    rendre=lambda rappels: rendre_parcours(
        rappels,
        _("Un parcours vous a été confié"),
        _(
            "Vous suivez désormais le parcours de %(enfant)s (depuis le %(date)s). "
            "Ouvrez-le pour prendre connaissance de ses objectifs et de ses actions."
        ),
    ),
)


PARCOURS_INACTIF = Genre(
    nom="parcours_inactif",
    libelle=gettext_lazy("Parcours sans activité"),
    modele=Parcours,
    candidats=_inactifs,
    valables=_inactifs_valables,
    rendre=lambda rappels: rendre_parcours(
        rappels,
        _("Un parcours est sans activité depuis le %(date)s"),
        _(
            "Rien n’a été écrit sur le parcours de %(enfant)s depuis longtemps "
            "(seuil atteint le %(date)s) : une note, une action ou un point avec la "
            "famille ?"
        ),
    ),
)
