"""Coordination reminders: the kinds the apps register, the scan that finds what is due, and
the sends (ARCHITECTURE.md, "Reminders"; DOMAIN.md, rule 6).

- A kind (`Genre`) is registered by the app that owns its subject. It gives a queryset of the
  candidates due on a date — one row per (subject, recipient, due date) — built with joins, not
  one query per pathway; a set-based check of which pending reminders still have a reason; and
  the French wording of a batch of reminders for the bell and the emails.
- The scan turns each kind's candidates into `Rappel` rows with one `INSERT ... SELECT ... ON
  CONFLICT DO NOTHING`: the unique constraint (kind, subject, due date, recipient) is what makes
  a second scan, or two beat processes at once, create nothing more.
- A send takes a row id and goes in three steps, with no transaction open while the email
  leaves (a hung SMTP server holds no row lock, see EMAIL_TIMEOUT):
  1. *claim*: a short transaction checks the row is still due and marks it `en_cours`, with the
     time (`reserve_le`) and one more attempt (`tentatives`);
  2. *send*: the email leaves with a Message-ID derived from the row, the same on every attempt;
  3. *mark*: a short transaction marks it `envoye`.
  During the three steps the sending connection holds a session advisory lock on the row id:
  a second delivery of the same task finds it taken and retries a few seconds later
  (`RappelOccupe`); a delivery that finds the lock free and the row `en_cours` knows that the
  claimer died (a killed worker, a dropped database connection: PostgreSQL releases the lock
  with the session) and sends again, with the same Message-ID, so that a server that already
  received it drops the copy. That window — after the SMTP hand-off, before the mark — is the
  only one where a second copy can exist. A database error at any step is retried like an SMTP
  one (the task's backoff); a row left `en_cours` or `a_envoyer` past DELAI_REPRISE is enqueued
  again by `rappels_reprendre`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Model, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import FrequenceCourriels, Rappel, StatutRappel, User

logger = logging.getLogger(__name__)

# The columns a kind's candidate queryset must select (as `values(...)` annotations).
COLONNES = ("r_objet", "r_destinataire", "r_programme", "r_echeance")

# A pending immediate reminder older than this was never picked up (broker down when it was
# enqueued, worker lost), and a claim older than this was abandoned (the send task's hard time
# limit is far below): `rappels_reprendre` enqueues it again.
DELAI_REPRISE = timedelta(minutes=10)
# Claims after which a reminder is `echec`: SMTP failures and interrupted sends alike.
ESSAIS_MAX = 5
# The first key of the session advisory locks held by sends (the second is the row id).
VERROU_ENVOI = 72_010
VERROU_RESUME = 72_011


@dataclass
class Rendu:
    """The wording of one reminder. `titre` goes in email subjects: never a child's name."""

    titre: str
    texte: str
    lien: str


@dataclass(frozen=True)
class Genre:
    nom: str
    libelle: str
    modele: type[Model]
    # Candidates due on a date: a queryset selecting COLONNES. None for kinds raised by an event.
    candidats: Callable[[date], QuerySet] | None
    # Of these pending reminders, the ids whose reason still holds (set-based).
    valables: Callable[[list[Rappel], date], set[int]]
    # The wording of a batch (a constant number of queries for the batch).
    rendre: Callable[[list[Rappel]], dict[int, Rendu]]
    # For kinds raised by an event: the (r_objet, r_destinataire) pairs whose reason still
    # holds on a date, so that the scan can cancel the others in one statement.
    encore_dus: Callable[[date], QuerySet] | None = None


_GENRES: dict[str, Genre] = {}


def enregistrer(genre: Genre) -> Genre:
    _GENRES[genre.nom] = genre
    return genre


def genres() -> list[Genre]:
    return list(_GENRES.values())


def genre(nom: str) -> Genre:
    return _GENRES[nom]


def libelles() -> dict[str, str]:
    return {g.nom: g.libelle for g in _GENRES.values()}


# --- Creating reminder rows --------------------------------------------------------------------


def _inserer(genre: Genre, sql: str, params: tuple) -> list[int]:
    """Insert the candidates selected by `sql` as reminders of `genre`; existing ones are kept.
    One statement whatever the number of rows. Returns the ids of the rows it created."""
    content_type = ContentType.objects.get_for_model(genre.modele)
    table = Rappel._meta.db_table
    with connection.cursor() as curseur:
        curseur.execute(
            f"""
            INSERT INTO {table}
                (genre, content_type_id, object_id, destinataire_id, programme_id, echeance,
                 statut, cree_le, tentatives, erreur)
            SELECT DISTINCT %s, %s, c.r_objet, c.r_destinataire, c.r_programme, c.r_echeance,
                 CASE WHEN u.frequence_courriels = %s THEN %s ELSE %s END, %s, 0, ''
            FROM ({sql}) AS c
            JOIN {User._meta.db_table} u ON u.id = c.r_destinataire AND u.is_active
            ON CONFLICT ON CONSTRAINT rappel_unique_par_evenement DO NOTHING
            RETURNING id
            """,  # noqa: S608 - table names come from the models, values are parameters
            (
                genre.nom,
                content_type.pk,
                FrequenceCourriels.AUCUN,
                StatutRappel.SANS_COURRIEL,
                StatutRappel.A_ENVOYER,
                timezone.now(),
                *params,
            ),
        )
        return [ligne[0] for ligne in curseur.fetchall()]


def _envoyer_apres_validation(identifiants: Iterable[int]) -> None:
    """Enqueue the immediate sends once the rows are committed; a broker that is down loses
    nothing: the rows stay `a_envoyer` and the next scan enqueues them again."""
    identifiants = list(identifiants)
    if not identifiants:
        return

    def envoyer():
        from .tasks import rappel_envoyer

        for pk in identifiants:
            try:
                rappel_envoyer.delay(pk)
            except Exception:  # the broker is down: the next scan enqueues it again
                logger.warning("Broker unavailable: reminder %s left for the next scan", pk)
                return

    transaction.on_commit(envoyer)


def _immediats(identifiants: list[int]) -> list[int]:
    if not identifiants:
        return []
    return list(
        Rappel.objects.filter(
            pk__in=identifiants,
            statut=StatutRappel.A_ENVOYER,
            destinataire__frequence_courriels=FrequenceCourriels.IMMEDIAT,
        ).values_list("pk", flat=True)
    )


@dataclass
class BilanScan:
    crees: dict[str, int]
    annules: int
    repris: int


@transaction.atomic
def rappels_scanner(*, le: date | None = None) -> BilanScan:
    """Create the reminders due on `le`, cancel pending ones whose reason ended, and enqueue
    again the immediate ones that never left. The number of queries depends on the number of
    kinds, never on the number of pathways."""
    le = le or timezone.localdate()
    crees: dict[str, int] = {}
    nouveaux: list[int] = []
    for g in genres():
        if g.candidats is None:
            continue
        sql, params = g.candidats(le).values(*COLONNES).query.sql_with_params()
        ids = _inserer(g, sql, params)
        crees[g.nom] = len(ids)
        nouveaux += ids
    annules = rappels_annuler_sans_objet(le=le)
    _envoyer_apres_validation(_immediats(nouveaux))
    return BilanScan(crees=crees, annules=annules, repris=rappels_reprendre())


def rappels_reprendre() -> int:
    """Enqueue again the immediate reminders that never left: still `a_envoyer` long after
    their creation and their last claim (the broker was down when they were enqueued, the task
    gave up on a database error), or `en_cours` long after their claim (the sender died between
    claim and mark). Their send is idempotent."""
    seuil = timezone.now() - DELAI_REPRISE
    anciens = list(
        Rappel.objects.filter(
            Q(statut=StatutRappel.A_ENVOYER, cree_le__lt=seuil)
            & (Q(reserve_le__isnull=True) | Q(reserve_le__lt=seuil))
            | Q(statut=StatutRappel.EN_COURS, reserve_le__lt=seuil),
            destinataire__frequence_courriels=FrequenceCourriels.IMMEDIAT,
        ).values_list("pk", flat=True)
    )
    _envoyer_apres_validation(anciens)
    return len(anciens)


def rappels_annuler_sans_objet(*, le: date) -> int:
    """Reminders stop when their reason ends (consent withdrawn, pathway exited, action closed):
    pending and unread ones whose reason no longer holds are marked `annule`. One UPDATE per
    kind: a reminder keeps its reason while it is still among the kind's candidates of the day
    (same subject, recipient and due date), or, for a kind raised by an event, while its
    (subject, recipient) pair still holds."""
    table = Rappel._meta.db_table
    total = 0
    with connection.cursor() as curseur:
        # The scan has just inserted the day's rows, which the statistics do not know yet: the
        # planner would expect one pending reminder and compare it with every candidate in a
        # nested loop (minutes at national scale). A hashed anti-join is right at any size.
        curseur.execute("SET LOCAL enable_nestloop = off")
        for g in genres():
            if g.candidats is not None:
                source, colonnes = g.candidats(le).values(*COLONNES), COLONNES
            elif g.encore_dus is not None:
                source, colonnes = g.encore_dus(le).values(*COLONNES[:2]), COLONNES[:2]
            else:
                continue
            sql, params = source.query.sql_with_params()
            # Same types on both sides (a due date computed with an interval is a timestamp):
            # an equality the planner can hash.
            correspondance = " AND ".join(
                f"c.{colonne}::{type_} = r.{champ}::{type_}"
                for colonne, (champ, type_) in zip(
                    colonnes,
                    (
                        ("object_id", "bigint"),
                        ("destinataire_id", "bigint"),
                        (None, None),
                        ("echeance", "date"),
                    ),
                    strict=False,
                )
                if champ is not None
            )
            # The candidates are computed once (MATERIALIZED): the planner then answers NOT
            # EXISTS with one hashed anti-join instead of running them again for each row.
            curseur.execute(
                f"""
                WITH c AS MATERIALIZED ({sql})
                UPDATE {table} r SET statut = %s
                WHERE r.genre = %s AND r.lu_le IS NULL AND r.statut NOT IN (%s, %s, %s)
                  AND NOT EXISTS (SELECT 1 FROM c WHERE {correspondance})
                """,  # noqa: S608 - names come from the code, values are parameters
                (
                    *params,
                    StatutRappel.ANNULE,
                    g.nom,
                    StatutRappel.ANNULE,
                    StatutRappel.ECHEC,
                    # Being sent: its send checks the reason itself when it claims it again.
                    StatutRappel.EN_COURS,
                ),
            )
            total += curseur.rowcount
        curseur.execute("SET LOCAL enable_nestloop = on")
    return total


def rappel_signaler(*, genre_nom: str, objet: Model, destinataire: User, echeance=None) -> None:
    """An immediate reminder raised by an event (a new assignment, an EPS invitation). Call it
    inside the service's transaction: nothing is enqueued if the transaction rolls back."""
    g = _GENRES[genre_nom]
    if not destinataire.is_active:
        return
    programme_id = getattr(objet, "programme_id", None)
    sql = "SELECT %s AS r_objet, %s AS r_destinataire, %s AS r_programme, %s::date AS r_echeance"
    ids = _inserer(
        g,
        sql,
        (objet.pk, destinataire.pk, programme_id, echeance or timezone.localdate()),
    )
    _envoyer_apres_validation(_immediats(ids))


# --- Wording ---------------------------------------------------------------------------------


def rendre(rappels: list[Rappel]) -> list[tuple[Rappel, Rendu]]:
    """Each reminder with its wording, one batch per kind."""
    par_genre: dict[str, list[Rappel]] = {}
    for rappel in rappels:
        par_genre.setdefault(rappel.genre, []).append(rappel)
    rendus: dict[int, Rendu] = {}
    for nom, lot in par_genre.items():
        if nom in _GENRES:
            rendus |= _GENRES[nom].rendre(lot)
    inconnu = Rendu(_("Rappel"), _("Ce rappel n’a plus d’objet."), "")
    return [(r, rendus.get(r.pk, inconnu)) for r in rappels]


def _adresse(lien: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{lien}" if lien else settings.SITE_URL


# --- Sending ---------------------------------------------------------------------------------


class EnvoiImpossible(Exception):
    """The SMTP hand-off failed; the task retries with backoff."""


class RappelOccupe(Exception):
    """Another delivery of the same reminder is sending it (it holds the advisory lock). If
    that one dies, PostgreSQL releases the lock with its session; a retry then finds the row
    free or already sent."""


class _Verrou:
    """The session advisory lock of one reminder's send, held on the default connection outside
    any transaction. Released at the end, or by PostgreSQL when the session dies."""

    def __init__(self, identifiant: int, *, cle: int = VERROU_ENVOI):
        self.cles = (cle, identifiant & 0x7FFFFFFF)

    def __enter__(self) -> bool:
        with connection.cursor() as curseur:
            curseur.execute("SELECT pg_try_advisory_lock(%s, %s)", self.cles)
            self.tenu = curseur.fetchone()[0]
        return self.tenu

    def __exit__(self, *exc_info) -> None:
        if not self.tenu:
            return
        try:
            with connection.cursor() as curseur:
                curseur.execute("SELECT pg_advisory_unlock(%s, %s)", self.cles)
        except DatabaseError:
            # The session is gone, and its lock with it; the task's error handling follows.
            if exc_info[0] is None:
                raise


def _reserver(rappel_id: int) -> tuple[Rappel, EmailMultiAlternatives] | str:
    """Step 1, claim: in a short transaction, the row (still due, its reason still holding)
    becomes `en_cours` with the time and one more attempt. Returns the row and its email, or
    what happened instead."""
    with transaction.atomic():
        rappel = (
            Rappel.objects.select_for_update(of=("self",))
            .select_related("destinataire")
            .filter(pk=rappel_id)
            .first()
        )
        if rappel is None:
            return "absent"
        # `en_cours` under a free lock: the previous claimer died before its mark.
        if rappel.statut not in (StatutRappel.A_ENVOYER, StatutRappel.EN_COURS):
            return f"déjà traité ({rappel.statut})"
        le = timezone.localdate()
        if rappel.genre not in _GENRES or rappel.pk not in _GENRES[rappel.genre].valables(
            [rappel], le
        ):
            rappel.statut = StatutRappel.ANNULE
            rappel.save(update_fields=["statut"])
            return "sans objet"
        if rappel.tentatives >= ESSAIS_MAX:
            # Every attempt was cut short (worker killed, connection lost): stop and show it.
            rappel.statut = StatutRappel.ECHEC
            rappel.erreur = _("Envoi interrompu à chaque essai.")
            rappel.save(update_fields=["statut", "erreur"])
            return "échec"
        [(_r, rendu)] = rendre([rappel])
        message = _courriel(
            destinataire=rappel.destinataire,
            sujet=rendu.titre,
            gabarit="core/email/rappel",
            contexte={"rappel": rappel, "rendu": rendu, "adresse": _adresse(rendu.lien)},
            message_id=rappel.message_id,
        )
        rappel.statut = StatutRappel.EN_COURS
        rappel.reserve_le = timezone.now()
        rappel.tentatives += 1
        rappel.save(update_fields=["statut", "reserve_le", "tentatives"])
        return rappel, message


def rappel_envoyer(*, rappel_id: int) -> str:
    """Send one immediate reminder by email: claim, send, mark (see the module docstring).
    Returns what happened, for the task's log. Raises RappelOccupe, EnvoiImpossible, or a
    DatabaseError, which the task retries."""
    with _Verrou(rappel_id) as libre:
        if not libre:
            raise RappelOccupe(rappel_id)
        etape = _reserver(rappel_id)
        if isinstance(etape, str):
            return etape
        rappel, message = etape
        # Step 2, send: no transaction is open, no row is locked.
        try:
            message.send()
        except Exception as exc:
            raise EnvoiImpossible(str(exc)[:300]) from exc
        # Step 3, mark, in a short transaction of its own.
        with transaction.atomic():
            Rappel.objects.filter(
                pk=rappel.pk, statut=StatutRappel.EN_COURS, reserve_le=rappel.reserve_le
            ).update(statut=StatutRappel.ENVOYE, envoye_le=timezone.now(), erreur="")
        return "envoyé"


def rappel_noter_echec(*, rappel_id: int, erreur: str, essais_max: int = ESSAIS_MAX) -> int:
    """Record the SMTP error of a claimed send and return the attempts so far. The row goes
    back to `a_envoyer` for the task's retry, or, at `essais_max` attempts, to `echec`, which
    the programme's coordinators see in « Rappels non remis »."""
    with transaction.atomic():
        rappel = (
            Rappel.objects.select_for_update(of=("self",))
            .filter(pk=rappel_id, statut__in=[StatutRappel.EN_COURS, StatutRappel.A_ENVOYER])
            .first()
        )
        if rappel is None:
            return essais_max
        rappel.erreur = erreur[:300]
        rappel.statut = (
            StatutRappel.ECHEC if rappel.tentatives >= essais_max else StatutRappel.A_ENVOYER
        )
        rappel.save(update_fields=["erreur", "statut"])
        return rappel.tentatives


def rappel_renvoyer(*, rappel: Rappel) -> None:
    """A coordinator asks to try a failed send again (after fixing an address, say)."""
    Rappel.objects.filter(pk=rappel.pk, statut=StatutRappel.ECHEC).update(
        statut=StatutRappel.A_ENVOYER, tentatives=0, erreur="", reserve_le=None
    )
    _envoyer_apres_validation([rappel.pk])


def _courriel(*, destinataire, sujet, gabarit, contexte, message_id) -> EmailMultiAlternatives:
    contexte = {"destinataire": destinataire, "site": settings.SITE_URL, **contexte}
    message = EmailMultiAlternatives(
        subject=f"[Réussite] {sujet}",
        body=render_to_string(f"{gabarit}.txt", contexte),
        to=[destinataire.email],
        headers={"Message-ID": message_id},
    )
    message.attach_alternative(render_to_string(f"{gabarit}.html", contexte), "text/html")
    return message


def resume_envoyer(*, user_id: int, jour: date) -> str:
    """The daily digest: every reminder of the day for a user who chose it, in one email. The
    same three steps as a single reminder's send, under an advisory lock on the user: claim the
    pending rows (`en_cours`), send with no transaction open, mark them `resume`; on an SMTP
    error they go back to `a_envoyer` for the retry."""
    with _Verrou(user_id, cle=VERROU_RESUME) as libre:
        if not libre:
            return "récapitulatif en cours ailleurs"
        with transaction.atomic():
            destinataire = User.objects.filter(pk=user_id, is_active=True).first()
            if destinataire is None:
                return "destinataire inactif"
            # `en_cours` under a free lock: a previous digest died before its mark.
            rappels = list(
                Rappel.objects.select_for_update(of=("self",))
                .filter(
                    destinataire_id=user_id,
                    statut__in=[StatutRappel.A_ENVOYER, StatutRappel.EN_COURS],
                )
                .order_by("echeance", "pk")
            )
            le = timezone.localdate()
            valables = set()
            for nom in {r.genre for r in rappels}:
                lot = [r for r in rappels if r.genre == nom]
                if nom in _GENRES:
                    valables |= _GENRES[nom].valables(lot, le)
            sans_objet = [r.pk for r in rappels if r.pk not in valables]
            Rappel.objects.filter(pk__in=sans_objet).update(statut=StatutRappel.ANNULE)
            rappels = [r for r in rappels if r.pk in valables]
            if not rappels:
                return "rien à envoyer"
            elements = [(r, rendu, _adresse(rendu.lien)) for r, rendu in rendre(rappels)]
            message = _courriel(
                destinataire=destinataire,
                sujet=_("Vos rappels du %(jour)s") % {"jour": jour.strftime("%d/%m/%Y")},
                gabarit="core/email/resume",
                contexte={"elements": elements, "jour": jour},
                message_id=f"<resume-{user_id}-{jour:%Y%m%d}-{rappels[0].pk}@reussite>",
            )
            identifiants = [r.pk for r in rappels]
            Rappel.objects.filter(pk__in=identifiants).update(
                statut=StatutRappel.EN_COURS,
                reserve_le=timezone.now(),
                tentatives=F("tentatives") + 1,
            )
        try:
            message.send()
        except Exception as exc:
            with transaction.atomic():
                Rappel.objects.filter(pk__in=identifiants, statut=StatutRappel.EN_COURS).update(
                    statut=StatutRappel.A_ENVOYER, erreur=str(exc)[:300]
                )
            raise EnvoiImpossible(str(exc)[:300]) from exc
        with transaction.atomic():
            Rappel.objects.filter(pk__in=identifiants, statut=StatutRappel.EN_COURS).update(
                statut=StatutRappel.RESUME, envoye_le=timezone.now(), erreur=""
            )
        return f"{len(rappels)} rappel(s)"


def destinataires_du_resume() -> list[int]:
    """Users with pending reminders for the digest, or with some left `en_cours` by a digest
    that died before its mark."""
    return list(
        Rappel.objects.filter(
            Q(statut=StatutRappel.A_ENVOYER)
            | Q(
                statut=StatutRappel.EN_COURS,
                reserve_le__lt=timezone.now() - DELAI_REPRISE,
            ),
            destinataire__frequence_courriels=FrequenceCourriels.QUOTIDIEN,
            destinataire__is_active=True,
        )
        .values_list("destinataire_id", flat=True)
        .distinct()
    )


# --- In-app ----------------------------------------------------------------------------------


def rappel_marquer_lu(*, user: User, rappel_id: int) -> bool:
    return bool(
        Rappel.objects.filter(pk=rappel_id, destinataire=user, lu_le__isnull=True).update(
            lu_le=timezone.now()
        )
    )


def rappels_tout_marquer_lus(*, user: User) -> int:
    return Rappel.objects.filter(destinataire=user, lu_le__isnull=True).update(lu_le=timezone.now())
