"""Referral statistics: what came in, from whom, why, and how fast the coordination decided.

Aggregates only, never a child's identity; small counts are masked for whoever gets masked
figures (steering, administrators, the platform view), as everywhere in the statistics.
"""

from datetime import date, datetime, time

from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from partenaires.models import TypeStructure

from ..models import MotifOrientation, Orientation, Orienteur, StatutOrientation
from ..models.orientations import orienteur_de_structure
from .statistiques import SEUIL_SECRET, Perimetre, _serie, masquer_total

__all__ = ["chiffres_orientations", "presenter_orientations", "statistiques_orientations"]

_DECIDEES = (StatutOrientation.ACCEPTEE, StatutOrientation.REORIENTEE, StatutOrientation.REFUSEE)


def _bornes(debut: date, fin: date):
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(debut, time.min, tzinfo=zone),
        datetime.combine(fin, time.max, tzinfo=zone),
    )


def statistiques_orientations(perimetre: Perimetre, debut: date, fin: date) -> dict:
    """Referrals received during the period: by source type, by motive, by outcome; the
    average time to a decision and the acceptance rate. Three queries whatever the volume."""
    return presenter_orientations(perimetre, chiffres_orientations(perimetre, debut, fin))


def chiffres_orientations(perimetre: Perimetre, debut: date, fin: date) -> dict:
    """The raw counts behind the referral statistics: integers only, so that the yearly
    aggregates of several programmes add up (the mean delay as a sum and a count)."""
    recues = Orientation.objects.filter(perimetre.filtre(), recue_le__range=_bornes(debut, fin))
    par_type = dict(recues.values_list("structure__type").annotate(n=Count("pk")).order_by())
    motifs = recues.aggregate(
        **{motif: Count("pk", filter=Q(motifs__contains=[motif])) for motif in MotifOrientation}
    )
    chiffres = recues.aggregate(
        total=Count("pk"),
        decidees=Count("pk", filter=Q(statut__in=_DECIDEES)),
        acceptees=Count("pk", filter=Q(statut=StatutOrientation.ACCEPTEE)),
        delai_somme=Sum(F("decidee_le") - F("recue_le"), filter=Q(statut__in=_DECIDEES)),
        delai_nombre=Count("decidee_le", filter=Q(statut__in=_DECIDEES)),
    )
    somme = chiffres.pop("delai_somme")
    chiffres["delai_secondes"] = somme.total_seconds() if somme is not None else 0
    chiffres["par_type"] = {t or "": n for t, n in par_type.items()}
    chiffres["motifs"] = motifs
    return chiffres


def presenter_orientations(perimetre: Perimetre, chiffres: dict) -> dict:
    m = perimetre.masquer
    par_type = chiffres["par_type"]
    par_source: dict[str, int] = {}
    for type_structure in TypeStructure.values:
        source = orienteur_de_structure(type_structure)
        par_source[source] = par_source.get(source, 0) + par_type.get(type_structure, 0)
    motifs = {motif: chiffres["motifs"].get(motif, 0) for motif in MotifOrientation}
    decidees, acceptees = chiffres["decidees"], chiffres["acceptees"]
    # A rate over fewer than 5 decisions tells who was refused: masked like a small count.
    taux = None
    if decidees and (decidees >= SEUIL_SECRET or not m):
        taux = round(100 * acceptees / decidees)
    delai_jours = None
    if chiffres["delai_nombre"] and (decidees >= SEUIL_SECRET or not m):
        moyenne = chiffres["delai_secondes"] / chiffres["delai_nombre"]
        delai_jours = round(moyenne / 86400, 1)
    return {
        "orientations_source": _serie(
            _("Orientations reçues par type d’orienteur"),
            [(Orienteur(s).label, n) for s, n in par_source.items()],
            masquer=m,
        ),
        "orientations_motifs": _serie(
            _("Orientations reçues par motif"),
            [(MotifOrientation(k).label, v) for k, v in motifs.items()],
            masquer=m,
            secondaire=False,
            note=_("Une orientation peut avoir plusieurs motifs."),
        ),
        "orientations_total": masquer_total(chiffres["total"]) if m else chiffres["total"],
        "orientations_decidees": masquer_total(decidees) if m else decidees,
        "orientations_taux_acceptation": taux,
        "orientations_delai_jours": delai_jours,
    }
