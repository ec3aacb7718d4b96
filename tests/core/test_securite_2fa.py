"""Two-factor authentication: enrolment, verification, backup codes, throttling, enforcement on
every URL of the project (the sweep of test_acces_urls) and on the admin."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import checks
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from reussite.core.deux_facteurs import VUES_LIBRES, verifier_exemption_demo
from tests.acces.balayage import METHODES, ROUTES, SONDES, envoyer, ids_de, url_de
from tests.acces.monde import construire_monde, corps, empreinte
from tests.conftest import appareil_totp, connecter
from tests.factories.core import MOT_DE_PASSE, UserFactory

pytestmark = pytest.mark.django_db

INSCRIPTION = reverse("securite:inscription")
VERIFICATION = reverse("securite:verification")


def code_de(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def se_connecter(client: Client, user, suivante: str = "/"):
    return client.post(
        reverse("login"), {"username": user.email, "password": MOT_DE_PASSE, "next": suivante}
    )


def test_sans_appareil_la_connexion_mene_a_l_inscription_puis_aux_codes_de_secours():
    user, client = UserFactory(), Client()
    horloge = time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    horloge.start()
    reponse = se_connecter(client, user)
    assert reponse["Location"] == "/"
    reponse = client.get("/")
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(INSCRIPTION)

    page = client.get(reponse["Location"])
    texte = page.content.decode()
    assert "<svg" in texte and "<script" not in texte.split("<svg", 1)[1].split("</svg>")[0]
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r'data-testid="cle-secrete">([A-Z2-7 ]+)<', texte).group(1)
    from base64 import b32encode

    assert secret.replace(" ", "") == b32encode(device.bin_key).decode()

    faux = client.post(INSCRIPTION, {"code": "000000" if code_de(device) != "000000" else "111111"})
    assert "Code incorrect" in faux.content.decode()
    assert client.get("/").status_code == 302
    # django-otp slows down the next try (1 s after one failure).
    assert "Trop de codes" in client.post(INSCRIPTION, {"code": code_de(device)}).content.decode()
    horloge.stop()
    horloge = time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, 2, tzinfo=dt.UTC), tick=False)
    horloge.start()

    reponse = client.post(INSCRIPTION, {"code": code_de(device), "next": "/"})
    assert reponse["Location"].startswith(reverse("securite:codes_secours"))
    codes = client.get(reponse["Location"])
    affiches = re.findall(r"<code>([a-z0-9]+)</code>", codes.content.decode())
    assert len(affiches) == 10
    assert sorted(affiches) == sorted(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    )
    # Shown once only.
    assert client.get(reverse("securite:codes_secours")).status_code == 302
    assert client.get("/").status_code == 200
    horloge.stop()
    device.refresh_from_db()
    assert device.confirmed


def test_avec_appareil_la_connexion_demande_un_code_et_respecte_next():
    user, client = UserFactory(), Client()
    device = appareil_totp(user)
    se_connecter(client, user, "/notifications/")
    reponse = client.get("/notifications/")
    assert reponse["Location"] == f"{VERIFICATION}?next=%2Fnotifications%2F"
    assert client.get(INSCRIPTION)["Location"].startswith(VERIFICATION)

    reponse = client.post(VERIFICATION, {"code": code_de(device), "next": "/notifications/"})
    assert reponse["Location"] == "/notifications/"
    assert client.get("/notifications/").status_code == 200


def test_la_cloche_ne_demande_son_compteur_qu_apres_le_second_facteur():
    """Before the code, the bell's fragment would be refused (403): the header does not ask."""
    user, client = UserFactory(), Client()
    device = appareil_totp(user)
    se_connecter(client, user)
    compteur = reverse("notifications:compteur")
    verification = client.get(VERIFICATION)
    assert verification.status_code == 200
    assert 'id="cloche"' in verification.text and compteur not in verification.text
    assert client.get(compteur, headers={"HX-Request": "true"}).status_code == 403

    client.post(VERIFICATION, {"code": code_de(device), "next": "/"})
    assert f'hx-get="{compteur}"' in client.get("/").text
    assert client.get(compteur, headers={"HX-Request": "true"}).status_code == 200


def test_un_next_externe_est_ignore():
    user, client = UserFactory(), Client()
    device = appareil_totp(user)
    se_connecter(client, user)
    reponse = client.post(
        VERIFICATION, {"code": code_de(device), "next": "https://ailleurs.example/"}
    )
    assert reponse["Location"] == "/"


def test_un_code_de_secours_ne_sert_qu_une_fois():
    user = UserFactory()
    appareil_totp(user)
    premier = Client()
    se_connecter(premier, user)
    from reussite.core.services.deux_facteurs import codes_secours_creer

    code = codes_secours_creer(user=user)[0]
    assert premier.post(VERIFICATION, {"code": code})["Location"] == "/"

    second = Client()
    se_connecter(second, user)
    reponse = second.post(VERIFICATION, {"code": code})
    assert reponse.status_code == 200
    assert "Location" not in reponse
    assert second.get("/").status_code == 302


def test_les_codes_faux_sont_freines_par_django_otp():
    user, client = UserFactory(), Client()
    device = appareil_totp(user)
    se_connecter(client, user)
    debut = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(debut, tick=False) as horloge:
        faux = f"{(int(code_de(device)) + 1) % 1_000_000:06d}"
        for _ in range(3):
            client.post(VERIFICATION, {"code": faux})
        # Three failures: the next try is refused for 2**2 seconds, even with the right code.
        reponse = client.post(VERIFICATION, {"code": code_de(device)})
        assert "Trop de codes incorrects" in reponse.content.decode()
        assert client.get("/").status_code == 302
        horloge.shift(dt.timedelta(seconds=5))
        assert client.post(VERIFICATION, {"code": code_de(device)})["Location"] == "/"
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_sans_second_facteur_aucune_url_du_projet_n_est_atteinte():
    """The sweep's every URL (ids of a pathway the user coordinates), GET and POST: an
    authenticated user whose session is not verified is sent to enrolment or verification, sees
    no child's data and changes nothing."""
    monde = construire_monde()
    coordinateur = monde.a.coordinateur
    sans_appareil = connecter(Client(), coordinateur, verifie=False)
    avant = empreinte()
    nom_enfant = monde.p.parcours.enfant.nom
    # The health probes are answered before any authentication (reussite.core.sante): they
    # reveal nothing and are tested in tests/core/test_exploitation.py.
    routes = [r for r in ROUTES if r.nom not in VUES_LIBRES | SONDES]
    assert len(routes) > 50
    for client, cible in ((sans_appareil, INSCRIPTION), (None, VERIFICATION)):
        if client is None:
            appareil_totp(coordinateur)
            client = connecter(Client(), coordinateur, verifie=False)
        for route in routes:
            url = url_de(route, ids_de(monde.p)) if route.identifiants else reverse(route.nom)
            for methode in METHODES:
                reponse = envoyer(client, methode, url, corps(route.nom, monde.p))
                assert reponse.status_code == 302, (route.nom, methode, reponse.status_code)
                assert reponse["Location"].startswith(f"{cible}?next="), (route.nom, methode)
                assert nom_enfant not in reponse.contenu.decode()
    assert empreinte() == avant
    # The same session, once verified, reaches the pathway.
    verifie = connecter(Client(), coordinateur)
    assert verifie.get(reverse("parcours:detail", args=[monde.p.parcours.pk])).status_code == 200


def test_l_administration_exige_le_second_facteur():
    admin = UserFactory(is_staff=True, is_superuser=True)
    non_verifie = connecter(Client(), admin, verifie=False)
    reponse = non_verifie.get("/admin/")
    assert reponse["Location"].startswith(INSCRIPTION)
    assert connecter(Client(), admin).get("/admin/").status_code == 200


def test_l_exemption_de_demo_laisse_passer_hors_production_et_la_production_la_refuse(settings):
    user = UserFactory()
    settings.REUSSITE_2FA_EXEMPTER_DEMO = True
    assert connecter(Client(), user, verifie=False).get("/").status_code == 200
    assert verifier_exemption_demo(None) == []
    settings.REUSSITE_PRODUCTION = True
    erreurs = verifier_exemption_demo(None)
    assert [e.id for e in erreurs] == ["reussite.E001"]
    assert erreurs[0].level == checks.ERROR
    settings.REUSSITE_2FA_EXEMPTER_DEMO = False
    assert verifier_exemption_demo(None) == []
