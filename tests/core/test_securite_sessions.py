"""Sessions: fixation, logout replay, deactivation, absolute and inactivity timeouts (controlled
clock), the renewal at most once a minute (issue 18), the user's list of sessions, the keep-alive of
the expiry warning."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from reussite.core.models import SessionUtilisateur
from tests.conftest import appareil_totp, connecter
from tests.factories.core import MOT_DE_PASSE, UserFactory

pytestmark = pytest.mark.django_db

DEBUT = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
CONNEXION = reverse("login")


def est_connecte(client: Client) -> bool:
    reponse = client.get("/notifications/")
    return reponse.status_code == 200


def test_la_connexion_change_la_cle_de_session():
    user, client = UserFactory(), Client()
    session = client.session
    session["avant"] = "connexion"
    session.save()
    avant = session.session_key
    client.post(CONNEXION, {"username": user.email, "password": MOT_DE_PASSE})
    apres = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert apres != avant
    assert not Session.objects.filter(session_key=avant).exists()
    assert SessionUtilisateur.objects.filter(user=user, session_key=apres).exists()


def test_rejouer_le_cookie_apres_la_deconnexion_echoue():
    user = UserFactory()
    client = connecter(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert est_connecte(client)
    client.post(reverse("logout"))
    rejeu = Client()
    rejeu.cookies[settings.SESSION_COOKIE_NAME] = cookie
    reponse = rejeu.get("/notifications/")
    assert reponse.status_code == 302 and reponse["Location"].startswith(CONNEXION)
    assert not Session.objects.filter(session_key=cookie).exists()
    assert not SessionUtilisateur.objects.filter(session_key=cookie).exists()


def test_desactiver_un_compte_termine_toutes_ses_sessions():
    user, autre = UserFactory(), UserFactory()
    bureau, telephone, tiers = (
        connecter(Client(), user),
        connecter(Client(), user),
        connecter(Client(), autre),
    )
    assert est_connecte(bureau) and est_connecte(telephone)
    user.is_active = False
    user.save()
    assert not est_connecte(bureau)
    assert not est_connecte(telephone)
    assert est_connecte(tiers)
    assert not SessionUtilisateur.objects.filter(user=user).exists()


def test_supprimer_l_appareil_totp_termine_les_sessions():
    user = UserFactory()
    client = connecter(Client(), user)
    appareil_totp(user).delete()
    assert not est_connecte(client)


def test_duree_absolue_meme_avec_de_l_activite(settings):
    assert settings.REUSSITE_SESSION_DUREE_MAX == 12 * 3600
    settings.REUSSITE_SESSION_DUREE_MAX = 3600
    user = UserFactory()
    with time_machine.travel(DEBUT, tick=False) as horloge:
        client = connecter(Client(), user)
        for _ in range(3):
            horloge.shift(dt.timedelta(minutes=20))
            assert est_connecte(client)
        horloge.shift(dt.timedelta(minutes=5))
        reponse = client.get("/notifications/")
        assert reponse.status_code == 302 and reponse["Location"] == CONNEXION
        assert "Votre session a expiré" in client.get(CONNEXION).content.decode()
        assert not est_connecte(client)


def test_inactivite_de_trente_minutes_deconnecte():
    user = UserFactory()
    with time_machine.travel(DEBUT, tick=False) as horloge:
        client = connecter(Client(), user)
        horloge.shift(dt.timedelta(minutes=29))
        assert est_connecte(client)
        horloge.shift(dt.timedelta(minutes=31))
        assert not est_connecte(client)


def test_le_maintien_renouvelle_la_session_et_la_page_porte_l_alerte():
    user = UserFactory()
    with time_machine.travel(DEBUT, tick=False) as horloge:
        client = connecter(Client(), user)
        page = client.get("/notifications/").content.decode()
        assert 'id="session-expiration"' in page and 'data-duree="1800"' in page
        assert "Votre session va expirer" in page
        assert "/static/js/session.js" in page
        for _ in range(3):
            horloge.shift(dt.timedelta(minutes=25))
            reponse = client.get(reverse("securite:session_maintenir"))
            assert reponse.json() == {"expire_dans": 1800}
        assert est_connecte(client)


def test_mes_sessions_liste_et_termine_les_autres():
    user, autre = UserFactory(), UserFactory()
    ici = connecter(Client(), user)
    ailleurs = connecter(Client(HTTP_USER_AGENT="Navigateur de test/1.0"), user)
    ailleurs.get("/notifications/")
    etranger = connecter(Client(), autre)
    page = ici.get(reverse("securite:mes_sessions")).content.decode()
    assert "Cette session" in page and "Navigateur" in page
    assert page.count('name="session"') == 1

    ligne_autre = SessionUtilisateur.objects.get(user=autre)
    reponse = ici.post(reverse("securite:session_terminer"), {"session": ligne_autre.pk})
    assert reponse.status_code == 404
    assert est_connecte(etranger)

    ligne = SessionUtilisateur.objects.get(user=user, session_key=ailleurs.session.session_key)
    reponse = ici.post(reverse("securite:session_terminer"), {"session": ligne.pk})
    assert reponse["Location"] == reverse("securite:mes_sessions")
    assert not est_connecte(ailleurs)
    assert est_connecte(ici)


def _ecritures_de_session(requetes) -> int:
    return sum(
        1
        for q in requetes
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


def _page(client: Client, requetes):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as capture:
        reponse = client.get("/notifications/")
    requetes[:] = capture.captured_queries
    assert reponse.status_code == 200
    return reponse


def test_la_session_n_est_ecrite_qu_une_fois_par_minute_et_l_alerte_compte_depuis():
    """Issue 18, point 3: no session write on every request (three queries per page); the
    expiry warning counts from the last renewal, in the page and in the htmx header."""
    user = UserFactory()
    requetes = []
    with time_machine.travel(DEBUT, tick=False) as horloge:
        client = connecter(Client(), user)
        horloge.shift(dt.timedelta(seconds=30))
        reponse = _page(client, requetes)
        assert _ecritures_de_session(requetes) == 0
        # Renewed at login, 30 s ago: the warning counts the 30 s already gone.
        assert 'data-duree="1770"' in reponse.content.decode()
        assert reponse["X-Session-Expire-Dans"] == "1770"
        horloge.shift(dt.timedelta(seconds=29))
        reponse = _page(client, requetes)
        assert _ecritures_de_session(requetes) == 0
        assert reponse["X-Session-Expire-Dans"] == "1741"
        horloge.shift(dt.timedelta(seconds=1))
        reponse = _page(client, requetes)
        assert _ecritures_de_session(requetes) == 1
        assert 'data-duree="1800"' in reponse.content.decode()
        assert reponse["X-Session-Expire-Dans"] == "1800"
        # The row's expiry moved with the renewal, not with the requests in between.
        session = Session.objects.get(
            session_key=client.cookies[settings.SESSION_COOKIE_NAME].value
        )
        assert session.expire_date == DEBUT + dt.timedelta(seconds=60 + 1800)


@pytest.mark.lent  # 240 requests over two simulated hours
def test_active_toutes_les_30_secondes_pendant_deux_heures_reste_connectee():
    user = UserFactory()
    requetes = []
    ecritures = 0
    with time_machine.travel(DEBUT, tick=False) as horloge:
        client = connecter(Client(), user)
        for _ in range(4 * 60):
            horloge.shift(dt.timedelta(seconds=30))
            _page(client, requetes)
            ecritures += _ecritures_de_session(requetes)
        assert ecritures == 2 * 60
        # Then idle: still signed in just before the timeout (counted from the last renewal,
        # 30 s before the last request at most), signed out after it.
        horloge.shift(dt.timedelta(minutes=29))
        assert est_connecte(client)
        horloge.shift(dt.timedelta(minutes=30, seconds=1))
        assert not est_connecte(client)


def test_inactif_plus_longtemps_que_le_delai_apres_une_activite_est_deconnecte():
    user = UserFactory()
    with time_machine.travel(DEBUT, tick=False) as horloge:
        client = connecter(Client(), user)
        horloge.shift(dt.timedelta(seconds=50))
        assert est_connecte(client)  # not renewed: 50 s after the login
        # The timeout counts from the renewal (the login), so at most one minute early.
        horloge.shift(dt.timedelta(minutes=29, seconds=11))
        assert not est_connecte(client)


def test_rester_connecte_renouvelle_meme_dans_la_minute():
    user = UserFactory()
    with time_machine.travel(DEBUT, tick=False) as horloge:
        client = connecter(Client(), user)
        horloge.shift(dt.timedelta(minutes=29, seconds=30))
        assert est_connecte(client)  # renewed: more than a minute since the login
        horloge.shift(dt.timedelta(seconds=20))
        reponse = client.get(reverse("securite:session_maintenir"))
        assert reponse.json() == {"expire_dans": 1800}
        assert reponse["X-Session-Expire-Dans"] == "1800"
        horloge.shift(dt.timedelta(minutes=29, seconds=50))
        assert est_connecte(client)
