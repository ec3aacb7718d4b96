from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory

GABARIT = Template("{% load pagination %}{% pagination page %}")


def _rendu(url, numero, total=60):
    page = Paginator(range(total), 25).page(numero)
    return GABARIT.render(Context({"request": RequestFactory().get(url), "page": page}))


def test_la_pagination_garde_les_filtres_et_remplace_la_page():
    html = _rendu("/parcours/?statut=en_cours&q=L%C3%A9a&page=2", 2)
    assert "Page 2 sur 3" in html
    assert 'href="?statut=en_cours&amp;q=L%C3%A9a&amp;page=1"' in html
    assert 'href="?statut=en_cours&amp;q=L%C3%A9a&amp;page=3"' in html
    assert html.count("page=") == 2


def test_la_pagination_sans_filtre_ni_autre_page():
    html = _rendu("/notifications/", 1)
    assert 'href="?page=2"' in html and "Page précédente" not in html
    assert _rendu("/notifications/", 1, total=10).strip() == ""
