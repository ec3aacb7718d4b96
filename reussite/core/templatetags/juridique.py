"""The footer's accessibility mention, computed from the repository's RGAA self-audit."""

from django import template

from .. import rgaa

register = template.Library()


@register.simple_tag
def mention_accessibilite() -> str:
    return str(rgaa.resultat().mention)
