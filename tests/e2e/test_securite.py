"""Two-factor journey in Chromium: a user without a device signs in, enrols TOTP by typing the
secret shown beside the QR code into an "authenticator" (django-otp's TOTP), keeps the backup
codes, signs out, and signs in again with a code. axe-core and a screenshot on every page."""

import re
import time
from base64 import b32decode

from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.factories.core import MOT_DE_PASSE, UserFactory

from .pages import libelle


def _code(secret: str, deja: set[int]) -> str:
    """What an authenticator app shows for this secret (the next step if this one was used)."""
    horloge = TOTP(b32decode(secret.replace(" ", "")), step=30, t0=0, digits=6)
    horloge.time = time.time()
    while horloge.t() in deja:
        horloge.time += 30
    deja.add(horloge.t())
    return f"{horloge.token():06d}"


def _mot_de_passe(page, serveur, email):
    page.goto(serveur + "/connexion/")
    page.get_by_label(libelle("Adresse électronique")).fill(email)
    page.get_by_label(libelle("Mot de passe")).fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()


def test_un_utilisateur_active_la_double_authentification_puis_se_reconnecte(
    page, serveur, controle
):
    user = UserFactory(first_name="Inès", last_name="Moreau")
    utilises: set[int] = set()

    _mot_de_passe(page, serveur, user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")
    controle.page_verifiee("activer la double authentification")
    expect(page.locator(".reussite-qr svg")).to_be_visible()
    secret = page.get_by_test_id("cle-secrete").inner_text()
    assert re.fullmatch(r"[A-Z2-7 ]+", secret)

    page.get_by_label(libelle("Code à usage unique")).fill(_code(secret, utilises))
    page.get_by_role("button", name="Activer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos codes de secours")
    controle.page_verifiee("codes de secours")
    expect(page.get_by_test_id("codes-secours").locator("li")).to_have_count(10)
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    controle.page_verifiee("tableau de bord après activation")

    page.get_by_role("link", name="Mes sessions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes sessions")
    controle.page_verifiee("mes sessions")

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter à Réussite")

    _mot_de_passe(page, serveur, user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérification en deux étapes")
    controle.page_verifiee("vérification")
    page.get_by_label(libelle("Code à usage unique")).fill("000000")
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_text(re.compile("Code incorrect|Trop de codes")).first).to_be_visible()
    controle.page_verifiee("code refusé")
    page.wait_for_timeout(1500)  # django-otp slows down the next try after a wrong code
    page.get_by_label(libelle("Code à usage unique")).fill(_code(secret, utilises))
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    expect(page.locator("#utilisateur-connecte")).to_have_text("Inès Moreau")
