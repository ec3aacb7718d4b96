"""The client's address (issue 15, point 6): one function, reading X-Forwarded-For only through
the trusted proxies, used by the login lockout (tests/core/test_connexion_verrouillage.py), the access
trail and the list of sessions."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from reussite.core.adresses import adresse_client
from reussite.core.models import SessionUtilisateur, TraceAcces
from reussite.core.trace import ALIAS
from tests.conftest import connecter
from tests.factories.core import MOT_DE_PASSE, UserFactory
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import pre

PROXY = "10.0.0.2"


@pytest.mark.parametrize(
    ("proxies", "remote", "transmis", "attendu"),
    [
        # No trusted proxy: the header is the client's word, never believed.
        (0, "203.0.113.7", None, "203.0.113.7"),
        (0, "203.0.113.7", "192.0.2.1", "203.0.113.7"),
        # One proxy (the TLS proxy): the last entry is the address it received the request from.
        (1, PROXY, "203.0.113.7", "203.0.113.7"),
        (1, PROXY, "192.0.2.1, 198.51.100.9, 203.0.113.7", "203.0.113.7"),
        (1, PROXY, "unknown, 203.0.113.7", "203.0.113.7"),
        (1, PROXY, "10.1.2.3", "10.1.2.3"),  # a client on the intranet keeps its own address
        (1, PROXY, "2001:db8::7", "2001:db8::7"),
        # Not through the proxy (no header): the peer itself.
        (1, "203.0.113.7", None, "203.0.113.7"),
        # Two proxies (a load balancer, then the TLS proxy): the entry before the second one.
        (2, PROXY, "192.0.2.1, 203.0.113.7, 10.0.0.3", "203.0.113.7"),
        # A chain shorter than the proxies it should have crossed is not believed.
        (2, PROXY, "203.0.113.7", PROXY),
    ],
)
def test_adresse_client(settings, proxies, remote, transmis, attendu):
    settings.REUSSITE_PROXIES_DE_CONFIANCE = proxies
    entetes = {"HTTP_X_FORWARDED_FOR": transmis} if transmis is not None else {}
    requete = RequestFactory().get("/", REMOTE_ADDR=remote, **entetes)
    assert adresse_client(requete) == attendu


@pytest.mark.django_db
def test_le_journal_des_acces_note_l_adresse_du_client_et_non_celle_du_proxy(settings):
    settings.REUSSITE_PROXIES_DE_CONFIANCE = 1
    monde = pre()
    parcours = ParcoursFactory(programme=monde.programme)
    client = connecter(Client(), monde.coordinateur)

    reponse = client.get(
        reverse("parcours:detail", args=[parcours.pk]),
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="192.0.2.66, 203.0.113.7",
    )

    assert reponse.status_code == 200
    entree = TraceAcces.objects.using(ALIAS).filter(object_id=parcours.pk).latest("pk")
    assert entree.ip == "203.0.113.7"


@pytest.mark.django_db
def test_mes_sessions_notent_l_adresse_du_client(settings):
    settings.REUSSITE_PROXIES_DE_CONFIANCE = 1
    user = UserFactory()
    client = Client()
    reponse = client.post(
        reverse("login"),
        {"username": user.email, "password": MOT_DE_PASSE},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert reponse.status_code == 302
    assert SessionUtilisateur.objects.get(user=user).ip == "203.0.113.7"
