"""ProConnect end to end against a real OpenID Connect provider (django-oauth-toolkit, OIDC mode,
RS256) served by the live test server: every step is real HTTP, the browser played by a
`requests` session (Réussite on localhost, the provider on 127.0.0.1, so two cookie jars), and
Réussite's back end calls the provider's token, JWKS and userinfo endpoints itself."""

import re
from importlib import import_module
from urllib.parse import parse_qs, urlencode, urljoin, urlparse

import pytest
import requests
from django.conf import settings
from django.test import Client
from django.urls import reverse

from reussite.core.models import User
from tests.conftest import appareil_totp, connecter
from tests.factories.core import UserFactory
from tests.support import fournisseur_oidc
from tests.support.fournisseur_oidc import champs_caches

fournisseur = fournisseur_oidc.fournisseur  # the fixture

pytestmark = [pytest.mark.lent, pytest.mark.django_db(transaction=True)]

COMPTE_INCONNU = "Aucun compte actif de Réussite ne correspond à l’adresse électronique"
ETAT_INCONNU = "ne correspond à aucune connexion en cours"
NON_VERIFIEE = "La réponse de ProConnect n’a pas pu être vérifiée"
REFUS_FOURNISSEUR = "ProConnect n’a pas pu vous identifier"
ECHEC = "La connexion avec ProConnect a échoué"


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _page_de_connexion_du_fournisseur(navigateur, fournisseur) -> requests.Response:
    reponse = navigateur.get(f"{fournisseur.rp}/oidc/authenticate/")
    assert reponse.url.startswith(f"{fournisseur.op}/connexion/"), reponse.url
    return reponse


def _s_identifier_au_fournisseur(navigateur, page, identifiant, mot_de_passe, **options):
    return navigateur.post(
        page.url,
        data={
            "csrfmiddlewaretoken": _csrf(page.text),
            "username": identifiant,
            "password": mot_de_passe,
            "next": parse_qs(urlparse(page.url).query)["next"][0],
        },
        **options,
    )


def _se_connecter(fournisseur, identite) -> tuple[requests.Session, requests.Response]:
    """The whole journey, following every redirect: Réussite → provider login → Réussite."""
    navigateur = requests.Session()
    page = _page_de_connexion_du_fournisseur(navigateur, fournisseur)
    return navigateur, _s_identifier_au_fournisseur(navigateur, page, *identite)


def _retour_vers_reussite(fournisseur, identite) -> tuple[requests.Session, str]:
    """Stop when the provider sends the browser back: the callback URL, not yet requested."""
    navigateur = requests.Session()
    page = _page_de_connexion_du_fournisseur(navigateur, fournisseur)
    reponse = _s_identifier_au_fournisseur(navigateur, page, *identite, allow_redirects=False)
    reponse = navigateur.get(urljoin(page.url, reponse.headers["Location"]), allow_redirects=False)
    retour = reponse.headers["Location"]
    assert retour.startswith(f"{fournisseur.rp}/oidc/callback/?"), retour
    return navigateur, retour


def _est_connecte(navigateur, fournisseur) -> bool:
    reponse = navigateur.get(f"{fournisseur.rp}/", allow_redirects=False)
    return reponse.status_code == 200


def _sur_la_connexion(reponse, fournisseur) -> bool:
    return reponse.url.startswith(f"{fournisseur.rp}{reverse('login')}")


def test_un_compte_invite_se_connecte_et_arrive_au_tableau_de_bord(fournisseur):
    UserFactory(email="camille.durand@exemple.test")
    # The address ProConnect asserts is matched whatever its case.
    identite = fournisseur.identite("Camille.DURAND@exemple.test", amr=("pwd", "mfa"))

    _navigateur, reponse = _se_connecter(fournisseur, identite)

    # The provider asserted MFA: no local second factor, straight to the dashboard.
    assert reponse.url == f"{fournisseur.rp}/", [r.url for r in reponse.history]
    assert reponse.status_code == 200
    assert "Tableau de bord" in reponse.text
    assert fournisseur.userinfo_servis == ["json"]
    # The authorization request asked for `amr` in the ID token, as ProConnect requires.
    autorisation = next(
        r.url for r in reponse.history if urlparse(r.url).path.endswith("/authorize/")
    )
    assert parse_qs(urlparse(autorisation).query)["claims"] == [
        '{"id_token":{"amr":null,"acr":null}}'
    ]


def test_sans_mfa_affirmee_le_second_facteur_local_reste_exige(fournisseur):
    avec_appareil = UserFactory(email="avec.appareil@exemple.test")
    appareil_totp(avec_appareil)
    UserFactory(email="sans.appareil@exemple.test")

    navigateur, reponse = _se_connecter(
        fournisseur, fournisseur.identite("avec.appareil@exemple.test", amr=("pwd",))
    )
    assert reponse.url.startswith(f"{fournisseur.rp}{reverse('securite:verification')}")
    assert not _est_connecte(navigateur, fournisseur)  # every page sends back to the code

    navigateur, reponse = _se_connecter(
        fournisseur, fournisseur.identite("sans.appareil@exemple.test", amr=("pwd",))
    )
    assert reponse.url.startswith(f"{fournisseur.rp}{reverse('securite:inscription')}")


def test_un_acr_eidas2_vaut_aussi_double_authentification(fournisseur):
    UserFactory(email="acr@exemple.test")
    identite = fournisseur.identite("acr@exemple.test", amr=("pwd",), acr="eidas2")
    _navigateur, reponse = _se_connecter(fournisseur, identite)
    assert reponse.url == f"{fournisseur.rp}/"


def test_un_state_inconnu_est_refuse(fournisseur):
    UserFactory(email="etat@exemple.test")
    navigateur, retour = _retour_vers_reussite(
        fournisseur, fournisseur.identite("etat@exemple.test")
    )
    parametres = parse_qs(urlparse(retour).query)
    falsifie = f"{fournisseur.rp}/oidc/callback/?" + urlencode(
        {"code": parametres["code"][0], "state": "etat-forge"}
    )

    reponse = navigateur.get(falsifie)

    assert _sur_la_connexion(reponse, fournisseur)
    assert ETAT_INCONNU in reponse.text
    assert not _est_connecte(navigateur, fournisseur)
    # Without any state in the session at all (another browser), the same refusal.
    reponse = requests.get(retour, timeout=30)
    assert _sur_la_connexion(reponse, fournisseur)
    assert ETAT_INCONNU in reponse.text


def test_le_nonce_du_jeton_d_identite_est_verifie(fournisseur):
    UserFactory(email="nonce@exemple.test")
    navigateur, retour = _retour_vers_reussite(
        fournisseur, fournisseur.identite("nonce@exemple.test")
    )
    # The session expected another nonce than the one the provider signed into the ID token.
    etat = parse_qs(urlparse(retour).query)["state"][0]
    cle = navigateur.cookies.get(settings.SESSION_COOKIE_NAME, domain="localhost.local")
    session = import_module(settings.SESSION_ENGINE).SessionStore(cle)
    etats = session["oidc_states"]
    etats[etat]["nonce"] = "un-autre-nonce"
    session["oidc_states"] = etats
    session.save()

    reponse = navigateur.get(retour)

    assert _sur_la_connexion(reponse, fournisseur)
    assert NON_VERIFIEE in reponse.text
    assert not _est_connecte(navigateur, fournisseur)


def test_une_adresse_inconnue_est_refusee_sans_creer_de_compte(fournisseur):
    UserFactory(email="inactif@exemple.test", is_active=False)
    for adresse in ("inconnu@exemple.test", "inactif@exemple.test"):
        identite = fournisseur.identite(adresse)
        comptes = User.objects.count()

        navigateur, reponse = _se_connecter(fournisseur, identite)

        assert _sur_la_connexion(reponse, fournisseur)
        assert COMPTE_INCONNU in reponse.text
        assert User.objects.count() == comptes
        assert not User.objects.filter(email="inconnu@exemple.test").exists()
        assert not _est_connecte(navigateur, fournisseur)


def test_des_echecs_proconnect_ne_verrouillent_pas_l_adresse_du_bureau(fournisseur, settings):
    """django-axes locks (account, address) pairs: ProConnect callbacks, which carry no account
    name, must not add up against the office's address and lock everyone out of ProConnect."""
    from axes.models import AccessAttempt

    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(email="collegue@exemple.test")
    for _ in range(3):
        _navigateur, reponse = _se_connecter(
            fournisseur, fournisseur.identite("pas.de.compte@exemple.test")
        )
        assert COMPTE_INCONNU in reponse.text

    _navigateur, reponse = _se_connecter(fournisseur, fournisseur.identite("collegue@exemple.test"))

    assert reponse.url == f"{fournisseur.rp}/"
    assert not AccessAttempt.objects.filter(username__isnull=True).exists()


def test_une_erreur_du_fournisseur_donne_un_message_en_francais(fournisseur):
    UserFactory(email="refus@exemple.test")
    fournisseur.application.skip_authorization = False
    fournisseur.application.save()
    navigateur, consentement = _se_connecter(
        fournisseur, fournisseur.identite("refus@exemple.test")
    )
    assert consentement.url.startswith(f"{fournisseur.op}/authorize/")

    # The agent refuses on the provider's consent page: the provider answers access_denied.
    reponse = navigateur.post(
        consentement.url,
        data={**champs_caches(consentement.text), "refuser": "Refuser"},
    )

    assert any("error=access_denied" in r.url for r in reponse.history)
    assert _sur_la_connexion(reponse, fournisseur)
    assert REFUS_FOURNISSEUR in reponse.text
    assert not _est_connecte(navigateur, fournisseur)


def test_la_deconnexion_termine_aussi_la_session_du_fournisseur(fournisseur):
    UserFactory(email="depart@exemple.test")
    navigateur, tableau = _se_connecter(fournisseur, fournisseur.identite("depart@exemple.test"))
    assert tableau.url == f"{fournisseur.rp}/"

    reponse = navigateur.post(
        f"{fournisseur.rp}{reverse('logout')}", data={"csrfmiddlewaretoken": _csrf(tableau.text)}
    )

    fin = next(r.url for r in reponse.history if r.url.startswith(f"{fournisseur.op}/logout/"))
    parametres = parse_qs(urlparse(fin).query)
    assert {"id_token_hint", "post_logout_redirect_uri", "state"} <= set(parametres)
    assert _sur_la_connexion(reponse, fournisseur)
    assert not _est_connecte(navigateur, fournisseur)
    # The provider's session is over too: signing in again asks for the provider's password.
    _page_de_connexion_du_fournisseur(navigateur, fournisseur)


def test_la_deconnexion_d_un_compte_local_ne_passe_pas_par_le_fournisseur(fournisseur):
    user = UserFactory(email="local@exemple.test")
    client = connecter(Client(), user)
    reponse = client.post(reverse("logout"))
    assert reponse.status_code == 302
    assert reponse.url == reverse("login")


def test_les_informations_utilisateur_en_jwt_signe_sont_acceptees(fournisseur):
    UserFactory(email="jwt@exemple.test")
    fournisseur.userinfo = "jwt"
    _navigateur, reponse = _se_connecter(fournisseur, fournisseur.identite("jwt@exemple.test"))
    assert fournisseur.userinfo_servis == ["jwt"]
    assert reponse.url == f"{fournisseur.rp}/"


def test_des_informations_utilisateur_signees_d_une_autre_cle_sont_refusees(fournisseur):
    UserFactory(email="faux@exemple.test")
    fournisseur.userinfo = "jwt_cle_inconnue"
    navigateur, reponse = _se_connecter(fournisseur, fournisseur.identite("faux@exemple.test"))
    assert fournisseur.userinfo_servis == ["jwt_cle_inconnue"]
    assert _sur_la_connexion(reponse, fournisseur)
    assert ECHEC in reponse.text
    assert not _est_connecte(navigateur, fournisseur)
