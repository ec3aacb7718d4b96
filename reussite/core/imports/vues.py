"""The pages of an import, the same for every import: the upload page (the columns, the
templates to download, the last imports), then the dry run's preview, where the import is
confirmed once, and which shows its progress and what it did.

Each app keeps its URLs, its access rule (who may import, 404 or 403 otherwise), its form and
its templates, which extend `core/imports/page.html` and `core/imports/apercu.html` for what
they say differently (titles, the summary's nouns, the table's columns).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from ..ecriture import ecrire, version_soumise
from ..forms import FormulaireDsfr
from .flux import FluxImport
from .formulaire import FormulaireImport

__all__ = ["PagesImport"]

# How many of the programmes' last imports the upload page lists.
DERNIERS = 10


@dataclass(frozen=True)
class PagesImport:
    flux: FluxImport
    # The app's URL names: `url` is the upload page; `url`_apercu, `url`_modele and
    # `url`_modele_xlsx its preview and templates.
    url: str
    gabarit_page: str
    gabarit_apercu: str
    # Tables inside the DSFR wrapper (they scroll sideways), as most of the site's; False keeps
    # plain tables whose cells wrap (the network's pages, whose errors list long choices).
    # Kept as each page was when the two imports were merged; unifying them is a design choice.
    tableaux_defilants: bool = True

    def _urls(self) -> dict[str, str]:
        return {
            "page": self.url,
            "apercu": f"{self.url}_apercu",
            "modele": f"{self.url}_modele",
            "modele_xlsx": f"{self.url}_modele_xlsx",
        }

    def page(
        self,
        request,
        *,
        formulaire: type[FormulaireImport],
        programmes,
        analyser: Callable[[dict[str, Any]], Any],
    ) -> HttpResponse:
        """Upload: `analyser(cleaned_data)` runs the dry run (a creation form: its one-time
        token makes a double submission analyse once), then the preview; the page again
        with the file's errors otherwise. `programmes`: those the user may import for."""
        poste = request.method == "POST"
        form = formulaire(
            request.POST if poste else None, request.FILES if poste else None, programmes=programmes
        )
        derniers = self.flux.modele.objects.filter(programme__in=programmes).select_related(
            "programme"
        )[:DERNIERS]
        return ecrire(
            request,
            form,
            lambda: analyser(form.cleaned_data),
            creation=True,
            succes=_("Fichier analysé : vérifiez l’aperçu, rien n’est encore importé."),
            suite=lambda imp: reverse(f"{self.url}_apercu", args=[imp.pk]),
            page=lambda: render(
                request,
                self.gabarit_page,
                {
                    "form": form,
                    "colonnes": self.flux.colonnes,
                    "derniers": derniers,
                    "urls": self._urls(),
                    "tableaux_defilants": self.tableaux_defilants,
                },
            ),
        )

    def apercu(self, request, imp) -> HttpResponse:
        """The dry run's preview and its confirmation (the version it was read at), then the
        progress and the result. `imp` was fetched through the app's access module."""
        form = FormulaireDsfr(request.POST if request.method == "POST" else None)

        def page():
            return render(
                request,
                self.gabarit_apercu,
                {
                    "imp": imp,
                    "form": form,
                    "compte": {
                        a: imp.compter(a) for a in ("creer", "modifier", "inchange", "rejet")
                    },
                    "progression": self.flux.progression(imp),
                    "en_arriere_plan": self.flux.en_arriere_plan(imp),
                    "urls": self._urls(),
                    "tableaux_defilants": self.tableaux_defilants,
                },
            )

        def succes(resultat):
            if resultat.statut == self.flux.statuts.TERMINE:
                return _("Import terminé : voici ce qui a été fait.")
            if resultat.statut == self.flux.statuts.ECHEC:
                return _("L’import a échoué : rien n’a été écrit.")
            return _("Import lancé : cette page montre sa progression.")

        return ecrire(
            request,
            form,
            lambda: self.flux.confirmer(imp=imp, version=version_soumise(request)),
            succes=succes,
            suite=reverse(f"{self.url}_apercu", args=[imp.pk]),
            page=page,
        )
