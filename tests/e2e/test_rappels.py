"""A référent's reminders in Chromium: the scan finds a review coming, the bell shows it, the
list says what to do, opening it leads to the pathway and marks it read; preferences are set
with the keyboard. axe-core runs on every page reached."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from reussite.core.models import FrequenceCourriels
from reussite.core.rappels import rappels_scanner
from tests.factories.monde import construire_monde

from .pages_rappels import PageAvecCloche


@pytest.fixture
def monde(serveur):
    m = construire_monde(
        nom="PRE des Rappels",
        structure={"nom": "Centre social des Tilleuls"},
        referent={"user__first_name": "Nora", "user__last_name": "Vidal"},
        intervenants=(),
        enfant={"prenom": "Maël", "nom": "Fontaine"},
        date_prochaine_revue=date.today() + timedelta(days=7),
    )
    rappels_scanner()
    return m.referent, m.parcours


def test_une_referente_voit_un_rappel_sous_la_cloche_et_le_marque_lu(
    page, serveur, controle, connecter, monde
):
    referente, _parcours = monde
    accueil = PageAvecCloche(page, serveur, controle)
    connecter(referente.user)

    # The bell, filled in by htmx once the page is there: the assignment and the review.
    expect(accueil.cloche).to_contain_text("2 non lus")
    rappels = accueil.ouvrir_la_cloche("rappels non lus")
    expect(rappels.liste).to_contain_text("La revue du parcours de Maël F. est prévue le")
    expect(rappels.liste).to_contain_text("Vous suivez désormais le parcours de Maël F.")
    expect(rappels.liste).not_to_contain_text("Fontaine")

    # Opening the review reminder leads to the pathway and marks it read.
    fiche = rappels.ouvrir_le_rappel(
        "La revue du parcours", "Maël Fontaine", "parcours ouvert depuis le rappel"
    )
    expect(fiche.cloche).to_contain_text("1 non lu")

    # The assignment is marked read from the list; the bell empties.
    rappels = fiche.ouvrir_la_cloche().marquer_comme_lu("Vous suivez désormais")
    expect(rappels.cloche).not_to_contain_text("non lu")
    expect(rappels.liste).not_to_contain_text("Marquer comme lu")
    rappels.verifier("rappels lus, cloche vide")

    # Preferences with the keyboard: only in the application.
    rappels.preferences().choisir_au_clavier("Aucun courriel : seulement dans l’application")
    referente.user.refresh_from_db()
    assert referente.user.frequence_courriels == FrequenceCourriels.AUCUN
