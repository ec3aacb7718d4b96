"""The one place that decides who may read or edit a network object: an offer, a convention, a
structure of the directory (ARCHITECTURE.md, "One path for access").

Each helper takes a named capability, fetches the object among those the user's programmes
may see, checks the capability once, raises `Http404` when it does not hold (exactly like an
object that does not exist) and returns the object with the user's rights on it as `peut_*`
attributes. Lists start from the selectors (`offres_catalogue`, `structures_annuaire`,
`conventions_filtrees`), which all start from the user's programmes; programme roles come from
`reussite.core.roles`.

Network objects are not a child's data: nothing here writes the access trail.
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from reussite.core.models import Programme, Role
from reussite.core.roles import (
    programmes_administres,
    programmes_de_gestion,
    programmes_statistiques,
    role_sur_programme,
)

from .models import Convention, Offre, PartieConvention, Professionnel, StatutConvention, Structure


class Capacite(enum.StrEnum):
    # Read: an offer published to the user's programmes, a structure working with them, a
    # convention of a programme they coordinate or administer.
    LECTURE = "lecture"
    # Edit: an offer (its structure's professionals; a programme's coordinators and
    # administrators when it is published to their programme alone), a convention (the
    # programme's administrators).
    ECRITURE = "ecriture"
    # The directory's administration: invite a professional into a structure (administrators of
    # a programme the structure works with).
    ADMINISTRATION = "administration"


def _actif(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _entier(valeur) -> int | None:
    try:
        return int(valeur)
    except (TypeError, ValueError):
        return None


# --- Offers ---------------------------------------------------------------------------------


def offre_modifiable_par(user, offre: Offre) -> bool:
    """A professional of the offer's structure edits it; a programme's coordinators and
    administrators edit it only when it is published to their programme alone."""
    if not _actif(user):
        return False
    if Professionnel.objects.filter(
        user=user, structure_id=offre.structure_id, actif=True
    ).exists():
        return True
    publiees = list(offre.programmes.all())
    return len(publiees) == 1 and programmes_de_gestion(user).filter(pk=publiees[0].pk).exists()


def offre_pour(
    *,
    user,
    pk,
    capacite: Capacite = Capacite.LECTURE,
    annoter: Callable[[QuerySet], QuerySet] | None = None,
) -> Offre:
    """An offer of the user's catalogue, `.peut_modifier` set. `annoter` adds figures to the
    query that fetches it, after the catalogue's restriction (the offer page, composed in
    `parcours`, adds the capacity used in the same query)."""
    from .selectors import offres_catalogue

    offres = offres_catalogue(user)
    if annoter is not None:
        offres = annoter(offres)
    offre = offres.filter(pk=_entier(pk)).first()
    if offre is None:
        raise Http404
    offre.peut_modifier = offre_modifiable_par(user, offre)
    if Capacite(capacite) != Capacite.LECTURE and not offre.peut_modifier:
        raise Http404
    return offre


# --- The directory --------------------------------------------------------------------------


def structure_administree_par(user, structure: Structure) -> bool:
    """Administrators of a programme the structure works with manage its memberships."""
    return programmes_administres(user).filter(pk__in=structure.programmes.all()).exists()


def structure_pour(*, user, pk, capacite: Capacite = Capacite.LECTURE) -> Structure:
    """A structure of the user's directory, `.peut_inviter` set."""
    from .selectors import structures_annuaire

    structure = structures_annuaire(user).filter(pk=_entier(pk)).first()
    if structure is None:
        raise Http404
    structure.peut_inviter = structure_administree_par(user, structure)
    if Capacite(capacite) != Capacite.LECTURE and not structure.peut_inviter:
        raise Http404
    return structure


def peut_inviter(user) -> bool:
    """Whether the directory offers to invite anyone at all."""
    return programmes_administres(user).exists()


# --- Network imports ------------------------------------------------------------------------


def import_reseau_pour(*, user, import_pk):
    """A network import, for the administrators of its programme; otherwise 404. It names
    professionals and structures, no child."""
    from .models import ImportReseau

    imp = (
        ImportReseau.objects.filter(
            pk=_entier(import_pk), programme__in=programmes_administres(user)
        )
        .select_related("programme")
        .first()
    )
    if imp is None:
        raise Http404
    return imp


# --- Conventions ----------------------------------------------------------------------------


def programmes_des_conventions(user):
    """Programmes whose conventions the user reads: those they coordinate or administer."""
    return programmes_de_gestion(user)


def peut_voir_conventions(user) -> bool:
    return programmes_des_conventions(user).exists()


def peut_creer_convention(user) -> bool:
    return programmes_administres(user).exists()


def convention_pour(*, user, pk, capacite: Capacite = Capacite.LECTURE) -> Convention:
    """The convention if the user may read it (`ECRITURE`: administer it), with
    `.peut_administrer`, read in the same query."""
    if not _actif(user):
        raise Http404
    conventions = (
        Convention.objects.select_related("programme", "renouvelle", "renouvelee_par")
        .filter(programme__in=programmes_des_conventions(user))
        .annotate(peut_administrer=role_sur_programme(user, [Role.ADMINISTRATEUR], "programme_id"))
    )
    if Capacite(capacite) != Capacite.LECTURE:
        conventions = conventions.filter(peut_administrer=True)
    convention = conventions.filter(pk=_entier(pk)).first()
    if convention is None:
        raise Http404
    return convention


# --- The funders' evidence packs (issue 21) -------------------------------------------------


def programmes_des_preuves(user):
    """Programmes whose funders' evidence packs the user produces: those they coordinate,
    administer or steer. A pack holds aggregates only, never a child."""
    return programmes_statistiques(user)


def parties_engagees(programme_id):
    """A programme's convention parties that committed something: parties of its conventions
    past the draft stage (a draft commits nobody)."""
    return PartieConvention.objects.filter(convention__programme_id=programme_id).exclude(
        convention__statut=StatutConvention.PROJET
    )


@dataclass(frozen=True)
class Financeur:
    """A convention party of one programme, as the user may see it: `masquer` when counts under
    five must be hidden (everyone but the programme's coordinators, as in the statistics),
    `annees` the years its conventions cover."""

    programme: Programme
    structure: Structure
    masquer: bool
    annees: tuple[int, ...]


def financeur_pour(*, user, programme_pk, structure_pk, annee=None) -> Financeur:
    """The party `structure_pk` of a convention of programme `programme_pk`, if the user
    produces that programme's packs; with `annee`, that year must be one its conventions cover.
    Anything else raises `Http404`, exactly like a party that does not exist."""
    if not _actif(user):
        raise Http404
    programme = (
        programmes_des_preuves(user)
        .annotate(coordonne=role_sur_programme(user, [Role.COORDINATEUR]))
        .filter(pk=_entier(programme_pk))
        .first()
    )
    if programme is None:
        raise Http404
    parties = parties_engagees(programme.pk)
    structure = (
        Structure.objects.filter(
            Exists(parties.filter(structure_id=OuterRef("pk"))), pk=_entier(structure_pk)
        ).first()
        if _entier(structure_pk) is not None
        else None
    )
    if structure is None:
        raise Http404
    annees = set()
    for debut, fin in parties.filter(structure=structure).values_list(
        "convention__date_debut", "convention__date_fin"
    ):
        annees.update(range(debut.year, fin.year + 1))
    if annee is not None and _entier(annee) not in annees:
        raise Http404
    return Financeur(programme, structure, not programme.coordonne, tuple(sorted(annees)))


__all__ = [
    "Capacite",
    "Financeur",
    "convention_pour",
    "financeur_pour",
    "offre_modifiable_par",
    "offre_pour",
    "parties_engagees",
    "peut_creer_convention",
    "peut_inviter",
    "peut_voir_conventions",
    "programmes_des_conventions",
    "programmes_des_preuves",
    "structure_administree_par",
    "structure_pour",
]
