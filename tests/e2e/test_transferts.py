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
from .pages_transferts import PageParcoursTransfert, PageTransfert
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
    fiche = PageParcoursTransfert.ouvrir_pour(
        page, serveur, controle, parcours, "Lou Voyageur", "parcours à transférer"
    )
    proposition = fiche.proposer_un_transfert()
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
    recue = PageTransfert(page_b, serveur, controle_b).ouvrir_adresse(
        transfert.adresse, "transfert reçu"
    )
    expect(recue.contenu).to_contain_text("Lire seul un album")
    expect(recue.contenu).not_to_contain_text("Voyageur")
    recue = recue.accepter()
    expect(recue.messages).to_contain_text("Transfert accepté")
    accueilli = recue.ouvrir_le_parcours_accueilli("Lou")
    expect(accueilli.transfert_entrant).to_contain_text("Arrivé de PRE de Villeneuve")
    contexte.close()

    fiche = PageParcoursTransfert.ouvrir_pour(
        page, serveur, controle, parcours, "Lou Voyageur", "parcours parti"
    )
    expect(fiche.transfert_sortant).to_contain_text("Parti vers PRE de Montagne")
