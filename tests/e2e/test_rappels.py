"""A référent's reminders in Chromium: the scan finds a review coming, the bell shows it, the
list says what to do, opening it leads to the pathway and marks it read; preferences are set
with the keyboard. axe-core runs on every page reached."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from parcours.models import Statut
from reussite.core.models import FrequenceCourriels
from reussite.core.rappels import rappels_scanner
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import consentement, nommer_referent, partenaire, pre, professionnel


@pytest.fixture
def monde(serveur):
    reseau = pre(nom="PRE des Rappels")
    structure = partenaire(reseau.programme, nom="Centre social des Tilleuls")
    referente = professionnel(structure, user__first_name="Nora", user__last_name="Vidal")
    parcours = ParcoursFactory(
        programme=reseau.programme,
        statut=Statut.EN_COURS,
        enfant=EnfantFactory(programme=reseau.programme, prenom="Maël", nom="Fontaine"),
        date_prochaine_revue=date.today() + timedelta(days=7),
    )
    consentement(parcours, auteur=reseau.coordinateur, structures=[structure])
    nommer_referent(parcours, referente, auteur=reseau.coordinateur)
    rappels_scanner()
    return referente, parcours


def test_une_referente_voit_un_rappel_sous_la_cloche_et_le_marque_lu(
    page, serveur, controle, connecter, monde
):
    referente, _parcours = monde
    connecter(referente.user)

    # The bell, filled in by htmx once the page is there: the assignment and the review.
    cloche = page.locator("#cloche")
    expect(cloche).to_contain_text("2 non lus")
    cloche.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rappels")
    rappels = page.locator("#liste-rappels")
    expect(rappels).to_contain_text("La revue du parcours de Maël F. est prévue le")
    expect(rappels).to_contain_text("Vous suivez désormais le parcours de Maël F.")
    expect(rappels).not_to_contain_text("Fontaine")
    controle.page_verifiee("rappels non lus")

    # Opening the review reminder leads to the pathway and marks it read.
    revue = rappels.get_by_role("listitem").filter(has_text="La revue du parcours")
    revue.get_by_role("button", name="Ouvrir").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maël Fontaine")
    controle.page_verifiee("parcours ouvert depuis le rappel")
    expect(page.locator("#cloche")).to_contain_text("1 non lu")

    # The assignment is marked read from the list; the bell empties.
    page.locator("#cloche").click()
    affectation = (
        page.locator("#liste-rappels")
        .get_by_role("listitem")
        .filter(has_text="Vous suivez désormais")
    )
    affectation.get_by_role("button", name="Marquer comme lu").click()
    expect(page.get_by_role("status").first).to_contain_text("Le rappel est marqué comme lu.")
    expect(page.locator("#cloche")).not_to_contain_text("non lu")
    expect(page.locator("#liste-rappels")).not_to_contain_text("Marquer comme lu")
    controle.page_verifiee("rappels lus")

    # Preferences with the keyboard: only in the application.
    page.get_by_role("link", name="Recevoir les rappels par courriel…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recevoir les rappels")
    controle.page_verifiee("preferences")
    choix = page.get_by_label("Aucun courriel : seulement dans l’application")
    choix.focus()
    page.keyboard.press("Space")
    expect(choix).to_be_checked()
    page.get_by_role("button", name="Enregistrer").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Vos préférences sont enregistrées.")
    referente.user.refresh_from_db()
    assert referente.user.frequence_courriels == FrequenceCourriels.AUCUN
    controle.page_verifiee("preferences enregistrees")
