"""The reminder kind about conventions (DOMAIN.md, rule 6): the programme's administrators hear
of a convention ending 90, 30 and 0 days before its end date, once for each step.

Set-based like the pathway kinds: one query selects every due step of every convention of the
platform, one query says which pending reminders still have a reason."""

from datetime import date, timedelta

from django.db.models import Case, DateField, ExpressionWrapper, F, When
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reussite.core.models import Rappel, Role
from reussite.core.rappels import Genre, Rendu, enregistrer
from reussite.core.roles import titulaires

from .models import Convention, StatutConvention

ADMINISTRATION = Role.ADMINISTRATEUR.value
# Days before the end date at which administrators are told, from the first to the last.
ETAPES = (90, 30, 0)
# A convention that ended more than this before the scan is not announced any more.
FENETRE_FIN = timedelta(days=30)
# Still to be dealt with: an expired, terminated or renewed convention needs no reminder.
ACTIVES = (StatutConvention.SIGNEE, StatutConvention.EN_VIGUEUR)


def _a_traiter():
    return Convention.objects.filter(statut__in=ACTIVES, renouvelee_par__isnull=True)


def _jours_avant_fin(jours: int):
    # date - interval is a timestamp in PostgreSQL: back to a date, the reminder's due date.
    return Cast(
        ExpressionWrapper(F("date_fin") - timedelta(days=jours), output_field=DateField()),
        DateField(),
    )


def _conventions_bientot_finies(le: date):
    """For each convention to deal with, the latest step reached on `le` (only that one: a
    convention created 20 days before its end is announced once at 30 days, not three times)."""
    premiere, *suivantes = ETAPES
    etape = Case(
        *(
            When(date_fin__lte=le + timedelta(days=jours), then=_jours_avant_fin(jours))
            for jours in reversed(suivantes)
        ),
        default=_jours_avant_fin(premiere),
        output_field=DateField(),
    )
    lien = "programme__programmeuserobjectpermission"
    return (
        _a_traiter()
        .filter(date_fin__lte=le + timedelta(days=premiere), date_fin__gte=le - FENETRE_FIN)
        .filter(**{f"{lien}__permission__codename": ADMINISTRATION})
        .annotate(
            r_objet=F("pk"),
            r_destinataire=F(f"{lien}__user_id"),
            r_programme=F("programme_id"),
            r_echeance=etape,
        )
        .order_by()
        .values("r_objet", "r_destinataire", "r_programme", "r_echeance")
    )


def _conventions_valables(rappels: list[Rappel], le: date) -> set[int]:
    conventions = _a_traiter().filter(pk__in={r.object_id for r in rappels}).in_bulk()
    administration = titulaires({c.programme_id for c in conventions.values()}, Role.ADMINISTRATEUR)
    return {
        r.pk
        for r in rappels
        if (c := conventions.get(r.object_id)) is not None
        and (c.programme_id, r.destinataire_id) in administration
    }


def _rendre_conventions(rappels: list[Rappel]) -> dict[int, Rendu]:
    conventions = Convention.objects.in_bulk({r.object_id for r in rappels})
    rendus = {}
    for r in rappels:
        c = conventions.get(r.object_id)
        if c is None:
            continue
        contexte = {"convention": c.intitule, "date": c.date_fin.strftime("%d/%m/%Y")}
        if r.echeance is not None and r.echeance >= c.date_fin:
            titre = _("Une convention prend fin aujourd’hui (%(date)s)")
            texte = _(
                "La convention « %(convention)s » prend fin le %(date)s : déclarez-la expirée "
                "ou renouvelez-la."
            )
        else:
            titre = _("Une convention prend fin le %(date)s")
            texte = _(
                "La convention « %(convention)s » prend fin le %(date)s : préparez son "
                "renouvellement avec les parties, ou sa clôture."
            )
        rendus[r.pk] = Rendu(
            titre=titre % contexte,
            texte=texte % contexte,
            lien=reverse("partenaires:convention_detail", args=[c.pk]),
        )
    return rendus


def enregistrer_les_genres() -> None:
    enregistrer(
        Genre(
            nom="convention_fin",
            libelle=gettext_lazy("Convention bientôt terminée"),
            modele=Convention,
            candidats=_conventions_bientot_finies,
            valables=_conventions_valables,
            rendre=_rendre_conventions,
        )
    )


__all__ = ["ETAPES", "enregistrer_les_genres"]
