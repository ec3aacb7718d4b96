import pytest

from reussite.core.pdf import _lire_statique, pdf_depuis_gabarit, pdf_depuis_html, reponse_pdf


def test_un_gabarit_devient_un_pdf_telechargeable():
    contenu = pdf_depuis_gabarit("pdf/base.html", {})
    assert contenu.startswith(b"%PDF-")
    reponse = reponse_pdf(contenu, "Fiche de parcours")
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Content-Disposition"] == 'attachment; filename="fiche-de-parcours.pdf"'


@pytest.mark.parametrize(
    "url", ["https://exemple.test/x.css", "file:///etc/passwd", "reussite-static:/etc/passwd"]
)
def test_le_pdf_ne_lit_que_les_fichiers_statiques_du_projet(url):
    with pytest.raises(ValueError):
        _lire_statique(url)


@pytest.fixture
def mises_en_page(monkeypatch):
    """How many times WeasyPrint laid out a document (the real one runs: this only counts)."""
    from weasyprint import HTML

    appels = []
    original = HTML.write_pdf

    def compter(self, *args, **kwargs):
        appels.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(HTML, "write_pdf", compter)
    return appels


def _document(texte: str) -> str:
    return f"<!DOCTYPE html><html lang='fr'><body><p>{texte}</p></body></html>"


def test_le_meme_document_n_est_mis_en_page_qu_une_fois(mises_en_page):
    premier = pdf_depuis_html(_document("Bilan du trimestre"))
    encore = pdf_depuis_html(_document("Bilan du trimestre"))

    assert encore == premier
    assert len(mises_en_page) == 1
    # Any change to the HTML is another document, laid out again.
    autre = pdf_depuis_html(_document("Bilan du trimestre, corrigé"))
    assert autre != premier
    assert len(mises_en_page) == 2


def test_sans_cache_chaque_document_est_mis_en_page(settings, mises_en_page):
    settings.PDF_CACHE_SECONDES = 0
    pdf_depuis_html(_document("Bilan"))
    pdf_depuis_html(_document("Bilan"))
    assert len(mises_en_page) == 2


def test_une_panne_du_cache_n_empeche_pas_le_document(monkeypatch, mises_en_page):
    from django.core.cache import cache

    def panne(*args, **kwargs):
        raise ConnectionError("Redis indisponible")

    monkeypatch.setattr(cache, "get", panne)
    monkeypatch.setattr(cache, "set", panne)
    assert pdf_depuis_html(_document("Bilan")).startswith(b"%PDF-")
    assert len(mises_en_page) == 1
