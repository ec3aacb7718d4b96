"""What the derived-permission tests share (test_partage_*.py): reading a user's rights on a
pathway and the guardian rows, and assigning a professional with or without the services' checks."""

from datetime import date, timedelta

from parcours.models import Intervenant, Parcours, ParcoursUserObjectPermission
from parcours.permissions import (
    droits_attendus,
    parcours_permissions_recalculer,
    permissions_attendues,
)
from tests.factories.partage import ajouter_intervenant, consentement, nommer_referent

VUE, MODIF = "view_parcours", "change_parcours"


def aujourdhui() -> date:
    return date.today()


def jours(n: int) -> timedelta:
    return timedelta(days=n)


def voit(user, parcours) -> bool:
    return Parcours.objects.visibles_par(user).filter(pk=parcours.pk).exists()


def modifie(user, parcours) -> bool:
    return Parcours.objects.modifiables_par(user).filter(pk=parcours.pk).exists()


def lignes(parcours) -> set[tuple[int, str]]:
    return set(
        ParcoursUserObjectPermission.objects.filter(content_object=parcours).values_list(
            "user_id", "permission__codename"
        )
    )


def attendues(parcours, le: date | None = None) -> set[tuple[int, str]]:
    """What the facts grant, read from the database (not from a stale instance)."""
    return permissions_attendues(Parcours.objects.get(pk=parcours.pk), le=le)


def droits(parcours) -> dict:
    return droits_attendus(Parcours.objects.get(pk=parcours.pk))


def lignes_de(user) -> int:
    return ParcoursUserObjectPermission.objects.filter(user=user).count()


def partage(a, parcours, structure, **kwargs):
    return consentement(parcours, structures=[structure], auteur=a.coordinateur, **kwargs)


def affecter(a, parcours, pro, role: str):
    if role == "referent":
        nommer_referent(parcours, pro, auteur=a.coordinateur)
    else:
        ajouter_intervenant(parcours, pro, auteur=a.coordinateur)


def affecter_sans_controle(parcours, pro, role: str):
    """Write the assignment fact directly (the services refuse it) to test the derivation."""
    if role == "referent":
        Parcours.objects.filter(pk=parcours.pk).update(referent=pro)
    else:
        Intervenant.objects.create(parcours=parcours, professionnel=pro)
    parcours_permissions_recalculer(parcours=parcours)
