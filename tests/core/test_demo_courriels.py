"""The demo's outgoing mail page (`make run`): enabled by REUSSITE_DEMO_COURRIELS only, for
staff accounts only, showing what Django's file backend wrote."""

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.urls import reverse

from tests.conftest import connecter
from tests.factories.partage import pre

pytestmark = pytest.mark.django_db


@pytest.fixture
def boite(settings, tmp_path):
    settings.REUSSITE_DEMO_COURRIELS = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "courriels"
    with mail.get_connection() as connexion:
        for i in range(2):
            EmailMessage(
                subject=f"[Réussite] Rappel {i}",
                body=f"Corps du rappel {i}",
                to=[f"destinataire{i}@exemple.test"],
                headers={"Message-ID": f"<rappel-{i}@reussite>"},
                connection=connexion,
            ).send()
    return settings


def _personnel(equipe):
    user = equipe.coordinateur
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def test_le_personnel_lit_les_courriels_ecrits_par_la_demo(client, boite):
    equipe = pre(nom="PRE Démo")
    connecter(client, _personnel(equipe))
    page = client.get(reverse("demo:courriels")).content.decode()
    for i in range(2):
        assert f"[Réussite] Rappel {i}" in page
        assert f"destinataire{i}@exemple.test" in page
        assert f"Corps du rappel {i}" in page
        assert f"&lt;rappel-{i}@reussite&gt;" in page


def test_sans_le_reglage_de_demo_la_page_n_existe_pas(client, boite):
    boite.REUSSITE_DEMO_COURRIELS = False
    equipe = pre(nom="PRE Démo")
    connecter(client, _personnel(equipe))
    assert client.get(reverse("demo:courriels")).status_code == 404


def test_qui_n_est_pas_du_personnel_recoit_404_et_l_anonyme_la_connexion(client, boite):
    equipe = pre(nom="PRE Démo")
    connecter(client, equipe.coordinateur)
    assert client.get(reverse("demo:courriels")).status_code == 404
    client.logout()
    reponse = client.get(reverse("demo:courriels"))
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("login"))


def test_la_production_refuse_le_reglage_de_demo(settings):
    from reussite.core.checks import verifier_courriels_demo

    settings.REUSSITE_DEMO_COURRIELS = True
    assert verifier_courriels_demo(None) == []
    settings.REUSSITE_PRODUCTION = True
    assert [e.id for e in verifier_courriels_demo(None)] == ["reussite.E011"]
