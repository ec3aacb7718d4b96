import pytest

from reussite.core.pdf import _lire_statique, pdf_depuis_gabarit, reponse_pdf


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
