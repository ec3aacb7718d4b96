"""Reminders about a family's consent expiring soon or expired."""

from datetime import date, timedelta

from django.db.models import DateField, ExpressionWrapper, F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reussite.core.models import Rappel
from reussite.core.rappels import Genre, Rendu

from ..models import Consentement, Statut
from .base import en_colonnes, pour_referent

# An expired consent older than this when reminders start is not announced any more.
FENETRE_EXPIRATION = timedelta(days=30)


def _consentements_en_cours(le: date):
    return Consentement.objects.filter(
        date_retrait__isnull=True, renouvele_par__isnull=True, date_signature__lte=le
    ).exclude(parcours__statut=Statut.SORTI)


def _consentements_bientot(le: date):
    base = _consentements_en_cours(le).annotate(
        r_debut=ExpressionWrapper(
            F("date_expiration") - F("parcours__programme__rappel_consentement_jours"),
            output_field=DateField(),
        )
    )
    base = base.filter(date_expiration__gt=le, r_debut__lte=le)
    return en_colonnes(
        pour_referent(base, "parcours__"),
        objet="pk",
        programme="parcours__programme_id",
        echeance=F("date_expiration"),
    )


def _consentements_expires(le: date):
    base = _consentements_en_cours(le).filter(
        date_expiration__lte=le, date_expiration__gt=le - FENETRE_EXPIRATION
    )
    return en_colonnes(
        pour_referent(base, "parcours__"),
        objet="pk",
        programme="parcours__programme_id",
        echeance=F("date_expiration"),
    )


def _consentements_valables(rappels: list[Rappel], le: date, *, expire: bool) -> set[int]:
    consentements = {
        c.pk: c
        for c in _consentements_en_cours(le)
        .filter(pk__in={r.object_id for r in rappels})
        .select_related("parcours__referent")
    }
    valables = set()
    for r in rappels:
        c = consentements.get(r.object_id)
        if c is None or (c.date_expiration <= le) != expire:
            continue
        referent = c.parcours.referent
        if referent is not None and referent.user_id == r.destinataire_id:
            valables.add(r.pk)
    return valables


def _rendre_consentements(rappels: list[Rappel], titre: str, texte: str) -> dict[int, Rendu]:
    consentements = Consentement.objects.select_related("parcours__enfant").in_bulk(
        {r.object_id for r in rappels}
    )
    rendus = {}
    for r in rappels:
        c = consentements.get(r.object_id)
        if c is None:
            continue
        enfant = c.parcours.enfant
        contexte = {
            "enfant": f"{enfant.prenom} {enfant.nom[:1]}.",
            "date": r.echeance.strftime("%d/%m/%Y"),
        }
        rendus[r.pk] = Rendu(
            titre=titre % contexte,
            texte=texte % contexte,
            lien=reverse("parcours:detail", args=[c.parcours_id]),
        )
    return rendus


CONSENTEMENT_BIENTOT = Genre(
    nom="consentement_bientot",
    libelle=gettext_lazy("Consentement bientôt expiré"),
    modele=Consentement,
    candidats=_consentements_bientot,
    valables=lambda rappels, le: _consentements_valables(rappels, le, expire=False),
    rendre=lambda rappels: _rendre_consentements(
        rappels,
        _("Un consentement expire le %(date)s"),
        _(
            "Le consentement de la famille de %(enfant)s expire le %(date)s : "
            "proposez son renouvellement."
        ),
    ),
)


CONSENTEMENT_EXPIRE = Genre(
    nom="consentement_expire",
    libelle=gettext_lazy("Consentement expiré"),
    modele=Consentement,
    candidats=_consentements_expires,
    valables=lambda rappels, le: _consentements_valables(rappels, le, expire=True),
    rendre=lambda rappels: _rendre_consentements(
        rappels,
        _("Un consentement a expiré le %(date)s"),
        _(
            "Le consentement de la famille de %(enfant)s a expiré le %(date)s : les "
            "partenaires n’ont plus accès au parcours jusqu’à son renouvellement."
        ),
    ),
)
