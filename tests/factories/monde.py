"""One builder for the small world most flow tests start from: a programme (its structure
porteuse and coordinator), a partner structure with its professionals, and one child followed
through the services: consent naming the partner, référent, intervenants.

Each `monde` fixture is a call to `construire_monde` (a fixture adds what only its flow needs);
its keyword-only options shape the world a page must show: no structure porteuse, more partner
structures, users in other roles, other programmes, no pathway at all. `suivre` adds more
pathways to the same programme. Everything goes through the services, as in
`partage.py`, so permission rows are derived exactly as in production.

The two-programme world of the access sweep, holding an object of every kind, is another thing:
tests/acces/monde.py.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from parcours.models import Parcours, Statut
from partenaires.models import Fonction, Professionnel, Structure
from reussite.core.models import Programme, Role, User

from .parcours import EnfantFactory, ParcoursFactory
from .partage import (
    Pre,
    ajouter_intervenant,
    consentement,
    nommer_referent,
    partenaire,
    pre,
    professionnel,
)

Champs = Mapping[str, Any]

# The people the browser journeys meet, by the names their pages show (synthetic).
REFERENTE_PORTEUSE: Champs = {
    "porteuse": True,
    "fonction": Fonction.REFERENT,
    "user__first_name": "Nadia",
    "user__last_name": "Roussel",
}
ANIMATEUR: Champs = {
    "fonction": Fonction.ANIMATEUR,
    "user__first_name": "Hugo",
    "user__last_name": "Lambert",
}


@dataclass
class Monde:
    pre: Pre
    structures: list[
        Structure
    ]  # the partner structures (named in the consent unless partage=False)
    referent: Professionnel | None
    intervenants: list[Professionnel] = field(default_factory=list)  # assigned to the pathway
    membres: list[Professionnel] = field(
        default_factory=list
    )  # of the structure, assigned to nothing
    parcours: Parcours | None = None  # read again from the database once built
    autres: list[Pre] = field(default_factory=list)  # the other programmes of the platform

    @property
    def programme(self) -> Programme:
        return self.pre.programme

    @property
    def coordinateur(self) -> User:
        return self.pre.coordinateur

    @property
    def roles(self) -> dict[Role, User]:
        return self.pre.roles

    @property
    def structure(self) -> Structure | None:
        return self.structures[0] if self.structures else None

    @property
    def intervenant(self) -> Professionnel | None:
        return self.intervenants[0] if self.intervenants else None


def suivre(
    equipe: Pre,
    *,
    enfant: Champs | None = None,
    avec_consentement: bool = True,
    structures: Sequence[Structure] = (),
    finalites: Sequence[str] | None = None,
    fichier=None,
    referent: Professionnel | None = None,
    intervenants: Sequence[Professionnel] = (),
    **champs,
) -> Parcours:
    """A pathway of `equipe`'s programme (in progress unless `statut=` says otherwise): a child
    (`enfant`: EnfantFactory fields), a consent recorded by the coordinator naming `structures`
    (`avec_consentement=False`: none), then the référent named and the intervenants added."""
    champs.setdefault("statut", Statut.EN_COURS)
    parcours = ParcoursFactory(
        programme=equipe.programme,
        enfant=EnfantFactory(programme=equipe.programme, **(enfant or {})),
        **champs,
    )
    if avec_consentement:
        options = {"finalites": finalites} if finalites is not None else {}
        consentement(
            parcours,
            structures=list(structures),
            auteur=equipe.coordinateur,
            fichier=fichier,
            **options,
        )
    if referent is not None:
        nommer_referent(parcours, referent, auteur=equipe.coordinateur)
    for intervenant in intervenants:
        ajouter_intervenant(parcours, intervenant, auteur=equipe.coordinateur)
    return Parcours.objects.get(pk=parcours.pk)


def _membre(equipe: Pre, structure: Structure | None, champs: Champs) -> Professionnel:
    """A professional of the partner structure, or of the porteuse with `porteuse=True`."""
    champs = dict(champs)
    return professionnel(equipe.porteuse if champs.pop("porteuse", False) else structure, **champs)


def construire_monde(
    *,
    nom: str | None = None,
    communes: Sequence[str] | None = None,
    porteuse: bool = True,
    coordinateur: Champs | None = None,
    roles: Mapping[Role, Champs] | None = None,
    structure: Champs | None = None,
    avec_partenaire: bool = True,
    autres_structures: Sequence[Champs] = (),
    avec_referent: bool | None = None,
    referent: Champs | None = None,
    intervenants: Sequence[Champs] | None = None,
    membres: Sequence[Champs] = (),
    avec_parcours: bool = True,
    enfant: Champs | None = None,
    avec_consentement: bool = True,
    partage: bool = True,
    finalites: Sequence[str] | None = None,
    fichier=None,
    autres_programmes: Sequence[Champs] = (),
    **champs_parcours,
) -> Monde:
    """A programme named `nom` (over `communes`) with its structure porteuse (`porteuse=False`:
    none), its coordinator (`coordinateur`: its fields) and one user per role of `roles` (role →
    its fields), then, in this order:

    - a partner structure (`structure`: its fields; `avec_partenaire=False`: none), then one more
      per `autres_structures` entry;
    - its professionals, as `professionnel()` fields (`porteuse=True` for a member of the
      structure porteuse instead): the `referent`, the `intervenants`, the `membres` assigned
      to nothing. With a partner and a pathway, there is a référent and one intervenant unless
      `avec_referent=False` or `intervenants=` say otherwise; without either, none by default;
    - unless `avec_parcours=False`, one child followed in the programme (`enfant`: its fields,
      `champs_parcours`: the pathway's), its consent naming the partners (`partage=False`: no
      structure; `avec_consentement=False`: no consent), the référent and the intervenants;
    - the other programmes of the platform, one per `autres_programmes` entry (`pre()` fields:
      `nom`, `porteuse`, `coordinateur`, `roles`…), in `Monde.autres`.
    """
    options_pre = {"nom": nom} if nom is not None else {}
    if communes is not None:
        options_pre["communes"] = list(communes)
    equipe = pre(porteuse=porteuse, coordinateur=coordinateur, roles=roles, **options_pre)
    structures = []
    if avec_partenaire:
        structures = [
            partenaire(equipe.programme, **champs)
            for champs in [structure or {}, *autres_structures]
        ]
    # A référent and an intervenant are the partner's people on the child's pathway.
    avec_equipe = avec_parcours and avec_partenaire
    if avec_referent is None:
        avec_referent = avec_equipe
    if intervenants is None:
        intervenants = ({},) if avec_equipe else ()
    partenaire_ = structures[0] if structures else None
    monde = Monde(
        pre=equipe,
        structures=structures,
        referent=_membre(equipe, partenaire_, referent or {}) if avec_referent else None,
        intervenants=[_membre(equipe, partenaire_, champs) for champs in intervenants],
        membres=[_membre(equipe, partenaire_, champs) for champs in membres],
    )
    if avec_parcours:
        monde.parcours = suivre(
            equipe,
            enfant=enfant,
            avec_consentement=avec_consentement,
            structures=structures if partage else [],
            finalites=finalites,
            fichier=fichier,
            referent=monde.referent,
            intervenants=monde.intervenants,
            **champs_parcours,
        )
    monde.autres = [pre(**champs) for champs in autres_programmes]
    return monde
