"""Every page has unique `id` attributes (issue 15, point 19): a duplicate breaks the labels,
`aria-labelledby` and in-page links that point at it (RGAA 8.2). The statistics page carried
`id="titre-consentements"` twice.

The pages are those of the access sweep (tests/acces/test_acces_urls.py) that answer HTML to the
programme's coordinator, plus the network pages it leaves to other tests."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.acces.balayage import ROUTES, client_de, envoyer, ids_de, url_de
from tests.acces.monde import _convention, construire_monde

pytestmark = pytest.mark.django_db


class _Identifiants(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.ids.extend(valeur for nom, valeur in attrs if nom == "id" and valeur)


def doublons(html: str) -> set[str]:
    lecteur = _Identifiants()
    lecteur.feed(html)
    return {i for i in lecteur.ids if lecteur.ids.count(i) > 1}


def test_le_detecteur_voit_un_doublon():
    assert doublons('<h2 id="a"></h2><p id="b"></p><section><h2 id="a"></h2></section>') == {"a"}


def _pages(monde) -> list[str]:
    ids = ids_de(monde.p)
    urls = [
        url_de(route, ids)
        for route in ROUTES
        if route.nom and route.connexion_requise and not route.positionnels
        if set(route.identifiants) <= set(ids) or not route.identifiants
        if not route.nom.startswith(("oidc", "sante_", "logout", "deconnexion"))
    ]
    convention = _convention(monde.a.programme)
    urls += [
        reverse("partenaires:convention_liste"),
        reverse("partenaires:convention_detail", args=[convention.pk]),
        reverse("partenaires:annuaire"),
        reverse("partenaires:offres"),
        reverse("parcours:statistiques"),
    ]
    return urls


@pytest.mark.lent  # a whole-site crawl (8 s on the 2-core machine)
def test_chaque_page_a_des_identifiants_uniques():
    monde = construire_monde()
    client = client_de(monde.a.coordinateur)
    vues, fautes = 0, {}
    for url in _pages(monde):
        reponse = envoyer(client, "GET", url)
        if reponse.status_code != 200 or not reponse.get("Content-Type", "").startswith(
            "text/html"
        ):
            continue
        vues += 1
        trouves = doublons(reponse.contenu.decode())
        if trouves:
            fautes[url] = sorted(trouves)
    assert vues > 40  # the sweep reached the pages, not only error answers
    assert not fautes
