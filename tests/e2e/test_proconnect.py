"""ProConnect in Chromium against the real OpenID Connect provider of the test suite
(django-oauth-toolkit, tests/support/fournisseur_oidc.py): the login page's ProConnect button,
the provider's login page, the dashboard, and the logout that also ends the provider's session.
axe-core and a screenshot on every page."""

import re

from playwright.sync_api import expect

from tests.factories.core import UserFactory
from tests.support import fournisseur_oidc

from .pages import libelle

fournisseur = fournisseur_oidc.fournisseur  # the fixture


def _bouton_proconnect(page):
    return page.get_by_role("button", name="S’identifier avec ProConnect")


def _s_identifier_au_fournisseur(page, controle, fournisseur, identite):
    page.wait_for_url(re.compile(re.escape(fournisseur.op) + r"/connexion/.*"))
    controle.page_verifiee("page de connexion du fournisseur")
    identifiant, mot_de_passe = identite
    page.get_by_label("Adresse électronique").fill(identifiant)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    page.get_by_role("button", name="Valider").click()


def test_un_agent_invite_se_connecte_avec_proconnect_puis_se_deconnecte_des_deux(
    page, serveur, controle, fournisseur
):
    UserFactory(email="agent.invite@exemple.test", first_name="Camille")
    identite = fournisseur.identite("agent.invite@exemple.test", amr=("pwd", "otp", "mfa"))

    page.goto(fournisseur.rp + "/connexion/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter à Réussite")
    expect(page.get_by_role("link", name="Qu’est-ce que ProConnect ?")).to_have_attribute(
        "href", "https://www.proconnect.gouv.fr/"
    )
    controle.page_verifiee("connexion avec le bouton ProConnect")
    _bouton_proconnect(page).click()

    _s_identifier_au_fournisseur(page, controle, fournisseur, identite)

    # MFA asserted by the provider: no local second factor.
    page.wait_for_url(fournisseur.rp + "/")
    controle.page_verifiee("tableau de bord après ProConnect")

    page.get_by_role("button", name="Se déconnecter").first.click()
    page.wait_for_url(re.compile(re.escape(fournisseur.rp) + r"/connexion/\?state=.*"))
    controle.page_verifiee("connexion après la déconnexion de ProConnect")

    # The provider's session is over too: it asks for the password again.
    _bouton_proconnect(page).click()
    page.wait_for_url(re.compile(re.escape(fournisseur.op) + r"/connexion/.*"))


def test_une_adresse_sans_compte_invite_est_refusee_avec_un_message(
    page, serveur, controle, fournisseur
):
    identite = fournisseur.identite("pas.invite@exemple.test")

    page.goto(fournisseur.rp + "/connexion/")
    _bouton_proconnect(page).click()
    _s_identifier_au_fournisseur(page, controle, fournisseur, identite)

    page.wait_for_url(re.compile(re.escape(fournisseur.rp) + r"/connexion/.*"))
    expect(page.get_by_text("Aucun compte actif de Réussite ne correspond")).to_be_visible()
    controle.page_verifiee("refus d’une adresse sans compte")
    expect(page.get_by_label(libelle("Adresse électronique"))).to_be_visible()
