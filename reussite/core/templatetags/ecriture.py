"""The hidden fields of the write pattern (reussite/core/ecriture.py)."""

import uuid

from django import template
from django.utils.html import format_html

from ..ecriture import CHAMP_JETON, CHAMP_VERSION, jeton_soumis

register = template.Library()


@register.simple_tag(takes_context=True)
def champ_version(context, objet):
    """The version the edit form was read at. A re-rendered form (invalid input) keeps the
    version it was first read at, so that a save made meanwhile is still detected."""
    request = context["request"]
    valeur = request.POST.get(CHAMP_VERSION, "") if request.method == "POST" else objet.version
    return format_html('<input type="hidden" name="{}" value="{}">', CHAMP_VERSION, valeur)


@register.simple_tag(takes_context=True)
def champ_jeton(context, formulaire):
    """A creation form's one-time token. The form sent and re-rendered with its errors keeps
    the token it was sent with; the page's other forms (unbound) get fresh ones."""
    request = context["request"]
    jeton = jeton_soumis(request) if formulaire.is_bound else None
    return format_html(
        '<input type="hidden" name="{}" value="{}">', CHAMP_JETON, jeton or uuid.uuid4()
    )
