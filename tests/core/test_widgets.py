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


def test_les_cases_a_cocher_ecrivent_ce_qu_ecrit_le_gabarit_de_chaque_option():
    """The DSFR checkbox list (templates/dsfr/form_field_snippets/…) writes its options in
    Python (issue 18): the same markup as each option's own template, escaped the same way,
    with the checked options and the widget's attributes."""
    from django.template.loader import render_to_string
    from django.test.html import parse_html

    from reussite.core.forms import FormulaireDsfr

    class Formulaire(FormulaireDsfr):
        invites = forms.MultipleChoiceField(
            choices=[(1, "Camille <Durand> – École & collège"), (2, "Deux"), (3, "Trois")],
            widget=forms.CheckboxSelectMultiple(attrs={"data-x": "y"}),
            required=False,
        )

    champ = Formulaire(initial={"invites": [1, 3]})["invites"]
    html = render_to_string(
        "dsfr/form_field_snippets/checkboxselectmultiple_snippet.html", {"field": champ}
    )
    attendu = "".join(
        f'<div class="fr-fieldset__element">{option}</div>' for option in champ.subwidgets
    )
    debut = html.index('<div class="fr-fieldset__element">')
    fin = html.rindex("</div>") + len("</div>")
    assert parse_html(html[debut:fin]) == parse_html(attendu)
    assert html.count(" checked") == 2
    assert "Camille &lt;Durand&gt; – École &amp; collège" in html
    assert html.count('data-x="y"') == 3
