"""An administrator's convention journey, in Chromium: create a convention with three parties
and their commitments, upload the signed PDF, sign it, put it in force and read the totals.
axe-core runs on every page reached (page_verifiee)."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from parcours.models import Action
from partenaires.models import Convention
from reussite.core.models import Role
from reussite.core.services import role_attribuer
from tests.factories.core import ProgrammeFactory, UserFactory
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import PDF, partenaire
from tests.factories.partenaires import structure_porteuse

PARTIES = [
    ("CAF de Villeneuve", "financier", "10000"),
    ("Ville de Villeneuve", "salles", "120"),
    ("Association Devoirs pour tous", "heures", "300"),
]


@pytest.fixture
def monde(serveur):
    programme = ProgrammeFactory(nom="PRE de Villeneuve")
    structure_porteuse(programme)
    for nom, *_ in PARTIES:
        partenaire(programme, nom=nom)
    admin = UserFactory(first_name="Alix", last_name="Martin")
    role_attribuer(user=admin, programme=programme, role=Role.ADMINISTRATEUR)
    return programme, admin


def test_un_administrateur_cree_signe_et_suit_une_convention(page, monde, connecter, controle):
    programme, admin = monde
    connecter(admin)
    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("button", name="Réseau").click()
    menu.get_by_role("link", name="Conventions", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Conventions")
    controle.page_verifiee("liste des conventions")

    page.get_by_role("link", name="Nouvelle convention").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle convention")
    # Keyboard only for the text fields: type, then Tab to the next one.
    page.get_by_label("Intitulé").focus()
    page.keyboard.type("Convention aide aux devoirs")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Référence")).to_be_focused()
    page.keyboard.type("CONV-2025-01")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Objet")).to_be_focused()
    page.keyboard.type("Mutualiser l’aide aux devoirs")
    page.get_by_label("Date de début").fill("2025-01-01")
    page.get_by_label("Date de fin").fill("2026-12-31")
    controle.page_verifiee("nouvelle convention")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Convention aide aux devoirs")
    controle.page_verifiee("convention créée")

    for nom, nature, quantite in PARTIES:
        ajout = page.get_by_role("group", name="Ajouter une partie")
        ajout.get_by_label("Structure").select_option(label=nom)
        ajout.get_by_role("button", name="Ajouter la partie").click()
        expect(page.get_by_role("status")).to_contain_text("La partie est ajoutée")
        signataire = page.get_by_role("group", name=f"Signataire pour {nom}")
        signataire.get_by_label("Signataire (Optionnel)", exact=True).fill("Camille Bernard")
        signataire.get_by_label("Qualité du signataire").fill("Directrice")
        signataire.get_by_label("Date de signature").fill("2025-01-10")
        signataire.get_by_role("button", name="Enregistrer le signataire").click()
        expect(page.get_by_role("status")).to_contain_text("Le signataire est enregistré")
        engagement = page.get_by_role("group", name=f"Nouvel engagement de {nom}")
        engagement.get_by_label("Année").fill("2026")
        engagement.get_by_label("Nature").select_option(nature)
        engagement.get_by_label("Montant (€) ou quantité").fill(quantite)
        engagement.get_by_role("button", name="Ajouter l’engagement").click()
        expect(page.get_by_role("status")).to_contain_text("L’engagement est ajouté")
    controle.page_verifiee("parties et engagements")

    depot = page.get_by_role("group", name="Déposer la convention signée")
    depot.get_by_label("Convention signée (PDF, 10 Mo au plus)").set_input_files(
        {"name": "convention.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    depot.get_by_role("button", name="Déposer").click()
    expect(page.get_by_role("status")).to_contain_text("La convention signée est déposée")
    signature = page.get_by_role("group", name="Enregistrer la signature")
    signature.get_by_label("Date de signature").fill("2025-01-15")
    signature.get_by_role("button", name="Marquer signée").click()
    expect(page.locator("#statut")).to_have_text("Signée")
    controle.page_verifiee("convention signée")
    page.get_by_role("button", name="Mettre en vigueur").click()
    expect(page.locator("#statut")).to_have_text("En vigueur")

    convention = Convention.objects.get()
    caf = convention.parties.get(structure__nom="CAF de Villeneuve").structure
    Action.objects.create(
        parcours=ParcoursFactory(programme=programme),
        intitule="Atelier parentalité",
        structure=caf,
        date_debut=date(2026, 3, 2),
        cout=Decimal("1250.50"),
        convention=convention,
    )
    page.reload()
    expect(page.locator("#total-engage")).to_contain_text("10")
    expect(page.locator("#total-consomme")).to_contain_text("1")
    expect(page.locator("#total-consomme")).to_contain_text("250,50")
    expect(page.locator("#total-solde")).to_contain_text("749,50")
    expect(page.locator("#actions-financees")).to_contain_text("1 action financée")
    controle.page_verifiee("convention en vigueur avec ses totaux")
