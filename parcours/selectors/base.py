"""Page reads. Everything starts from `Parcours.objects.visibles_par(user)`."""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Min, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from reussite.core.models import Evenement, Programme, TraceAcces, User
from reussite.core.noms import nom_complet
from reussite.core.roles import programmes_coordonnes
from reussite.core.trace import ALIAS

from ..access import (  # noqa: F401 (re-exported for the pages)
    DroitsParcours,
    droits_sur_parcours,
    programmes_equipe_pre,
)
from ..models import (
    ChangementStatut,
    Consentement,
    Decision,
    Enfant,
    Examen,
    Intervenant,
    Parcours,
    ResponsableLegal,
    Statut,
)


def programmes_de_travail(user):
    """Programmes whose lists and choices the user's pages draw from."""
    return Programme.objects.filter(
        Q(pk__in=programmes_coordonnes(user).values("pk"))
        | Q(pk__in=Parcours.objects.visibles_par(user).values("programme_id"))
    )


LIGNE_PARCOURS = ("enfant", "enfant__etablissement", "referent__user", "programme")


def parcours_pour_liste(user):
    return (
        Parcours.objects.visibles_par(user)
        .select_related(*LIGNE_PARCOURS)
        .order_by("enfant__nom", "enfant__prenom", "pk")
    )


def parcours_par_pk(user):
    """`parcours_pour_liste` in id order, for the API's cursor: `pk = ANY(ARRAY(…))`.

    With `pk IN (… UNION …)` and `ORDER BY pk LIMIT 51`, PostgreSQL expected a few hundred
    visible ids spread over the table and walked the whole primary key index in order to merge
    them (150,708 rows read for a partner's 23 pathways at national scale, issue 18). The array
    is computed once (an InitPlan) and read through the primary key in order: the cost follows
    the user's rows."""
    return (
        Parcours.objects.filter(pk__dans_tableau=Parcours.objects.ids_visibles_par(user))
        .select_related(*LIGNE_PARCOURS)
        .order_by("pk")
    )


def tableau_de_bord(user, *, le: date | None = None) -> dict:
    le = le or date.today()
    visibles = Parcours.objects.visibles_par(user)
    compteurs = visibles.aggregate(
        **{statut.value: Count("pk", filter=Q(statut=statut.value)) for statut in Statut},
        sans_referent=Count("pk", filter=Q(referent__isnull=True) & ~Q(statut=Statut.SORTI)),
        revue_depassee=Count("pk", filter=Q(date_prochaine_revue__lt=le) & ~Q(statut=Statut.SORTI)),
    )
    a_traiter = (
        visibles.ouverts()
        .filter(Q(referent__isnull=True) | Q(date_prochaine_revue__lt=le))
        .select_related("enfant", "referent__user")
        .order_by("date_prochaine_revue", "pk")[:10]
    )
    activite = (
        ChangementStatut.objects.filter(parcours__in=visibles)
        .select_related("parcours__enfant", "auteur")
        .order_by("-le", "-pk")[:10]
    )
    return {
        "par_statut": [(statut, compteurs[statut.value]) for statut in Statut],
        "sans_referent": compteurs["sans_referent"],
        "revue_depassee": compteurs["revue_depassee"],
        "total_ouverts": sum(compteurs[s.value] for s in Statut if s != Statut.SORTI),
        "a_traiter": list(a_traiter),
        "activite": list(activite),
        "le": le,
    }


def avec_entree_validee(parcours):
    """Annotate `entree_validee_eps_le`: the day of the last EPS meeting that validated the
    entry (a pathway still waiting for its consent says so); a column, no query more."""
    validee = Examen.objects.filter(
        parcours=OuterRef("pk"), decision=Decision.ENTREE_VALIDEE
    ).order_by("-reunion__date")
    return parcours.annotate(entree_validee_eps_le=Subquery(validee.values("reunion__date")[:1]))


def parcours_detail_queryset():
    return Parcours.objects.select_related(
        "programme",
        "enfant__famille",
        "enfant__etablissement",
        "referent__user",
        "referent__structure",
        "orienteur_structure",
        # A pathway opened by a transfer shows where it comes from, with no query of its own.
        "transfert_entrant__programme_origine",
    ).prefetch_related(
        Prefetch("enfant__famille__responsables", queryset=ResponsableLegal.objects.order_by("pk")),
        Prefetch(
            "historique",
            queryset=ChangementStatut.objects.select_related("auteur").order_by("-le", "-pk"),
        ),
        Prefetch(
            "consentements",
            queryset=Consentement.objects.select_related("renouvele_par")
            .prefetch_related("signataires", "structures")
            .order_by("-date_signature", "-pk"),
        ),
        Prefetch(
            "intervenants",
            queryset=Intervenant.objects.select_related(
                "professionnel__user", "professionnel__structure"
            ).order_by("professionnel__user__last_name", "professionnel__user__first_name", "pk"),
        ),
    )


# --- The pathway's page, one section per URL (issue 15, point 15) ------------------------------

SECTION_SYNTHESE = "synthese"
SECTION_OBJECTIFS = "objectifs"
SECTION_JOURNAL = "journal"
SECTION_PARTAGE = "partage"
SECTION_HISTORIQUE = "historique"


def _consentements(*, details: bool):
    consentements = Consentement.objects.select_related("renouvele_par").order_by(
        "-date_signature", "-pk"
    )
    if details:
        consentements = consentements.prefetch_related("signataires", "structures")
    return Prefetch("consentements", queryset=consentements)


def _historique():
    return Prefetch(
        "historique",
        queryset=ChangementStatut.objects.select_related("auteur").order_by("-le", "-pk"),
    )


def parcours_section_queryset(section: str):
    """The pathway with what one section of its page shows, and nothing more: each section
    costs only its own rows (the header's joins, then a fixed number of prefetches)."""
    base = Parcours.objects.select_related(
        "programme",
        "enfant__famille",
        "enfant__etablissement",
        "referent__user",
        "referent__structure",
        "orienteur_structure",
        # The header shows where a transferred pathway comes from, with no query of its own.
        "transfert_entrant__programme_origine",
    )
    prefetches = {
        SECTION_SYNTHESE: [
            Prefetch(
                "enfant__famille__responsables", queryset=ResponsableLegal.objects.order_by("pk")
            ),
            _consentements(details=False),
        ],
        # The structures the consents name: who sees the child among those delivering actions.
        SECTION_OBJECTIFS: [
            Prefetch(
                "consentements",
                queryset=Consentement.objects.select_related("renouvele_par").prefetch_related(
                    "structures"
                ),
            )
        ],
        SECTION_JOURNAL: [_historique(), _consentements(details=False)],
        SECTION_PARTAGE: [
            _consentements(details=True),
            Prefetch(
                "intervenants",
                queryset=Intervenant.objects.select_related(
                    "professionnel__user", "professionnel__structure"
                ).order_by(
                    "professionnel__user__last_name", "professionnel__user__first_name", "pk"
                ),
            ),
        ],
        SECTION_HISTORIQUE: [_historique()],
    }[section]
    return base.prefetch_related(*prefetches)


def fratrie_visible(user, parcours: Parcours):
    """Siblings' pathways the user may open; other siblings are only counted."""
    freres_et_soeurs = Enfant.objects.filter(famille_id=parcours.enfant.famille_id).exclude(
        pk=parcours.enfant_id
    )
    visibles = (
        Parcours.objects.visibles_par(user)
        .filter(enfant__in=freres_et_soeurs)
        .select_related("enfant")
        .order_by("enfant__date_naissance")
    )
    return list(visibles)


def consultations_du_parcours(parcours: Parcours, *, limite: int = 20) -> list[dict]:
    """ "Who consulted this file": the latest trail entries, with the users' names.

    Repeated entries of one person, of one kind, on one day are one line with their count and
    first and last times: reloading a page no longer pushes everyone else off the list. The
    trail itself keeps every row; the grouping is a GROUP BY in the database, so the page costs
    the same two queries however many rows there are."""
    evenements = dict(Evenement.choices)
    groupes = list(
        TraceAcces.objects.using(ALIAS)
        .filter(content_type=ContentType.objects.get_for_model(Parcours), object_id=parcours.pk)
        .annotate(jour=TruncDate("le", tzinfo=timezone.get_current_timezone()))
        .values("user_id", "jour", "evenement", "autorise")
        .annotate(nombre=Count("pk"), premier=Min("le"), dernier=Max("le"))
        .order_by("-dernier", "user_id", "evenement")[:limite]
    )
    noms = {
        u.pk: nom_complet(u) for u in User.objects.filter(pk__in={g["user_id"] for g in groupes})
    }
    return [
        {
            "le": g["dernier"],
            "premier": g["premier"],
            "nombre": g["nombre"],
            "qui": noms.get(g["user_id"], "—"),
            "quoi": evenements.get(g["evenement"], g["evenement"]),
            "autorise": g["autorise"],
        }
        for g in groupes
    ]
