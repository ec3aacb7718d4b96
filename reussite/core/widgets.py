"""Form widgets."""

import html

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


def _echappe(valeur) -> str:
    """`conditional_escape`, without its lazy-argument wrapper and SafeString for each call:
    the same text (Django's `escape` is `html.escape`), at a fraction of the cost for the
    thousands of options of a programme's pathways (issue 18)."""
    if hasattr(valeur, "__html__"):
        return str(valeur.__html__())
    return html.escape(str(valeur))


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
            html_options = "".join(
                f'<option value="{_echappe(option["value"])}"'
                f"{flatatt(option['attrs']) if option['attrs'] else ''}>"
                f"{_echappe(option['label'])}</option>"
                for option in options
            )
            morceaux.append(
                f'<optgroup label="{_echappe(groupe)}">{html_options}</optgroup>'
                if groupe
                else html_options
            )
        # Every piece above is escaped.
        context["widget"]["options_html"] = mark_safe("".join(morceaux))  # noqa: S308
        return context
