from django import template

from ..noms import nom_complet as _nom_complet
from ..noms import nom_complet_texte

register = template.Library()


@register.filter
def nom_complet(personne, forme=""):
    """`{{ enfant|nom_complet }}`: « Prénom NOM » in running text (a child, a guardian, a user
    or a professional); `{{ enfant|nom_complet:"texte" }}` where no markup may go (a page
    title, an attribute)."""
    if forme == "texte":
        return nom_complet_texte(personne)
    return _nom_complet(personne)
