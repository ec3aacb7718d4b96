"""Reads of the school transitions (issue 21): the dated rules and the coordination's list.

The rules, in one place:
- a school year starts on September 1st: on a date from September to December the current
  school year is the calendar year's, otherwise the previous one's; the next rentrée is the
  September that follows;
- a child's level this school year is the one recorded on the child (`Enfant.niveau_scolaire`)
  moved on by one level per school year since the one it was recorded for
  (`Enfant.niveau_scolaire_annee`: a CM1 recorded in 2025-2026 is a CM2 in 2026-2027, flagged
  « à vérifier » since a child may repeat a year), or, when none is recorded, the level
  expected from the birth year (a child enters CP in the September of the calendar year it
  turns 6: school year − birth year = 6); the coordination corrects a wrong guess on the
  checklist (kind « pas de changement d’école ») or on the child's record;
- the children in grande section, CM2 and 3e change school level at the next rentrée; they are
  listed from the 1st of the programme's spring month (`Programme.transitions_debut_mois`,
  March by default) until August 31st, and from the 1st of its alert month (June by default) a
  pathway without a plan is « à risque de rupture » and its référent is reminded.
Dates are the local date (TIME_ZONE Europe/Paris, `timezone.localdate()`).
"""

from datetime import date

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import (
    DEBUT_ANNEE_SCOLAIRE,
    ETAPES_TRANSITION,
    PROGRESSION_NIVEAUX,
    NiveauScolaire,
    Parcours,
    Transition,
    TypeTransition,
    annee_scolaire,
)

__all__ = [
    "DEBUT_ANNEE_SCOLAIRE",
    "PASSAGES",
    "annee_rentree",
    "annee_scolaire",
    "avec_transition",
    "niveau_attendu",
    "transition_du_parcours",
    "transition_sans_plan",
    "transitions_a_venir",
]

# The level a child leaves at the rentrée → the kind of transition.
PASSAGES = {
    NiveauScolaire.GS: TypeTransition.GS_CP,
    NiveauScolaire.CM2: TypeTransition.CM2_6E,
    NiveauScolaire.TROISIEME: TypeTransition.TROISIEME_LYCEE,
}
# School year − birth year → level (a child enters petite section the year it turns 3).
NIVEAUX_PAR_AGE = {
    3: NiveauScolaire.PS,
    4: NiveauScolaire.MS,
    5: NiveauScolaire.GS,
    6: NiveauScolaire.CP,
    7: NiveauScolaire.CE1,
    8: NiveauScolaire.CE2,
    9: NiveauScolaire.CM1,
    10: NiveauScolaire.CM2,
    11: NiveauScolaire.SIXIEME,
    12: NiveauScolaire.CINQUIEME,
    13: NiveauScolaire.QUATRIEME,
    14: NiveauScolaire.TROISIEME,
}
AGE_PAR_NIVEAU = {niveau: age for age, niveau in NIVEAUX_PAR_AGE.items()}
# The kinds that mean "changing school": the correction « aucune » is not one.
TYPES_PASSAGE = [t.value for t in PASSAGES.values()]


def annee_rentree(le: date) -> int:
    """The year of the next rentrée, the one the checklist prepares."""
    return annee_scolaire(le) + 1


def niveau_attendu(date_naissance: date, annee: int) -> str:
    """The level expected in the school year starting in September `annee` ("" outside)."""
    return NIVEAUX_PAR_AGE.get(annee - date_naissance.year, "")


def _avant_rentree(le: date) -> bool:
    # January to August: the months of a school year before its rentrée.
    return (le.month, le.day) < DEBUT_ANNEE_SCOLAIRE


def _ecart_niveau(le: date, prefixe: str = "enfant__"):
    """SQL: school years since the recorded level's (0 for a row without a year)."""
    annee = annee_scolaire(le)
    return Value(annee) - Coalesce(F(f"{prefixe}niveau_scolaire_annee"), Value(annee))


def _niveau_effectif(le: date, prefixe: str = "enfant__", ecart: str = "niveau_ecart"):
    """SQL, on rows annotated with `ecart` (`_ecart_niveau`): the child's level this school
    year when it is one that changes school at the next rentrée (PASSAGES), "" otherwise —
    recorded and moved on by the years passed (`niveau_en`), or expected from the birth year."""
    annee = annee_scolaire(le)
    champ = f"{prefixe}niveau_scolaire"
    avances = []
    for cible in PASSAGES:
        rang = PROGRESSION_NIVEAUX.index(cible)
        for depart in PROGRESSION_NIVEAUX[:rang]:
            avances.append(
                When(
                    **{champ: depart, ecart: rang - PROGRESSION_NIVEAUX.index(depart)},
                    then=Value(cible),
                )
            )
    return Case(
        When(Q(**{ecart: 0}) & ~Q(**{champ: ""}), then=F(champ)),
        *avances,
        When(~Q(**{champ: ""}), then=Value("")),
        *(
            When(**{f"{prefixe}date_naissance__year": annee - age}, then=Value(niveau))
            for niveau, age in ((n, AGE_PAR_NIVEAU[n]) for n in PASSAGES)
        ),
        default=Value(""),
        output_field=CharField(),
    )


def avec_transition(qs, le: date):
    """Annotate, on a queryset of pathways, the next rentrée's checklist (`t_*`, through one
    LEFT JOIN), the kind of transition (`type_transition`: the checklist's, or the one the
    child's level implies) and `etapes_faites` (0 to 4). One query, whatever the number."""
    rentree = annee_rentree(le)
    qs = (
        qs.annotate(
            t=FilteredRelation("transitions", condition=Q(transitions__annee_rentree=rentree)),
            niveau_ecart=_ecart_niveau(le),
        )
        .annotate(niveau_effectif=_niveau_effectif(le))
        .annotate(
            t_pk=F("t__pk"),
            type_prevu=Case(
                *(When(niveau_effectif=n.value, then=Value(t.value)) for n, t in PASSAGES.items()),
                default=Value(""),
                output_field=CharField(),
            ),
            # Not read on the child's record this school year: from the birth date, or a level
            # recorded in an earlier school year and moved on since (« à vérifier »).
            niveau_deduit=Case(
                When(Q(enfant__niveau_scolaire="") | Q(niveau_ecart__gt=0), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    )
    etapes = sum(
        (
            Case(
                When(**{f"t__{nom}_le__isnull": False}, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for nom, _libelle in ETAPES_TRANSITION
        ),
        Value(0),
    )
    return qs.annotate(
        type_transition=Case(
            When(t__pk__isnull=False, then=F("t__type")),
            default=F("type_prevu"),
            output_field=CharField(),
        ),
        etapes_faites=etapes,
    )


def _periode(le: date, champ: str) -> Q:
    """The pathways whose programme's period (from the 1st of its month `champ`) has begun."""
    if not _avant_rentree(le):
        # From September to December no rentrée is being prepared. A condition that compiles
        # (the months are at most August), not `pk__in=[]`: the reminders' scan writes this
        # query as SQL, which an empty IN cannot be.
        return Q(**{f"programme__{champ}__gt": 12})
    return Q(**{f"programme__{champ}__lte": le.month})


def transitions_a_venir(qs, *, le: date | None = None, type: str = ""):
    """The open pathways of `qs` whose child changes school level at the next rentrée, once the
    programme's spring has begun, with their checklist's progress; sorted by family name."""
    le = le or timezone.localdate()
    types = [t for t in TYPES_PASSAGE if not type or t == type]
    if not types:
        return Parcours.objects.none()
    # The same rows as filtering `type_transition` in `types`, written on the columns: Django
    # copies an annotation whole into every condition reading it, and `type_transition` holds
    # `type_prevu`, which holds `niveau_effectif` (dozens of CASE branches), into the WHERE of
    # the page's query and of the paginator's COUNT (issue 18: 4,000 SQL nodes compiled per
    # page). The annotations are still selected, for display.
    cibles = [niveau for niveau, passage in PASSAGES.items() if passage in types]
    en_passage = Q(t__pk__isnull=False, t__type__in=types) | (
        Q(t__pk__isnull=True) & _niveau_de_passage(le, cibles=cibles)
    )
    qs = avec_transition(qs.ouverts(), le).filter(
        _periode(le, "transitions_debut_mois"), en_passage
    )
    return qs.select_related("enfant", "referent__user", "programme").order_by(
        "enfant__nom", "enfant__prenom", "pk"
    )


def transitions_incompletes(le: date):
    """Open pathways in transition whose checklist is missing or incomplete once the programme's
    alert month has begun: the candidates of the « passage incomplet » reminder."""
    return avec_transition(Parcours.objects.ouverts(), le).filter(
        _periode(le, "transitions_alerte_mois"),
        type_transition__in=TYPES_PASSAGE,
        etapes_faites__lt=len(ETAPES_TRANSITION),
    )


__all__ += ["transitions_incompletes"]


def transition_sans_plan(le: date) -> Q:
    """On pathways annotated by `avec_transition`: in transition, the programme's alert month
    reached, and nothing recorded on the checklist (or no checklist)."""
    return (
        _periode(le, "transitions_alerte_mois")
        & Q(type_transition__in=TYPES_PASSAGE)
        & Q(etapes_faites=0)
    )


def _niveau_de_passage(le: date, prefixe: str = "enfant__", *, cibles=None) -> Q:
    """SQL condition, the same rows as `_niveau_effectif(le)` in PASSAGES (or in `cibles`, some
    of them) but without any annotation: the recorded level moved on by the school years passed
    lands on a level that changes school (one `IN` per number of years), or, with no level
    recorded, the birth year is one of theirs. Small enough for Django to build a filter on it
    cheaply (issue 18)."""
    cibles = list(PASSAGES) if cibles is None else cibles
    annee = annee_scolaire(le)
    champ = f"{prefixe}niveau_scolaire"
    annee_notee = f"{prefixe}niveau_scolaire_annee"
    departs: dict[int, list[str]] = {}
    for cible in cibles:
        rang = PROGRESSION_NIVEAUX.index(cible)
        for depart in PROGRESSION_NIVEAUX[: rang + 1]:
            departs.setdefault(rang - PROGRESSION_NIVEAUX.index(depart), []).append(depart)
    condition = Q(**{f"{champ}__in": departs.pop(0)}) & (
        Q(**{f"{annee_notee}__isnull": True}) | Q(**{annee_notee: annee})
    )
    for ecart, niveaux in sorted(departs.items()):
        condition |= Q(**{f"{champ}__in": niveaux, annee_notee: annee - ecart})
    par_age = Q()
    for niveau in cibles:
        par_age |= Q(**{f"{prefixe}date_naissance__year": annee - AGE_PAR_NIVEAU[niveau]})
    return condition | (Q(**{champ: ""}) & par_age)


def avec_liste_de_rentree(qs, le: date):
    """Only the next rentrée's checklist of `avec_transition` (`t`, through one LEFT JOIN): what
    `sans_plan` reads."""
    return qs.annotate(
        t=FilteredRelation("transitions", condition=Q(transitions__annee_rentree=annee_rentree(le)))
    )


def sans_plan(le: date) -> Q:
    """`transition_sans_plan(le)` on pathways annotated by `avec_liste_de_rentree` alone: the
    same rows, written on the columns rather than on the `type_transition` and
    `etapes_faites` annotations, which Django would copy whole into every condition and
    subquery reading them (issue 18: 0.45 s building the « parcours à risque » page)."""
    en_passage = Q(t__pk__isnull=False, t__type__in=TYPES_PASSAGE) | (
        Q(t__pk__isnull=True) & _niveau_de_passage(le)
    )
    rien_fait = Q(**{f"t__{nom}_le__isnull": True for nom, _libelle in ETAPES_TRANSITION})
    return _periode(le, "transitions_alerte_mois") & en_passage & rien_fait


__all__ += ["avec_liste_de_rentree", "sans_plan"]


def transition_du_parcours(parcours: Parcours, *, le: date | None = None) -> Transition | None:
    """The pathway's checklist for the next rentrée, with its authors (None when not started)."""
    le = le or timezone.localdate()
    return (
        Transition.objects.filter(parcours=parcours, annee_rentree=annee_rentree(le))
        .select_related(*(f"{nom}_par" for nom, _l in ETAPES_TRANSITION))
        .first()
    )


def type_prevu(parcours: Parcours, *, le: date | None = None) -> str:
    """The kind of transition the child's level implies (recorded or expected), or ""."""
    le = le or timezone.localdate()
    enfant = parcours.enfant
    niveau = enfant.niveau_actuel(le) or niveau_attendu(enfant.date_naissance, annee_scolaire(le))
    return PASSAGES.get(niveau, "")


__all__ += ["type_prevu"]


def contenu_fiche_de_liaison(parcours: Parcours, elements: set[str]) -> dict:
    """What the hand-over sheet says beyond the child's identity, section by section, only for
    what the family agreed to pass on: the objectives, the actions under way. Notes, ruptures,
    documents, consents and the information préoccupante record are never read here."""
    from ..models import STATUTS_ACTION_ACTIFS, ElementTransmis

    contenu: dict = {"objectifs": [], "actions": []}
    if ElementTransmis.OBJECTIFS in elements:
        contenu["objectifs"] = list(parcours.objectifs.order_by("date_ouverture", "pk"))
    if ElementTransmis.ACTIONS in elements:
        contenu["actions"] = list(
            parcours.actions.filter(statut__in=STATUTS_ACTION_ACTIFS)
            .select_related("structure", "professionnel__user")
            .order_by("date_debut", "pk")
        )
    return contenu


__all__ += ["contenu_fiche_de_liaison"]


CLE_SESSION = "nav_transitions"


def noter_acces_transitions(sender, request, user, **kwargs):
    """At login, remember in the session whether the header shows « Passages à la rentrée »
    (the coordination's list), so that pages pay no query for it."""
    if request is not None and hasattr(request, "session"):
        from reussite.core.roles import programmes_coordonnes

        request.session[CLE_SESSION] = programmes_coordonnes(user).exists()
