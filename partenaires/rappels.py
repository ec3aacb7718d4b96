"""The reminder about conventions ending (DOMAIN.md, rule 6): the programme's administrators
hear of it 90, 30 and 0 days before the end, once per threshold."""

from datetime import date, timedelta

from django.db.models import DateField, ExpressionWrapper, F, Q, Value
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reussite.core.models import Rappel, Role
from reussite.core.rappels import Genre, Rendu, enregistrer

from .models import Convention, StatutConvention

SEUILS = (90, 30, 0)
# A convention that ended more than this long ago when reminders start is not announced.
FENETRE_FIN = timedelta(days=7)
ACTIVES = (StatutConvention.SIGNEE, StatutConvention.EN_VIGUEUR)
ADMINISTRATION = Role.ADMINISTRATEUR.value


def _seuil_atteint(le: date) -> list[tuple[int, Q]]:
    """For each threshold, the conventions whose current threshold it is on `le`: the 90-day
    one until the 30-day one starts, and so on; the last one for a week after the end."""
    conditions = []
    for i, jours in enumerate(SEUILS):
        debut = Q(date_fin__lte=le + timedelta(days=jours))
        if i + 1 < len(SEUILS):
            fin = Q(date_fin__gt=le + timedelta(days=SEUILS[i + 1]))
        else:
            fin = Q(date_fin__gt=le - FENETRE_FIN)
        conditions.append((jours, debut & fin))
    return conditions


def _candidats(le: date):
    lien = "programme__programmeuserobjectpermission"
    requetes = []
    for jours, condition in _seuil_atteint(le):
        requetes.append(
            Convention.objects.filter(condition, statut__in=ACTIVES)
            .filter(**{f"{lien}__permission__codename": ADMINISTRATION})
            .annotate(
                r_objet=F("pk"),
                r_destinataire=F(f"{lien}__user_id"),
                r_programme=F("programme_id"),
                r_echeance=ExpressionWrapper(
                    F("date_fin") - Value(jours), output_field=DateField()
                ),
            )
            .order_by()
            .values("r_objet", "r_destinataire", "r_programme", "r_echeance")
        )
    premiere, *autres = requetes
    return premiere.union(*autres)


def _valables(rappels: list[Rappel], le: date) -> set[int]:
    from reussite.core.models import ProgrammeUserObjectPermission

    conventions = Convention.objects.filter(
        pk__in={r.object_id for r in rappels}, statut__in=ACTIVES
    ).in_bulk()
    administrateurs = set(
        ProgrammeUserObjectPermission.objects.filter(
            content_object_id__in={c.programme_id for c in conventions.values()},
            permission__codename=ADMINISTRATION,
        ).values_list("content_object_id", "user_id")
    )
    return {
        r.pk
        for r in rappels
        if (c := conventions.get(r.object_id)) is not None
        # The end date has not moved since (a renewal or an amendment is a new event).
        and (c.date_fin - r.echeance).days in SEUILS
        and (c.programme_id, r.destinataire_id) in administrateurs
    }


def _rendre(rappels: list[Rappel]) -> dict[int, Rendu]:
    conventions = Convention.objects.in_bulk({r.object_id for r in rappels})
    rendus = {}
    for r in rappels:
        c = conventions.get(r.object_id)
        if c is None:
            continue
        contexte = {"convention": c.intitule, "fin": c.date_fin.strftime("%d/%m/%Y")}
        rendus[r.pk] = Rendu(
            titre=_("La convention « %(convention)s » se termine le %(fin)s") % contexte,
            texte=_(
                "La convention « %(convention)s » se termine le %(fin)s : préparez son "
                "renouvellement ou sa clôture avec les parties."
            )
            % contexte,
            lien=reverse("partenaires:convention_detail", args=[c.pk]),
        )
    return rendus


def enregistrer_les_genres() -> None:
    enregistrer(
        Genre(
            nom="convention_fin",
            libelle=gettext_lazy("Convention arrivant à échéance"),
            modele=Convention,
            candidats=_candidats,
            valables=_valables,
            rendre=_rendre,
        )
    )
