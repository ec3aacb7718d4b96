"""Reads of the exports flow: the action list, a pathway's printable fiche, and who is a
steering-only user."""

from django.db.models import Prefetch

from partenaires.models import Professionnel
from reussite.core import roles
from reussite.core.models import Role

from ..models import Action, Addendum, Dispositif, Examen, Note, Parcours, Visibilite

__all__ = [
    "actions_pour_liste",
    "dpo_seulement",
    "fiche_du_parcours",
    "filtre_actions",
    "pilotage_seulement",
]


def actions_pour_liste(user):
    """Actions of the pathways the user may see, ordered for the list and its exports; every
    relation a row shows is joined, so that neither costs a query per row. The visible ids
    are the subquery itself (`parcours_id IN (… UNION …)`): filtering on
    `parcours__in=visibles_par(user)` joined every action of the country first (issue 18).
    The list pages it with `PaginationDifferee` (the joins for the page's rows only)."""
    return (
        Action.objects.filter(parcours_id__dans_tableau=Parcours.objects.ids_visibles_par(user))
        .select_related(
            "parcours__programme",
            "parcours__enfant",
            "objectif",
            "offre",
            "collective",
            "structure",
            "professionnel__user",
            "convention",
        )
        .order_by("-date_debut", "pk")
    )


def filtre_actions(user, parametres):
    from ..filters import ActionFilter

    return ActionFilter(parametres or None, queryset=actions_pour_liste(user))


def pilotage_seulement(user) -> bool:
    """A steering user with no other role: no programme they coordinate or administer, and no
    membership of a partner structure. They see aggregates, never a child."""
    if not user.is_authenticated:
        return False
    if not roles.programmes_avec_roles(user, [Role.PILOTAGE]).exists():
        return False
    return (
        not roles.programmes_de_gestion(user).exists()
        and not Professionnel.objects.filter(user=user, actif=True).exists()
    )


def dpo_seulement(user) -> bool:
    """A data-protection officer with no other role: no programme they coordinate, administer
    or steer, no membership of a partner structure. Their home is the legal space."""
    if not user.is_authenticated:
        return False
    if not roles.programmes_dpo(user).exists():
        return False
    return (
        not roles.programmes_statistiques(user).exists()
        and not Professionnel.objects.filter(user=user, actif=True).exists()
    )


def fiche_du_parcours(parcours: Parcours, droits) -> dict:
    """What the printable fiche holds, for the family or the EPS: identity (what is needed to
    recognise the child, no contact), the référent, objectives and their actions, consents in
    force, EPS decisions, and the notes written for the pathway's team.

    Never a note restricted to référent and coordination, never a private note, never the
    information préoccupante record: the fiche leaves the platform."""
    objectifs = list(parcours.objectifs.order_by("date_ouverture", "pk"))
    actions = list(
        parcours.actions.select_related("structure", "professionnel__user", "offre").order_by(
            "date_debut", "pk"
        )
    )
    par_objectif: dict[int | None, list[Action]] = {}
    for action in actions:
        par_objectif.setdefault(action.objectif_id, []).append(action)
    for objectif in objectifs:
        objectif.actions_fiche = par_objectif.get(objectif.pk, [])
    consentements = [
        c
        for c in parcours.consentements.select_related("renouvele_par")
        .prefetch_related("structures")
        .order_by("-date_signature")
        if c.date_retrait is None and c.est_valide()
    ]
    examens = list(
        Examen.objects.filter(parcours=parcours)
        .exclude(decision="")
        .select_related("reunion")
        .order_by("reunion__date", "pk")
    )
    notes = list(
        Note.objects.filter(parcours=parcours, visibilite=Visibilite.EQUIPE)
        .select_related("auteur")
        .prefetch_related(
            Prefetch("addenda", queryset=Addendum.objects.select_related("auteur").order_by("pk"))
        )
        .order_by("cree_le", "pk")
    )
    # The other schemes, with the page's reservation (`dispositifs_du_parcours`): child-welfare
    # and health measures only for the pathway's team, said so on the paper.
    dispositifs = list(
        Dispositif.objects.filter(parcours=parcours)
        .lisibles(equipe=droits.equipe)
        .order_by("date_debut", "pk")
    )
    return {
        "objectifs": objectifs,
        "actions_sans_objectif": par_objectif.get(None, []),
        "dispositifs": dispositifs,
        "consentements": consentements,
        "examens": examens,
        "notes": notes,
    }
