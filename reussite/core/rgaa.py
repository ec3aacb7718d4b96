"""The RGAA self-audit recorded in the repository (issue 19), and the conformity mention it
gives the footer and the accessibility statement.

The sample: the 20 most used pages, each with the reason it was chosen. The criteria: the ones
axe-core checks in every browser journey (tests/e2e/verifications.py, « serious » and
« critical » violations fail the journey), and the manual ones tools cannot check. A criterion's
result is « conforme » only with a proof that can be run again (the test that shows it); what
nobody has checked yet is « non évalué », never assumed.

The mention follows the RGAA's rule: « totalement conforme » at 100 % of the applicable
criteria, « partiellement conforme » from 50 %, « non conforme » below 50 % or when there is no
complete audit (a criterion not evaluated). So the footer says « non conforme » until every
criterion below has been checked by hand: a conformity level only an audit can give.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

DATE_AUDIT = date(2026, 12, 2)
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


CRITERES = [
    Critere(
        "automatique",
        _("Contrôles automatiques d’axe-core (contrastes, attributs ARIA, étiquettes, langue)"),
        "automatique",
        CONFORME,
        _("Chaque page de chaque parcours de navigateur (tests/e2e, page_verifiee)"),
    ),
    Critere(
        "8.5",
        _("Chaque page a un titre"),
        "manuelle",
        CONFORME,
        _(
            "tests/core/test_juridique.py::test_l_echantillon_rgaa_a_titre_et_h1 : chaque page "
            "de l’échantillon a un titre qui la nomme, suivi du nom du site"
        ),
    ),
    Critere(
        "9.1",
        _("Titres de section : chaque page a un titre de niveau 1 qui la nomme"),
        "manuelle",
        CONFORME,
        _(
            "tests/core/test_juridique.py::test_l_echantillon_rgaa_a_titre_et_h1 (un seul h1), "
            "et chaque objet de page des parcours vérifie son h1 (tests/e2e/pages.py)"
        ),
    ),
    Critere(
        "11.1",
        _("Chaque champ de formulaire a une étiquette"),
        "manuelle",
        CONFORME,
        _("Les parcours trouvent chaque champ par son étiquette (get_by_label)"),
    ),
    Critere(
        "11.10",
        _("Les erreurs de saisie sont signalées et décrites"),
        "manuelle",
        CONFORME,
        _(
            "Résumé des erreurs en tête de formulaire (tests/core/test_saisie_dates.py::"
            "test_les_pages_refusent_un_telephone_ou_une_date_absurde_avec_un_resume_en_tete)"
        ),
    ),
    Critere(
        "12.8",
        _("L’ordre de tabulation est cohérent (formulaires parcourus au clavier)"),
        "manuelle",
        CONFORME,
        _("Les parcours remplissent les formulaires à la touche Tab (_taper_puis_tab)"),
    ),
    Critere(
        "10.7",
        _("La prise de focus est visible"),
        "manuelle",
        NON_EVALUE,
        _("À vérifier à l’œil sur les 20 pages de l’échantillon"),
    ),
    Critere(
        "1.3",
        _("Les alternatives textuelles des images sont pertinentes"),
        "manuelle",
        NON_EVALUE,
        _("À vérifier sur les graphiques des statistiques et les logos"),
    ),
    Critere(
        "10.4",
        _("Le texte reste lisible agrandi à 200 %"),
        "manuelle",
        NON_EVALUE,
        _("À vérifier sur les 20 pages de l’échantillon"),
    ),
    Critere(
        "10.11",
        _("Le contenu se lit sans défilement horizontal à 320 pixels de large"),
        "manuelle",
        NON_EVALUE,
        _("Vérifié pour la liste des parcours seulement (tests/e2e/test_liste_mobile.py)"),
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
    taux: int  # percentage of the evaluated applicable criteria met
    complet: bool
    statut: str  # "totalement", "partiellement", "non"

    @property
    def mention(self) -> str:
        return {
            "totalement": _("totalement conforme"),
            "partiellement": _("partiellement conforme"),
            "non": _("non conforme"),
        }[self.statut]


def calculer(criteres: list[Critere]) -> Resultat:
    conformes = sum(c.resultat == CONFORME for c in criteres)
    non_conformes = sum(c.resultat == NON_CONFORME for c in criteres)
    non_evalues = sum(c.resultat == NON_EVALUE for c in criteres)
    evalues = conformes + non_conformes
    taux = conformes * 100 // evalues if evalues else 0
    complet = non_evalues == 0 and evalues > 0
    if not complet or taux < 50:
        statut = "non"
    elif taux == 100:
        statut = "totalement"
    else:
        statut = "partiellement"
    return Resultat(
        DATE_AUDIT,
        REFERENTIEL,
        ECHANTILLON,
        criteres,
        conformes,
        non_conformes,
        non_evalues,
        taux,
        complet,
        statut,
    )


def resultat() -> Resultat:
    return calculer(CRITERES)
