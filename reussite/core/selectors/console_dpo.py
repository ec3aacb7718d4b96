"""The DPO console's reads on one programme's access trail (see reussite/core/views/console_dpo.py)."""

from datetime import datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone

from ..models import Evenement, ProgrammeUserObjectPermission, TraceAcces, User

# The people whose logins a programme's DPO sees, beyond its role holders: each business layer
# adds a function (programme id -> queryset of user ids), e.g. parcours: the people holding an
# assignment on one of its pathways. The core imports no business app (ARCHITECTURE.md).
PERSONNES_DU_PROGRAMME: list = []


def personnes_du_programme(programme_id: int):
    """A queryset of the user ids of the people acting in the programme."""
    ids = ProgrammeUserObjectPermission.objects.filter(content_object_id=programme_id).values(
        "user_id"
    )
    for fournisseur in PERSONNES_DU_PROGRAMME:
        ids = ids.union(fournisseur(programme_id))
    return ids


EXPORT_MAX = 50_000


# Events that carry no programme (a login is not about one programme): shown for the people
# holding a role on it.
SANS_PROGRAMME = [Evenement.CONNEXION, Evenement.DECONNEXION]


def _debut(jour):
    return timezone.make_aware(datetime.combine(jour, time.min))


def _avec_personne(lignes):
    """Each row's person (`{"first_name", "last_name", "email"}`, or None) read in the same
    query: one probe of the users' primary key per row, where the export used to run one query
    per batch of rows (88 for a programme's 44,000 rows, issue 18)."""
    personne = User.objects.filter(pk=OuterRef("user_id")).values(
        personne=JSONObject(first_name="first_name", last_name="last_name", email="email")
    )
    return lignes.annotate(personne=Subquery(personne))


def trace_du_programme(programme_id: int, filtres: dict, *, avec_personnes: bool = False):
    """The trail rows of `programme_id` matching `filtres`, newest first (a queryset); with
    `avec_personnes`, each row carries its person as `personne` (see `_avec_personne`)."""
    completer = _avec_personne if avec_personnes else (lambda lignes: lignes)
    conditions = Q()
    if filtres.get("du"):
        conditions &= Q(le__gte=_debut(filtres["du"]))
    if filtres.get("au"):
        conditions &= Q(le__lt=_debut(filtres["au"] + timedelta(days=1)))
    if filtres.get("evenement"):
        conditions &= Q(evenement=filtres["evenement"])
    if filtres.get("personne"):
        conditions &= Q(
            user_id__in=User.objects.filter(email__iexact=filtres["personne"]).values("pk")
        )
    lignes = TraceAcces.objects.filter(conditions, programme_id=programme_id)
    if filtres.get("parcours"):
        type_parcours = ContentType.objects.get_by_natural_key("parcours", "parcours")
        lignes = lignes.filter(content_type=type_parcours, object_id=filtres["parcours"])
        return completer(lignes).order_by("-le", "-pk")
    if filtres.get("evenement") in ("", None, *SANS_PROGRAMME):
        connexions = TraceAcces.objects.filter(
            conditions,
            programme_id__isnull=True,
            evenement__in=SANS_PROGRAMME,
            user_id__in=personnes_du_programme(programme_id),
        )
        return completer(lignes).union(completer(connexions), all=True).order_by("-le", "-pk")
    return completer(lignes).order_by("-le", "-pk")
