"""The pathway's page in sections (issue 15, points 15 and 17), in a browser: tabs made of
links (mouse and keyboard), the back button, the confirmed suspension, and the warning for an
action delivered by a structure the family's consent does not name. axe-core runs on every
page reached (Controle), on a desktop and on a 390 px phone."""

import re

from playwright.sync_api import expect

from parcours.models import Action, Parcours, Statut
from tests.factories.monde import construire_monde
from tests.factories.partage import partenaire

from .pages_fiche import PageFiche

SECTIONS = ("Synthèse", "Objectifs et actions", "Journal", "Partage et consentement", "Historique")


def _monde():
    m = construire_monde(
        nom="PRE de Villeneuve",
        structure={"nom": "Association Lire Ensemble"},
        avec_referent=False,
        intervenants=(),
        enfant={"prenom": "Inès", "nom": "Marchand"},
    )
    partenaire(m.programme, nom="Théâtre des Coteaux")  # never named by the consent
    return m.pre, m.parcours


def test_les_onglets_de_la_fiche_la_suspension_confirmee_et_la_structure_non_nommee(
    page, serveur, connecter, controle
):
    a, parcours = _monde()
    connecter(a.coordinateur)
    fiche = PageFiche.ouvrir_pour(page, serveur, controle, parcours, "Inès Marchand", "synthèse")

    # Five tabs, links to pages of their own; the synthesis is the current one.
    liens = fiche.onglets.get_by_role("link")
    expect(liens).to_have_text(list(SECTIONS))
    expect(fiche.onglet_courant()).to_have_text("Synthèse")
    expect(fiche.bouton_statut("Suspendu")).to_have_count(0)

    # Mouse: each tab changes the address; the back button walks them back.
    fiche.onglet("Journal")
    assert fiche.adresse.endswith(f"/parcours/{parcours.pk}/journal/")
    fiche.onglet("Historique")
    expect(fiche.region("Historique")).to_be_visible()
    fiche.retour()
    expect(fiche.onglet_courant()).to_have_text("Journal")
    fiche.retour()
    expect(fiche.onglet_courant()).to_have_text("Synthèse")

    # Keyboard: Tab reaches the tabs in order, Enter follows one.
    fiche.lien_onglet("Synthèse").focus()
    fiche.appuyer("Tab")
    expect(fiche.lien_onglet("Objectifs et actions")).to_be_focused()
    fiche.appuyer("Tab", "Enter")
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
    expect(fiche.hors_consentement).to_contain_text(
        "Les professionnels de Théâtre des Coteaux ne voient pas l’enfant"
    )

    # Suspending: a secondary action, refused without the confirmation, then done.
    suspension = fiche.suspendre()
    suspension.envoyer_sans_confirmer()
    expect(suspension.contenu).to_contain_text("Cochez la confirmation")
    assert Parcours.objects.get(pk=parcours.pk).statut == Statut.EN_COURS
    fiche = suspension.confirmer("Hospitalisation de trois semaines")
    expect(fiche.messages).to_contain_text("Le parcours est suspendu.")
    expect(fiche.statut).to_have_text("Suspendu")
    expect(fiche.bouton_statut("En cours")).to_be_visible()

    # On a phone, the tabs scroll sideways inside their bar, never the page.
    fiche.redimensionner(390, 844).onglet("Partage et consentement")
    controle.page_verifiee("partage sur un téléphone")
    assert fiche.largeur_du_document() <= 390
    expect(fiche.lien_onglet(re.compile("Partage"))).to_be_visible()
