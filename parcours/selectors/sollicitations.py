"""Reads of the requests to partners (issue 21): the pathway's list, the partner's inbox and
the obstacles report (how the droit commun answers the programme's requests).

The report is aggregates only: no child, no pathway. For steering (`perimetre.masquer`) every
count from 1 to 4 is masked, and a group of fewer than five requests shows no delay nor rate,
which would give its few answers back.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Aggregate, Count, F, FloatField, Func, Q
from django.utils.translation import gettext_lazy as _

from partenaires.models import Domaine, TypeStructure

from ..access import sollicitations_recues_par
from ..models import MotifRefus, Sollicitation, StatutSollicitation
from .statistiques import SEUIL_SECRET, Serie, _serie, masquer_total

__all__ = [
    "AXES_OBSTACLES",
    "RapportObstacles",
    "boite_sollicitations",
    "obstacles_plateforme",
    "rapport_obstacles",
    "sollicitations_du_parcours",
    "sollicitations_refusees_ou_en_attente",
]


def sollicitations_du_parcours(parcours):
    """The pathway's requests, for its team (fetched through `parcours_pour`). Two queries."""
    return parcours.sollicitations.select_related(
        "structure", "professionnel__user", "objectif", "action"
    ).order_by("-envoyee_le", "-pk")


FILTRES_BOITE = {
    "a_repondre": Q(statut=StatutSollicitation.ENVOYEE),
    "repondues": Q(statut__in=[s for s in StatutSollicitation if s != "envoyee"]),
}


def boite_sollicitations(user, filtre: str | None = None):
    """The partner's inbox: requests naming them, or their structure alone. The child's name
    is only read (select_related) to be shown when `voit_enfant`."""
    qs = sollicitations_recues_par(user).select_related(
        "structure", "professionnel__user", "parcours__enfant", "programme"
    )
    if filtre in FILTRES_BOITE:
        qs = qs.filter(FILTRES_BOITE[filtre])
    return qs.order_by(
        # Unanswered first, the nearest deadline first.
        F("repondu_le").desc(nulls_first=True),
        "echeance",
        "-pk",
    )


# --- The obstacles report -------------------------------------------------------------------


class Centile(Aggregate):
    """percentile_cont(f): computed by PostgreSQL (a FILTER clause is allowed)."""

    function = "percentile_cont"
    name = "Centile"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        self.template = (
            f"percentile_cont({float(fraction)}) WITHIN GROUP (ORDER BY %(expressions)s)"
        )
        super().__init__(expression, **extra)


class JoursEntre(Func):
    """`a - b` on two timestamps, in days (fractional)."""

    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)"
    arg_joiner = " - "
    output_field = FloatField()


AXES_OBSTACLES = {
    "domaine": (_("Domaine"), "domaine"),
    "type": (_("Type de structure"), "structure__type"),
    "structure": (_("Structure"), "structure__nom"),
    "territoire": (_("Territoire"), "structure__commune"),
}

_REPONDUES = [
    StatutSollicitation.ACCEPTEE,
    StatutSollicitation.ATTENTE,
    StatutSollicitation.REFUSEE,
    StatutSollicitation.REDIRIGEE,
]


@dataclass
class LigneObstacles:
    libelle: str
    nombre: int | None
    repondues: int | None
    mediane_jours: float | None
    p90_jours: float | None
    acceptees: int | None
    attente: int | None
    attente_semaines: float | None
    refusees: int | None
    redirigees: int | None
    sans_reponse_echues: int | None
    taux_acceptation: int | None
    taux_refus: int | None
    motifs: list[int | None] = field(default_factory=list)


@dataclass
class RapportObstacles:
    axe: str
    libelle_axe: str
    lignes: list[LigneObstacles]
    motifs: list[str]
    graphiques: list[Serie]
    masque: bool
    # Every programme: how old the yearly aggregates are (None for one programme, live).
    fraicheur: "FraicheurObstacles | None" = None

    def entetes(self) -> list[str]:
        return [
            str(self.libelle_axe),
            str(_("Sollicitations")),
            str(_("Réponses")),
            str(_("Délai médian de réponse (jours)")),
            str(_("Délai 90e centile (jours)")),
            str(_("Acceptées")),
            str(_("Liste d’attente")),
            str(_("Attente estimée moyenne (semaines)")),
            str(_("Refusées")),
            str(_("Réorientées")),
            str(_("Sans réponse après l’échéance")),
            str(_("Taux d’acceptation (%)")),
            str(_("Taux de refus (%)")),
            *[str(_("Refus : %(motif)s") % {"motif": m}) for m in self.motifs],
        ]

    def lignes_export(self) -> list[list]:
        masque = "< 5"

        def v(valeur):
            return masque if valeur is None and self.masque else ("" if valeur is None else valeur)

        return [
            [
                ligne.libelle,
                v(ligne.nombre),
                v(ligne.repondues),
                "" if ligne.mediane_jours is None else ligne.mediane_jours,
                "" if ligne.p90_jours is None else ligne.p90_jours,
                v(ligne.acceptees),
                v(ligne.attente),
                "" if ligne.attente_semaines is None else ligne.attente_semaines,
                v(ligne.refusees),
                v(ligne.redirigees),
                v(ligne.sans_reponse_echues),
                "" if ligne.taux_acceptation is None else ligne.taux_acceptation,
                "" if ligne.taux_refus is None else ligne.taux_refus,
                *[v(m) for m in ligne.motifs],
            ]
            for ligne in self.lignes
        ]


def _libelles_axe(axe: str) -> dict:
    if axe == "domaine":
        return dict(Domaine.choices)
    if axe == "type":
        return dict(TypeStructure.choices)
    return {}


def _compteurs(aujourdhui: date) -> dict:
    """The report's counts of one group (what adds up across programmes)."""
    compteurs = {
        "nombre": Count("pk"),
        "repondues": Count("pk", filter=Q(statut__in=_REPONDUES)),
        "acceptees": Count("pk", filter=Q(statut=StatutSollicitation.ACCEPTEE)),
        "attente": Count("pk", filter=Q(statut=StatutSollicitation.ATTENTE)),
        "refusees": Count("pk", filter=Q(statut=StatutSollicitation.REFUSEE)),
        "redirigees": Count("pk", filter=Q(statut=StatutSollicitation.REDIRIGEE)),
        "echues": Count(
            "pk", filter=Q(statut=StatutSollicitation.ENVOYEE, echeance__lt=aujourdhui)
        ),
    }
    for motif in MotifRefus:
        compteurs[f"motif_{motif.value}"] = Count(
            "pk", filter=Q(statut=StatutSollicitation.REFUSEE, motif_refus=motif.value)
        )
    return compteurs


def _agregats(base, cle: str, aujourdhui: date):
    delai = JoursEntre(F("repondu_le"), F("envoyee_le"))
    repondue = Q(statut__in=_REPONDUES)
    agregats = {
        **_compteurs(aujourdhui),
        "mediane": Centile(delai, 0.5, filter=repondue),
        "p90": Centile(delai, 0.9, filter=repondue),
        "attente_semaines": Centile(
            F("delai_semaines"), 0.5, filter=Q(statut=StatutSollicitation.ATTENTE)
        ),
    }
    return base.order_by().values(cle).annotate(**agregats).order_by(cle)


def _sollicitations(filtre: Q, debut: date, fin: date):
    """Requests sent in [debut, fin], withdrawn ones aside (nothing was asked in the end)."""
    return Sollicitation.objects.filter(
        filtre,
        envoyee_le__date__gte=debut,
        envoyee_le__date__lt=fin + timedelta(days=1),
    ).exclude(statut=StatutSollicitation.RETIREE)


def obstacles_plateforme(annee: int, *, aujourdhui: date | None = None) -> dict[str, list]:
    """Every programme's report rows for a calendar year, one list per axis: what the nightly
    task stores (`ObstaclesAnnuels`). The live queries, over every request of the country."""
    aujourdhui = aujourdhui or date.today()
    base = _sollicitations(Q(), date(annee, 1, 1), date(annee, 12, 31))
    return {
        axe: list(_agregats(base, cle, aujourdhui)) for axe, (_l, cle) in AXES_OBSTACLES.items()
    }


@dataclass
class FraicheurObstacles:
    """When the platform-wide rows were computed (None: not yet)."""

    calcule_le: datetime | None


def _agregats_annuels(annee: int, axe: str) -> tuple[list[dict], list[dict], FraicheurObstacles]:
    """The stored rows of `axe` and of the domains (the charts) for `annee`. One query."""
    from ..models import ObstaclesAnnuels

    stockees = {
        nom: (lignes, le)
        for nom, lignes, le in ObstaclesAnnuels.objects.filter(
            annee=annee, axe__in={axe, "domaine"}
        ).values_list("axe", "lignes", "calcule_le")
    }
    lignes_axe, le = stockees.get(axe, ([], None))
    par_domaine, _le = stockees.get("domaine", ([], None))
    return lignes_axe, par_domaine, FraicheurObstacles(le)


def _ligne(libelle: str, r: dict, masquer: bool) -> LigneObstacles:
    def compte(n):
        return masquer_total(n) if masquer else n

    petit = masquer and r["nombre"] < SEUIL_SECRET
    petites_reponses = masquer and r["repondues"] < SEUIL_SECRET

    def taux(n):
        if petites_reponses or not r["repondues"]:
            return None
        return round(100 * n / r["repondues"])

    def jours(valeur):
        return None if valeur is None or petites_reponses else round(valeur, 1)

    return LigneObstacles(
        libelle=libelle,
        nombre=compte(r["nombre"]),
        repondues=compte(r["repondues"]),
        mediane_jours=jours(r["mediane"]),
        p90_jours=jours(r["p90"]),
        acceptees=compte(r["acceptees"]),
        attente=compte(r["attente"]),
        attente_semaines=None
        if r["attente_semaines"] is None or (masquer and r["attente"] < SEUIL_SECRET)
        else round(r["attente_semaines"], 1),
        refusees=compte(r["refusees"]),
        redirigees=compte(r["redirigees"]),
        sans_reponse_echues=compte(r["echues"]),
        taux_acceptation=None if petit else taux(r["acceptees"]),
        taux_refus=None if petit else taux(r["refusees"]),
        motifs=[compte(r[f"motif_{m.value}"]) for m in MotifRefus],
    )


def rapport_obstacles(
    perimetre, debut: date, fin: date, axe: str = "domaine", *, aujourdhui: date | None = None
) -> RapportObstacles:
    """Requests sent in [debut, fin] (withdrawn ones aside: nothing was asked of the partner
    in the end), grouped by `axe`. Two queries: the axis, and the domains for the charts.

    Every programme at once (`perimetre.programme` None) reads the yearly aggregates of the
    calendar year of `fin` (computed each night over every request of the country, issue 18)
    instead of the requests themselves: one query."""
    aujourdhui = aujourdhui or date.today()
    axe = axe if axe in AXES_OBSTACLES else "domaine"
    libelle_axe, cle = AXES_OBSTACLES[axe]
    fraicheur = None
    if perimetre.programme is None:
        lignes_axe, par_domaine, fraicheur = _agregats_annuels(fin.year, axe)
    else:
        base = _sollicitations(perimetre.filtre(), debut, fin)
        lignes_axe = list(_agregats(base, cle, aujourdhui))
        par_domaine = lignes_axe if axe == "domaine" else _agregats(base, "domaine", aujourdhui)
    libelles = _libelles_axe(axe)
    lignes = [
        _ligne(str(libelles.get(r[cle], r[cle] or _("Non renseigné"))), r, perimetre.masquer)
        for r in lignes_axe
    ]
    # One chart per domain, drawn from the unmasked counts and masked by `_serie`.
    domaines = dict(Domaine.choices)
    graphiques = [
        _serie(
            domaines.get(r["domaine"], r["domaine"]),
            [
                (_("Acceptées"), r["acceptees"]),
                (_("Liste d’attente"), r["attente"]),
                (_("Refusées"), r["refusees"]),
                (_("Réorientées"), r["redirigees"]),
                (_("Sans réponse après l’échéance"), r["echues"]),
            ],
            masquer=perimetre.masquer,
            secondaire=False,
        )
        for r in par_domaine
    ]
    return RapportObstacles(
        axe=axe,
        libelle_axe=str(libelle_axe),
        lignes=lignes,
        motifs=[str(m.label) for m in MotifRefus],
        graphiques=graphiques,
        masque=perimetre.masquer,
        fraicheur=fraicheur,
    )


def sollicitations_refusees_ou_en_attente(programme, axe: str):
    """For the competence map: (domain, territory of the structure or the child's age band) →
    number of requests refused or on a waiting list, still open for the pathway. One query."""
    from ..models import tranche_age_de

    lignes = (
        Sollicitation.objects.filter(
            programme=programme,
            statut__in=[StatutSollicitation.REFUSEE, StatutSollicitation.ATTENTE],
        )
        .exclude(parcours__statut="sorti")
        .order_by()
    )
    comptes: dict = {}
    if axe == "territoire":
        for domaine, commune, n in lignes.values_list("domaine", "structure__commune").annotate(
            n=Count("pk")
        ):
            cle = (domaine, commune or "")
            comptes[cle] = comptes.get(cle, 0) + n
        return comptes
    for domaine, naissance, envoyee in lignes.values_list(
        "domaine", "parcours__enfant__date_naissance", "envoyee_le"
    ):
        jour = envoyee.date()
        age = (
            jour.year - naissance.year - ((jour.month, jour.day) < (naissance.month, naissance.day))
        )
        cle = (domaine, tranche_age_de(age))
        comptes[cle] = comptes.get(cle, 0) + 1
    return comptes
