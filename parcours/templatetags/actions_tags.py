"""Badges of objectives and actions: colour plus text, never colour alone."""

from django import template
from django.utils.html import format_html

register = template.Library()

_OBJECTIFS = {"ouvert": "info", "atteint": "success", "partiel": "new", "abandonne": ""}
_ACTIONS = {"prevue": "info", "en_cours": "new", "realisee": "success", "abandonnee": ""}


def _badge(modificateur: str, libelle: str):
    classes = "fr-badge fr-badge--sm" + (f" fr-badge--{modificateur}" if modificateur else "")
    return format_html('<span class="{}">{}</span>', classes, libelle)


@register.simple_tag
def badge_objectif(objectif):
    return _badge(_OBJECTIFS.get(objectif.statut, ""), objectif.get_statut_display())


@register.simple_tag
def badge_action(action):
    return _badge(_ACTIONS.get(action.statut, ""), action.get_statut_display())
