"""Issue 21 in Chromium: a référent records a CLAS and an AEMO measure on the synthesis, notes
the child's words on an objective; the assigned partner sees the CLAS and the words, never the
AEMO; the référent then closes the pathway and fills the family's exit questionnaire. axe-core
runs on every page reached."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from partenaires.models import TypeStructure
from tests.factories import actions as fabrique_actions
from tests.factories.monde import ANIMATEUR, REFERENTE_PORTEUSE, construire_monde

from .pages_dispositifs import PageParcoursDispositifs

OBJECTIF = "Prendre plaisir à lire"
MOTS = "J’aimerais lire tout seul les histoires à ma petite sœur."


@pytest.fixture
def monde(serveur):
    m = construire_monde(
        nom="PRE de Villeneuve",
        structure={"nom": "Association Lire et Grandir", "type": TypeStructure.ASSOCIATION},
        referent=REFERENTE_PORTEUSE,
        intervenants=[ANIMATEUR],
        enfant={"prenom": "Sacha", "nom": "Moulin"},
        date_entree=date.today() - timedelta(days=300),
    )
    fabrique_actions.objectif(m.parcours, auteur=m.coordinateur, intitule=OBJECTIF)
    return m.referent, m.intervenant, m.parcours


def _fiche(page, serveur, controle, parcours, etape: str) -> PageParcoursDispositifs:
    return PageParcoursDispositifs.ouvrir_pour(
        page, serveur, controle, parcours, "Sacha Moulin", etape
    )


def test_autres_dispositifs_parole_et_questionnaire_de_sortie(
    page, serveur, controle, connecter, monde
):
    referente, animateur, suivi = monde
    il_y_a_un_an = (date.today() - timedelta(days=365)).isoformat()
    connecter(referente.user)
    fiche = _fiche(page, serveur, controle, suivi, "synthèse du référent")

    fiche = fiche.ajouter_un_dispositif().enregistrer(
        dispositif="CLAS (contrat local d’accompagnement à la scolarité)",
        depuis=il_y_a_un_an,
        precision="Centre social des Tilleuls",
        contact="Mme Lemoine, animatrice, 01 99 00 12 34",
    )
    fiche = fiche.ajouter_un_dispositif().enregistrer(
        dispositif="Mesure d’AEMO", depuis=il_y_a_un_an
    )
    expect(fiche.dispositifs).to_contain_text("Centre social des Tilleuls")
    expect(fiche.dispositifs).to_contain_text("Mesure d’AEMO")
    expect(fiche.dispositifs).to_contain_text("Référent et coordination")

    fiche = fiche.noter_la_parole(OBJECTIF).enregistrer(
        qui="L’enfant", moment="Souhaits au départ", texte=MOTS
    )
    expect(fiche.objectifs).to_contain_text(MOTS)
    expect(fiche.objectifs).to_contain_text("Nadia")

    # The assigned partner: the CLAS and the child's words, never the AEMO measure.
    fiche.se_deconnecter()
    connecter(animateur.user)
    fiche = _fiche(page, serveur, controle, suivi, "synthèse vue par le partenaire")
    expect(fiche.dispositifs).to_contain_text("CLAS")
    expect(fiche.corps).not_to_contain_text("AEMO")
    expect(fiche.dispositifs.get_by_role("link", name="Ajouter un dispositif")).to_have_count(0)
    expect(fiche.objectifs).to_contain_text(MOTS)
    expect(fiche.lien("Noter la parole de la famille")).to_have_count(0)

    # The référent closes the pathway and fills the exit questionnaire with the family.
    fiche.se_deconnecter()
    connecter(referente.user)
    fiche = _fiche(page, serveur, controle, suivi, "synthèse avant la sortie")
    questionnaire = fiche.clore("Objectifs atteints").remplir(
        qui="L’enfant et ses parents",
        satisfaction="Très satisfaite",
        aides=["L’écoute et le lien avec le référent", "Les activités (sport, culture, loisirs)"],
        freins=["Les délais d’attente"],
        mots="Le club de lecture du mercredi.",
    )
    expect(questionnaire.reponses).to_contain_text("Très satisfaite")
    expect(questionnaire.reponses).to_contain_text("Le club de lecture du mercredi.")
