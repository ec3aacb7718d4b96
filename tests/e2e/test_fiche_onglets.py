"""The pathway's page in sections (issue 15, points 15 and 17), in a browser: tabs made of
links (mouse and keyboard), the back button, the confirmed suspension, and the warning for an
action delivered by a structure the family's consent does not name. axe-core runs on every
page reached (Controle), on a desktop and on a 390 px phone."""

import re

from playwright.sync_api import expect

from parcours.models import Action, Parcours, Statut
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import consentement, partenaire, pre

from .pages_fiche import PageFiche

SECTIONS = ("Synthèse", "Objectifs et actions", "Journal", "Partage et consentement", "Historique")


def _monde():
    a = pre(nom="PRE de Villeneuve")
    nommee = partenaire(a.programme, nom="Association Lire Ensemble")
    partenaire(a.programme, nom="Théâtre des Coteaux")  # never named by the consent
    parcours = ParcoursFactory(
        programme=a.programme,
        statut=Statut.EN_COURS,
        enfant=EnfantFactory(programme=a.programme, prenom="Inès", nom="Marchand"),
    )
    consentement(parcours, structures=[nommee], auteur=a.coordinateur)
    return a, parcours


def test_les_onglets_de_la_fiche_la_suspension_confirmee_et_la_structure_non_nommee(
    page, serveur, connecter, controle
):
    a, parcours = _monde()
    connecter(a.coordinateur)
    page.goto(f"{serveur}/parcours/{parcours.pk}/")
    fiche = PageFiche.atteinte(PageFiche(page, serveur, controle), "Inès Marchand", "synthèse")

    # Five tabs, links to pages of their own; the synthesis is the current one.
    liens = fiche.onglets.get_by_role("link")
    expect(liens).to_have_text(list(SECTIONS))
    expect(fiche.onglet_courant()).to_have_text("Synthèse")
    expect(page.get_by_role("button", name="Passer à « Suspendu »")).to_have_count(0)

    # Mouse: each tab changes the address; the back button walks them back.
    fiche.onglet("Journal")
    assert page.url.endswith(f"/parcours/{parcours.pk}/journal/")
    fiche.onglet("Historique")
    expect(page.get_by_role("region", name="Historique")).to_be_visible()
    page.go_back()
    expect(fiche.onglet_courant()).to_have_text("Journal")
    page.go_back()
    expect(fiche.onglet_courant()).to_have_text("Synthèse")

    # Keyboard: Tab reaches the tabs in order, Enter follows one.
    fiche.onglets.get_by_role("link", name="Synthèse").focus()
    page.keyboard.press("Tab")
    expect(fiche.onglets.get_by_role("link", name="Objectifs et actions")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(fiche.onglet_courant()).to_have_text("Journal")
    controle.page_verifiee("journal ouvert au clavier")

    # Point 17: a structure the consent does not name is allowed once the user knows.
    action = fiche.ajouter_une_action_sans_offre()
    action.saisir("Atelier théâtre du mercredi", "Théâtre des Coteaux")
    action.enregistrer("avertissement hors consentement")
    expect(action.alerte_consentement).to_contain_text(
        "Le consentement de la famille ne nomme pas Théâtre des Coteaux"
    )
    assert not Action.objects.filter(parcours=parcours).exists()
    fiche = action.confirmer_et_enregistrer()
    expect(fiche.onglet_courant()).to_have_text("Objectifs et actions")
    expect(page.locator("#hors-consentement")).to_contain_text(
        "Les professionnels de Théâtre des Coteaux ne voient pas l’enfant"
    )

    # Suspending: a secondary action, refused without the confirmation, then done.
    suspension = fiche.suspendre()
    suspension.envoyer_sans_confirmer()
    expect(page.get_by_role("main")).to_contain_text("Cochez la confirmation")
    assert Parcours.objects.get(pk=parcours.pk).statut == Statut.EN_COURS
    fiche = suspension.confirmer("Hospitalisation de trois semaines")
    expect(fiche.messages).to_contain_text("Le parcours est suspendu.")
    expect(fiche.statut).to_have_text("Suspendu")
    expect(page.get_by_role("button", name="Passer à « En cours »")).to_be_visible()

    # On a phone, the tabs scroll sideways inside their bar, never the page.
    page.set_viewport_size({"width": 390, "height": 844})
    fiche.onglet("Partage et consentement")
    controle.page_verifiee("partage sur un téléphone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(fiche.onglets.get_by_role("link", name=re.compile("Partage"))).to_be_visible()
