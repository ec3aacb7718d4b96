import re

import pytest
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


def test_les_choix_de_professionnels_sont_lus_sans_instances(db, django_assert_num_queries):
    """The professional choices read as the instances would (label, order, value), in one
    query, and a submitted choice is still validated against the programme's professionals."""
    from parcours.forms.base import ReferentChoiceField, _professionnels
    from tests.factories.core import ProgrammeFactory, UserFactory
    from tests.factories.partage import partenaire, professionnel

    programme = ProgrammeFactory()
    structure = partenaire(programme, nom="Maison des Lilas")
    for prenom, nom in (("Zoé", "Abel"), ("", "Sansprenom"), ("Ana", "Abel")):
        professionnel(structure, user=UserFactory(first_name=prenom, last_name=nom))
    ailleurs = professionnel(partenaire(ProgrammeFactory()))
    champ = ReferentChoiceField(queryset=_professionnels([programme]), empty_label="Choisir")
    instances = list(_professionnels([programme]))
    with django_assert_num_queries(1):
        choix = list(iter(champ.choices))  # as the widget reads them: list() would count first
    assert choix == [("", "Choisir")] + [(p.pk, champ.label_from_instance(p)) for p in instances]
    # « Prénom NOM » (issue 15, point 19): an option cannot carry markup, the capitals are text.
    assert [libelle for _pk, libelle in choix[1:]] == [
        "Ana ABEL – Maison des Lilas",
        "Zoé ABEL – Maison des Lilas",
        "SANSPRENOM – Maison des Lilas",
    ]
    assert champ.clean(str(instances[0].pk)) == instances[0]
    with pytest.raises(forms.ValidationError):
        champ.clean(str(ailleurs.pk))
