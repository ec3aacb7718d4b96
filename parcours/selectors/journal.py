"""Reads of the pathway's journal: the timeline of a pathway and the pathways at risk.

The timeline reads each kind of event with one bounded query (a fixed number of queries
whatever the pathway's length), merges them in Python and sorts them newest first."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import BooleanField, Case, Exists, F, OuterRef, Prefetch, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from reussite.core.noms import nom_complet

from ..forms.journal import TYPES_CHRONOLOGIE
from ..models import (
    STATUTS_ACTION_ACTIFS,
    Action,
    Addendum,
    Document,
    Examen,
    InformationPreoccupante,
    Note,
    Objectif,
    Parcours,
    Rupture,
    StatutObjectif,
)
from .base import DroitsParcours
from .transitions import avec_liste_de_rentree, sans_plan

__all__ = [
    "LIMITE_PAR_SOURCE",
    "Evenement",
    "avec_drapeau_ip",
    "avec_motifs",
    "chronologie_du_parcours",
    "motifs_a_risque",
    "notes_lisibles",
    "parcours_a_risque",
    "parcours_parmi",
]

# Each kind of event shows at most this many of its latest entries.
LIMITE_PAR_SOURCE = 30
HORIZON_A_VENIR = timedelta(days=30)

# Kinds only the référent and the coordination see.
TYPES_EQUIPE = {"rupture", "ip", "document"}


@dataclass
class Evenement:
    type: str
    le: datetime
    titre: str
    texte: str = ""
    auteur: str = ""
    objet: object = None
    details: list = field(default_factory=list)

    @property
    def libelle_type(self) -> str:
        return TYPES_CHRONOLOGIE[self.type]


def _moment(jour: date | datetime) -> datetime:
    if isinstance(jour, datetime):
        return jour
    return datetime.combine(jour, time.min, tzinfo=timezone.get_current_timezone())


def _nom(user) -> str:
    return nom_complet(user) if user is not None else ""


def notes_lisibles(user, parcours: Parcours, droits: DroitsParcours):
    return (
        Note.objects.filter(parcours=parcours)
        .lisibles_par(user, equipe=droits.equipe)
        .select_related("auteur")
        .prefetch_related(Prefetch("addenda", queryset=Addendum.objects.select_related("auteur")))
    )


def _statuts(parcours):
    for c in list(parcours.historique.all())[:LIMITE_PAR_SOURCE]:
        if c.ancien_statut:
            titre = _("Statut : %(ancien)s → %(nouveau)s") % {
                "ancien": c.get_ancien_statut_display(),
                "nouveau": c.get_nouveau_statut_display(),
            }
        else:
            titre = _("Création du parcours (%(statut)s)") % {
                "statut": c.get_nouveau_statut_display()
            }
        yield Evenement(
            "statut", c.le, titre, c.commentaire if c.ancien_statut else "", _nom(c.auteur), c
        )


def _consentements(parcours):
    for c in list(parcours.consentements.all())[:LIMITE_PAR_SOURCE]:
        yield Evenement(
            "consentement",
            _moment(c.date_signature),
            _("Consentement signé (valable jusqu’au %(date)s)")
            % {"date": c.date_expiration.strftime("%d/%m/%Y")},
            objet=c,
        )
        if c.date_retrait:
            yield Evenement(
                "consentement", _moment(c.date_retrait), _("Consentement retiré"), objet=c
            )


def _notes(user, parcours, droits, maintenant):
    from ..services.journal import note_est_modifiable

    notes = notes_lisibles(user, parcours, droits)[:LIMITE_PAR_SOURCE]
    for n in notes:
        n.modifiable = parcours.est_ouvert and note_est_modifiable(
            n, user=user, maintenant=maintenant
        )
        n.completable = parcours.est_ouvert and (n.auteur_id == user.pk or droits.equipe)
        yield Evenement(
            "note",
            n.cree_le,
            _("Note — visible par : %(v)s") % {"v": n.get_visibilite_display()},
            n.texte,
            _nom(n.auteur),
            n,
            list(n.addenda.all()),
        )


def _objectifs(objectifs):
    for o in sorted(objectifs, key=lambda o: (o.date_ouverture, o.pk), reverse=True)[
        :LIMITE_PAR_SOURCE
    ]:
        yield Evenement(
            "objectif",
            _moment(o.date_ouverture),
            _("Objectif ouvert : %(o)s") % {"o": o.intitule},
            objet=o,
        )
        if o.statut != StatutObjectif.OUVERT and o.date_cloture:
            yield Evenement(
                "objectif",
                _moment(o.date_cloture),
                _("Objectif clos (%(statut)s) : %(o)s")
                % {"statut": o.get_statut_display(), "o": o.intitule},
                o.commentaire_resultat,
                objet=o,
            )


def _actions(actions):
    for a in sorted(actions, key=lambda a: (a.date_debut, a.pk), reverse=True)[:LIMITE_PAR_SOURCE]:
        yield Evenement(
            "action",
            _moment(a.date_debut),
            _("Action : %(a)s (%(statut)s)") % {"a": a.intitule, "statut": a.get_statut_display()},
            a.resultat,
            a.structure.nom if a.structure else "",
            a,
        )


def _examens(parcours):
    for e in (
        Examen.objects.filter(parcours=parcours, decide_le__isnull=False)
        .select_related("reunion")
        .order_by("-decide_le", "-pk")[:LIMITE_PAR_SOURCE]
    ):
        yield Evenement(
            "eps",
            e.decide_le,
            _("EPS du %(date)s : %(decision)s")
            % {"date": e.reunion.date.strftime("%d/%m/%Y"), "decision": e.get_decision_display()},
            e.releve_conclusions,
            objet=e,
        )


def _ruptures(parcours):
    for r in Rupture.objects.filter(parcours=parcours).order_by("-date", "-pk")[:LIMITE_PAR_SOURCE]:
        yield Evenement(
            "rupture",
            _moment(r.date),
            _("Rupture : %(t)s") % {"t": r.get_type_display()},
            r.description,
            objet=r,
        )


def _ips(parcours):
    for ip in InformationPreoccupante.objects.filter(parcours=parcours)[:LIMITE_PAR_SOURCE]:
        yield Evenement(
            "ip",
            _moment(ip.date_transmission),
            _("Information préoccupante transmise à la CRIP"),
            ip.commentaire,
            ip.transmise_par,
            ip,
        )


def _documents(parcours):
    for d in Document.objects.filter(parcours=parcours).select_related("depose_par")[
        :LIMITE_PAR_SOURCE
    ]:
        yield Evenement("document", d.cree_le, d.titre, "", _nom(d.depose_par), d)


def _a_venir(parcours, actions, aujourdhui: date) -> list[dict]:
    horizon = aujourdhui + HORIZON_A_VENIR
    a_venir = []
    if parcours.est_ouvert and parcours.date_prochaine_revue:
        a_venir.append(
            {
                "le": parcours.date_prochaine_revue,
                "titre": _("Revue en EPS"),
                "depassee": parcours.date_prochaine_revue < aujourdhui,
            }
        )
    if parcours.est_ouvert:
        echeances = sorted(
            (
                a
                for a in actions
                if a.statut in STATUTS_ACTION_ACTIFS and a.date_fin and a.date_fin <= horizon
            ),
            key=lambda a: (a.date_fin, a.pk),
        )
        for a in echeances[:LIMITE_PAR_SOURCE]:
            a_venir.append(
                {
                    "le": a.date_fin,
                    "titre": _("Fin de l’action « %(a)s »") % {"a": a.intitule},
                    "depassee": a.date_fin < aujourdhui,
                }
            )
    for c in parcours.consentements.all():
        if c.est_valide(aujourdhui) and c.fin_de_validite() <= horizon:
            a_venir.append(
                {
                    "le": c.fin_de_validite(),
                    "titre": _("Expiration du consentement"),
                    "depassee": False,
                }
            )
    return sorted(a_venir, key=lambda x: x["le"])


def chronologie_du_parcours(
    user,
    parcours: Parcours,
    droits: DroitsParcours,
    *,
    objectifs: list[Objectif],
    actions: list[Action],
    type: str | None = None,
) -> dict:
    """The pathway page's timeline: what is due, then what happened, newest first.

    `parcours` comes from `parcours_detail_queryset()` (history and consents prefetched), and
    `objectifs` and `actions` are all of the pathway's, as the page already loads them
    (`objectifs_et_actions`). Each other source costs one query (notes two, with their
    addenda), however long the pathway."""
    maintenant = timezone.now()
    types = [t for t in TYPES_CHRONOLOGIE if droits.equipe or t not in TYPES_EQUIPE]
    choisi = type if type in types else None
    sources = {
        "statut": lambda: _statuts(parcours),
        "consentement": lambda: _consentements(parcours) if droits.equipe else (),
        "note": lambda: _notes(user, parcours, droits, maintenant),
        "objectif": lambda: _objectifs(objectifs),
        "action": lambda: _actions(actions),
        "eps": lambda: _examens(parcours),
        "rupture": lambda: _ruptures(parcours),
        "ip": lambda: _ips(parcours),
        "document": lambda: _documents(parcours),
    }
    if not droits.equipe:
        types.remove("consentement")
    evenements = []
    for nom in types:
        if choisi is None or nom == choisi:
            evenements.extend(sources[nom]())
    evenements.sort(key=lambda e: e.le, reverse=True)
    return {
        "chronologie": evenements,
        "chronologie_types": [(t, TYPES_CHRONOLOGIE[t]) for t in types],
        "chronologie_type": choisi or "",
        "a_venir": _a_venir(parcours, actions, timezone.localdate()),
    }


# --- Pathways at risk -------------------------------------------------------------------------


def parcours_a_risque(user, *, le: date | None = None):
    """Open pathways the user coordinates or refers that need attention, each annotated with
    why: no write for the programme's inactivity delay, a rupture without a decided response,
    an active action past its end, a review date passed, and from the programme's alert month
    (June by default) a child changing school level at the rentrée without a transition plan
    (« à risque de rupture », issue 21). One query, whatever the number; sorted by the child's
    family name, as every list of children."""
    le = le or timezone.localdate()
    seuil_inactivite = datetime.combine(le, time.min, tzinfo=timezone.get_current_timezone())
    base = Parcours.objects.equipe_de(user).ouverts()
    rupture_ouverte = Exists(
        Rupture.objects.filter(parcours=OuterRef("pk"), date_reponse__isnull=True)
    )
    action_en_retard = Exists(
        Action.objects.filter(
            parcours=OuterRef("pk"),
            statut__in=STATUTS_ACTION_ACTIFS,
            date_fin__lt=le,
            resultat="",
        )
    )
    inactif = Q(
        derniere_activite__lt=seuil_inactivite
        - timedelta(days=1) * F("programme__delai_inactivite_jours")
    )
    revue = Q(date_prochaine_revue__lt=le)
    return _avec_motifs(
        avec_liste_de_rentree(base, le).annotate(
            rupture_sans_reponse=rupture_ouverte, action_en_retard=action_en_retard
        ),
        inactif,
        revue,
        sans_plan(le),
    )


# The reasons `parcours_a_risque` annotates, in the order the page lists them.
NOMS_MOTIFS = (
    "inactif",
    "rupture_sans_reponse",
    "action_en_retard",
    "revue_depassee",
    "transition_sans_plan",
)


def motifs_a_risque(user, *, le: date | None = None) -> dict[int, dict[str, bool]]:
    """`parcours_a_risque(user)` read once: each pathway's key and its reasons. The page filters,
    counts and lists from these keys (`parcours_parmi`) instead of evaluating the visibility and
    the five reasons again for each of its four reads (issue 18: 4 compilations of the largest
    query of the site, and 4 executions over every open pathway of the programme)."""
    lignes = parcours_a_risque(user, le=le).order_by().values_list("pk", *NOMS_MOTIFS)
    return {pk: dict(zip(NOMS_MOTIFS, drapeaux, strict=True)) for pk, *drapeaux in lignes}


def parcours_parmi(motifs: dict[int, dict[str, bool]]):
    """The pathways of `motifs_a_risque`, by their keys, with what the list shows; in the
    default order of every list of children. `avec_motifs` puts each row's reasons back."""
    return (
        Parcours.objects.filter(pk__dans_tableau=list(motifs))
        .select_related("enfant", "referent__user", "programme")
        .order_by("enfant__nom", "enfant__prenom", "pk")
    )


def avec_motifs(lignes, motifs: dict[int, dict[str, bool]]) -> list[Parcours]:
    """`lignes` (pathways of `parcours_parmi`) with their reasons as attributes, as
    `parcours_a_risque` annotates them."""
    lignes = list(lignes)
    for parcours in lignes:
        for nom, valeur in motifs[parcours.pk].items():
            setattr(parcours, nom, valeur)
    return lignes


def _avec_motifs(qs, inactif, revue, sans_plan):
    def drapeau(condition):
        return Case(
            When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
        )

    return (
        qs.annotate(
            inactif=drapeau(inactif),
            revue_depassee=drapeau(revue),
            transition_sans_plan=drapeau(sans_plan),
        )
        .filter(
            Q(inactif=True)
            | Q(revue_depassee=True)
            | Q(rupture_sans_reponse=True)
            | Q(action_en_retard=True)
            | Q(transition_sans_plan=True)
        )
        .select_related("enfant", "referent__user", "programme")
        .order_by("enfant__nom", "enfant__prenom", "pk")
    )


def avec_drapeau_ip(qs, user):
    """Annotate `drapeau_ip` on a list of pathways: the information préoccupante flag, true only
    for the rows whose référent or coordination the user is (never shown to partners)."""
    qs = qs.annoter_equipe(user, "equipe_ip")
    return qs.annotate(
        drapeau_ip=Case(
            When(Q(information_preoccupante_le__isnull=False, equipe_ip=True), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
