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


# --- Issue 15, point 5: one counter whatever the case of the address --------------------------


def test_cinq_echecs_en_casse_melangee_verrouillent_le_compte_sous_toutes_ses_casses(
    client, compte
):
    casses = [
        "Agent@exemple.test",
        "aGENT@exemple.test",
        " agent@EXEMPLE.test ",
        "AGENT@exemple.TEST",
    ]
    for email in casses:
        assert _essayer(client, email, "mauvais").status_code == 200
    assert _essayer(client, "agent@Exemple.Test", "mauvais").status_code == 429  # the fifth

    # One attempt row, on the normalised address: axes and the login agree on who is locked.
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [compte.email]
    for email in [*casses, compte.email, "AgEnT@ExEmPlE.tEsT"]:
        bloque = _essayer(client, email, MOT_DE_PASSE)
        assert bloque.status_code == 429, email
        assert "_auth_user_id" not in client.session, email


def test_la_connexion_reussie_en_majuscules_efface_les_echecs_en_minuscules(client, compte):
    for _ in range(4):
        _essayer(client, compte.email, "mauvais")
    assert _essayer(client, compte.email.upper(), MOT_DE_PASSE).status_code == 302
    client.logout()
    # The success reset the counter: four more failures do not lock.
    for _ in range(4):
        assert _essayer(client, compte.email, "mauvais").status_code == 200


# --- Issue 15, point 6: the lock key is the client's address behind the proxy ----------------

PROXY = "10.0.0.2"


def _par_le_proxy(client, email, mot_de_passe, *, transmis):
    """A request as the TLS proxy hands it on: REMOTE_ADDR is the proxy, and X-Forwarded-For
    ends with the address the proxy received the request from."""
    return client.post(
        reverse("login"),
        {"username": email, "password": mot_de_passe},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=transmis,
    )


def test_derriere_le_proxy_les_echecs_d_une_adresse_ne_bloquent_pas_une_autre(
    client, compte, settings
):
    settings.REUSSITE_PROXIES_DE_CONFIANCE = 1
    for _ in range(5):
        _par_le_proxy(client, compte.email, "mauvais", transmis="203.0.113.7")
    assert (
        _par_le_proxy(client, compte.email, MOT_DE_PASSE, transmis="203.0.113.7").status_code == 429
    )

    # The account's owner, elsewhere, behind the same proxy, still signs in.
    assert (
        _par_le_proxy(client, compte.email, MOT_DE_PASSE, transmis="198.51.100.2").status_code
        == 302
    )
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"


def test_un_x_forwarded_for_forge_au_dela_du_proxy_est_ignore(client, compte, settings):
    settings.REUSSITE_PROXIES_DE_CONFIANCE = 1
    # The attacker writes a new address in the header each time; the proxy appends the real one.
    for numero in range(5):
        _par_le_proxy(client, compte.email, "mauvais", transmis=f"192.0.2.{numero}, 203.0.113.7")
    assert (
        _par_le_proxy(client, compte.email, MOT_DE_PASSE, transmis="203.0.113.7").status_code == 429
    )
    # Nor can the attacker lock the owner out by claiming the owner's address.
    for _ in range(5):
        _par_le_proxy(client, compte.email, "mauvais", transmis="198.51.100.2, 203.0.113.7")
    assert (
        _par_le_proxy(client, compte.email, MOT_DE_PASSE, transmis="198.51.100.2").status_code
        == 302
    )


def test_sans_proxy_de_confiance_x_forwarded_for_ne_compte_pas(client, compte, settings):
    settings.REUSSITE_PROXIES_DE_CONFIANCE = 0
    for numero in range(5):
        client.post(
            reverse("login"),
            {"username": compte.email, "password": "mauvais"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{numero}",
        )
    assert _essayer(client, compte.email, MOT_DE_PASSE, ip="203.0.113.7").status_code == 429
