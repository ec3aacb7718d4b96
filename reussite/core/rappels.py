"""Coordination reminders: the kinds the apps register, the scan that finds what is due, and
the sends (ARCHITECTURE.md, "Reminders"; DOMAIN.md, rule 6).

- A kind (`Genre`) is registered by the app that owns its subject. It gives a queryset of the
  candidates due on a date — one row per (subject, recipient, due date) — built with joins, not
  one query per pathway; a set-based check of which pending reminders still have a reason; and
  the French wording of a batch of reminders for the bell and the emails.
- The scan turns each kind's candidates into `Rappel` rows with one `INSERT ... SELECT ... ON
  CONFLICT DO NOTHING`: the unique constraint (kind, subject, due date, recipient) is what makes
  a second scan, or two beat processes at once, create nothing more.
- A send takes a row id. It locks the row for the whole send (`SELECT ... FOR UPDATE SKIP
  LOCKED`), sends with a Message-ID derived from the row, and marks it sent in the same
  transaction. A duplicate delivery of the task finds the row locked or already sent and does
  nothing. A worker killed before the mark loses its connection, PostgreSQL releases the lock
  and rolls the claim back, and the redelivered message (acks_late) or the next scan sends it:
  with the same Message-ID, so a server that already received it drops the copy. A delivery
  that finds the row locked retries a few seconds later rather than dropping the message: the
  holder may be a worker that is dying. That window —
  after the SMTP hand-off, before the commit — is the only one where a second copy can exist.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import FrequenceCourriels, Rappel, StatutRappel, User

logger = logging.getLogger(__name__)

# The columns a kind's candidate queryset must select (as `values(...)` annotations).
COLONNES = ("r_objet", "r_destinataire", "r_programme", "r_echeance")

# A pending immediate reminder older than this was never picked up (broker down when it was
# enqueued, worker lost): the scan enqueues it again.
DELAI_REPRISE = timedelta(minutes=10)


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
    """Enqueue again the immediate reminders that never left: the broker was down when they
    were enqueued, or a worker died before its commit. Their send is idempotent."""
    anciens = list(
        Rappel.objects.filter(
            statut=StatutRappel.A_ENVOYER,
            destinataire__frequence_courriels=FrequenceCourriels.IMMEDIAT,
            cree_le__lt=timezone.now() - DELAI_REPRISE,
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
                WHERE r.genre = %s AND r.lu_le IS NULL AND r.statut NOT IN (%s, %s)
                  AND NOT EXISTS (SELECT 1 FROM c WHERE {correspondance})
                """,  # noqa: S608 - names come from the code, values are parameters
                (
                    *params,
                    StatutRappel.ANNULE,
                    g.nom,
                    StatutRappel.ANNULE,
                    StatutRappel.ECHEC,
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
    """Another delivery of the same reminder holds its row. If that one dies, PostgreSQL
    releases the lock with its connection; a retry then finds the row free or already sent."""


def rappel_envoyer(*, rappel_id: int) -> str:
    """Send one immediate reminder by email, at most once per row (see the module docstring).
    Returns what happened, for the task's log."""
    with transaction.atomic():
        rappel = (
            Rappel.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("destinataire")
            .filter(pk=rappel_id)
            .first()
        )
        if rappel is None:
            if Rappel.objects.filter(pk=rappel_id).exists():
                # Another delivery holds it: try again later, it may have died mid-send.
                raise RappelOccupe(rappel_id)
            return "absent"
        if rappel.statut != StatutRappel.A_ENVOYER:
            return f"déjà traité ({rappel.statut})"
        le = timezone.localdate()
        if rappel.genre not in _GENRES or rappel.pk not in _GENRES[rappel.genre].valables(
            [rappel], le
        ):
            rappel.statut = StatutRappel.ANNULE
            rappel.save(update_fields=["statut"])
            return "sans objet"
        [(_r, rendu)] = rendre([rappel])
        message = _courriel(
            destinataire=rappel.destinataire,
            sujet=rendu.titre,
            gabarit="core/email/rappel",
            contexte={"rappel": rappel, "rendu": rendu, "adresse": _adresse(rendu.lien)},
            message_id=rappel.message_id,
        )
        try:
            message.send()
        except Exception as exc:
            raise EnvoiImpossible(str(exc)[:300]) from exc
        rappel.statut = StatutRappel.ENVOYE
        rappel.envoye_le = timezone.now()
        rappel.tentatives += 1
        rappel.save(update_fields=["statut", "envoye_le", "tentatives"])
        return "envoyé"


def rappel_noter_echec(*, rappel_id: int, erreur: str, essais_max: int) -> int:
    """Record a failed attempt (outside the rolled-back send) and return the attempts so far;
    at `essais_max` the reminder is `echec` and the programme's coordinators see it."""
    with transaction.atomic():
        rappel = (
            Rappel.objects.select_for_update(of=("self",))
            .filter(pk=rappel_id, statut=StatutRappel.A_ENVOYER)
            .first()
        )
        if rappel is None:
            return essais_max
        rappel.tentatives += 1
        rappel.erreur = erreur[:300]
        if rappel.tentatives >= essais_max:
            rappel.statut = StatutRappel.ECHEC
        rappel.save(update_fields=["tentatives", "erreur", "statut"])
        return rappel.tentatives


def rappel_renvoyer(*, rappel: Rappel) -> None:
    """A coordinator asks to try a failed send again (after fixing an address, say)."""
    Rappel.objects.filter(pk=rappel.pk, statut=StatutRappel.ECHEC).update(
        statut=StatutRappel.A_ENVOYER, tentatives=0, erreur=""
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
    """The daily digest: every reminder of the day for a user who chose it, in one email.
    The user's pending rows are locked for the send, like a single reminder's."""
    with transaction.atomic():
        destinataire = User.objects.filter(pk=user_id, is_active=True).first()
        if destinataire is None:
            return "destinataire inactif"
        rappels = list(
            Rappel.objects.select_for_update(of=("self",), skip_locked=True)
            .filter(destinataire_id=user_id, statut=StatutRappel.A_ENVOYER)
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
        try:
            message.send()
        except Exception as exc:
            raise EnvoiImpossible(str(exc)[:300]) from exc
        Rappel.objects.filter(pk__in=[r.pk for r in rappels]).update(
            statut=StatutRappel.RESUME, envoye_le=timezone.now()
        )
        return f"{len(rappels)} rappel(s)"


def destinataires_du_resume() -> list[int]:
    return list(
        Rappel.objects.filter(
            statut=StatutRappel.A_ENVOYER,
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
