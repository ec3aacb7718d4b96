from django import template
from django.utils.html import format_html

register = template.Library()

_BADGES = {
    "reperage": "new",
    "attente_consentement": "warning",
    "diagnostic": "info",
    "en_cours": "success",
    "suspendu": "warning",
    "sorti": "",
}


@register.simple_tag
def badge_statut(parcours):
    """A DSFR badge for a pathway's status (colour plus text, never colour alone)."""
    return badge_pour_statut(parcours.statut, parcours.get_statut_display())


@register.simple_tag
def badge_pour_statut(statut, libelle):
    modificateur = _BADGES.get(statut, "")
    classes = "fr-badge fr-badge--sm" + (f" fr-badge--{modificateur}" if modificateur else "")
    return format_html('<span class="{}">{}</span>', classes, libelle)
