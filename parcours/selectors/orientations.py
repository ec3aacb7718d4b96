"""Referral statistics: what came in, from whom, why, and how fast the coordination decided.

Aggregates only, never a child's identity; small counts are masked for whoever gets masked
figures (steering, administrators, the platform view), as everywhere in the statistics.
"""

from datetime import date, datetime, time

from django.db.models import Avg, Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from partenaires.models import TypeStructure

from ..models import MotifOrientation, Orientation, Orienteur, StatutOrientation
from ..models.orientations import orienteur_de_structure
from .statistiques import SEUIL_SECRET, Perimetre, _serie, masquer_total

__all__ = ["statistiques_orientations"]

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
    m = perimetre.masquer
    recues = Orientation.objects.filter(perimetre.filtre(), recue_le__range=_bornes(debut, fin))
    par_type = dict(recues.values_list("structure__type").annotate(n=Count("pk")).order_by())
    par_source: dict[str, int] = {}
    for type_structure in TypeStructure.values:
        source = orienteur_de_structure(type_structure)
        par_source[source] = par_source.get(source, 0) + par_type.get(type_structure, 0)
    motifs = recues.aggregate(
        **{motif: Count("pk", filter=Q(motifs__contains=[motif])) for motif in MotifOrientation}
    )
    chiffres = recues.aggregate(
        total=Count("pk"),
        decidees=Count("pk", filter=Q(statut__in=_DECIDEES)),
        acceptees=Count("pk", filter=Q(statut=StatutOrientation.ACCEPTEE)),
        delai=Avg(F("decidee_le") - F("recue_le"), filter=Q(statut__in=_DECIDEES)),
    )
    decidees, acceptees = chiffres["decidees"], chiffres["acceptees"]
    # A rate over fewer than 5 decisions tells who was refused: masked like a small count.
    taux = None
    if decidees and (decidees >= SEUIL_SECRET or not m):
        taux = round(100 * acceptees / decidees)
    delai = chiffres["delai"]
    delai_jours = None
    if delai is not None and (decidees >= SEUIL_SECRET or not m):
        delai_jours = round(delai.total_seconds() / 86400, 1)
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
