"""ProConnect in Chromium against the real OpenID Connect provider of the test suite
(django-oauth-toolkit, tests/support/fournisseur_oidc.py): the login page's ProConnect button,
the provider's login page, the dashboard, and the logout that also ends the provider's session.
axe-core and a screenshot on every page."""

from playwright.sync_api import expect

from tests.factories.core import UserFactory
from tests.support import fournisseur_oidc

from .pages_proconnect import PageConnexionProConnect

fournisseur = fournisseur_oidc.fournisseur  # the fixture


def test_un_agent_invite_se_connecte_avec_proconnect_puis_se_deconnecte_des_deux(
    page, serveur, controle, fournisseur
):
    UserFactory(email="agent.invite@exemple.test", first_name="Camille")
    identite = fournisseur.identite("agent.invite@exemple.test", amr=("pwd", "otp", "mfa"))

    connexion = PageConnexionProConnect.ouverte(
        page, controle, fournisseur, "connexion avec le bouton ProConnect"
    )
    expect(connexion.lien_explicatif).to_have_attribute("href", "https://www.proconnect.gouv.fr/")
    accueil = connexion.s_identifier_avec_proconnect().valider(identite)
    connexion = accueil.se_deconnecter()

    # The provider's session is over too: it asks for the password again.
    connexion.s_identifier_avec_proconnect()


def test_une_adresse_sans_compte_invite_est_refusee_avec_un_message(
    page, serveur, controle, fournisseur
):
    identite = fournisseur.identite("pas.invite@exemple.test")

    connexion = PageConnexionProConnect.ouverte(page, controle, fournisseur)
    connexion = connexion.s_identifier_avec_proconnect().valider_sans_compte(identite)
    expect(connexion.champ_adresse).to_be_visible()
