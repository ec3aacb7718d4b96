"""Reads for EPS meetings. A meeting is reachable by its programme's PRE team and by the
professionals invited to it; each pathway on it is named only to who may see that pathway."""

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..access import reunions_pour
from ..models import (
    Action,
    Examen,
    InvitationEPS,
    Objectif,
    Parcours,
    ReunionEPS,
    StatutReunion,
)
from ..querysets import acces_par_ligne
from .dispositifs import deja_suivi_par

__all__ = [
    "examens_lisibles",
    "invitations",
    "liste_des_reunions",
    "ordre_du_jour",
]


def ordre_du_jour(reunion: ReunionEPS, user) -> list[Examen]:
    """The agenda, each item flagged `visible` (the user may see that pathway), with what the
    decision opened. A constant number of queries whatever the agenda's length."""
    # Each item's visibility and team, probed row by row: a subquery of `visibles_par` or of
    # `equipe_de` built every pathway of the programme for a few dozen items, and PostgreSQL,
    # expecting an average programme's pathways rather than the large programme's, looped over
    # them once per item (59 ms for an agenda of 89 at national scale; issue 18).
    visible = acces_par_ligne(user, parcours="parcours_id", programme="parcours__programme_id")
    equipe = Parcours.objects.filter(pk=OuterRef("parcours_id")).annoter_equipe(user)
    examens = list(
        reunion.examens.annotate(
            visible=ExpressionWrapper(visible, output_field=BooleanField()),
            equipe=Subquery(equipe.values("equipe")[:1]),
        )
        .select_related("parcours__enfant", "parcours__referent__user", "decide_par")
        .order_by("ordre", "pk")
    )
    ouverts: dict[int, list[Objectif]] = {}
    for objectif in Objectif.objects.filter(examen__in=[e.pk for e in examens]).order_by("pk"):
        ouverts.setdefault(objectif.examen_id, []).append(objectif)
    actions: dict[int, list[Action]] = {}
    for action in (
        Action.objects.filter(examen__in=[e.pk for e in examens])
        .select_related("structure")
        .order_by("pk")
    ):
        actions.setdefault(action.examen_id, []).append(action)
    for examen in examens:
        examen.objectifs_ouverts = ouverts.get(examen.pk, [])
        examen.actions_ouvertes = actions.get(examen.pk, [])
    # « Déjà suivi par… »: the other schemes of each pathway the user may see (issue 21).
    deja_suivi_par(examens, user)
    return examens


def invitations(reunion: ReunionEPS) -> list[InvitationEPS]:
    return list(
        reunion.invitations.select_related(
            "professionnel__user", "professionnel__structure"
        ).order_by("professionnel__user__last_name", "pk")
    )


def liste_des_reunions(user):
    maintenant = timezone.now()
    # A correlated count per meeting (index on the examinations' meeting) rather than a
    # GROUP BY over a join with every examination of the platform (issue 18).
    examens = (
        Examen.objects.filter(reunion=OuterRef("pk"))
        .order_by()
        .values("reunion")
        .annotate(n=Count("pk"))
        .values("n")
    )
    base = reunions_pour(user).annotate(
        nombre_examens=Coalesce(Subquery(examens, output_field=IntegerField()), 0)
    )
    # A meeting held (on its day, maybe before its hour) is past, whatever its hour.
    a_venir = Q(date__gte=maintenant) & ~Q(statut=StatutReunion.TENUE)
    return {
        "a_venir": list(base.filter(a_venir).order_by("date", "pk")),
        "passees": base.exclude(a_venir).order_by("-date", "-pk"),
    }


def examens_lisibles(parcours: Parcours):
    """The decided examinations of a pathway the user may already read (relevés only)."""
    return (
        parcours.examens.exclude(decision="")
        .select_related("reunion")
        .order_by("-reunion__date", "-pk")
    )
