"""Badges of objectives and actions: colour plus text, never colour alone."""

from django import template
from django.utils.html import format_html

from ..models import StatutAction, StatutObjectif

register = template.Library()

_OBJECTIFS = {
    StatutObjectif.OUVERT: "info",
    StatutObjectif.ATTEINT: "success",
    StatutObjectif.PARTIELLEMENT_ATTEINT: "new",
    StatutObjectif.ABANDONNE: "",
}
_ACTIONS = {
    StatutAction.PREVUE: "info",
    StatutAction.EN_COURS: "new",
    StatutAction.REALISEE: "success",
    StatutAction.ABANDONNEE: "",
}


def _badge(modificateur: str, libelle: str):
    classes = "fr-badge fr-badge--sm" + (f" fr-badge--{modificateur}" if modificateur else "")
    return format_html('<span class="{}">{}</span>', classes, libelle)


@register.simple_tag
def badge_objectif(objectif):
    return _badge(_OBJECTIFS.get(objectif.statut, ""), objectif.get_statut_display())


@register.simple_tag
def badge_action(action):
    return _badge(_ACTIONS.get(action.statut, ""), action.get_statut_display())
