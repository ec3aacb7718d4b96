"""The DPO's anomaly views (issue 19): unusual uses of a programme's access trail, each a list
the DPO opens in the console (reussite/core/views/console_dpo.py) with the person and the period.

- many pathways read outside one's assignments (the business layer says what an assignment is:
  `AFFECTATIONS`, filled by parcours; the core imports no business app);
- reads and changes at night or at the weekend (Europe/Paris time);
- refusals in bursts (several in the same hour);
- exports of identifying lists and right-of-access files.

Every query filters `programme_id` and a period on `le` first, on the index
`trace_programme_le` (programme_id, -le): its cost follows the period's rows of one
programme, not the trail's size, and each list costs one query whatever its length. This is the
only module (with console_dpo) that reads the trail for the DPO: the trail's model and alias are
imported here once (`Trace`).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Max, Min, OuterRef, Q
from django.db.models.functions import Coalesce, ExtractHour, ExtractIsoWeekDay, TruncHour
from django.utils import timezone

from ..models import Evenement, SeuilsAnomalies
from ..models import TraceAcces as Trace

# Functions (user_ref, object_ref) -> Exists, true when the user is assigned to the pathway
# (OuterRef expressions over the trail's `user_id` and `object_id`). Filled by parcours.
AFFECTATIONS: list = []
# The content type of the trail rows that designate a pathway.
MODELE_PARCOURS = ("parcours", "parcours")
PERIODE_JOURS = 30
MAXIMUM = 100
EXPORTS = [Evenement.EXPORT, Evenement.DROIT_ACCES]
ACTIVITE = [Evenement.LECTURE, Evenement.MODIFICATION, Evenement.EXPORT, Evenement.DROIT_ACCES]


@dataclass(frozen=True)
class Periode:
    du: date
    au: date

    @property
    def debut(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.du, time.min))

    @property
    def fin(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.au + timedelta(days=1), time.min))


def _trace(programme_id: int, periode: Periode):
    return Trace.objects.filter(
        programme_id=programme_id, le__gte=periode.debut, le__lt=periode.fin
    ).order_by()


def _fuseau():
    return timezone.get_default_timezone()


def lectures_hors_affectation(programme_id: int, periode: Periode, seuil: int):
    """People who read at least `seuil` different pathways they are not assigned to."""
    # The content type is compared through COALESCE so that the planner starts from the
    # (programme, time) index: the content type's own index would read the pathway reads of
    # every programme over the period (its estimate is wrong on a young or small trail).
    lignes = (
        _trace(programme_id, periode)
        .alias(type_objet=Coalesce("content_type_id", 0))
        .filter(
            evenement=Evenement.LECTURE,
            autorise=True,
            type_objet=ContentType.objects.get_by_natural_key(*MODELE_PARCOURS).pk,
            user_id__isnull=False,
        )
    )
    for affecte in AFFECTATIONS:
        lignes = lignes.exclude(affecte(OuterRef("user_id"), OuterRef("object_id")))
    return (
        lignes.values("user_id")
        .annotate(nombre=Count("object_id", distinct=True), premier=Min("le"), dernier=Max("le"))
        .filter(nombre__gte=seuil)
        .order_by("-nombre", "user_id")[:MAXIMUM]
    )


def acces_nuit_week_end(programme_id: int, periode: Periode, seuils: SeuilsAnomalies):
    """People who read or changed the programme's data at night or at the weekend, at least
    `acces_nuit_week_end` times."""
    heure = ExtractHour("le", tzinfo=_fuseau())
    if seuils.nuit_debut > seuils.nuit_fin:  # across midnight: 21 h → 7 h
        nuit = Q(h__gte=seuils.nuit_debut) | Q(h__lt=seuils.nuit_fin)
    else:
        nuit = Q(h__gte=seuils.nuit_debut, h__lt=seuils.nuit_fin)
    return (
        _trace(programme_id, periode)
        .filter(evenement__in=ACTIVITE, autorise=True, user_id__isnull=False)
        .annotate(h=heure, j=ExtractIsoWeekDay("le", tzinfo=_fuseau()))
        .filter(nuit | Q(j__gte=6))
        .values("user_id")
        .annotate(nombre=Count("pk"), premier=Min("le"), dernier=Max("le"))
        .filter(nombre__gte=seuils.acces_nuit_week_end)
        .order_by("-nombre", "user_id")[:MAXIMUM]
    )


def refus_en_rafale(programme_id: int, periode: Periode, seuil: int):
    """(person, hour) where at least `seuil` accesses were refused."""
    return (
        _trace(programme_id, periode)
        .filter(evenement=Evenement.REFUS)
        .annotate(heure=TruncHour("le", tzinfo=_fuseau()))
        .values("user_id", "heure")
        .annotate(nombre=Count("pk"), premier=Min("le"), dernier=Max("le"))
        .filter(nombre__gte=seuil)
        .order_by("-heure", "user_id")[:MAXIMUM]
    )


def exports(programme_id: int, periode: Periode):
    """Lists and right-of-access files that left the platform."""
    return (
        _trace(programme_id, periode)
        .filter(evenement__in=EXPORTS)
        .annotate(premier=F("le"), dernier=F("le"))
        .values("user_id", "evenement", "page", "object_id", "premier", "dernier")
        .order_by("-le")[:MAXIMUM]
    )
