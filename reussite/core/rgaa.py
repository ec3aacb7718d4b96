"""The RGAA self-audit recorded in the repository (issue 19): the one place the accessibility
statement, the footer's mention and docs/accessibilite/audit-rgaa.md read.

The sample: the 20 most used pages, each with the reason it was chosen. The grid: the criteria
the audit evaluates on every page of the sample, each with its result and the proof that can be
run again. tests/e2e/test_audit_rgaa.py checks in Chromium, on the 20 pages, what a browser can
check (axe-core, titles, labels, error messages, keyboard walk and visible focus, 200 % zoom,
320 px reflow, text alternatives present) and fails on any problem not listed in
NON_CONFORMITES; the manual judgements (relevance of alternatives and titles, focus order)
were made on its recorded focus orders and screenshots. What nobody checked is « non évalué »,
never assumed.

The rate follows the RGAA: criteria met / applicable criteria. The mention: « non conforme »
below 50 % or when a criterion of the grid is not evaluated; « partiellement conforme » from
50 %; « totalement conforme » only at 100 % of a grid that covers the whole referential
(RGAA_CRITERES): a self-audit of part of the criteria cannot establish total conformity.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

DATE_AUDIT = date(2026, 12, 3)
REFERENTIEL = "RGAA 4.1.2"

ECHANTILLON = [
    (_("Connexion"), "/connexion/", _("page d’entrée obligatoire de tous les utilisateurs")),
    (_("Tableau de bord"), "/", _("page d’accueil de chaque professionnel")),
    (_("Liste des parcours"), "/parcours/", _("page la plus consultée par les référents")),
    (_("Mes suivis"), "/parcours/mes-suivis/", _("liste quotidienne des partenaires")),
    (_("Fiche d’un parcours"), "/parcours/<n>/", _("cœur du travail sur un enfant")),
    (_("Créer un parcours"), "/parcours/nouveau/", _("formulaire le plus long")),
    (_("Modifier l’enfant"), "/parcours/<n>/enfant/", _("formulaire d’identité")),
    (_("Modifier la famille"), "/parcours/<n>/famille/", _("formulaire répété (responsables)")),
    (_("Enregistrer un consentement"), "/parcours/<n>/consentement/", _("dépôt de fichier")),
    (
        _("Formulaire de consentement à imprimer"),
        "/parcours/<n>/consentement/formulaire/",
        _("document remis aux familles"),
    ),
    (_("Ajouter une note"), "/parcours/<n>/notes/nouvelle/", _("saisie la plus fréquente")),
    (_("Ajouter une action"), "/parcours/<n>/actions/ajouter/", _("mobilisation des partenaires")),
    (_("Réunions EPS"), "/parcours/eps/", _("préparation des équipes pluridisciplinaires")),
    (_("Parcours à risque"), "/parcours/a-risque/", _("liste de la coordination")),
    (_("Annuaire des partenaires"), "/partenaires/", _("recherche et filtres")),
    (_("Catalogue des offres"), "/partenaires/offres/", _("recherche et filtres")),
    (_("Statistiques"), "/parcours/statistiques/", _("graphiques et tableaux de pilotage")),
    (_("Rappels"), "/notifications/", _("notifications de chaque utilisateur")),
    (_("Données personnelles"), "/donnees-personnelles/", _("information due aux familles")),
    (_("Déclaration d’accessibilité"), "/accessibilite/", _("page obligatoire")),
]

CONFORME = "conforme"
NON_CONFORME = "non_conforme"
NON_APPLICABLE = "non_applicable"
NON_EVALUE = "non_evalue"
LIBELLES = {
    CONFORME: _("Conforme"),
    NON_CONFORME: _("Non conforme"),
    NON_APPLICABLE: _("Non applicable"),
    NON_EVALUE: _("Non évalué"),
}


@dataclass(frozen=True)
class Critere:
    numero: str
    intitule: str
    methode: str  # "automatique" (axe in the journeys) or "manuelle"
    resultat: str
    preuve: str  # the test that shows it, or what is left to do

    @property
    def resultat_libelle(self) -> str:
        return LIBELLES[self.resultat]


_AUDIT = "tests/e2e/test_audit_rgaa.py (20 pages)"

CRITERES = [
    Critere(
        "axe",
        _("Contrôles automatiques d’axe-core (contrastes, ARIA, noms accessibles, langue)"),
        "automatique",
        CONFORME,
        _(
            "Aucune violation grave ou critique sur les 20 pages et sur chaque page de chaque "
            "parcours de navigateur (tests/e2e, page_verifiee)"
        ),
    ),
    Critere(
        "1.1",
        _("Chaque image porteuse d’information a une alternative textuelle"),
        "automatique",
        CONFORME,
        _AUDIT,
    ),
    Critere(
        "1.3",
        _("Les alternatives textuelles des images sont pertinentes"),
        "manuelle",
        CONFORME,
        _(
            "Relu sur la liste des images relevée par l’audit : logos et pictogrammes du DSFR, "
            "graphiques des statistiques doublés d’un tableau de données"
        ),
    ),
    Critere(
        "3.2",
        _("Le contraste du texte est suffisant, parties propres à Réussite comprises"),
        "automatique",
        CONFORME,
        _("axe-core (color-contrast) sur les 20 pages, styles de static/css/reussite.css compris"),
    ),
    Critere("8.3", _("La langue de la page est indiquée"), "automatique", CONFORME, _AUDIT),
    Critere("8.5", _("Chaque page a un titre"), "automatique", CONFORME, _AUDIT),
    Critere(
        "8.6",
        _("Le titre de chaque page est pertinent (il nomme la page, puis le site ; unique)"),
        "manuelle",
        CONFORME,
        _("Forme « page — Réussite » vérifiée, aucun titre en double ; titres relus"),
    ),
    Critere(
        "9.1", _("Un seul titre de niveau 1, qui nomme la page"), "automatique", CONFORME, _AUDIT
    ),
    Critere(
        "10.4",
        _("Le texte reste lisible agrandi à 200 % (640 px pour une fenêtre de 1 280 px)"),
        "automatique",
        CONFORME,
        _("Aucun défilement horizontal, captures relues (test_audit_rgaa.py)"),
    ),
    Critere(
        "10.7",
        _("La prise de focus est visible"),
        "automatique",
        CONFORME,
        _("Chaque arrêt de tabulation des 20 pages montre un contour ; captures relues"),
    ),
    Critere(
        "10.11",
        _("Le contenu se lit sans défilement horizontal à 320 pixels de large"),
        "automatique",
        CONFORME,
        _("Aucun défilement horizontal de la page (les tableaux défilent dans leur cadre)"),
    ),
    Critere(
        "11.1", _("Chaque champ de formulaire a une étiquette"), "automatique", CONFORME, _AUDIT
    ),
    Critere(
        "11.10",
        _("Les erreurs de saisie sont signalées et reliées à leur champ"),
        "automatique",
        CONFORME,
        _(
            "Formulaires soumis vides : chaque message est nommé par aria-describedby de son "
            "champ, marqué aria-invalid (test_audit_rgaa.py)"
        ),
    ),
    Critere(
        "12.7",
        _("Un lien d’évitement mène au contenu principal"),
        "automatique",
        CONFORME,
        _("Premier arrêt de tabulation de chaque page (test_audit_rgaa.py)"),
    ),
    Critere(
        "12.8",
        _("L’ordre de tabulation est cohérent"),
        "manuelle",
        CONFORME,
        _(
            "Aucun tabindex positif ; ordre relevé sur les 20 pages et relu (en-tête, menu, "
            "contenu, pied de page)"
        ),
    ),
]

# The referential's number of criteria: a grid that covers fewer gives at best « partiellement ».
RGAA_CRITERES = 106


@dataclass(frozen=True)
class NonConformite:
    """A problem found on a page of the sample and not fixed: what it is, and why it stays."""

    page: str  # the sample's address
    critere: str
    description: str
    derogation: bool = False  # a disproportionate burden, with its reason in `description`


# Problems found on the sample and left (the audit test lets exactly these through); those
# marked `derogation` are claimed as a disproportionate burden (article 47 of the law of
# 11 February 2005). None today: the ones found were fixed (see the audit's document).
NON_CONFORMITES: list[NonConformite] = []

NON_SOUMIS = [
    _(
        "Les documents déposés par les utilisateurs (scans des consentements signés, bilans) : "
        "ce sont des copies de documents papier."
    ),
]

# Found during the audit, outside the grid's criteria, and followed up.
REMARQUES = [
    _(
        "Le script du DSFR 1.14.4 lève parfois une erreur (récursion de son gestionnaire de "
        "focus) pendant la navigation au clavier ; le focus avance normalement. Signalé pour "
        "la prochaine version du DSFR."
    ),
    _(
        "À 320 px, la rangée d’onglets de la fiche d’un parcours défile dans son propre cadre, "
        "comme le prévoit le composant d’onglets du DSFR."
    ),
]


@dataclass(frozen=True)
class Resultat:
    date: date
    referentiel: str
    echantillon: list
    criteres: list[Critere]
    conformes: int
    non_conformes: int
    non_evalues: int
    taux: int  # criteria met / applicable criteria evaluated, in percent (rounded down)
    complet: bool  # every criterion of the grid evaluated
    couverture: int  # RGAA criteria in the grid (the automatic axe row is not one)
    statut: str  # "totalement", "partiellement", "non"
    non_conformites: list[NonConformite]
    derogations: list[NonConformite]
    non_soumis: list
    remarques: list

    @property
    def mention(self) -> str:
        return {
            "totalement": _("totalement conforme"),
            "partiellement": _("partiellement conforme"),
            "non": _("non conforme"),
        }[self.statut]

    @property
    def applicables(self) -> int:
        return self.conformes + self.non_conformes


def _du_referentiel(critere: Critere) -> bool:
    return critere.numero[:1].isdigit()


def calculer(
    criteres: list[Critere],
    *,
    non_conformites: list[NonConformite] | None = None,
    referentiel: int = RGAA_CRITERES,
) -> Resultat:
    rgaa = [c for c in criteres if _du_referentiel(c)]
    conformes = sum(c.resultat == CONFORME for c in rgaa)
    non_conformes = sum(c.resultat == NON_CONFORME for c in rgaa)
    non_evalues = sum(c.resultat == NON_EVALUE for c in criteres)
    evalues = conformes + non_conformes
    taux = conformes * 100 // evalues if evalues else 0
    complet = non_evalues == 0 and evalues > 0
    couverture = len(rgaa)
    if not complet or taux < 50:
        statut = "non"
    elif taux == 100 and couverture >= referentiel:
        statut = "totalement"
    else:
        statut = "partiellement"
    non_conformites = NON_CONFORMITES if non_conformites is None else non_conformites
    return Resultat(
        date=DATE_AUDIT,
        referentiel=REFERENTIEL,
        echantillon=ECHANTILLON,
        criteres=criteres,
        conformes=conformes,
        non_conformes=non_conformes,
        non_evalues=non_evalues,
        taux=taux,
        complet=complet,
        couverture=couverture,
        statut=statut,
        non_conformites=[n for n in non_conformites if not n.derogation],
        derogations=[n for n in non_conformites if n.derogation],
        non_soumis=NON_SOUMIS,
        remarques=REMARQUES,
    )


def resultat() -> Resultat:
    return calculer(CRITERES)
