"""The platform-wide statistics from the yearly aggregates (issue 18).

Live, « tous les programmes » scanned every pathway, action and consent of the country
(2.2 s at 150,700 pathways). Each programme's raw counts for a calendar year are stored by the
nightly task (`StatistiqueAnnuelle`, `parcours.services.statistiques`); the platform view adds
them up, then masks and presents them exactly as the live page does. The addition is exact:
counts add up, the two medians are recomputed from the stored histograms of durations, the
mean referral delay from its sum and count. One approximation, stated on the page's note:
a child followed in two programmes during the year counts once in each (« enfants » of the
other schemes); pathways, actions and referrals belong to one programme and are exact.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Q, Value
from django.utils import timezone

from reussite.core.models import Programme

from ..models import Parcours, StatistiqueAnnuelle
from .dispositifs import chiffres_dispositifs, presenter_dispositifs
from .orientations import chiffres_orientations, presenter_orientations
from .statistiques import EcartJours, Perimetre, _chiffres, presenter_statistiques

__all__ = [
    "LIGNES_MAX_PLATEFORME",
    "additionner",
    "chiffres_annuels",
    "mediane_histogramme",
    "statistiques_agregees",
    "statistiques_programme_en_cache",
]

# The platform-wide page lists the largest structures and conventions, and one « autres » row.
LIGNES_MAX_PLATEFORME = 20


def _annee(annee: int) -> tuple[date, date]:
    return date(annee, 1, 1), date(annee, 12, 31)


def _histogramme(parcours, condition: Q, duree) -> dict[str, int]:
    return {
        str(jours): n
        for jours, n in parcours.filter(condition)
        .annotate(jours=duree)
        .values_list("jours")
        .annotate(n=Count("pk"))
        .values_list("jours", "n")
        .order_by()
    }


def chiffres_annuels(programme: Programme, annee: int) -> dict:
    """One programme's raw counts for one calendar year, as JSON: what a `StatistiqueAnnuelle`
    row stores. Computed by the same queries as the live page, plus two histograms."""
    debut, fin = _annee(annee)
    perimetre = Perimetre(programme, [], masquer=False, tous_possible=False)
    c = _chiffres(perimetre, debut, fin)
    parcours = Parcours.objects.filter(programme=programme)
    sorti = Q(date_sortie__gte=debut, date_sortie__lte=fin)
    en_cours = Q(date_entree__lte=fin, date_sortie__isnull=True)
    c["hist_duree"] = _histogramme(parcours, sorti, EcartJours(F("date_sortie"), F("date_entree")))
    c["hist_duree_en_cours"] = _histogramme(
        parcours, en_cours, EcartJours(Value(fin), F("date_entree"))
    )
    for cle in ("entrees_par_mois", "sorties_par_mois"):
        c[cle] = {mois.isoformat(): n for mois, n in c[cle].items()}
    c["actions"]["cout"] = str(c["actions"]["cout"])
    for cle in ("actions_par_structure", "actions_par_convention"):
        c[cle] = [[nom, n] for nom, n in c[cle]]
    return {
        "statistiques": c,
        "orientations": chiffres_orientations(perimetre, debut, fin),
        "dispositifs": chiffres_dispositifs(perimetre, debut, fin),
    }


class _Sommes(dict):
    """A (name, count) list being added up: name → count, in order of first appearance."""


def _copier(b):
    """`b` as a mutable running total that `_cumuler` can add into in place."""
    if isinstance(b, dict):
        return {k: _copier(v) for k, v in b.items()}
    if isinstance(b, list):
        sommes = _Sommes()
        for nom, n in b:
            sommes[nom] = sommes.get(nom, 0) + n
        return sommes
    if isinstance(b, str):  # the actions' cost, a decimal kept exact as text
        return Decimal(b)
    return b


def _cumuler(total, b):
    """Add the raw-count tree `b` into the running total: numbers add, dicts add key by key,
    (name, count) lists add by name. Medians are not added: they are recomputed from the
    histograms. In place, so that adding n rows costs their size, not n times the total's (the
    former pairwise addition rebuilt the whole total for each row: 8.9 s for 500 programmes)."""
    if total is None:
        return _copier(b)
    if b is None:
        return total
    if isinstance(total, dict) and not isinstance(total, _Sommes):
        for k, v in b.items():
            total[k] = _cumuler(total.get(k), v)
        return total
    if isinstance(total, _Sommes):
        for nom, n in b:
            total[nom] = total.get(nom, 0) + n
        return total
    if isinstance(total, Decimal):
        return total + Decimal(b)
    return total + b


def _figer(total):
    """The running total back to the JSON shape of one row."""
    if isinstance(total, _Sommes):
        return [[nom, n] for nom, n in total.items()]
    if isinstance(total, dict):
        return {k: _figer(v) for k, v in total.items()}
    if isinstance(total, Decimal):
        return str(total)
    return total


def additionner(lignes: list[dict]) -> dict:
    total: dict | None = None
    for chiffres in lignes:
        total = _cumuler(total, chiffres)
    return _figer(total) if total else {}


def mediane_histogramme(histogramme: dict[str, int]) -> float | None:
    """percentile_cont(0.5) of the values counted in `histogramme` (value → count)."""
    valeurs = sorted((int(v), n) for v, n in histogramme.items() if n)
    effectif = sum(n for _v, n in valeurs)
    if not effectif:
        return None
    position = (effectif - 1) / 2
    bas, haut = int(position), int(position) + (0 if position.is_integer() else 1)

    def rang(r):
        cumul = 0
        for valeur, n in valeurs:
            cumul += n
            if r < cumul:
                return valeur
        raise AssertionError(r)

    return (rang(bas) + rang(haut)) / 2


def _relire(c: dict) -> dict:
    """Back from JSON to what `presenter_statistiques` reads (dates, Decimal, sorted lists)."""
    c = dict(c)
    for cle in ("entrees_par_mois", "sorties_par_mois"):
        c[cle] = {date.fromisoformat(mois): n for mois, n in (c.get(cle) or {}).items()}
    c["actions"] = {**c["actions"], "cout": Decimal(c["actions"]["cout"])}
    for cle in ("actions_par_structure", "actions_par_convention"):
        # As the live query sorts: most actions first, then by name (no name last).
        c[cle] = sorted(
            ((nom, n) for nom, n in c[cle]),
            key=lambda paire: (-paire[1], paire[0] is None, paire[0] or ""),
        )
    c["duree_mediane"] = mediane_histogramme(c.get("hist_duree") or {})
    c["duree_mediane_en_cours"] = mediane_histogramme(c.get("hist_duree_en_cours") or {})
    return c


@dataclass
class Fraicheur:
    """How old the added-up figures are: the oldest refresh, and the programmes not counted."""

    calcule_le: datetime | None
    programmes: int
    manquants: int


def statistiques_agregees(
    perimetre: Perimetre, annee: int, *, lignes_max: int | None = None
) -> dict:
    """The statistics page's context for one calendar year, from the yearly aggregates of the
    programmes in `perimetre` (every programme when it names none). Two queries."""
    debut, fin = _annee(annee)
    lignes = StatistiqueAnnuelle.objects.filter(annee=annee)
    programmes = Programme.objects.all()
    if perimetre.programme is not None:
        lignes = lignes.filter(programme=perimetre.programme)
        programmes = programmes.filter(pk=perimetre.programme.pk)
    lignes = list(lignes.values_list("chiffres", "calcule_le"))
    total = additionner([chiffres for chiffres, _le in lignes])
    nombre = programmes.count()
    if not total:
        vide = Programme(pk=0)
        total = _vide(vide, annee)
    contexte = presenter_statistiques(
        perimetre, debut, fin, _relire(total["statistiques"]), lignes_max=lignes_max
    )
    contexte.update(presenter_orientations(perimetre, total["orientations"]))
    contexte.update(presenter_dispositifs(perimetre, total["dispositifs"]))
    contexte["fraicheur"] = Fraicheur(
        calcule_le=min((le for _c, le in lignes), default=None),
        programmes=nombre,
        manquants=max(nombre - len(lignes), 0),
    )
    return contexte


def _vide(programme: Programme, annee: int) -> dict:
    """The raw counts of a year with no aggregate yet: zeros, from an empty programme."""
    return chiffres_annuels(programme, annee)


# --- One programme, any period: the raw counts computed at most once every few minutes ---------


@dataclass(frozen=True)
class CalculRecent:
    """When the figures shown were computed, and how often they are at most recomputed."""

    calcule_le: datetime
    minutes: int


def _cle_programme(programme: Programme, debut: date, fin: date) -> str:
    return f"statistiques:programme:{programme.pk}:{debut.isoformat()}:{fin.isoformat()}"


def statistiques_programme_en_cache(perimetre: Perimetre, debut: date, fin: date) -> dict:
    """The statistics page's context for one programme and period (its figures, referrals and
    other schemes), from raw counts computed at most once every REUSSITE_STATISTIQUES_CACHE_S
    seconds in the shared cache (issue 18).

    Computing them costs 13 queries and 150-250 ms at the largest programme (3,000 pathways),
    most of it building and running the aggregates, the same for every reader of that programme
    and period; steering figures a few minutes old are what such a page can show (the page says
    when they were computed). Only raw counts are kept: who may read them is decided before
    (`perimetre_pour`), and masking is applied after, for the reader's role."""
    assert perimetre.programme is not None, "every programme: statistiques_agregees"
    cle = _cle_programme(perimetre.programme, debut, fin)
    brut = cache.get(cle)
    if brut is None:
        brut = {
            "statistiques": _chiffres(perimetre, debut, fin),
            "orientations": chiffres_orientations(perimetre, debut, fin),
            "dispositifs": chiffres_dispositifs(perimetre, debut, fin),
            "calcule_le": timezone.now(),
        }
        cache.set(cle, brut, settings.REUSSITE_STATISTIQUES_CACHE_S)
    contexte = presenter_statistiques(perimetre, debut, fin, brut["statistiques"])
    contexte.update(presenter_orientations(perimetre, brut["orientations"]))
    contexte.update(presenter_dispositifs(perimetre, brut["dispositifs"]))
    # Figures never kept (a delay of 0: every page computes them) need no date.
    duree = settings.REUSSITE_STATISTIQUES_CACHE_S
    contexte["calcul_recent"] = (
        CalculRecent(calcule_le=brut["calcule_le"], minutes=max(round(duree / 60), 1))
        if duree > 0
        else None
    )
    return contexte
