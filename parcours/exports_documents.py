"""A pathway's long PDFs as background documents (issue 18): a loaded pathway's fiche or
right-of-access file runs to twenty pages, several seconds of WeasyPrint layout under load, too
much for a request.

`fiche_pdf` and `droit_acces_pdf` serve the PDF directly while its HTML stays under
`PDF_SEUIL_ARRIERE_PLAN` characters (or, for the fiche, when the very same document is in the
PDF cache); above it, the page offers to build it in the background. Both are registered with
the core's list exports as documents (`GenreExport.ecrire`, like the funder's evidence pack):
the request is recorded for its requester after the same access check, the worker replays it
for them (`parcours_pour`, traced) and lays out the same template from the same selector, and
the request's page hands the file to its requester only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.http import Http404, QueryDict
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy

from reussite.core.exports import GenreExport, enregistrer
from reussite.core.models import Evenement
from reussite.core.pdf import pdf_depuis_html
from reussite.core.trace import tracer

from .access import Capacite, parcours_pour
from .models import Parcours
from .selectors import droit_acces_donnees, fiche_du_parcours, parcours_detail_queryset

GENRE = "fiche"
GABARIT = "parcours/exports/fiche.html"
GENRE_DROIT_ACCES = "droit_acces"
GABARIT_DROIT_ACCES = "parcours/protection/droit_acces_pdf.html"


def parametres_parcours(parcours: Parcours) -> str:
    """The query string a background request for one pathway's document records."""
    return f"parcours={parcours.pk}"


def _pk(parametres: QueryDict) -> int:
    pk = parametres.get("parcours", "")
    if not pk.isdigit():
        raise Http404
    return int(pk)


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
    return ConstructionFiche(fiche_pour(user, _pk(parametres)))


def ecrire_fiche(objet: ConstructionFiche, format: str, sortie: IO[bytes], progression=None):
    if format != "pdf":
        raise Http404
    sortie.write(pdf_depuis_html(html_fiche(objet.parcours)))
    if progression is not None:
        progression(objet.compter())


# --- Right of access -----------------------------------------------------------------------------


def droit_acces_pour(user, pk) -> Parcours:
    """The pathway whose right-of-access file `user` may export (its programme's coordination),
    traced; 404 otherwise."""
    return parcours_pour(
        user=user,
        pk=pk,
        capacite=Capacite.COORDINATION,
        queryset=Parcours.objects.select_related("enfant", "programme"),
    )


def html_droit_acces(parcours: Parcours, donnees: dict, *, request=None) -> str:
    return render_to_string(
        GABARIT_DROIT_ACCES, {"donnees": donnees, "parcours": parcours}, request=request
    )


@dataclass
class ConstructionDroitAcces:
    user: object
    parcours: Parcours

    def compter(self) -> int:
        return 1


def construire_droit_acces(user, parametres: QueryDict) -> ConstructionDroitAcces:
    return ConstructionDroitAcces(user, droit_acces_pour(user, _pk(parametres)))


def ecrire_droit_acces(
    objet: ConstructionDroitAcces, format: str, sortie: IO[bytes], progression=None
):
    if format != "pdf":
        raise Http404
    # The data as the worker reads it, then its own trail entry, as the direct export does.
    donnees = droit_acces_donnees(objet.parcours)
    tracer(user=objet.user, evenement=Evenement.DROIT_ACCES, autorise=True, objet=objet.parcours)
    sortie.write(pdf_depuis_html(html_droit_acces(objet.parcours, donnees)))
    if progression is not None:
        progression(objet.compter())


def enregistrer_documents() -> None:
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
    enregistrer(
        GenreExport(
            cle=GENRE_DROIT_ACCES,
            libelle=gettext_lazy("Droit d’accès"),
            nom_fichier="droit-acces",
            construire=construire_droit_acces,
            formats=("pdf",),
            ecrire=ecrire_droit_acces,
            unite="etapes",
        )
    )
