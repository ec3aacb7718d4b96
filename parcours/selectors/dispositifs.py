"""Reads of issue 21: the child's other schemes (synthesis, EPS agenda, statistics), the family's
words on the objectives and the exit questionnaires' figures.

Reserved measures (AEMO, ASE placement, CMP/CMPP, PPS) reach only the pathway's team: on a
pathway already authorised, through `Dispositif.objects.lisibles(equipe=droits.equipe)`; on a
list of pathways (the EPS agenda), through the `equipe` flag `ordre_du_jour` reads with
`Parcours.objects.annoter_equipe(user)`, the same rule
the access module answers with `droits.equipe`."""

from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, F, OuterRef, Q
from django.db.models.functions import JSONObject
from django.utils.translation import gettext_lazy as _

from ..access import Capacite
from ..models import (
    TYPES_DISPOSITIF_RESERVES,
    AideSortie,
    Dispositif,
    Frein,
    Locuteur,
    MomentParole,
    Parcours,
    ParoleFamille,
    QuestionnaireSortie,
    Satisfaction,
    TypeDispositif,
)

__all__ = [
    "deja_suivi_par",
    "dispositifs_du_parcours",
    "objectifs_avec_paroles",
    "statistiques_dispositifs",
]


def dispositifs_du_parcours(parcours: Parcours, droits) -> dict:
    """The synthesis' « Autres dispositifs »: current ones first, then ended ones. One query."""
    dispositifs = list(
        Dispositif.objects.filter(parcours=parcours)
        .lisibles(equipe=droits.equipe)
        .order_by("date_fin", "-date_debut", "pk")
    )
    aujourdhui = date.today()
    en_cours = [d for d in dispositifs if d.date_fin is None or d.date_fin >= aujourdhui]
    termines = [d for d in dispositifs if d.date_fin is not None and d.date_fin < aujourdhui]
    # Current ones by start date; ended ones, the latest ended first.
    en_cours.sort(key=lambda d: (d.date_debut, d.pk))
    termines.sort(key=lambda d: (d.date_fin, d.pk), reverse=True)
    return {
        "dispositifs_en_cours": en_cours,
        "dispositifs_termines": termines,
        # Reserved measures are recorded by the team: the form offers them only to it.
        "peut_ajouter_dispositif": droits.peut(Capacite.EQUIPE_ECRITURE),
    }


def deja_suivi_par(examens: list, user) -> None:
    """Set `examen.deja_suivi_par` on each examination of an EPS agenda: the current schemes of
    its pathway that `user` may see (reserved measures only on the pathways whose team the user
    is). One query whatever the agenda's length.

    Each examination carries `visible` (the user may see its pathway) and `equipe` (the user is
    its team), as `ordre_du_jour` annotates them: `equipe_de` is `visibles_par` and the team."""
    ids = [e.parcours_id for e in examens if e.visible]
    equipe = [e.parcours_id for e in examens if e.visible and e.equipe]
    par_parcours: dict[int, list[Dispositif]] = {}
    if ids:
        for dispositif in (
            Dispositif.objects.filter(parcours_id__in=ids)
            .en_cours()
            .filter(~Q(type__in=TYPES_DISPOSITIF_RESERVES) | Q(parcours_id__in=equipe))
            .order_by("parcours_id", "date_debut", "pk")
        ):
            par_parcours.setdefault(dispositif.parcours_id, []).append(dispositif)
    for examen in examens:
        examen.deja_suivi_par = par_parcours.get(examen.parcours_id, [])


@dataclass
class Parole:
    """One entry of the family's words, as the objectives page shows it."""

    locuteur: str
    moment: str
    date: date
    texte: str
    auteur: dict

    def get_locuteur_display(self) -> str:
        return str(Locuteur(self.locuteur).label)

    def get_moment_display(self) -> str:
        return str(MomentParole(self.moment).label)


def objectifs_avec_paroles(objectifs) -> list:
    """The objectives of `objectifs` (a queryset), each with `paroles_famille`: the family's
    words, oldest first, read in the same query as the objectives (an array subquery), so that
    the objectives page costs no more queries than before them."""
    paroles = (
        ParoleFamille.objects.filter(objectif_id=OuterRef("pk"))
        .order_by("date", "pk")
        .values(
            json=JSONObject(
                locuteur="locuteur",
                moment="moment",
                date="date",
                texte="texte",
                prenom=F("auteur__first_name"),
                nom=F("auteur__last_name"),
            )
        )
    )
    resultat = list(objectifs.annotate(paroles_json=ArraySubquery(paroles)))
    for objectif in resultat:
        objectif.paroles_famille = [
            Parole(
                locuteur=p["locuteur"],
                moment=p["moment"],
                date=date.fromisoformat(p["date"]),
                texte=p["texte"],
                auteur={"prenom": p["prenom"], "nom": p["nom"]},
            )
            for p in objectif.paroles_json or []
        ]
    return resultat


def statistiques_dispositifs(perimetre, debut: date, fin: date) -> dict:
    """The statistics' part of issue 21, in two queries whatever the volume: how many children
    followed in the period were also in each other scheme during it, and the exit
    questionnaires filled in the period. Masked under 5 like every figure of the page."""
    return presenter_dispositifs(perimetre, chiffres_dispositifs(perimetre, debut, fin))


def chiffres_dispositifs(perimetre, debut: date, fin: date) -> dict:
    """The raw counts behind `statistiques_dispositifs` (two queries)."""
    suivi = Q(parcours__date_entree__lte=fin) & (
        Q(parcours__date_sortie__isnull=True) | Q(parcours__date_sortie__gte=debut)
    )
    pendant = Q(date_debut__lte=fin) & (Q(date_fin__isnull=True) | Q(date_fin__gte=debut))
    d = Dispositif.objects.filter(perimetre.filtre_parcours(), suivi, pendant).aggregate(
        enfants=Count("parcours__enfant_id", distinct=True),
        **{
            f"type_{t.value}": Count("parcours__enfant_id", filter=Q(type=t.value), distinct=True)
            for t in TypeDispositif
        },
    )
    q = QuestionnaireSortie.objects.filter(
        perimetre.filtre_parcours(), date__gte=debut, date__lte=fin
    ).aggregate(
        total=Count("pk"),
        **{
            f"satisfaction_{s.value}": Count("pk", filter=Q(satisfaction=s.value))
            for s in Satisfaction
        },
        **{f"aide_{a.value}": Count("pk", filter=Q(aides__contains=[a.value])) for a in AideSortie},
        **{f"frein_{f.value}": Count("pk", filter=Q(freins__contains=[f.value])) for f in Frein},
    )
    return {"dispositifs": d, "questionnaires": q}


def presenter_dispositifs(perimetre, chiffres: dict) -> dict:
    from .statistiques import _serie, masquer_total

    m = perimetre.masquer
    d, q = chiffres["dispositifs"], chiffres["questionnaires"]
    return {
        "dispositifs_enfants": masquer_total(d["enfants"]) if m else d["enfants"],
        "dispositifs": _serie(
            _("Enfants suivis également dans un autre dispositif"),
            [(t.label, d[f"type_{t.value}"]) for t in TypeDispositif],
            masquer=m,
            secondaire=False,
            note=_("Un enfant peut être suivi dans plusieurs dispositifs."),
        ),
        "questionnaires_total": masquer_total(q["total"]) if m else q["total"],
        "satisfaction": _serie(
            _("Satisfaction des familles à la sortie"),
            [(s.label, q[f"satisfaction_{s.value}"]) for s in Satisfaction],
            total=q["total"],
            masquer=m,
        ),
        "aides": _serie(
            _("Ce qui a aidé, selon les familles"),
            [(a.label, q[f"aide_{a.value}"]) for a in AideSortie],
            masquer=m,
            secondaire=False,
            note=_("Une famille peut citer plusieurs réponses."),
        ),
        "freins": _serie(
            _("Ce qui n’a pas aidé, selon les familles"),
            [(f.label, q[f"frein_{f.value}"]) for f in Frein],
            masquer=m,
            secondaire=False,
            note=_("Une famille peut citer plusieurs réponses."),
        ),
    }
