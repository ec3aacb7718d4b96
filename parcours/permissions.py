"""Derive guardian's object permissions on a pathway from its facts; never edit them by hand.

The facts: programme roles, assignments (the référent, active intervenants, and the
professionals delivering a planned or ongoing action), valid
consents and the structures they name, the charter (signed by the structure, accepted by the
person), active membership of the structure, the pathway's status and exit date. Every service
that changes one of them calls `parcours_permissions_recalculer` in the same transaction.

Time-bound facts (consent expiry, the référent's 30 days after exit) are stored as
`expire_le` on the rows and checked by every read (`ParcoursQuerySet.visibles_par`), so they
take effect on their date with nothing saved; a nightly task recomputes the rows.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.db import transaction
from django.db.models import Exists, F, Lookup, Prefetch

from partenaires.models import Partenariat, Professionnel, SignatureCharte
from reussite.core.charte import CHARTE_VERSION
from reussite.core.models import AcceptationCharte

from .models import (
    STATUTS_ACTION_ACTIFS,
    Action,
    Consentement,
    Intervenant,
    Parcours,
    ParcoursUserObjectPermission,
    Statut,
)

# A référent keeps read access for 30 days after the pathway's exit (DOMAIN.md, rule 5).
DELAI_LECTURE_APRES_SORTIE = timedelta(days=30)

LECTURE = "view_parcours"
ECRITURE = "change_parcours"


_MEMO: ContextVar[dict | None] = ContextVar("permissions_memo", default=None)


@dataclass(frozen=True)
class Droit:
    user_id: int
    codename: str
    expire_le: date | None


def _permissions() -> dict[str, Permission]:
    content_type = ContentType.objects.get_for_model(Parcours)
    return {
        p.codename: p
        for p in Permission.objects.filter(
            content_type=content_type, codename__in=[LECTURE, ECRITURE]
        )
    }


@contextmanager
def _memorise():
    """Within it, each professional's checks are read once (`_memo`): a pathway lists the same
    professional once per action they deliver, a bulk creation many pathways with a few
    professionals. Nested uses share the outer memo."""
    if _MEMO.get() is not None:
        yield
        return
    jeton = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(jeton)


def _memo(cle, calcul):
    """Memoised within `_memorise` (one recompute or one bulk creation)."""
    memo = _MEMO.get()
    if memo is None:
        return calcul()
    if cle not in memo:
        memo[cle] = calcul()
    return memo[cle]


def _professionnel_habilite(professionnel: Professionnel) -> bool:
    """Active membership, active account, and the charter accepted by the person."""
    return _memo(("habilite", professionnel.pk), lambda: _habilite(professionnel))


def _habilite(professionnel: Professionnel) -> bool:
    return (
        professionnel.actif
        and professionnel.user.is_active
        and AcceptationCharte.objects.filter(
            user_id=professionnel.user_id, version=CHARTE_VERSION
        ).exists()
    )


def _equipe_pre(professionnel: Professionnel, programme_id: int) -> bool:
    return _memo(
        ("equipe", professionnel.structure_id, programme_id),
        lambda: Partenariat.objects.filter(
            programme_id=programme_id, structure_id=professionnel.structure_id, est_porteuse=True
        ).exists(),
    )


def _fin_du_consentement(parcours: Parcours, professionnel: Professionnel, le: date) -> date | None:
    """The day the valid consents naming the professional's structure stop covering it, or None
    when none covers it (a structure must also have signed the charter)."""
    if not _memo(
        ("charte", professionnel.structure_id),
        lambda: SignatureCharte.objects.filter(
            structure_id=professionnel.structure_id, version=CHARTE_VERSION
        ).exists(),
    ):
        return None
    fins = [
        c.fin_de_validite()
        for c in parcours.consentements.all()
        if c.est_valide(le)
        and c.autorise_le_partage
        and professionnel.structure_id in {s.pk for s in c.structures.all()}
    ]
    return max(fins) if fins else None


def structures_couvertes(parcours: Parcours, *, le: date | None = None) -> set[int]:
    """Ids of the structures whose assigned professionals may see the child on day `le`: the
    programme's structure porteuse (the PRE team) and the structures that a valid consent
    allowing sharing names. An action delivered by any other structure gives its professionals
    nothing (issue 15, point 17). One query for the structure porteuse; the consents come from
    `parcours.consentements` (prefetched with their structures by the pages)."""
    le = le or date.today()
    couvertes = set(
        Partenariat.objects.filter(
            programme_id=parcours.programme_id, est_porteuse=True
        ).values_list("structure_id", flat=True)
    )
    for consentement in parcours.consentements.all():
        if consentement.est_valide(le) and consentement.autorise_le_partage:
            couvertes.update(s.pk for s in consentement.structures.all())
    return couvertes


def droits_attendus(
    parcours: Parcours, *, le: date | None = None
) -> dict[tuple[int, str], date | None]:
    """The (user id, codename) → expiry the pathway's facts grant on day `le`."""
    le = le or date.today()
    droits: dict[tuple[int, str], date | None] = {}

    def accorder(user_id, codename, expire_le):
        cle = (user_id, codename)
        if cle in droits:
            ancien = droits[cle]
            expire_le = None if ancien is None or expire_le is None else max(ancien, expire_le)
        droits[cle] = expire_le

    affectes: list[tuple[Professionnel, bool]] = []
    if parcours.referent is not None:
        affectes.append((parcours.referent, True))
    affectes += [(i.professionnel, False) for i in parcours.intervenants.all() if i.actif]
    # Delivering an action (planned or under way) makes a professional an intervenant too.
    affectes += [
        (a.professionnel, False)
        for a in parcours.actions.all()
        if a.professionnel_id is not None and a.statut in STATUTS_ACTION_ACTIFS
    ]

    for professionnel, est_referent in affectes:
        if not _professionnel_habilite(professionnel):
            continue
        if _equipe_pre(professionnel, parcours.programme_id):
            expire_le = None
        else:
            expire_le = _fin_du_consentement(parcours, professionnel, le)
            if expire_le is None:
                continue
        if parcours.statut == Statut.SORTI:
            # Only the référent keeps reading, for 30 days after the exit.
            if est_referent and parcours.date_sortie:
                fin = parcours.date_sortie + DELAI_LECTURE_APRES_SORTIE + timedelta(days=1)
                if le < fin:
                    accorder(
                        professionnel.user_id,
                        LECTURE,
                        fin if expire_le is None else min(fin, expire_le),
                    )
            continue
        accorder(professionnel.user_id, LECTURE, expire_le)
        if est_referent:
            accorder(professionnel.user_id, ECRITURE, expire_le)
    return droits


def permissions_attendues(parcours: Parcours, *, le: date | None = None) -> set[tuple[int, str]]:
    """The (user id, codename) pairs in force on day `le` (expiry taken into account)."""
    le = le or date.today()
    return {
        cle
        for cle, expire_le in droits_attendus(parcours, le=le).items()
        if expire_le is None or le < expire_le
    }


def _avec_faits(queryset):
    """The pathways with the facts `droits_attendus` reads, prefetched."""
    return queryset.select_related("referent__user").prefetch_related(
        Prefetch(
            "intervenants",
            queryset=Intervenant.objects.filter(actif=True).select_related("professionnel__user"),
        ),
        Prefetch(
            "actions",
            queryset=Action.objects.filter(
                statut__in=STATUTS_ACTION_ACTIFS, professionnel__isnull=False
            ).select_related("professionnel__user"),
        ),
        Prefetch(
            "consentements",
            queryset=Consentement.objects.select_related("renouvele_par").prefetch_related(
                "structures"
            ),
        ),
    )


def _recharger(parcours: Parcours) -> Parcours:
    # The row lock serialises concurrent recomputes of one pathway, so that a recompute that
    # read old facts cannot write back a row another one just removed.
    return _avec_faits(Parcours.objects.select_for_update(of=("self",))).get(pk=parcours.pk)


def permissions_creer_en_masse(*, parcours_ids: list[int], le: date | None = None) -> int:
    """The permission rows of pathways that have none yet (just created in bulk, by an
    import), computed with the same `droits_attendus` as `parcours_permissions_recalculer`:
    the facts are read in a few queries for all of them, the few professionals' checks are
    memoised, and the rows are written in one insert. Returns the number of rows."""
    permissions = _permissions()
    with _memorise():
        lignes = [
            ParcoursUserObjectPermission(
                content_object=parcours,
                user_id=user_id,
                permission=permissions[codename],
                expire_le=expire_le,
            )
            for parcours in _avec_faits(Parcours.objects.filter(pk__in=parcours_ids))
            for (user_id, codename), expire_le in droits_attendus(parcours, le=le).items()
        ]
    ParcoursUserObjectPermission.objects.bulk_create(lignes, batch_size=1000)
    return len(lignes)


@transaction.atomic
def parcours_permissions_recalculer(*, parcours: Parcours, le: date | None = None) -> None:
    """Make the pathway's permission rows equal to what its facts grant. Deleting and
    recreating an object never inherits rows: they are keyed on the pathway's own id."""
    parcours = _recharger(parcours)
    with _memorise():
        attendus = droits_attendus(parcours, le=le)
    permissions = _permissions()
    existantes = {
        (row.user_id, row.permission.codename): row
        for row in ParcoursUserObjectPermission.objects.filter(
            content_object=parcours
        ).select_related("permission")
    }
    a_supprimer = [row.pk for cle, row in existantes.items() if cle not in attendus]
    if a_supprimer:
        ParcoursUserObjectPermission.objects.filter(pk__in=a_supprimer).delete()
    a_mettre_a_jour = []
    for cle, expire_le in attendus.items():
        row = existantes.get(cle)
        if row is not None and row.expire_le != expire_le:
            row.expire_le = expire_le
            a_mettre_a_jour.append(row)
    if a_mettre_a_jour:
        ParcoursUserObjectPermission.objects.bulk_update(a_mettre_a_jour, ["expire_le"])
    ParcoursUserObjectPermission.objects.bulk_create(
        [
            ParcoursUserObjectPermission(
                content_object=parcours,
                user_id=user_id,
                permission=permissions[codename],
                expire_le=expire_le,
            )
            for (user_id, codename), expire_le in attendus.items()
            if (user_id, codename) not in existantes
        ]
    )


def parcours_du_professionnel(professionnel: Professionnel):
    """Pathways whose rows may depend on this membership."""
    return (
        Parcours.objects.filter(referent=professionnel)
        | Parcours.objects.filter(intervenants__professionnel=professionnel)
        | Parcours.objects.filter(actions__professionnel=professionnel)
    )


def permissions_recalculer_pour_professionnel(*, professionnel: Professionnel) -> None:
    for parcours in parcours_du_professionnel(professionnel).distinct():
        parcours_permissions_recalculer(parcours=parcours)


def recalculer_apres_adhesion(sender, *, professionnel: Professionnel, **kwargs) -> None:
    """Receiver of `partenaires.signals.adhesion_modifiee` (connected in ParcoursConfig.ready):
    the pathways the professional's membership opened are recomputed in the same transaction."""
    permissions_recalculer_pour_professionnel(professionnel=professionnel)


def permissions_recalculer_pour_user(*, user) -> None:
    for professionnel in Professionnel.objects.filter(user=user):
        permissions_recalculer_pour_professionnel(professionnel=professionnel)


class _Parmi(Lookup):
    """`= ANY(ARRAY(subquery))`: the pathway ids are computed once (an InitPlan) and the
    permission rows read through their (content_object_id) index, one probe per pathway. A join
    on `parcours.programme_id` is estimated at thousands of people (there are tens) and read by
    a sequential scan of the whole permission table (issue 18: 85 ms for programme 1 of the
    national set, and a hash join on every login of the trail downstream)."""

    lookup_name = "parmi"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def affectes_du_programme(programme_id: int):
    """The user ids of the people holding an assignment (a derived permission row) on one of
    the programme's pathways: their logins reach its DPO's console (issue 19)."""
    return ParcoursUserObjectPermission.objects.filter(
        _Parmi(
            F("content_object_id"),
            ArraySubquery(Parcours.objects.filter(programme_id=programme_id).values("pk")),
        )
    ).values("user_id")


def affecte_au_parcours(user_ref, parcours_ref):
    """An `Exists` true when the user holds an assignment (a derived permission row) on the
    pathway, for the DPO's anomaly views (reads outside one's assignments, issue 19)."""
    return Exists(
        ParcoursUserObjectPermission.objects.filter(
            user_id=user_ref, content_object_id=parcours_ref
        )
    )
