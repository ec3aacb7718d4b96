"""Derive guardian's object permissions on a pathway from its facts; never edit them by hand.

Every service that changes one of the facts (référent, status, consent) calls
`parcours_permissions_recalculer` in the same transaction.
"""

from datetime import date, timedelta

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from partenaires.models import Partenariat

from .models import Parcours, ParcoursUserObjectPermission, Statut

# A référent keeps read access for 30 days after the pathway's exit (DOMAIN.md, rule 5).
DELAI_LECTURE_APRES_SORTIE = timedelta(days=30)


def _permissions():
    content_type = ContentType.objects.get_for_model(Parcours)
    return {
        p.codename: p
        for p in Permission.objects.filter(
            content_type=content_type, codename__in=["view_parcours", "change_parcours"]
        )
    }


def permissions_attendues(parcours: Parcours, *, le: date | None = None) -> set[tuple[int, str]]:
    """The (user id, codename) pairs the pathway's facts grant today."""
    le = le or date.today()
    attendues: set[tuple[int, str]] = set()
    referent = parcours.referent
    if referent is None or not referent.actif or not referent.user.is_active:
        return attendues
    # Before consent, only the PRE team (référents of the structure porteuse) sees the pathway.
    dans_equipe_pre = Partenariat.objects.filter(
        programme_id=parcours.programme_id, structure_id=referent.structure_id, est_porteuse=True
    ).exists()
    consentement_valide = any(c.est_valide(le) for c in parcours.consentements.all())
    if not (dans_equipe_pre or consentement_valide):
        return attendues
    if parcours.statut == Statut.SORTI:
        if parcours.date_sortie and le <= parcours.date_sortie + DELAI_LECTURE_APRES_SORTIE:
            attendues.add((referent.user_id, "view_parcours"))
        return attendues
    attendues.add((referent.user_id, "view_parcours"))
    attendues.add((referent.user_id, "change_parcours"))
    return attendues


def parcours_permissions_recalculer(*, parcours: Parcours) -> None:
    attendues = permissions_attendues(parcours)
    permissions = _permissions()
    existantes = {
        (row.user_id, row.permission.codename): row.pk
        for row in ParcoursUserObjectPermission.objects.filter(
            content_object=parcours
        ).select_related("permission")
    }
    a_supprimer = [pk for cle, pk in existantes.items() if cle not in attendues]
    if a_supprimer:
        ParcoursUserObjectPermission.objects.filter(pk__in=a_supprimer).delete()
    ParcoursUserObjectPermission.objects.bulk_create(
        [
            ParcoursUserObjectPermission(
                content_object=parcours, user_id=user_id, permission=permissions[codename]
            )
            for user_id, codename in attendues - existantes.keys()
        ]
    )
