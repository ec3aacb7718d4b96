"""Steering statistics: every figure an aggregate computed in PostgreSQL, in a fixed number of
queries whatever the number of pathways, and the small-count masking the pilotage role sees.

Nothing here returns a row about a child: only counts, a median and sums."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Aggregate,
    Count,
    DecimalField,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from partenaires.models import Domaine
from reussite.core import roles
from reussite.core.models import Programme, Role

from ..models import (
    Action,
    BesoinNonCouvert,
    Consentement,
    Decision,
    MotifOrientation,
    MotifSortie,
    NiveauScolaire,
    Orienteur,
    Parcours,
    ProfilAccompagnement,
    ReunionEPS,
    Sexe,
    StatutBesoin,
    StatutReunion,
    TrancheAge,
)
from ..querysets import _annees_avant

__all__ = [
    "SEUIL_SECRET",
    "TOUS",
    "Perimetre",
    "Serie",
    "indicateurs_enquete",
    "masquer_tableau",
    "masquer_total",
    "perimetre_pour",
    "periode_par_defaut",
    "programmes_statistiques",
    "statistiques_programme",
]

SEUIL_SECRET = 5

# --- Small-count masking -------------------------------------------------------------------


def masquer_tableau(
    valeurs: list[list[int]],
    *,
    seuil: int = SEUIL_SECRET,
    par_ligne: bool = True,
    par_colonne: bool = False,
) -> list[list[int | None]]:
    """Mask small counts of a table whose row (and optionally column) totals are published.

    `None` stands for a masked cell. Primary suppression: a count from 1 to `seuil - 1` is
    masked (a zero counts nobody and stays visible). Secondary suppression: when a row (or
    column) has exactly one masked cell, its total would give it back, so the smallest visible
    cell of that row (or column) is masked too; repeated until nothing changes, since masking a
    cell in a row may leave a column with a single masked cell.
    """
    masque = [[0 < v < seuil for v in ligne] for ligne in valeurs]
    lignes = len(valeurs)
    colonnes = max((len(ligne) for ligne in valeurs), default=0)

    def completer(cellules: list[tuple[int, int]]) -> bool:
        masquees = [c for c in cellules if masque[c[0]][c[1]]]
        visibles = [c for c in cellules if not masque[c[0]][c[1]]]
        if len(masquees) != 1 or not visibles:
            return False
        i, j = min(visibles, key=lambda c: (valeurs[c[0]][c[1]], c))
        masque[i][j] = True
        return True

    change = True
    while change:
        change = False
        if par_ligne:
            for i in range(lignes):
                change |= completer([(i, j) for j in range(len(valeurs[i]))])
        if par_colonne:
            for j in range(colonnes):
                change |= completer([(i, j) for i in range(lignes) if j < len(valeurs[i])])
    return [
        [None if masque[i][j] else v for j, v in enumerate(ligne)]
        for i, ligne in enumerate(valeurs)
    ]


def masquer_total(valeur: int, seuil: int = SEUIL_SECRET) -> int | None:
    return None if 0 < valeur < seuil else valeur


# --- Series: what a chart and its table show -----------------------------------------------


@dataclass
class Serie:
    """One distribution: labels and counts, its total, and whether it was masked."""

    titre: str
    libelles: list[str]
    valeurs: list[int | None]
    total: int | None
    unite: str = ""
    masquee: bool = False
    note: str = ""
    afficher_total: bool = True

    @property
    def lignes(self):
        return list(zip(self.libelles, self.valeurs, strict=True))

    @property
    def maximum(self) -> int:
        return max((v for v in self.valeurs if v is not None), default=0)


def _serie(titre, paires, *, total=None, masquer=False, secondaire=True, note="") -> Serie:
    """Secondary suppression only where a total is published (`secondaire`)."""
    libelles = [str(libelle) for libelle, _v in paires]
    reelles = [int(v or 0) for _l, v in paires]
    total = sum(reelles) if total is None else total
    valeurs: list[int | None] = list(reelles)
    if masquer:
        if secondaire:
            valeurs = masquer_tableau([reelles])[0]
        else:
            valeurs = [masquer_total(v) for v in reelles]
        total = masquer_total(total)
    # Charts draw masked bars as empty: their height must not give back what the table hides.
    return Serie(
        titre=str(titre),
        libelles=libelles,
        valeurs=valeurs,
        total=total,
        masquee=masquer and any(v is None for v in valeurs),
        note=str(note),
        afficher_total=secondaire,
    )


# --- Who may see which programme ------------------------------------------------------------


def programmes_statistiques(user):
    """Programmes whose statistics `user` may read: coordinated, administered or steered."""
    return roles.programmes_statistiques(user)


TOUS = "tous"
CLE_SESSION = "nav_statistiques"
CLE_SESSION_PILOTAGE = "nav_pilotage_seul"


def peut_voir_statistiques(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return roles.vue_plateforme(user) or programmes_statistiques(user).exists()


def noter_acces_statistiques(sender, request, user, **kwargs):
    """At login, remember in the session whether the header shows « Statistiques », so that
    pages pay no query for it."""
    if request is not None and hasattr(request, "session"):
        request.session[CLE_SESSION] = peut_voir_statistiques(user)
        # A steering-only user's menu shows the statistics, not the pages about children.
        from .exports import pilotage_seulement

        request.session[CLE_SESSION_PILOTAGE] = pilotage_seulement(user)


@dataclass
class Perimetre:
    """What the figures cover: one programme, or every programme (platform staff)."""

    programme: Programme | None
    choix: list[Programme]
    masquer: bool
    tous_possible: bool

    @property
    def valeur(self) -> str:
        return str(self.programme.pk) if self.programme else TOUS

    @property
    def libelle(self) -> str:
        return self.programme.nom if self.programme else str(_("Tous les programmes"))

    def filtre(self, chemin: str = "programme") -> Q:
        if self.programme is None:
            return Q()
        return Q(**{f"{chemin}_id": self.programme.pk})

    def filtre_parcours(self, chemin: str = "parcours", colonne: str = "pk") -> Q:
        """Rows of the programme's pathways (`chemin` names the foreign key to the pathway, or
        to what `colonne` of the pathway points at), read through that key's index.

        `chemin__programme_id = X` joined every row of the country (a parallel seq scan of
        actions, consents, children) before keeping the programme's; `chemin = ANY(ARRAY(ids
        of the programme's pathways))` reads the programme's pathways once by their index,
        then only their rows, whatever the size of the platform (issue 18)."""
        if self.programme is None:
            return Q()
        ids = Parcours.objects.filter(programme_id=self.programme.pk).values(colonne)
        return Q(**{f"{chemin}_id__dans_tableau": ids})


def perimetre_pour(user, valeur: str | None) -> Perimetre:
    """The programme asked for, if `user` may read its statistics; 404 otherwise.

    Figures are unmasked only for the programme's coordinators; pilotage, administrators and
    the platform-wide view get small counts masked."""
    choix = list(
        programmes_statistiques(user).annotate(
            coordonne=roles.role_sur_programme(user, [Role.COORDINATEUR])
        )
    )
    tous_possible = roles.vue_plateforme(user)
    if not choix and not tous_possible:
        raise Http404
    if valeur == TOUS or (not valeur and not choix):
        if not tous_possible:
            raise Http404
        return Perimetre(None, choix, True, tous_possible)
    if not valeur:
        programme = choix[0]
    else:
        programme = next((p for p in choix if str(p.pk) == str(valeur)), None)
        if programme is None:
            raise Http404
    return Perimetre(programme, choix, not programme.coordonne, tous_possible)


def periode_par_defaut(aujourdhui: date | None = None) -> tuple[date, date]:
    aujourdhui = aujourdhui or date.today()
    return date(aujourdhui.year, 1, 1), date(aujourdhui.year, 12, 31)


# --- SQL helpers ----------------------------------------------------------------------------


class Mediane(Aggregate):
    """percentile_cont(0.5): the median, computed by PostgreSQL (a FILTER clause is allowed)."""

    function = "percentile_cont"
    name = "Mediane"
    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class EcartJours(Func):
    """`a - b` on two dates: a number of days in PostgreSQL."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()


NIVEAUX = {
    "maternelle": (_("Maternelle"), [NiveauScolaire.PS, NiveauScolaire.MS, NiveauScolaire.GS]),
    "elementaire": (
        _("Élémentaire"),
        [
            NiveauScolaire.CP,
            NiveauScolaire.CE1,
            NiveauScolaire.CE2,
            NiveauScolaire.CM1,
            NiveauScolaire.CM2,
        ],
    ),
    "college": (
        _("Collège"),
        [
            NiveauScolaire.SIXIEME,
            NiveauScolaire.CINQUIEME,
            NiveauScolaire.QUATRIEME,
            NiveauScolaire.TROISIEME,
        ],
    ),
    "lycee": (_("Lycée"), [NiveauScolaire.LYCEE]),
    "non_scolarise": (_("Non scolarisé"), [NiveauScolaire.NON_SCOLARISE]),
    "non_renseigne": (_("Non renseigné"), [""]),
}

# Pathway durations (completed pathways), in days: upper bounds of each band.
DUREES = [
    ("moins_6", _("Moins de 6 mois"), 0, 183),
    ("6_12", _("6 à 12 mois"), 183, 365),
    ("12_18", _("12 à 18 mois"), 365, 548),
    ("18_24", _("18 à 24 mois"), 548, 730),
    ("plus_24", _("24 mois et plus"), 730, None),
]


def _tranches_age(le: date) -> dict[str, Q]:
    """The national survey's age bands, at date `le`, as conditions on the birth date."""
    bornes = {
        TrancheAge.DEUX_CINQ: (0, 5),
        TrancheAge.SIX_DIX: (6, 10),
        TrancheAge.ONZE_SEIZE: (11, 16),
        TrancheAge.DIX_SEPT_PLUS: (17, 200),
    }
    return {
        tranche: Q(enfant__date_naissance__gt=_annees_avant(le, age_max + 1))
        & Q(enfant__date_naissance__lte=_annees_avant(le, age_min))
        for tranche, (age_min, age_max) in bornes.items()
    }


def _mois(debut: date, fin: date) -> list[date]:
    mois, courant = [], debut.replace(day=1)
    while courant <= fin:
        mois.append(courant)
        courant = (courant + timedelta(days=32)).replace(day=1)
    return mois


MOIS_COURTS = [
    _("janv."),
    _("févr."),
    _("mars"),
    _("avr."),
    _("mai"),
    _("juin"),
    _("juil."),
    _("août"),
    _("sept."),
    _("oct."),
    _("nov."),
    _("déc."),
]


def libelle_mois(mois: date, avec_annee: bool) -> str:
    libelle = str(MOIS_COURTS[mois.month - 1])
    return f"{libelle} {mois.year % 100:02d}" if avec_annee else libelle


# --- The figures ----------------------------------------------------------------------------


def _chiffres(perimetre: Perimetre, debut: date, fin: date) -> dict:
    """Every raw count, in nine queries whatever the data size."""
    parcours = Parcours.objects.filter(perimetre.filtre())
    suivi = Q(date_entree__lte=fin) & (Q(date_sortie__isnull=True) | Q(date_sortie__gte=debut))
    entre = Q(date_entree__gte=debut, date_entree__lte=fin)
    sorti = Q(date_sortie__gte=debut, date_sortie__lte=fin)
    actif_au_debut = Q(date_entree__lt=debut) & (
        Q(date_sortie__isnull=True) | Q(date_sortie__gte=debut)
    )
    agregats = {
        "suivis": Count("pk", filter=suivi),
        "enfants": Count("enfant_id", filter=suivi, distinct=True),
        "entrees": Count("pk", filter=entre),
        "sorties": Count("pk", filter=sorti),
        "actifs_debut": Count("pk", filter=actif_au_debut),
        "duree_mediane": Mediane("duree", filter=sorti),
        "duree_mediane_en_cours": Mediane(
            "duree_en_cours", filter=suivi & Q(date_sortie__isnull=True)
        ),
    }
    for sexe in Sexe:
        agregats[f"sexe_{sexe.value}"] = Count("pk", filter=suivi & Q(enfant__sexe=sexe.value))
    for tranche, condition in _tranches_age(fin).items():
        agregats[f"age_{tranche}"] = Count("pk", filter=suivi & condition)
    for cle, (_l, niveaux) in NIVEAUX.items():
        agregats[f"niveau_{cle}"] = Count(
            "pk", filter=suivi & Q(enfant__niveau_scolaire__in=niveaux)
        )
    agregats["qpv_oui"] = Count("pk", filter=suivi & Q(enfant__qpv=True))
    agregats["qpv_non"] = Count("pk", filter=suivi & Q(enfant__qpv=False))
    for motif in MotifSortie:
        agregats[f"sortie_{motif.value}"] = Count("pk", filter=sorti & Q(motif_sortie=motif.value))
    for orienteur in Orienteur:
        agregats[f"orienteur_{orienteur.value}"] = Count(
            "pk", filter=entre & Q(orienteur=orienteur.value)
        )
    for motif in MotifOrientation:
        agregats[f"motif_{motif.value}"] = Count(
            "pk", filter=entre & Q(motifs_orientation__contains=[motif.value])
        )
    for profil in ProfilAccompagnement:
        agregats[f"profil_{profil.value}"] = Count(
            "pk", filter=suivi & Q(profil_accompagnement=profil.value)
        )
    agregats["profil_aucun"] = Count("pk", filter=suivi & Q(profil_accompagnement=""))
    for cle, _l, bas, haut in DUREES:
        condition = sorti & Q(duree__gte=bas)
        if haut is not None:
            condition &= Q(duree__lt=haut)
        agregats[f"duree_{cle}"] = Count("pk", filter=condition)
    # The children of the programme's pathways, named by their ids: the age, sex, level and
    # QPV counts then read these children by index, not every child of the country.
    chiffres = (
        parcours.filter(perimetre.filtre_parcours("enfant", "enfant_id"))
        .annotate(
            duree=EcartJours(F("date_sortie"), F("date_entree")),
            duree_en_cours=EcartJours(Value(fin), F("date_entree")),
        )
        .aggregate(**agregats)
    )

    chiffres["entrees_par_mois"] = dict(
        parcours.filter(entre)
        .annotate(mois=TruncMonth("date_entree"))
        .values_list("mois")
        .annotate(n=Count("pk"))
        .values_list("mois", "n")
    )
    chiffres["sorties_par_mois"] = dict(
        parcours.filter(sorti)
        .annotate(mois=TruncMonth("date_sortie"))
        .values_list("mois")
        .annotate(n=Count("pk"))
        .values_list("mois", "n")
    )

    # Actions running during the period, on the programme's pathways.
    actions = Action.objects.filter(perimetre.filtre_parcours()).filter(
        Q(date_debut__lte=fin) & (Q(date_fin__isnull=True) | Q(date_fin__gte=debut))
    )
    domaine = Coalesce(
        "objectif__domaine", "offre__domaine", "collective__offre__domaine", Value("")
    )
    chiffres["actions"] = actions.annotate(dom=domaine).aggregate(
        total=Count("pk"),
        enfants=Count("parcours_id", distinct=True),
        cout=Coalesce(Sum("cout"), Value(0), output_field=DecimalField()),
        **{f"domaine_{d.value}": Count("pk", filter=Q(dom=d.value)) for d in Domaine},
        domaine_aucun=Count("pk", filter=Q(dom="")),
    )
    chiffres["actions_par_structure"] = list(
        actions.values_list("structure__nom")
        .annotate(n=Count("pk"))
        .order_by("-n", "structure__nom")
        .values_list("structure__nom", "n")
    )
    chiffres["actions_par_convention"] = list(
        actions.values_list("convention__intitule")
        .annotate(n=Count("pk"))
        .order_by("-n", "convention__intitule")
        .values_list("convention__intitule", "n")
    )

    # EPS meetings held in the period and the examinations on their agendas.
    dans_periode = Q(date__date__gte=debut, date__date__lte=fin)
    chiffres["eps"] = ReunionEPS.objects.filter(perimetre.filtre(), dans_periode).aggregate(
        reunions=Count("pk", distinct=True, filter=~Q(statut=StatutReunion.ANNULEE)),
        tenues=Count("pk", distinct=True, filter=Q(statut=StatutReunion.TENUE)),
        nb_examens=Count("examens", filter=~Q(statut=StatutReunion.ANNULEE)),
        parcours_examines=Count(
            "examens__parcours", distinct=True, filter=~Q(statut=StatutReunion.ANNULEE)
        ),
        **{
            f"decision_{d.value}": Count(
                "examens", filter=Q(examens__decision=d.value) & ~Q(statut=StatutReunion.ANNULEE)
            )
            for d in Decision
        },
    )

    chiffres["consentements"] = Consentement.objects.filter(perimetre.filtre_parcours()).aggregate(
        signes=Count(
            "pk",
            filter=Q(date_signature__gte=debut, date_signature__lte=fin, renouvelle__isnull=True),
        ),
        renouveles=Count(
            "pk",
            filter=Q(date_signature__gte=debut, date_signature__lte=fin, renouvelle__isnull=False),
        ),
        retires=Count("pk", filter=Q(date_retrait__gte=debut, date_retrait__lte=fin)),
    )

    chiffres["besoins"] = BesoinNonCouvert.objects.filter(
        perimetre.filtre(), date_signalement__gte=debut, date_signalement__lte=fin
    ).aggregate(
        total=Count("pk"),
        ouverts=Count("pk", filter=Q(statut=StatutBesoin.OUVERT)),
        couverts=Count("pk", filter=Q(statut=StatutBesoin.COUVERT)),
        **{f"domaine_{d.value}": Count("pk", filter=Q(domaine=d.value)) for d in Domaine},
    )
    return chiffres


def _bornes_jours(jours) -> float | None:
    return None if jours is None else round(jours / 30.4375, 1)


def statistiques_programme(perimetre: Perimetre, debut: date, fin: date) -> dict:
    """Everything the statistics page shows, as series ready for a chart and a table."""
    return presenter_statistiques(perimetre, debut, fin, _chiffres(perimetre, debut, fin))


def _premieres(paires: list, nombre: int | None, autres) -> list:
    """The `nombre` largest rows and one row adding up the rest (the platform-wide page lists
    thousands of structures otherwise); the total stays the same."""
    if nombre is None or len(paires) <= nombre + 1:
        return paires
    reste = paires[nombre:]
    libelle = autres % {"nombre": len(reste)}
    return [*paires[:nombre], (libelle, sum(n for _nom, n in reste))]


def presenter_statistiques(
    perimetre: Perimetre, debut: date, fin: date, c: dict, *, lignes_max: int | None = None
) -> dict:
    """The page's series from the raw counts `c` (computed live by `_chiffres`, or added up
    from the yearly aggregates); masking is applied here, after any addition.

    `lignes_max` shortens the per-structure and per-convention lists to their largest rows
    and one « autres » row."""
    m = perimetre.masquer

    def serie(titre, paires, **kwargs):
        return _serie(titre, paires, masquer=m, **kwargs)

    # Months still to come show nothing yet: the series stops at the current month.
    mois = _mois(debut, min(fin, date.today())) or _mois(debut, debut)
    avec_annee = debut.year != fin.year
    entrees = [c["entrees_par_mois"].get(x, 0) for x in mois]
    sorties = [c["sorties_par_mois"].get(x, 0) for x in mois]
    actifs, courant = [], c["actifs_debut"]
    for e, s in zip(entrees, sorties, strict=True):
        courant += e
        actifs.append(courant)
        courant -= s
    libelles_mois = [libelle_mois(x, avec_annee) for x in mois]

    a, eps, cons, besoins = c["actions"], c["eps"], c["consentements"], c["besoins"]
    resume = [
        (_("Enfants suivis"), c["suivis"]),
        (_("Entrées"), c["entrees"]),
        (_("Sorties"), c["sorties"]),
        (_("Actions menées"), a["total"]),
        (_("Besoins non couverts signalés"), besoins["total"]),
    ]
    suffisant = c["sorties"] >= SEUIL_SECRET or not m
    mediane = c["duree_mediane"] if suffisant else None
    mediane_en_cours = c["duree_mediane_en_cours"]
    if m and (c["suivis"] - c["sorties"]) < SEUIL_SECRET:
        mediane_en_cours = None
    mensuel = {
        "libelles": libelles_mois,
        "entrees": serie(_("Entrées par mois"), list(zip(libelles_mois, entrees, strict=True))),
        "sorties": serie(_("Sorties par mois"), list(zip(libelles_mois, sorties, strict=True))),
        "actifs": serie(
            _("Enfants en parcours en fin de mois"),
            list(zip(libelles_mois, actifs, strict=True)),
            secondaire=False,
        ),
    }
    mensuel["lignes"] = list(
        zip(
            libelles_mois,
            mensuel["entrees"].valeurs,
            mensuel["sorties"].valeurs,
            mensuel["actifs"].valeurs,
            strict=True,
        )
    )
    return {
        "perimetre": perimetre,
        "debut": debut,
        "fin": fin,
        "masque": m,
        "resume": [(str(libelle), masquer_total(v) if m else v) for libelle, v in resume]
        + [(str(_("Réunions d’EPS")), eps["reunions"])],
        "duree_mediane_mois": _bornes_jours(mediane),
        "duree_mediane_en_cours_mois": _bornes_jours(mediane_en_cours),
        "nombre_sorties": masquer_total(c["sorties"]) if m else c["sorties"],
        "mensuel": mensuel,
        "sexe": serie(
            _("Enfants suivis par sexe"),
            [(s.label, c[f"sexe_{s.value}"]) for s in Sexe],
            total=c["suivis"],
        ),
        "age": serie(
            _("Enfants suivis par tranche d’âge"),
            [(t.label, c[f"age_{t.value}"]) for t in TrancheAge],
            total=c["suivis"],
            note=_("Âge à la fin de la période ; les moins de 2 ans comptent dans « 2 à 5 ans »."),
        ),
        "niveau": serie(
            _("Enfants suivis par niveau scolaire"),
            [(libelle, c[f"niveau_{cle}"]) for cle, (libelle, _n) in NIVEAUX.items()],
            total=c["suivis"],
        ),
        "qpv": serie(
            _("Enfants suivis selon le quartier"),
            [(_("Quartier prioritaire (QPV)"), c["qpv_oui"]), (_("Hors QPV"), c["qpv_non"])],
            total=c["suivis"],
        ),
        "orienteur": serie(
            _("Entrées par orienteur"),
            [(o.label, c[f"orienteur_{o.value}"]) for o in Orienteur],
            total=c["entrees"],
        ),
        "motifs": serie(
            _("Entrées par motif d’orientation"),
            [(mo.label, c[f"motif_{mo.value}"]) for mo in MotifOrientation],
            total=c["entrees"],
            note=_("Un enfant peut être orienté pour plusieurs motifs."),
        ),
        "profil": serie(
            _("Enfants suivis par profil d’accompagnement"),
            [(p.label, c[f"profil_{p.value}"]) for p in ProfilAccompagnement]
            + [(_("Non défini"), c["profil_aucun"])],
            total=c["suivis"],
        ),
        "sorties": serie(
            _("Sorties par motif"),
            [(mo.label, c[f"sortie_{mo.value}"]) for mo in MotifSortie],
            total=c["sorties"],
        ),
        "durees": serie(
            _("Durée des parcours sortis sur la période"),
            [(libelle, c[f"duree_{cle}"]) for cle, libelle, _b, _h in DUREES],
            total=c["sorties"],
        ),
        "actions_domaine": serie(
            _("Actions par domaine"),
            [(d.label, a[f"domaine_{d.value}"]) for d in Domaine]
            + [(_("Domaine non précisé"), a["domaine_aucun"])],
            total=a["total"],
        ),
        "actions_structure": serie(
            _("Actions par structure partenaire"),
            _premieres(
                [(nom or _("Structure non précisée"), n) for nom, n in c["actions_par_structure"]],
                lignes_max,
                _("Autres structures (%(nombre)s)"),
            ),
            total=a["total"],
        ),
        "actions_convention": serie(
            _("Actions par convention"),
            _premieres(
                [(nom or _("Sans convention"), n) for nom, n in c["actions_par_convention"]],
                lignes_max,
                _("Autres conventions (%(nombre)s)"),
            ),
            total=a["total"],
        ),
        "actions_cout": a["cout"],
        "eps": serie(
            _("Examens en EPS par décision"),
            [(d.label, eps[f"decision_{d.value}"]) for d in Decision]
            + [
                (
                    _("Sans décision"),
                    eps["nb_examens"] - sum(eps[f"decision_{d.value}"] for d in Decision),
                )
            ],
            total=eps["nb_examens"],
        ),
        # Meetings are about the team, not a child: their count is never masked.
        "eps_reunions": eps["reunions"],
        "eps_tenues": eps["tenues"],
        "eps_parcours": masquer_total(eps["parcours_examines"]) if m else eps["parcours_examines"],
        "consentements": serie(
            _("Consentements"),
            [
                (_("Signés"), cons["signes"]),
                (_("Renouvelés"), cons["renouveles"]),
                (_("Retirés"), cons["retires"]),
            ],
            secondaire=False,
            note=_("Trois mouvements distincts : ils ne s’additionnent pas."),
        ),
        "besoins": serie(
            _("Besoins non couverts par domaine"),
            [(d.label, besoins[f"domaine_{d.value}"]) for d in Domaine],
            total=besoins["total"],
        ),
        "besoins_ouverts": masquer_total(besoins["ouverts"]) if m else besoins["ouverts"],
    }


def indicateurs_enquete(perimetre: Perimetre, annee: int) -> list[tuple[str, str, object]]:
    """The annual national survey's indicators for one calendar year: (section, label, value).
    Masked values are the text « < 5 ».

    Every programme at once reads the yearly aggregates (`statistiques_agregees`): adding up
    the rows of each programme instead of scanning every pathway of the country."""
    debut, fin = date(annee, 1, 1), date(annee, 12, 31)
    if perimetre.programme is None:
        from .statistiques_agregees import statistiques_agregees

        stats = statistiques_agregees(perimetre, annee)
    else:
        from .statistiques_agregees import statistiques_programme_en_cache

        stats = statistiques_programme_en_cache(perimetre, debut, fin)
    lignes: list[tuple[str, str, object]] = []

    def ajouter(section, libelle, valeur):
        lignes.append((str(section), str(libelle), "< 5" if valeur is None else valeur))

    ajouter(_("Programme"), _("Programme"), perimetre.libelle)
    ajouter(_("Programme"), _("Année"), annee)
    for libelle, valeur in stats["resume"]:
        ajouter(_("Synthèse"), libelle, valeur)
    for cle in (
        "sexe",
        "age",
        "niveau",
        "qpv",
        "orienteur",
        "motifs",
        "profil",
        "sorties",
        "durees",
        "actions_domaine",
        "eps",
        "consentements",
        "besoins",
    ):
        s = stats[cle]
        for libelle, valeur in s.lignes:
            ajouter(s.titre, libelle, valeur)
    ajouter(
        _("Durée des parcours"),
        _("Durée médiane des parcours sortis (mois)"),
        stats["duree_mediane_mois"] if stats["duree_mediane_mois"] is not None else "",
    )
    ajouter(_("Réunions d’EPS"), _("Réunions d’EPS tenues ou prévues"), stats["eps_reunions"])
    ajouter(_("Réunions d’EPS"), _("Parcours examinés"), stats["eps_parcours"])
    section = _("Orientations reçues")
    ajouter(section, _("Orientations reçues"), stats["orientations_total"])
    for libelle, valeur in stats["orientations_source"].lignes:
        ajouter(section, libelle, valeur)
    taux = stats["orientations_taux_acceptation"]
    ajouter(section, _("Taux d’acceptation (%)"), taux)
    # Issue 21: the other schemes of the children followed, and the families' exit answers.
    ajouter(
        _("Autres dispositifs"),
        _("Enfants suivis également dans un autre dispositif"),
        stats["dispositifs_enfants"],
    )
    ajouter(
        _("Questionnaires de sortie"), _("Questionnaires remplis"), stats["questionnaires_total"]
    )
    for cle in ("dispositifs", "satisfaction", "aides", "freins"):
        s = stats[cle]
        for libelle, valeur in s.lignes:
            ajouter(s.titre, libelle, valeur)
    return lignes
