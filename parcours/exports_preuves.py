"""The funder's evidence pack as files (issue 21): a PDF and an XLSX of the same figures.

Registered with the core's list exports as a document (`GenreExport.ecrire`): the pack page
posts to `exports:demander`, the worker builds the file for the requester (the access check is
replayed when it runs: `financeur_pour`), the request's page follows its steps and hands it
over to its requester only. There is no synchronous download: a national programme's year
is too much for a request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.http import Http404, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partenaires.access import Financeur, financeur_pour
from reussite.core.exports import GenreExport, ecrire_xlsx, enregistrer
from reussite.core.pdf import pdf_depuis_gabarit

from .selectors.preuves import MASQUE, CalculPreuves, DossierPreuves, dossier_preuves

GENRE = "preuves"


def parametres_preuves(financeur: Financeur, annee: int) -> str:
    """The query string a pack request records (replayed by the worker)."""
    q = QueryDict(mutable=True)
    q.update({"programme": financeur.programme.pk, "structure": financeur.structure.pk})
    q["annee"] = annee
    return q.urlencode()


@dataclass
class ConstructionPreuves:
    financeur: Financeur
    annee: int

    def compter(self) -> int:
        # The figures' sections, then the file itself.
        return CalculPreuves.ETAPES + 1


def construire_preuves(user, parametres: QueryDict) -> ConstructionPreuves:
    annee = parametres.get("annee", "")  # required: `financeur_pour` refuses no year
    financeur = financeur_pour(
        user=user,
        programme_pk=parametres.get("programme"),
        structure_pk=parametres.get("structure"),
        annee=annee,
    )
    return ConstructionPreuves(financeur, int(annee))


def _n(valeur):
    return MASQUE if valeur is None else valeur


def _lignes_tableau(lignes) -> list[list]:
    return [[ligne.libelle, *[_n(v) for v in ligne.valeurs], _n(ligne.total)] for ligne in lignes]


def feuilles(d: DossierPreuves) -> list[tuple[str, list[str], list[list]]]:
    f = d.financeur
    synthese = [
        [_("Financeur"), f.structure.nom],
        [_("Programme"), f.programme.nom],
        [_("Année"), d.annee],
        [_("Engagé (euros)"), d.engage_euros],
        [_("Consommé par les actions de la structure (euros)"), d.consomme_euros],
        [_("Solde (euros)"), d.solde_euros],
        [
            _("Consommé par toutes les actions des conventions (euros)"),
            d.consomme_conventions_euros,
        ],
        [_("Actions financées"), d.nombre_actions],
        [_("Enfants touchés"), _n(d.enfants)],
        [_("Domaines du financeur"), ", ".join(d.domaines) or _("Aucun")],
    ]
    if d.masque:
        synthese.append(
            [_("Secret statistique"), _("Les effectifs de 1 à 4 sont affichés « < 5 ».")]
        )
    return [
        (_("Synthèse"), [_("Rubrique"), _("Valeur")], synthese),
        (
            _("Conventions"),
            [
                _("Convention"),
                _("Période"),
                _("Engagé (euros)"),
                _("Consommé par la structure (euros)"),
                _("Consommé par la convention (euros)"),
                _("Heures réalisées par la structure"),
            ],
            [
                [
                    c.convention,
                    c.periode,
                    c.engage_euros,
                    c.consomme_partie,
                    c.consomme_convention,
                    c.heures_partie,
                ]
                for c in d.conventions
            ],
        ),
        (
            _("Engagements"),
            [_("Convention"), _("Nature"), _("Engagé"), _("Unité"), _("Consommé")],
            [
                [
                    e.convention,
                    e.nature,
                    e.engage,
                    e.unite,
                    e.consomme if e.consomme is not None else "",
                ]
                for e in d.engagements
            ],
        ),
        (
            _("Actions financées"),
            [
                _("Convention"),
                _("Action"),
                _("Réalisée par"),
                _("Nombre d’actions"),
                _("Enfants touchés"),
                _("Coût (euros)"),
                _("Volume horaire"),
            ],
            [
                [a.convention, a.action, a.structure, _n(a.nombre), _n(a.enfants), a.cout, a.heures]
                for a in d.actions
            ],
        ),
        (
            _("Résultats des objectifs"),
            [_("Domaine"), *d.statuts_objectifs, _("Total")],
            _lignes_tableau(d.resultats),
        ),
        (
            _("Sollicitations"),
            [_("Domaine"), *d.statuts_sollicitations, _("Total")],
            _lignes_tableau(d.sollicitations),
        ),
        (
            _("Besoins non couverts"),
            [_("Domaine"), *d.statuts_besoins, _("Total")],
            _lignes_tableau(d.besoins),
        ),
    ]


def ecrire_preuves(objet: ConstructionPreuves, format: str, sortie: IO[bytes], progression=None):
    if format not in ("pdf", "xlsx"):
        raise Http404
    d = dossier_preuves(objet.financeur, objet.annee, progression)
    if format == "xlsx":
        ecrire_xlsx(sortie, feuilles(d))
    else:
        sortie.write(pdf_depuis_gabarit("parcours/preuves/dossier_pdf.html", {"dossier": d}))
    if progression is not None:
        progression(objet.compter())


def enregistrer_preuves() -> None:
    enregistrer(
        GenreExport(
            cle=GENRE,
            libelle=gettext_lazy("Dossier de preuves d’un financeur"),
            nom_fichier="dossier-de-preuves",
            construire=construire_preuves,
            formats=("pdf", "xlsx"),
            ecrire=ecrire_preuves,
            unite="etapes",
        )
    )
