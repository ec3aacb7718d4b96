"""The load test's own pieces (reussite/devtools/charge.py and charge_client.py, issue 18 point 5).

The full run needs gunicorn with the production settings, the collected static files and a
generated database: minutes on the project's machine, so it is a documented run
(`python -m reussite.devtools.charge --base <db>`), not a test. What can go wrong without being
seen is checked here: the TOTP codes two clients of one person send, the tokens read from the
forms, the cookies without `Secure` and the redirects a page must not answer.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from reussite.devtools import charge
from tests.factories.core import UserFactory


def _totp(device: TOTPDevice) -> dict:
    return {
        "cle": device.key,
        "pas": device.step,
        "t0": device.t0,
        "chiffres": device.digits,
        "dernier_t": device.last_t,
    }


@pytest.mark.django_db
def test_deux_clients_d_une_personne_envoient_des_codes_acceptes_tous_les_deux():
    """django-otp refuses a time step already used: the second client of the same person must
    not send the first one's code (a login refused within the same 30 s otherwise)."""
    device = TOTPDevice.objects.create(user=UserFactory(), name="Banc", confirmed=True)
    horloge = charge.Horloge2FA()
    premier = horloge.code(device.user.email, _totp(device))
    second = horloge.code(device.user.email, _totp(device))

    assert premier != second
    assert device.verify_token(premier)
    device.refresh_from_db()
    assert device.verify_token(second)


def test_les_champs_caches_du_formulaire_sont_lus():
    html = (
        '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="abc">'
        '<input type="hidden" name="jeton" value="1b4e28ba-2fa1-11d2-883f-0016d3cca427">'
        '<input type="text" name="texte" value="visible"></form>'
    )

    assert charge.champs_caches(html) == {
        "csrfmiddlewaretoken": "abc",
        "jeton": "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
    }


class _Serveur(BaseHTTPRequestHandler):
    """Answers what the path asks for: a cookie with or without Secure, a redirect."""

    recus: list = []

    def do_GET(self):  # the name http.server calls
        _Serveur.recus.append(dict(self.headers))
        self.send_response(302 if self.path == "/redirige/" else 200)
        if self.path == "/redirige/":
            self.send_header("Location", "/connexion/")
        cookie = "sessionid=s1; Path=/; HttpOnly"
        self.send_header(
            "Set-Cookie", cookie + ("" if self.path == "/non-securise/" else "; Secure")
        )
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def serveur():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Serveur)
    fil = threading.Thread(target=httpd.serve_forever, daemon=True)
    fil.start()
    _Serveur.recus = []
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_chaque_requete_passe_par_le_proxy_et_garde_ses_cookies(serveur):
    mesures = charge.Mesures(debut_mesure=0)
    nav = charge.Navigateur(serveur, "10.18.0.7", mesures)

    nav.page("/", "accueil")
    nav.page("/", "accueil")

    premier, second = _Serveur.recus
    assert premier["X-Forwarded-Proto"] == "https"
    assert premier["X-Forwarded-For"] == "10.18.0.7"
    assert premier["Host"] == charge.HOTE
    assert second["Cookie"] == "sessionid=s1"
    assert mesures.requetes == {"accueil": 2}
    assert len(mesures.durees["accueil"]) == 2


def test_un_cookie_sans_secure_derriere_le_proxy_est_une_erreur(serveur):
    nav = charge.Navigateur(serveur, "10.18.0.7", charge.Mesures(debut_mesure=0))

    with pytest.raises(charge.Erreur, match="cookie sessionid sans Secure"):
        nav.page("/non-securise/", "accueil")


def test_une_page_redirigee_est_une_erreur(serveur):
    nav = charge.Navigateur(serveur, "10.18.0.7", charge.Mesures(debut_mesure=0))

    with pytest.raises(charge.Erreur, match="302 vers '/connexion/'"):
        nav.page("/redirige/", "liste des parcours")


def test_le_rapport_donne_les_centiles_et_les_premieres_erreurs():
    mesures = charge.Mesures(debut_mesure=0)
    for duree in range(1, 101):
        mesures.noter("fiche parcours", 1, float(duree))
    mesures.erreur("client 3 (pro12@city.bench): journal GET /parcours/9/journal/: 500")

    texte = charge.rapport(mesures, 10, [(1.0, 2.0, 3.0)])

    assert "| fiche parcours | 100 (100) | 50 | 95 | 99 |" in texte
    assert "Débit : 10.0 requêtes/s" in texte
    assert "Erreurs : 1." in texte
    assert "- client 3 (pro12@city.bench): journal GET /parcours/9/journal/: 500" in texte
