"""Charts drawn on the server as inline SVG: no script, no CDN, readable on a slide.

Every chart sits next to a table with the same figures (the accessible version); the SVG is
an image whose label says so. Masked counts (None) draw no bar and read « < 5 »."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

# DSFR palette: blue France, its 525 tint, and the illustrative « tournesol » for contrast.
BLEU = "#000091"
BLEU_CLAIR = "#6a6af4"
TOURNESOL = "#b7a73f"
TEXTE = "#161616"
GRILLE = "#dddddd"
MASQUE = "< 5"


def _nombre(valeur) -> str:
    if valeur is None:
        return MASQUE
    return f"{valeur:,}".replace(",", "\u202f")


def _echelle(maximum: int) -> int:
    """The top of a y axis cut in four equal integer steps, just above `maximum`."""
    puissance = 1
    while True:
        for facteur in (1, 2, 3, 4, 5, 6, 8):
            pas = facteur * puissance
            if 4 * pas >= maximum:
                return 4 * pas
        puissance *= 10


@register.simple_tag
def graphique_barres(serie, identifiant: str):
    """Horizontal bars, one per label: labels stay readable however long they are."""
    largeur_libelle, largeur_barres, hauteur_ligne = 250, 340, 30
    x0 = largeur_libelle + 10
    hauteur = hauteur_ligne * len(serie.libelles) + 10
    # No axis on horizontal bars: the longest bar takes the whole width.
    maximum = max(serie.maximum, 1)
    lignes = []
    for rang, (libelle, valeur) in enumerate(serie.lignes):
        y = 5 + rang * hauteur_ligne
        longueur = 0 if not valeur else max(2, round(largeur_barres * valeur / maximum))
        lignes.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="13" fill="{}">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" rx="2"></rect>'
                '<text x="{}" y="{}" font-size="13" font-weight="700" fill="{}">{}</text>',
                largeur_libelle,
                y + 19,
                TEXTE,
                libelle if len(libelle) <= 38 else libelle[:36] + "…",
                x0,
                y + 5,
                longueur,
                hauteur_ligne - 10,
                BLEU,
                x0 + longueur + 6,
                y + 19,
                TEXTE,
                _nombre(valeur),
            )
        )
    return format_html(
        '<svg class="reussite-graphique" id="{}" viewBox="0 0 {} {}" role="img" '
        'aria-label="{}" xmlns="http://www.w3.org/2000/svg" font-family="Marianne, arial, '
        'sans-serif"><line x1="{}" y1="0" x2="{}" y2="{}" stroke="{}"></line>{}</svg>',
        identifiant,
        largeur_libelle + largeur_barres + 60,
        hauteur,
        _("%(titre)s : graphique, les chiffres sont dans le tableau voisin")
        % {"titre": serie.titre},
        x0,
        x0,
        hauteur,
        TEXTE,
        mark_safe("".join(lignes)),  # noqa: S308 - each part built by format_html
    )


@register.simple_tag
def graphique_mensuel(mensuel, identifiant: str):
    """Entries and exits per month as paired columns, with a legend and a y axis."""
    libelles = mensuel["libelles"]
    entrees, sorties = mensuel["entrees"].valeurs, mensuel["sorties"].valeurs
    n = max(len(libelles), 1)
    gauche, haut, hauteur_zone = 40, 40, 200
    pas = max(36, min(60, 660 // n))
    largeur = gauche + pas * n + 10
    maximum = _echelle(max([v or 0 for v in entrees + sorties] + [0]))
    bas = haut + hauteur_zone
    parties = [
        format_html(
            '<rect x="{}" y="8" width="14" height="14" fill="{}"></rect>'
            '<text x="{}" y="20" font-size="13" fill="{}">{}</text>'
            '<rect x="{}" y="8" width="14" height="14" fill="{}"></rect>'
            '<text x="{}" y="20" font-size="13" fill="{}">{}</text>',
            gauche,
            BLEU,
            gauche + 20,
            TEXTE,
            _("Entrées"),
            gauche + 110,
            TOURNESOL,
            gauche + 130,
            TEXTE,
            _("Sorties"),
        )
    ]
    for graduation in range(5):
        valeur = maximum * graduation // 4
        y = bas - hauteur_zone * graduation / 4
        parties.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"></line>'
                '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="{}">{}</text>',
                gauche,
                y,
                largeur - 10,
                y,
                GRILLE,
                gauche - 6,
                y + 4,
                TEXTE,
                valeur,
            )
        )
    colonne = (pas - 12) // 2
    for rang, libelle in enumerate(libelles):
        x = gauche + rang * pas + 6
        for decalage, valeur, couleur in (
            (0, entrees[rang], BLEU),
            (colonne, sorties[rang], TOURNESOL),
        ):
            h = 0 if not valeur else max(2, round(hauteur_zone * valeur / maximum))
            parties.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>',
                    x + decalage,
                    bas - h,
                    colonne,
                    h,
                    couleur,
                )
            )
            if valeur is None:
                parties.append(
                    format_html(
                        '<text x="{}" y="{}" text-anchor="middle" font-size="9" fill="{}">{}</text>',
                        x + decalage + colonne / 2,
                        bas - 4,
                        TEXTE,
                        MASQUE,
                    )
                )
        parties.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="{}">{}</text>',
                x + colonne,
                bas + 18,
                TEXTE,
                libelle,
            )
        )
    parties.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"></line>',
            gauche,
            bas,
            largeur - 10,
            bas,
            TEXTE,
        )
    )
    return format_html(
        '<svg class="reussite-graphique" id="{}" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg" font-family="Marianne, arial, sans-serif">{}</svg>',
        identifiant,
        largeur,
        bas + 30,
        _("Entrées et sorties par mois : graphique, les chiffres sont dans le tableau voisin"),
        mark_safe("".join(parties)),  # noqa: S308 - each part built by format_html
    )


@register.simple_tag
def graphique_courbe(serie, identifiant: str):
    """A line with a dot per month: children in a pathway at the end of each month."""
    valeurs = serie.valeurs
    n = max(len(valeurs), 1)
    gauche, haut, hauteur_zone = 40, 15, 160
    pas = max(36, min(60, 660 // n))
    largeur = gauche + pas * n + 10
    maximum = _echelle(max([v or 0 for v in valeurs] + [0]))
    bas = haut + hauteur_zone
    parties = []
    for graduation in range(5):
        valeur = maximum * graduation // 4
        y = bas - hauteur_zone * graduation / 4
        parties.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"></line>'
                '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="{}">{}</text>',
                gauche,
                y,
                largeur - 10,
                y,
                GRILLE,
                gauche - 6,
                y + 4,
                TEXTE,
                valeur,
            )
        )
    points = []
    for rang, (libelle, valeur) in enumerate(serie.lignes):
        x = gauche + rang * pas + pas / 2
        parties.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="{}">{}</text>',
                x,
                bas + 18,
                TEXTE,
                libelle,
            )
        )
        if valeur is None:
            continue
        y = bas - hauteur_zone * valeur / maximum
        points.append(f"{x:.1f},{y:.1f}")
        parties.append(
            format_html(
                '<circle cx="{}" cy="{}" r="4" fill="{}"></circle>'
                '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="{}">{}</text>',
                x,
                f"{y:.1f}",
                BLEU,
                x,
                f"{y - 8:.1f}",
                TEXTE,
                _nombre(valeur),
            )
        )
    ligne = format_html(
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"></polyline>',
        " ".join(points),
        BLEU_CLAIR,
    )
    return format_html(
        '<svg class="reussite-graphique" id="{}" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg" font-family="Marianne, arial, sans-serif">{}{}{}</svg>',
        identifiant,
        largeur,
        bas + 30,
        _("%(titre)s : graphique, les chiffres sont dans le tableau voisin")
        % {"titre": serie.titre},
        ligne,
        mark_safe("".join(parties)),  # noqa: S308 - each part built by format_html
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"></line>',
            gauche,
            bas,
            largeur - 10,
            bas,
            TEXTE,
        ),
    )


@register.filter
def secret(valeur):
    """A count for a table cell: « < 5 » when masked."""
    return _nombre(valeur)
