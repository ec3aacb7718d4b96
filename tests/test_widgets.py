import re

from django import forms

from reussite.core.widgets import ListeDeroulante

CHOIX = [
    ("", "Choisir"),
    (1, "Camille <Durand> – École & collège"),
    ("Groupe « A »", [(2, "Deux"), (3, "Trois")]),
]


def _html(widget, valeur):
    champ = forms.ChoiceField(choices=CHOIX, widget=widget)
    html = champ.widget.render(
        "professionnel", valeur, attrs={"id": "id_pro", "class": "fr-select"}
    )
    return re.sub(r">\s+<", "><", html.strip())


def test_la_liste_deroulante_ecrit_ce_qu_ecrit_django():
    """Same markup as Django's Select, escaping, groups, the selected option and attributes."""
    for valeur in ("", "1", "3", None):
        assert _html(ListeDeroulante, valeur) == _html(forms.Select, valeur), valeur
    html = _html(ListeDeroulante, "3")
    assert '<option value="3" selected>Trois</option>' in html
    assert "Camille &lt;Durand&gt; – École &amp; collège" in html
    assert '<optgroup label="Groupe « A »">' in html
