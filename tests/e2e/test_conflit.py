"""Two people edit the same child at once, in two browsers: the first save wins, the second
lands on the conflict page that shows what they typed, and nothing is silently lost. axe-core
runs on every page reached, in both browsers."""

import pytest
from playwright.sync_api import expect

from parcours.models import Enfant
from tests.factories.core import MOT_DE_PASSE
from tests.factories.monde import construire_monde

from .pages import PageConnexion
from .pages_conflit import PageModifierEnfant
from .verifications import Controle


@pytest.fixture
def monde(serveur):
    m = construire_monde(
        nom="PRE de Villeneuve",
        avec_partenaire=False,
        avec_referent=True,
        referent={"porteuse": True, "user__first_name": "Nadia"},
        avec_consentement=False,
        enfant={"prenom": "Sacha", "quartier": "Les Tilleuls"},
    )
    return m.coordinateur, m.referent.user, m.parcours


def test_la_seconde_sauvegarde_montre_le_conflit_et_garde_la_saisie(
    browser, page, serveur, controle, monde, tmp_path
):
    coordinateur, referente, parcours = monde
    PageConnexion(page, serveur, controle).ouvrir().se_connecter(coordinateur.email, MOT_DE_PASSE)

    autre_contexte = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900}
    )
    try:
        autre_page = autre_contexte.new_page()
        autre_controle = Controle(
            page=autre_page, nom_test=f"{controle.nom_test}-b", dossier=controle.dossier
        )
        PageConnexion(autre_page, serveur, autre_controle).ouvrir().se_connecter(
            referente.email, MOT_DE_PASSE
        )

        # Both open the child's record, at the same version.
        premiere = PageModifierEnfant(page, serveur, controle).ouvrir_pour(parcours.pk)
        seconde = PageModifierEnfant(autre_page, serveur, autre_controle).ouvrir_pour(parcours.pk)

        premiere.saisir_quartier("La Source").enregistrer_avec_succes()
        conflit = seconde.saisir_quartier("Le Mail").enregistrer_en_conflit()

        # What the second person typed is on the page, nothing of it was written.
        expect(conflit.saisie("Quartier")).to_have_value("Le Mail")
        assert Enfant.objects.get(pk=parcours.enfant_id).quartier == "La Source"

        # The current version is one link away; saving from it applies the input.
        a_jour = conflit.ouvrir_la_version_a_jour()
        expect(a_jour.quartier).to_have_value("La Source")
        a_jour.saisir_quartier("Le Mail").enregistrer_avec_succes()
        assert Enfant.objects.get(pk=parcours.enfant_id).quartier == "Le Mail"
        autre_controle.ecrire_remarques()
    finally:
        autre_contexte.close()
