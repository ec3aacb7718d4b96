from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..models import Statut

register = template.Library()

_BADGES = {
    Statut.REPERAGE: "new",
    Statut.EN_ATTENTE_CONSENTEMENT: "warning",
    Statut.DIAGNOSTIC: "info",
    Statut.EN_COURS: "success",
    Statut.SUSPENDU: "warning",
    Statut.SORTI: "",
}


@register.simple_tag
def badge_statut(parcours):
    """A DSFR badge for a pathway's status (colour plus text, never colour alone).

    The label comes from the enum, not from `get_statut_display()`: Django's display method
    hashes every choice's label, so translates all six, on each call (about 0.2 ms, 25 times
    per page of the pathway list; issue 18, point 3)."""
    return badge_pour_statut(parcours.statut, Statut(parcours.statut).label)


@register.filter
def libelle(objet, champ: str):
    """`{{ enfant|libelle:"niveau_scolaire" }}`: what `get_niveau_scolaire_display` gives,
    without its cost. Django's display method builds a dict of every choice, hashing, so
    translating, each label on each call (0.1 to 0.6 ms a field; issue 18, point 3); this walks
    the choices and translates only the one it returns."""
    champ_modele = objet._meta.get_field(champ)
    valeur = getattr(objet, champ_modele.attname)
    for cle, texte in champ_modele.flatchoices:
        if cle == valeur:
            return texte
    return valeur


@register.simple_tag
def badge_pour_statut(statut, libelle):
    modificateur = _BADGES.get(statut, "")
    classes = "fr-badge fr-badge--sm" + (f" fr-badge--{modificateur}" if modificateur else "")
    return format_html('<span class="{}">{}</span>', classes, libelle)


@register.simple_tag
def revue(parcours, phrase=False):
    """The next review of a pathway: its date (« Revue prévue le … » with `phrase`), or — once
    the date has passed on an open pathway — a DSFR tag saying since when it is late (never
    « prévue le » a past date)."""
    prevue = parcours.date_prochaine_revue
    if prevue is None:
        return _("Revue prévue le %(date)s") % {"date": "—"} if phrase else "—"
    if parcours.est_ouvert and prevue < timezone.localdate():
        return format_html(
            '<span class="fr-tag fr-tag--sm fr-icon-warning-line fr-tag--icon-left '
            'reussite-revue-en-retard">{}</span>',
            _("Revue en retard depuis le %(date)s") % {"date": date_format(prevue, "d/m/Y")},
        )
    if phrase:
        return _("Revue prévue le %(date)s") % {"date": date_format(prevue, "d/m/Y")}
    return date_format(prevue, "d/m/Y")
