"""Two-factor journey in Chromium: a user without a device signs in, enrols TOTP by typing the
secret shown beside the QR code into an "authenticator" (django-otp's TOTP), keeps the backup
codes, signs out, and signs in again with a code. axe-core and a screenshot on every page."""

import re
import time
from base64 import b32decode

from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.factories.core import MOT_DE_PASSE, UserFactory

from .pages_securite import PageActivation, PageConnexionMotDePasse, PageVerificationCode


def _code(secret: str, deja: set[int]) -> str:
    """What an authenticator app shows for this secret (the next step if this one was used)."""
    horloge = TOTP(b32decode(secret.replace(" ", "")), step=30, t0=0, digits=6)
    horloge.time = time.time()
    while horloge.t() in deja:
        horloge.time += 30
    deja.add(horloge.t())
    return f"{horloge.token():06d}"


def test_un_utilisateur_active_la_double_authentification_puis_se_reconnecte(
    page, serveur, controle
):
    user = UserFactory(first_name="Inès", last_name="Moreau")
    utilises: set[int] = set()

    connexion = PageConnexionMotDePasse(page, serveur, controle).ouvrir()
    activation = connexion.mot_de_passe_vers(user.email, MOT_DE_PASSE, PageActivation)
    expect(activation.qr).to_be_visible()
    secret = activation.cle_secrete()
    assert re.fullmatch(r"[A-Z2-7 ]+", secret)

    codes = activation.activer(_code(secret, utilises))
    expect(codes.codes).to_have_count(10)
    connexion = codes.continuer().mes_sessions().se_deconnecter()

    verification = connexion.mot_de_passe_vers(user.email, MOT_DE_PASSE, PageVerificationCode)
    verification = verification.refuser("000000").patienter_apres_un_refus()
    accueil = verification.accepter(_code(secret, utilises))
    expect(accueil.utilisateur_connecte).to_have_text("Inès Moreau")
