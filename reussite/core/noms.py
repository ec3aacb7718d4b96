"""How a person's name is written in running text: « Prénom NOM ».

One rule for children, guardians and users (through a professional too). The family name is
set in capitals by CSS (`.reussite-nom-famille`), not in the text: screen readers do not spell
it letter by letter, a search or a copy finds it as typed, and the page's text stays the
stored name. Where CSS cannot reach (a page title, an attribute, a select option, plain-text
mail), `nom_complet_texte` writes the capitals themselves."""

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString


def _parties(personne) -> tuple[str, str]:
    if isinstance(personne, dict):  # rows of an export (the right-of-access file)
        return personne.get("prenom") or "", personne.get("nom") or ""
    if hasattr(personne, "user") and not hasattr(personne, "first_name"):
        personne = personne.user  # a professional: their user's name
    if hasattr(personne, "first_name"):
        return personne.first_name or "", personne.last_name or ""
    return getattr(personne, "prenom", "") or "", getattr(personne, "nom", "") or ""


def nom_complet(personne) -> SafeString:
    """« Prénom&nbsp;<span class="reussite-nom-famille">Nom</span> », escaped."""
    if personne is None or personne == "":
        return SafeString("")
    if getattr(personne, "anonymise_le", None) is not None:
        return conditional_escape(str(personne))  # « Enfant anonymisé », not a fake name
    prenom, nom = _parties(personne)
    if not nom:
        return conditional_escape(prenom)
    if not prenom:
        return format_html('<span class="reussite-nom-famille">{}</span>', nom)
    # A no-break space: a plain one between a text and an element collapses inside a flex
    # container (the header's account button showed « ÉlisabethGÉRARD »).
    return format_html('{}\u00a0<span class="reussite-nom-famille">{}</span>', prenom, nom)


def nom_complet_texte(personne) -> str:
    """« Prénom NOM » as plain text, for where no markup may go."""
    if personne is None or personne == "":
        return ""
    if getattr(personne, "anonymise_le", None) is not None:
        return str(personne)
    prenom, nom = _parties(personne)
    return f"{prenom} {nom.upper()}".strip()
