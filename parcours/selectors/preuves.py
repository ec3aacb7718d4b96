"""The funder's evidence pack (issue 21): for one convention party of a programme and one year,
what it committed and what was consumed, the actions its conventions funded and the children
they reached, those children's objectives' outcomes by domain, and the requests to partners
and unmet needs in the funder's domains.

Aggregates only, never a child. Counts of children, objectives, requests and needs from 1 to 4
are masked for whoever is not the programme's coordinator (`Financeur.masquer`, as in the
statistics); money and hours are not counts of people and stay visible.

Rules, written once here:
- a year is the calendar year; an action belongs to the year its start date falls in (the
  rule of the convention page's totals, `totaux_convention`), a request to the year it was
  sent (Paris time), an unmet need to the year it was reported, an objective to every year it
  was open in;
- the funder's conventions are the programme's conventions past the draft stage that name the
  structure as a party and cover the year; abandoned actions consume nothing and reach nobody;
- consumed money and hours of a party are the cost and hours of the actions its own structure
  delivers under that convention (as on the convention page); the convention's total is every
  action it funds;
- the funder's domains are those of the objectives its conventions' actions serve that year,
  and those of the offers its structure publishes to the programme.

The figures cost a fixed number of queries, whatever the number of actions or children.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from partenaires.access import Financeur, parties_engagees
from partenaires.models import Domaine, Engagement, NatureEngagement, Offre
from partenaires.models.base import UNITE_ENGAGEMENT

from ..models import (
    Action,
    BesoinNonCouvert,
    Objectif,
    Sollicitation,
    StatutAction,
    StatutBesoin,
    StatutObjectif,
    StatutSollicitation,
)
from .statistiques import masquer_tableau, masquer_total

__all__ = ["DossierPreuves", "dossier_preuves", "financeurs_du_programme"]

ZERO = Decimal("0")
# What a masked count reads as, in the page and in the files.
MASQUE = "< 5"


def _bornes(annee: int) -> tuple[date, date]:
    return date(annee, 1, 1), date(annee, 12, 31)


def financeurs_du_programme(programme) -> list[dict]:
    """The programme's convention parties, one entry per structure: its conventions and the
    years they cover, for the packs' list. One query."""
    parties = (
        parties_engagees(programme.pk)
        .select_related("structure", "convention")
        .order_by("structure__nom", "structure_id", "convention__date_debut", "convention_id")
    )
    par_structure: dict[int, dict] = {}
    for partie in parties:
        entree = par_structure.setdefault(
            partie.structure_id,
            {"structure": partie.structure, "conventions": [], "annees": set()},
        )
        entree["conventions"].append(partie.convention)
        entree["annees"].update(
            range(partie.convention.date_debut.year, partie.convention.date_fin.year + 1)
        )
    for entree in par_structure.values():
        entree["annees"] = sorted(entree["annees"])
    return list(par_structure.values())


@dataclass
class LigneEngagement:
    convention: str
    nature: str
    unite: str
    engage: Decimal
    consomme: Decimal | None  # None: a commitment the actions do not measure (places, rooms)


@dataclass
class LigneConvention:
    convention: str
    periode: str
    engage_euros: Decimal
    consomme_partie: Decimal
    consomme_convention: Decimal
    heures_partie: Decimal


@dataclass
class LigneAction:
    convention: str
    action: str
    structure: str
    nombre: int | None
    enfants: int | None
    cout: Decimal
    heures: Decimal


@dataclass
class LigneTableau:
    libelle: str
    valeurs: list[int | None]
    total: int | None


@dataclass
class DossierPreuves:
    financeur: Financeur
    annee: int
    masque: bool
    conventions: list[LigneConvention] = field(default_factory=list)
    engagements: list[LigneEngagement] = field(default_factory=list)
    engage_euros: Decimal = ZERO
    consomme_euros: Decimal = ZERO
    consomme_conventions_euros: Decimal = ZERO
    actions: list[LigneAction] = field(default_factory=list)
    enfants: int | None = 0
    nombre_actions: int = 0
    statuts_objectifs: list[str] = field(default_factory=list)
    resultats: list[LigneTableau] = field(default_factory=list)
    domaines: list[str] = field(default_factory=list)
    statuts_sollicitations: list[str] = field(default_factory=list)
    sollicitations: list[LigneTableau] = field(default_factory=list)
    sollicitations_total: int | None = 0
    statuts_besoins: list[str] = field(default_factory=list)
    besoins: list[LigneTableau] = field(default_factory=list)
    besoins_total: int | None = 0

    @property
    def solde_euros(self) -> Decimal:
        return self.engage_euros - self.consomme_euros

    @property
    def titre(self) -> str:
        return _("Dossier de preuves %(annee)s — %(structure)s") % {
            "annee": self.annee,
            "structure": self.financeur.structure.nom,
        }


class CalculPreuves:
    """The pack, section by section (the background build reports its progress after each)."""

    ETAPES = 5

    def __init__(self, financeur: Financeur, annee: int):
        self.f = financeur
        self.annee = annee
        self.debut, self.fin = _bornes(annee)
        self.d = DossierPreuves(financeur=financeur, annee=annee, masque=financeur.masquer)
        self.conventions: list[int] = []
        self.domaines: set[str] = set()

    def _compter(self, valeur: int) -> int | None:
        return masquer_total(valeur) if self.f.masquer else valeur

    def _actions(self):
        return (
            Action.objects.filter(
                convention_id__in=self.conventions,
                date_debut__gte=self.debut,
                date_debut__lte=self.fin,
            )
            .exclude(statut=StatutAction.ABANDONNEE)
            .order_by()
        )

    def engagements(self) -> None:
        """What the party committed for the year, and what the actions consumed."""
        parties = list(
            parties_engagees(self.f.programme.pk)
            .filter(
                structure=self.f.structure,
                convention__date_debut__lte=self.fin,
                convention__date_fin__gte=self.debut,
            )
            .select_related("convention")
            .prefetch_related(
                Prefetch(
                    "engagements",
                    queryset=Engagement.objects.filter(annee=self.annee).order_by("nature", "pk"),
                )
            )
            .order_by("convention__date_debut", "convention_id")
        )
        self.parties = parties
        self.conventions = [p.convention_id for p in parties]

    def actions(self) -> None:
        """The actions funded, grouped by convention, kind of action and the structure that
        delivers it; the consumption of each convention follows from the same rows."""
        # An offer's or a collective action's title names the kind of action; an ad-hoc
        # action's own title otherwise.
        libelle = Coalesce("offre__intitule", "collective__intitule", "intitule")
        lignes = list(
            self._actions()
            .values("convention_id", "structure_id", "structure__nom")
            .annotate(
                libelle=libelle,
                nombre=Count("pk"),
                enfants=Count("parcours_id", distinct=True),
                cout=Sum("cout"),
                heures=Sum("heures"),
            )
            .order_by("convention_id", "libelle", "structure__nom")
        )
        totaux = self._actions().aggregate(
            enfants=Count("parcours_id", distinct=True), nombre=Count("pk")
        )
        noms = {p.convention_id: p.convention.intitule for p in self.parties}
        par_partie: dict[int, dict] = defaultdict(lambda: {"cout": ZERO, "heures": ZERO})
        par_convention: dict[int, Decimal] = defaultdict(lambda: ZERO)
        d = self.d
        for ligne in lignes:
            cout, heures = ligne["cout"] or ZERO, ligne["heures"] or ZERO
            par_convention[ligne["convention_id"]] += cout
            if ligne["structure_id"] == self.f.structure.pk:
                par_partie[ligne["convention_id"]]["cout"] += cout
                par_partie[ligne["convention_id"]]["heures"] += heures
            enfants = self._compter(ligne["enfants"])
            d.actions.append(
                LigneAction(
                    convention=noms.get(ligne["convention_id"], ""),
                    action=ligne["libelle"],
                    structure=ligne["structure__nom"] or _("Non renseignée"),
                    # An action count bounds the children it reached: masked with them.
                    nombre=ligne["nombre"] if enfants is not None else None,
                    enfants=enfants,
                    cout=cout,
                    heures=heures,
                )
            )
        d.enfants = self._compter(totaux["enfants"])
        d.nombre_actions = totaux["nombre"]
        for partie in self.parties:
            convention = partie.convention
            engagements = list(partie.engagements.all())
            par_nature: dict[str, Decimal] = defaultdict(lambda: ZERO)
            for e in engagements:
                par_nature[e.nature] += e.quantite
            conso = par_partie[convention.pk]
            for nature, quantite in par_nature.items():
                consomme = {
                    NatureEngagement.FINANCIER: conso["cout"],
                    NatureEngagement.HEURES: conso["heures"],
                }.get(nature)
                d.engagements.append(
                    LigneEngagement(
                        convention=convention.intitule,
                        nature=str(NatureEngagement(nature).label),
                        unite=str(UNITE_ENGAGEMENT[nature]),
                        engage=quantite,
                        consomme=consomme,
                    )
                )
            euros = par_nature.get(NatureEngagement.FINANCIER, ZERO)
            d.conventions.append(
                LigneConvention(
                    convention=convention.intitule,
                    periode=_("du %(debut)s au %(fin)s")
                    % {
                        "debut": convention.date_debut.strftime("%d/%m/%Y"),
                        "fin": convention.date_fin.strftime("%d/%m/%Y"),
                    },
                    engage_euros=euros,
                    consomme_partie=conso["cout"],
                    consomme_convention=par_convention[convention.pk],
                    heures_partie=conso["heures"],
                )
            )
            d.engage_euros += euros
            d.consomme_euros += conso["cout"]
            d.consomme_conventions_euros += par_convention[convention.pk]

    def resultats(self) -> None:
        """The outcomes of the objectives, open at some point of the year, of the children the
        funded actions reached, by domain."""
        statuts = list(StatutObjectif)
        compte = (
            Objectif.objects.filter(
                parcours_id__in=self._actions().values("parcours_id"),
                date_ouverture__lte=self.fin,
            )
            .filter(Q(date_cloture__isnull=True) | Q(date_cloture__gte=self.debut))
            .order_by()
            .values("domaine", "statut")
            .annotate(n=Count("pk"))
        )
        self.d.statuts_objectifs = [str(s.label) for s in statuts]
        self.d.resultats = self._tableau(compte, statuts, "statut")

    def domaines_du_financeur(self) -> None:
        servis = set(
            self._actions()
            .filter(objectif__isnull=False)
            .values_list("objectif__domaine", flat=True)
            .distinct()
        )
        offerts = set(
            Offre.objects.filter(
                structure=self.f.structure, programmes=self.f.programme, active=True
            )
            .order_by()
            .values_list("domaine", flat=True)
            .distinct()
        )
        self.domaines = servis | offerts
        self.d.domaines = [str(d.label) for d in Domaine if d.value in self.domaines]

    def sollicitations(self) -> None:
        statuts = [s for s in StatutSollicitation if s != StatutSollicitation.RETIREE]
        debut = timezone.make_aware(datetime.combine(self.debut, time.min))
        fin = timezone.make_aware(datetime.combine(date(self.annee + 1, 1, 1), time.min))
        compte = (
            Sollicitation.objects.filter(
                programme=self.f.programme,
                domaine__in=self.domaines,
                envoyee_le__gte=debut,
                envoyee_le__lt=fin,
            )
            .exclude(statut=StatutSollicitation.RETIREE)
            .order_by()
            .values("domaine", "statut")
            .annotate(n=Count("pk"))
        )
        self.d.statuts_sollicitations = [str(s.label) for s in statuts]
        self.d.sollicitations = self._tableau(compte, statuts, "statut")
        self.d.sollicitations_total = self._total(self.d.sollicitations)

    def besoins(self) -> None:
        statuts = list(StatutBesoin)
        compte = (
            BesoinNonCouvert.objects.filter(
                programme=self.f.programme,
                domaine__in=self.domaines,
                date_signalement__gte=self.debut,
                date_signalement__lte=self.fin,
            )
            .order_by()
            .values("domaine", "statut")
            .annotate(n=Count("pk"))
        )
        self.d.statuts_besoins = [str(s.label) for s in statuts]
        self.d.besoins = self._tableau(compte, statuts, "statut")
        self.d.besoins_total = self._total(self.d.besoins)

    def _tableau(self, compte, statuts, cle: str) -> list[LigneTableau]:
        """Rows by domain (the domains present, in the domains' order), columns by status;
        masked cell by cell with the row totals published (secondary suppression)."""
        comptes: dict[str, dict[str, int]] = defaultdict(dict)
        for ligne in compte:
            comptes[ligne["domaine"]][ligne[cle]] = ligne["n"]
        domaines = [d for d in Domaine if d.value in comptes]
        valeurs = [[comptes[d.value].get(s.value, 0) for s in statuts] for d in domaines]
        totaux = [sum(ligne) for ligne in valeurs]
        if self.f.masquer:
            valeurs = masquer_tableau(valeurs)
            totaux = [masquer_total(t) for t in totaux]
        return [
            LigneTableau(str(d.label), v, t)
            for d, v, t in zip(domaines, valeurs, totaux, strict=True)
        ]

    def _total(self, lignes: list[LigneTableau]) -> int | None:
        # Under masking a grand total would give back a masked row total by subtraction.
        if self.f.masquer:
            return None
        return sum(ligne.total or 0 for ligne in lignes)

    def calculer(self, progression: Callable[[int], None] | None = None) -> DossierPreuves:
        etapes = [
            self.engagements,
            self.actions,
            self.resultats,
            lambda: (self.domaines_du_financeur(), self.sollicitations()),
            self.besoins,
        ]
        for n, etape in enumerate(etapes, start=1):
            etape()
            if progression is not None:
                progression(n)
        return self.d


def dossier_preuves(
    financeur: Financeur, annee: int, progression: Callable[[int], None] | None = None
) -> DossierPreuves:
    """The pack of `financeur` for `annee` (the caller checked access: `financeur_pour`)."""
    return CalculPreuves(financeur, annee).calculer(progression)
