"""Brute-force protection (issue 9): failures are counted per account *and* address, so an
attacker cannot lock a whole office out; an administrator can unlock at once."""

import logging

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.urls import reverse

from tests.factories.core import UserFactory

pytestmark = pytest.mark.django_db

MOT_DE_PASSE = "un-mot-de-passe-solide-2026"


@pytest.fixture
def compte():
    user = UserFactory(email="agent@exemple.test")
    user.set_password(MOT_DE_PASSE)
    user.save()
    return user


def _essayer(client, email, mot_de_passe, ip="203.0.113.7"):
    return client.post(
        reverse("login"), {"username": email, "password": mot_de_passe}, REMOTE_ADDR=ip
    )


class _Memoire(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_cinq_echecs_bloquent_ce_compte_depuis_cette_adresse_seulement(client, compte):
    for _ in range(4):
        assert _essayer(client, compte.email, "mauvais").status_code == 200
    journal = _Memoire()
    logging.getLogger("axes").addHandler(journal)
    try:
        assert _essayer(client, compte.email, "mauvais").status_code == 429  # the fifth
    finally:
        logging.getLogger("axes").removeHandler(journal)
    bloque = _essayer(client, compte.email, MOT_DE_PASSE)

    assert bloque.status_code == 429
    assert "Connexion temporairement bloquée" in bloque.content.decode()
    assert "_auth_user_id" not in client.session
    assert any("Locking out" in message for message in journal.messages)  # lockouts are logged
    # The same account from another address, and another account from this one, still sign in.
    assert _essayer(client, compte.email, MOT_DE_PASSE, ip="198.51.100.2").status_code == 302
    client.logout()
    collegue = UserFactory(email="collegue@exemple.test")
    collegue.set_password(MOT_DE_PASSE)
    collegue.save()
    assert _essayer(client, collegue.email, MOT_DE_PASSE).status_code == 302


def test_un_administrateur_debloque_le_compte(client, compte):
    for _ in range(5):
        _essayer(client, compte.email, "mauvais")
    assert _essayer(client, compte.email, MOT_DE_PASSE).status_code == 429
    assert AccessAttempt.objects.filter(username=compte.email).exists()

    # What the Django admin's "supprimer" on the attempt, or `manage.py axes_reset_username`, does.
    reset(username=compte.email)

    assert _essayer(client, compte.email, MOT_DE_PASSE).status_code == 302
