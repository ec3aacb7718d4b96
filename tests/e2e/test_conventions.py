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
from tests.factories.monde import construire_monde
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import PDF

from .pages_conventions import PageConventions

PARTIES = [
    ("CAF de Villeneuve", "financier", "10000"),
    ("Ville de Villeneuve", "salles", "120"),
    ("Association Devoirs pour tous", "heures", "300"),
]


@pytest.fixture
def monde(serveur):
    (premiere, *_), *autres = PARTIES
    m = construire_monde(
        nom="PRE de Villeneuve",
        roles={Role.ADMINISTRATEUR: {"first_name": "Alix", "last_name": "Martin"}},
        structure={"nom": premiere},
        autres_structures=[{"nom": nom} for nom, *_ in autres],
        avec_parcours=False,
    )
    return m.programme, m.roles[Role.ADMINISTRATEUR]


def test_un_administrateur_cree_signe_et_suit_une_convention(page, monde, connecter, controle):
    programme, admin = monde
    accueil = connecter(admin)
    formulaire = PageConventions.depuis_le_menu(accueil).nouvelle()
    convention = formulaire.saisir(
        intitule="Convention aide aux devoirs",
        reference="CONV-2025-01",
        objet="Mutualiser l’aide aux devoirs",
        debut="2025-01-01",
        fin="2026-12-31",
    ).enregistrer("Convention aide aux devoirs")

    for nom, nature, quantite in PARTIES:
        convention.ajouter_partie(
            nom,
            signataire="Camille Bernard",
            qualite="Directrice",
            signee_le="2025-01-10",
            annee="2026",
            nature=nature,
            quantite=quantite,
        )
    convention.verifier("parties et engagements")

    convention.deposer_le_pdf("convention.pdf", PDF).marquer_signee("2025-01-15")
    convention.mettre_en_vigueur()

    enregistree = Convention.objects.get()
    caf = enregistree.parties.get(structure__nom="CAF de Villeneuve").structure
    Action.objects.create(
        parcours=ParcoursFactory(programme=programme),
        intitule="Atelier parentalité",
        structure=caf,
        date_debut=date(2026, 3, 2),
        cout=Decimal("1250.50"),
        convention=enregistree,
    )
    convention.recharger("convention rechargée")
    expect(convention.total("engage")).to_contain_text("10")
    expect(convention.total("consomme")).to_contain_text("1")
    expect(convention.total("consomme")).to_contain_text("250,50")
    expect(convention.total("solde")).to_contain_text("749,50")
    expect(convention.actions_financees).to_contain_text("1 action financée")
    convention.verifier("convention en vigueur avec ses totaux")
