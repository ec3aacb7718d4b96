"""A partner professional's journey, in Chromium: first sign-in meets the confidentiality
charter, "Mes suivis" lists exactly the two pathways shared with them, and once the coordinator
withdraws the family's consent the partner's next click gets the not-found page. axe-core runs
on every page reached, for both users."""

from datetime import date

import pytest
from playwright.sync_api import expect

from partenaires.models import Fonction, TypeStructure
from tests.factories.core import MOT_DE_PASSE
from tests.factories.monde import construire_monde, suivre

from .pages import PageConnexion
from .pages_partage import PageConnexionPremiere, PagePartageParcours
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


def test_un_partenaire_voit_ses_deux_suivis_et_perd_l_acces_au_retrait(
    page, browser, serveur, controle, monde
):
    reseau, assistante, (adam, _lena, _yanis) = monde

    # First sign-in: the charter comes before any child's data.
    connexion = PageConnexionPremiere(page, serveur, controle).ouvrir()
    tableau = connexion.premiere_connexion(
        assistante.user.email, MOT_DE_PASSE
    ).accepter_au_clavier()

    # "Mes suivis": exactly the two pathways shared with her.
    suivis = tableau.aller_a_mes_suivis()
    expect(suivis.resultats.get_by_role("row")).to_have_count(3)  # header + 2
    expect(suivis.resultats).to_contain_text("Adam Bernard")
    expect(suivis.resultats).to_contain_text("Léna Garnier")
    expect(suivis.resultats).not_to_contain_text("Petitjean")

    # Her view of a pathway: identity and school, never the family or the consent scans.
    fiche = suivis.ouvrir_le_parcours("Adam Bernard")
    expect(fiche.rubrique("Famille")).to_have_count(0)
    expect(fiche.rubrique("Consentements")).to_have_count(0)
    expect(fiche.rubrique("Qui a consulté ce dossier")).to_have_count(0)
    fiche.onglet("Partage et consentement")
    expect(fiche.rubrique("Intervenants")).to_be_visible()
    expect(fiche.rubrique("Consentements")).to_have_count(0)
    fiche.onglet("Historique")
    expect(fiche.rubrique("Historique", exact=True)).to_be_visible()
    expect(fiche.rubrique("Qui a consulté ce dossier")).to_have_count(0)
    # Each section is a page of the browser's history: back goes through them to the list.
    suivis = fiche.revenir_a("Partage et consentement").revenir_a("Synthèse").revenir_a_la_liste()

    # Meanwhile, the coordinator records that Adam's family withdraws its consent.
    contexte = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page_coordination = contexte.new_page()
    controle_coordination = Controle(
        page=page_coordination,
        nom_test=controle.nom_test + "-coordination",
        dossier=controle.dossier,
    )
    accueil = PageConnexion(page_coordination, serveur, controle_coordination).ouvrir()
    accueil = accueil.se_connecter(reseau.coordinateur.email, MOT_DE_PASSE)
    PagePartageParcours.ouvrir_pour(
        accueil, adam.pk, "Adam Bernard"
    ).retirer_le_consentement().retirer(
        le=date.today(), motif="La famille ne souhaite plus partager d’informations."
    )
    contexte.close()

    # The partner's very next click: not found, exactly like a pathway that does not exist.
    introuvable = suivis.ouvrir_le_parcours_perdu("Adam Bernard", "introuvable apres retrait")
    expect(introuvable.corps).not_to_contain_text("Bernard")
    # And her list now holds only Léna.
    suivis = introuvable.aller_a_mes_suivis("mes suivis apres retrait")
    expect(suivis.resultats.get_by_role("row")).to_have_count(2)
    expect(suivis.resultats).to_contain_text("Léna Garnier")
