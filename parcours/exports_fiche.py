"""The pathway's printable fiche as a background document (issue 18): a loaded pathway's fiche
runs to twenty pages, several seconds of WeasyPrint layout under load, too much for a request.

`parcours.views.exports.fiche_pdf` serves the PDF directly while its HTML stays under
`PDF_SEUIL_ARRIERE_PLAN` characters (or when the very same document is in the PDF cache);
above it, the page offers to build it in the background. The fiche is then registered with
the core's list exports as a document (`GenreExport.ecrire`, like the funder's evidence pack):
the request is recorded for its requester, the worker replays the access check for them
(`parcours_pour`, capability `EQUIPE`, traced) and lays out the same template with the same
context, and the request's page hands the file to its requester only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.http import Http404, QueryDict
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy

from reussite.core.exports import GenreExport, enregistrer
from reussite.core.pdf import pdf_depuis_html

from .access import Capacite, parcours_pour
from .models import Parcours
from .selectors import fiche_du_parcours, parcours_detail_queryset

GENRE = "fiche"
GABARIT = "parcours/exports/fiche.html"


def fiche_pour(user, pk) -> Parcours:
    """The pathway whose fiche `user` may read (its team), traced; 404 otherwise."""
    return parcours_pour(
        user=user, pk=pk, capacite=Capacite.EQUIPE, queryset=parcours_detail_queryset()
    )


def html_fiche(parcours: Parcours, *, request=None) -> str:
    """The HTML the fiche's PDF is laid out from, as `parcours.droits` may see it."""
    contexte = {
        "parcours": parcours,
        "enfant": parcours.enfant,
        **fiche_du_parcours(parcours, parcours.droits),
    }
    return render_to_string(GABARIT, contexte, request=request)


@dataclass
class ConstructionFiche:
    parcours: Parcours

    def compter(self) -> int:
        return 1


def construire_fiche(user, parametres: QueryDict) -> ConstructionFiche:
    pk = parametres.get("parcours", "")
    if not pk.isdigit():
        raise Http404
    return ConstructionFiche(fiche_pour(user, int(pk)))


def ecrire_fiche(objet: ConstructionFiche, format: str, sortie: IO[bytes], progression=None):
    if format != "pdf":
        raise Http404
    sortie.write(pdf_depuis_html(html_fiche(objet.parcours)))
    if progression is not None:
        progression(objet.compter())


def enregistrer_fiche() -> None:
    enregistrer(
        GenreExport(
            cle=GENRE,
            libelle=gettext_lazy("Fiche du parcours"),
            nom_fichier="fiche-parcours",
            construire=construire_fiche,
            formats=("pdf",),
            ecrire=ecrire_fiche,
            unite="etapes",
        )
    )
