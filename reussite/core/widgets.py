"""Form widgets."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class ListeDeroulante(forms.Select):
    """A `<select>` whose options are written in Python.

    Django renders each option through two templates (the option and its attributes): on the
    pathway page, the list of a programme's professionals cost more than a database query.
    The markup is the same as Django's, groups and option attributes included.
    """

    template_name = "widgets/liste_deroulante.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        morceaux = []
        for groupe, options, _indice in context["widget"]["optgroups"]:
            html = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (option["value"], flatatt(option["attrs"]), option["label"])
                    for option in options
                ),
            )
            morceaux.append(
                format_html('<optgroup label="{}">{}</optgroup>', groupe, html) if groupe else html
            )
        context["widget"]["options_html"] = format_html_join("", "{}", ((m,) for m in morceaux))
        return context
