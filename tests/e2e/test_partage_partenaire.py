"""A partner professional's journey, in Chromium: first sign-in meets the confidentiality
charter, "Mes suivis" lists exactly the two pathways shared with them, and once the coordinator
withdraws the family's consent the partner's next click gets the not-found page. axe-core runs
on every page reached, for both users."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from partenaires.models import Fonction, TypeStructure
from tests.factories.core import MOT_DE_PASSE
from tests.factories.monde import construire_monde, suivre

from .pages import PageConnexion, libelle
from .verifications import Controle


@pytest.fixture
def monde(serveur):
    assistante = {
        "charte_acceptee": False,
        "fonction": Fonction.ASSISTANT_SOCIAL,
        "user__first_name": "Inès",
        "user__last_name": "Moreau",
    }
    m = construire_monde(
        nom="PRE de Villeneuve",
        structure={"nom": "Service social départemental", "type": TypeStructure.DEPARTEMENT},
        avec_referent=False,
        intervenants=[assistante],
        enfant={"prenom": "Adam", "nom": "Bernard"},
    )
    # Shared with her: the first two. The third names her structure but is not assigned to her.
    parcours = [
        m.parcours,
        suivre(
            m.pre,
            structures=[m.structure],
            intervenants=m.intervenants,
            enfant={"prenom": "Léna", "nom": "Garnier"},
        ),
        suivre(m.pre, structures=[m.structure], enfant={"prenom": "Yanis", "nom": "Petitjean"}),
    ]
    m.coordinateur.first_name, m.coordinateur.last_name = "Camille", "Durand"
    m.coordinateur.save()
    return m.pre, m.intervenant, parcours


def _se_connecter(page, serveur, controle, email: str):
    connexion = PageConnexion(page, serveur, controle).ouvrir()
    connexion._taper_puis_tab(page.get_by_label(libelle("Adresse électronique")), email)
    expect(page.get_by_label(libelle("Mot de passe"))).to_be_focused()
    page.keyboard.type(MOT_DE_PASSE)
    page.keyboard.press("Enter")
    connexion.second_facteur(email)


def test_un_partenaire_voit_ses_deux_suivis_et_perd_l_acces_au_retrait(
    page, browser, serveur, controle, monde
):
    reseau, assistante, (adam, _lena, _yanis) = monde

    # First sign-in: the charter comes before any child's data.
    _se_connecter(page, serveur, controle, assistante.user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Charte de confidentialité du réseau de réussite éducative"
    )
    controle.page_verifiee("charte")
    accepter = page.get_by_role("button", name="J’accepte la charte de confidentialité")
    accepter.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    controle.page_verifiee("tableau de bord partenaire")

    # "Mes suivis": exactly the two pathways shared with her.
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mes suivis"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes suivis")
    resultats = page.locator("#resultats")
    expect(resultats.get_by_role("row")).to_have_count(3)  # header + 2
    expect(resultats).to_contain_text("Adam Bernard")
    expect(resultats).to_contain_text("Léna Garnier")
    expect(resultats).not_to_contain_text("Petitjean")
    controle.page_verifiee("mes suivis")

    # Her view of a pathway: identity and school, never the family or the consent scans.
    resultats.get_by_role("link", name="Adam Bernard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adam Bernard")
    expect(page.get_by_role("heading", name="Famille")).to_have_count(0)
    expect(page.get_by_role("heading", name="Consentements")).to_have_count(0)
    expect(page.get_by_role("heading", name="Qui a consulté ce dossier")).to_have_count(0)
    controle.page_verifiee("parcours vu par le partenaire")
    onglets = page.get_by_role("navigation", name="Sections du parcours")
    onglets.get_by_role("link", name="Partage et consentement").click()
    expect(page.get_by_role("heading", name="Intervenants")).to_be_visible()
    expect(page.get_by_role("heading", name="Consentements")).to_have_count(0)
    controle.page_verifiee("partage vu par le partenaire")
    onglets.get_by_role("link", name="Historique").click()
    expect(page.get_by_role("heading", name="Historique", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Qui a consulté ce dossier")).to_have_count(0)
    controle.page_verifiee("historique vu par le partenaire")
    # Each section is a page of the browser's history: back goes through them to the list.
    for section in ("Partage et consentement", "Synthèse"):
        page.go_back()
        expect(onglets.get_by_role("link", name=section)).to_have_attribute("aria-current", "page")
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes suivis")

    # Meanwhile, the coordinator records that Adam's family withdraws its consent.
    contexte = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page_coordination = contexte.new_page()
    controle_coordination = Controle(
        page=page_coordination,
        nom_test=controle.nom_test + "-coordination",
        dossier=controle.dossier,
    )
    _se_connecter(page_coordination, serveur, controle_coordination, reseau.coordinateur.email)
    expect(page_coordination.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    page_coordination.goto(f"{serveur}/parcours/{adam.pk}/partage/")
    expect(page_coordination.get_by_role("heading", level=1)).to_have_text("Adam Bernard")
    controle_coordination.page_verifiee("parcours vu par la coordination")
    consentements = page_coordination.get_by_role("region", name="Consentements")
    consentements.get_by_role("link", name="Retirer").click()
    expect(page_coordination.get_by_role("heading", level=1)).to_have_text(
        "Enregistrer le retrait du consentement"
    )
    controle_coordination.page_verifiee("retrait du consentement")
    page_coordination.get_by_label(libelle("Date du retrait")).fill(date.today().isoformat())
    page_coordination.get_by_label(libelle("Motif du retrait")).fill(
        "La famille ne souhaite plus partager d’informations."
    )
    page_coordination.get_by_role("button", name="Enregistrer le retrait").click()
    expect(page_coordination.get_by_role("status")).to_contain_text(
        "les partenaires n’ont plus accès au parcours"
    )
    expect(consentements).to_contain_text(re.compile(r"Retiré le"))
    controle_coordination.page_verifiee("consentement retiré")
    contexte.close()

    # The partner's very next click: not found, exactly like a pathway that does not exist.
    page.locator("#resultats").get_by_role("link", name="Adam Bernard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    expect(page.locator("body")).not_to_contain_text("Bernard")
    controle.page_verifiee("introuvable apres retrait")
    # And her list now holds only Léna.
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mes suivis"
    ).click()
    expect(page.locator("#resultats").get_by_role("row")).to_have_count(2)
    expect(page.locator("#resultats")).to_contain_text("Léna Garnier")
    controle.page_verifiee("mes suivis apres retrait")
