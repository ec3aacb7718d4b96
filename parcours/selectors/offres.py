"""Reads of the offres flow: a pathway's unmet needs, a programme's needs and the map of
present and missing competences (set-based: a fixed number of queries per page)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from partenaires.models import Domaine, Offre

from ..models import BesoinNonCouvert, StatutBesoin, TrancheAge
from .mutualisation import offres_avec_utilisation

__all__ = [
    "AXES_CARTE",
    "Carte",
    "CelluleCarte",
    "besoins_du_parcours",
    "besoins_du_programme",
    "carte_competences",
]

AXES_CARTE = {"territoire": _("territoire"), "age": _("tranche d’âge")}
BORNES_TRANCHES = [
    (TrancheAge.DEUX_CINQ, 0, 5),
    (TrancheAge.SIX_DIX, 6, 10),
    (TrancheAge.ONZE_SEIZE, 11, 16),
    (TrancheAge.DIX_SEPT_PLUS, 17, 200),
]


def besoins_du_parcours(parcours) -> dict:
    """Context for the pathway page's include: its unmet needs."""
    return {
        "besoins_non_couverts": BesoinNonCouvert.objects.filter(parcours=parcours).select_related(
            "offre"
        )
    }


def besoins_du_programme(programme, statut: str | None = StatutBesoin.OUVERT):
    besoins = BesoinNonCouvert.objects.filter(programme=programme).select_related("offre")
    return besoins.filter(statut=statut) if statut else besoins


@dataclass
class CelluleCarte:
    offres: int = 0
    restant: Decimal = Decimal("0")
    illimitee: bool = False
    besoins: int = 0
    # Requests to partners in this cell refused or on a waiting list (issue 21): the offer
    # exists on paper, the child does not get it.
    sollicitees: int = 0

    @property
    def manque(self) -> bool:
        """Needs waiting and no offer: a gap in the local competences."""
        return self.besoins > 0 and self.offres == 0

    @property
    def demande_sans_reponse(self) -> bool:
        """Asked of a partner, but refused or waiting."""
        return self.sollicitees > 0


@dataclass
class Carte:
    axe: str
    colonnes: list  # (key, label)
    lignes: list = field(default_factory=list)  # (domain key, label, [CelluleCarte...])
    totaux: list = field(default_factory=list)  # (domain label, offers, needs) for the chart

    @property
    def maximum(self) -> int:
        return max([1] + [max(o, b) for _label, o, b in self.totaux])


def _territoire(valeur: str) -> str:
    return valeur.strip() or _("Tout le territoire")


def carte_competences(programme, axe: str = "territoire") -> Carte:
    """Domains × territories (or × age bands): offers published to the programme and their
    remaining capacity, beside the programme's open unmet needs and the requests to partners refused or waiting. Three
    queries."""
    offres = offres_avec_utilisation(
        Offre.objects.publiees_pour([programme.pk]).filter(active=True).order_by(),
    ).values_list("domaine", "territoire", "age_min", "age_max", "capacite", "restant")
    besoins = (
        BesoinNonCouvert.objects.filter(programme=programme, statut=StatutBesoin.OUVERT)
        .order_by()
        .values_list("domaine", "territoire" if axe == "territoire" else "tranche_age")
        .annotate(n=Count("pk"))
    )
    cellules: dict = defaultdict(CelluleCarte)
    colonnes_vues: set = set()
    for domaine, territoire, age_min, age_max, capacite, restant in offres:
        if axe == "territoire":
            cles = [_territoire(territoire)]
        else:
            cles = [t for t, bas, haut in BORNES_TRANCHES if age_min <= haut and age_max >= bas]
        for cle in cles:
            cellule = cellules[(domaine, cle)]
            cellule.offres += 1
            if capacite is None:
                cellule.illimitee = True
            else:
                cellule.restant += max(Decimal("0"), restant or Decimal("0"))
            colonnes_vues.add(cle)
    for domaine, cle, n in besoins:
        cle = _territoire(cle) if axe == "territoire" else cle
        cellules[(domaine, cle)].besoins += n
        colonnes_vues.add(cle)
    from .sollicitations import sollicitations_refusees_ou_en_attente

    for (domaine, cle), n in sollicitations_refusees_ou_en_attente(programme, axe).items():
        cle = _territoire(cle) if axe == "territoire" else cle
        cellules[(domaine, cle)].sollicitees += n
        colonnes_vues.add(cle)
    if axe == "territoire":
        colonnes = [(c, c) for c in sorted(colonnes_vues)]
    else:
        colonnes = [(t.value, t.label) for t in TrancheAge]
    carte = Carte(axe=axe, colonnes=colonnes)
    for domaine in Domaine:
        ligne = [cellules.get((domaine.value, cle), CelluleCarte()) for cle, _l in colonnes]
        carte.lignes.append((domaine.value, domaine.label, ligne))
        offres_domaine = sum(c.offres for c in ligne) if axe == "territoire" else None
        if offres_domaine is None:
            # An offer spans several age bands: count each offer once per domain.
            offres_domaine = sum(1 for o in offres if o[0] == domaine.value)
        carte.totaux.append((domaine.label, offres_domaine, sum(c.besoins for c in ligne)))
    return carte
