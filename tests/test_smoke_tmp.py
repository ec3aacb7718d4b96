import pytest
from django.urls import reverse

from tests.conftest import connecter
from tests.factories.core import ProgrammeFactory, coordinateur
from tests.factories.parcours import ParcoursFactory

pytestmark = pytest.mark.django_db


def test_pages(client):
    programme = ProgrammeFactory()
    user = coordinateur(programme)
    p = ParcoursFactory(programme=programme)
    connecter(client, user)
    for url in [
        reverse("accueil"),
        reverse("parcours:liste"),
        reverse("parcours:creer"),
        reverse("parcours:detail", args=[p.pk]),
        reverse("parcours:modifier", args=[p.pk]),
        reverse("parcours:modifier_enfant", args=[p.pk]),
        reverse("parcours:modifier_famille", args=[p.pk]),
        reverse("parcours:sortir", args=[p.pk]),
        reverse("parcours:consentement", args=[p.pk]),
        reverse("parcours:liste") + "?q=a&statut=reperage&tranche_age=6-10&tri=-nom",
    ]:
        r = client.get(url)
        assert r.status_code == 200, url
        assert b"MISSING" not in r.content, (
            url,
            r.content.decode()[r.content.decode().index("MISSING") - 300 :][:400],
        )
    client.logout()
    r = client.get(reverse("login"))
    assert r.status_code == 200
