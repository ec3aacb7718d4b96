"""Transfer journey (issue 17, point 3), in Chromium, with two coordinators in two
programmes: the sending one proposes from the pathway's page, the receiving one sees only the
summary, accepts, and opens the new pathway; the sending pathway shows where the child went."""

import pytest
from playwright.sync_api import expect

from parcours.forms.transferts import DESTINATIONS_PAR_PAGE
from parcours.models import Finalite
from tests.factories.actions import objectif
from tests.factories.core import MOT_DE_PASSE, ProgrammeFactory
from tests.factories.monde import construire_monde

from .pages import PageConnexion
from .pages_transferts import PageProposerTransfert, PageTransfert
from .verifications import Controle


@pytest.fixture
def monde(serveur):
    m = construire_monde(
        nom="PRE de Villeneuve",
        communes=["Villeneuve"],
        avec_partenaire=False,
        enfant={"prenom": "Lou", "nom": "Voyageur"},
        finalites=[Finalite.ACCOMPAGNEMENT, Finalite.TRANSFERT],
        autres_programmes=[{"nom": "PRE de Montagne", "communes": ["Montagne", "Col-Bleu"]}],
    )
    objectif(m.parcours, auteur=m.coordinateur, intitule="Lire seul un album")
    # More programmes than the form offers at once (issue 18): the destination is searched.
    for i in range(DESTINATIONS_PAR_PAGE + 5):
        ProgrammeFactory(nom=f"PRE Lointain {i:02d}", territoire="Ailleurs", communes=[])
    return m.pre, m.autres[0], m.parcours


def _connexion(page, serveur, controle, email):
    return PageConnexion(page, serveur, controle).ouvrir().se_connecter(email, MOT_DE_PASSE)


def test_un_parcours_suit_la_famille_d_un_programme_a_l_autre(
    page, browser, serveur, controle, monde
):
    depart, arrivee, parcours = monde

    _connexion(page, serveur, controle, depart.coordinateur.email)
    page.goto(f"{serveur}/parcours/{parcours.pk}/")
    page.get_by_role("link", name="La famille déménage : proposer un transfert").click()
    proposition = PageProposerTransfert(page, serveur, controle).verifier()
    expect(proposition.destinations).to_have_count(DESTINATIONS_PAR_PAGE)
    expect(proposition.resultat_recherche).to_contain_text("Les 20 premiers programmes")
    # Accents, case and hyphens aside: « COL BLEU » finds the commune « Col-Bleu ».
    proposition = proposition.chercher("COL BLEU")
    expect(proposition.resultat_recherche).to_have_text("1 programme correspond à « COL BLEU ».")
    expect(proposition.destinations).to_have_text(["PRE de Montagne"])
    transfert = proposition.proposer("PRE de Montagne")
    expect(transfert.messages).to_contain_text("Le transfert est proposé")

    contexte = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page_b = contexte.new_page()
    controle_b = Controle(
        page=page_b, nom_test=controle.nom_test + "-arrivee", dossier=controle.dossier
    )
    _connexion(page_b, serveur, controle_b, arrivee.coordinateur.email)
    page_b.goto(page.url)
    recue = PageTransfert(page_b, serveur, controle_b).verifier("transfert reçu")
    expect(page_b.locator("main")).to_contain_text("Lire seul un album")
    expect(page_b.locator("main")).not_to_contain_text("Voyageur")
    recue = recue.accepter()
    expect(recue.messages).to_contain_text("Transfert accepté")
    page_b.get_by_role("link", name="Le parcours ouvert dans votre programme").click()
    expect(page_b.get_by_role("heading", level=1)).to_contain_text("Lou")
    expect(page_b.locator("#transfert-entrant")).to_contain_text("Arrivé de PRE de Villeneuve")
    controle_b.page_verifiee("parcours arrivé")
    contexte.close()

    page.goto(f"{serveur}/parcours/{parcours.pk}/")
    expect(page.locator("#transfert-sortant")).to_contain_text("Parti vers PRE de Montagne")
    controle.page_verifiee("parcours parti")
