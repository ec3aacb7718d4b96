"""The RGAA self-audit of the 20 pages of the sample (issue 19), run in Chromium on the live
application: every page of `reussite.core.rgaa.ECHANTILLON`, reached as the user who uses it,
is checked for what a browser can check —

- axe-core (contrasts, ARIA, names, language): no serious or critical violation;
- 8.5/8.6: a <title> that names the page, then the site; no two pages of the sample share one;
- 8.3 and 9.1: the page's language, one h1;
- 11.1: every form field has a label; 11.10: each error message is named by its field's
  aria-describedby and the field is aria-invalid (forms submitted empty);
- 12.8 and 10.7: the page is walked with Tab from the top: the first stop is the skip link,
  no positive tabindex, every stop visible and showing its focus (the order is recorded);
- 10.4 and 10.11: at 640 px (a 1280 px window zoomed to 200 %) and at 320 px, nothing scrolls
  sideways (screenshots of both are kept);
- 1.1: every image has a text alternative (recorded, for the relevance a human judges).

What each page gave is written to test-results/audit-rgaa/resultats.json: the focus orders
and the images are what the manual part of the audit (docs/accessibilite/audit-rgaa.md) reads.
The test fails on any problem not listed in the audit's recorded non-conformities.
"""

import json
import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from reussite.core import rgaa
from reussite.core.models import Rappel
from tests.factories import actions as fabrique_actions
from tests.factories.core import cadre_juridique
from tests.factories.monde import construire_monde

from .pages_audit import PageAuditee

# The h1 each page of the sample must show (the child's page shows the child's name), and,
# for a form, the button that submits it (the form is then submitted empty).
ATTENDUS = {
    "/connexion/": ("Se connecter à Réussite", "Se connecter"),
    "/": ("Tableau de bord", None),
    "/parcours/": ("Parcours", None),
    "/parcours/mes-suivis/": ("Mes suivis", None),
    "/parcours/<n>/": ("Inès Marchand", None),
    "/parcours/nouveau/": ("Nouvel enfant et son parcours", re.compile("^Créer")),
    "/parcours/<n>/enfant/": ("Modifier la fiche de l’enfant", "Enregistrer"),
    "/parcours/<n>/famille/": ("Modifier la famille", "Enregistrer"),
    "/parcours/<n>/consentement/": (
        "Enregistrer le consentement de la famille",
        "Enregistrer le consentement",
    ),
    "/parcours/<n>/consentement/formulaire/": (
        "Consentement de la famille au parcours de réussite éducative",
        None,
    ),
    "/parcours/<n>/notes/nouvelle/": ("Écrire une note", re.compile("^Enregistrer")),
    "/parcours/<n>/actions/ajouter/": ("Ajouter une action", re.compile("^Enregistrer")),
    "/parcours/eps/": ("Réunions EPS", None),
    "/parcours/a-risque/": ("Parcours à risque", None),
    "/partenaires/": ("Annuaire des partenaires", None),
    "/partenaires/offres/": ("Catalogue des offres", None),
    "/parcours/statistiques/": ("Statistiques", None),
    "/notifications/": ("Rappels", None),
    "/donnees-personnelles/": ("Données personnelles", None),
    "/accessibilite/": ("Déclaration d’accessibilité", None),
}
PUBLIQUES = {"/connexion/", "/donnees-personnelles/", "/accessibilite/"}
SITE = "Réussite"


@pytest.fixture
def monde(serveur):
    m = construire_monde(
        nom="PRE de Villeneuve",
        structure={"nom": "Association Lire Ensemble"},
        avec_referent=False,
        intervenants=(),
        membres=({},),
        enfant={
            "prenom": "Inès",
            "nom": "Marchand",
            "date_naissance": date.today() - timedelta(days=365 * 9),
        },
        date_prochaine_revue=date.today() - timedelta(days=3),
    )
    a, parcours = m.pre, m.parcours
    cadre_juridique(a.programme)
    fabrique_actions.offre(m.structure, a.programme, intitule="Club lecture du mercredi")
    Rappel.objects.create(
        genre="revue_depassee",
        content_type_id=_type_parcours(),
        object_id=parcours.pk,
        destinataire=a.coordinateur,
        programme_id=a.programme.pk,
        echeance=timezone.localdate(),
    )
    return a, parcours


def _type_parcours() -> int:
    from django.contrib.contenttypes.models import ContentType

    from parcours.models import Parcours

    return ContentType.objects.get_for_model(Parcours).pk


def _dossier(pytestconfig) -> Path:
    dossier = Path(
        os.environ.get("E2E_AUDIT_DIR", pytestconfig.rootpath / "test-results" / "audit-rgaa")
    )
    dossier.mkdir(parents=True, exist_ok=True)
    return dossier


def _auditer(auditee: PageAuditee, bouton) -> dict:
    titre = auditee.titre_document()
    ordre, clavier = auditee.parcourir_au_clavier()
    resultat = {
        "titre": titre,
        "h1": auditee.page.locator("h1").first.inner_text().strip(),
        "problemes": {
            "8.3": [] if auditee.langue() == "fr" else [f"langue « {auditee.langue()} »"],
            "8.5": [] if titre.strip() else ["page sans titre"],
            "8.6": []
            if re.search(rf"\S.* [-—|] {SITE}$", titre) and "sans titre" not in titre.lower()
            else [f"titre « {titre} » : il doit nommer la page, puis le site"],
            "9.1": [] if auditee.nombre_h1() == 1 else [f"{auditee.nombre_h1()} titres h1"],
            "11.1": auditee.champs_sans_etiquette(),
            "12.8": auditee.tabindex_positifs(),
            "10.7": clavier,
            "10.4": auditee.debordement(640, 450, f"{auditee.etape} zoom 200 %"),
            "10.11": auditee.debordement(320, 568, f"{auditee.etape} reflow"),
            "1.1": [
                f"{i['element']} {i['source']} sans alternative"
                for i in auditee.images()
                if i["alternative"] is None
            ],
        },
        "ordre_tabulation": ordre,
        "images": auditee.images(),
    }
    if bouton is not None:
        auditee.soumettre_vide(bouton)
        resultat["problemes"]["11.10"] = auditee.erreurs_non_liees()
        resultat["problemes"]["11.1"] += auditee.champs_sans_etiquette()
    return resultat


def test_les_20_pages_de_l_echantillon_passent_les_controles_rgaa_automatisables(
    page, serveur, controle, connecter, monde, pytestconfig
):
    a, parcours = monde
    assert len(rgaa.ECHANTILLON) == 20
    assert {chemin for _nom, chemin, _raison in rgaa.ECHANTILLON} == set(ATTENDUS)
    resultats: dict[str, dict] = {}
    piles: list[str] = []
    page.on("pageerror", lambda erreur: piles.append(erreur.stack or str(erreur)))

    def visiter(chemin: str) -> None:
        titre, bouton = ATTENDUS[chemin]
        auditee = PageAuditee(
            page,
            serveur,
            controle,
            chemin=chemin,
            titre=titre,
            etape=chemin.strip("/") or "accueil",
        ).ouvrir_adresse(serveur + chemin.replace("<n>", str(parcours.pk)))
        resultats[chemin] = _auditer(auditee, bouton)

    # The public pages as a visitor sees them, then the others as the coordinator.
    for chemin in [c for c in ATTENDUS if c in PUBLIQUES]:
        visiter(chemin)
    connecter(a.coordinateur)
    for chemin in [c for c in ATTENDUS if c not in PUBLIQUES]:
        visiter(chemin)

    # DSFR 1.14.4's focus-restoring manager sometimes recurses without end while the page is
    # walked with Tab (it calls itself with an undefined index); the focus itself moves on
    # normally. A defect of the design system's script, recorded in the audit's remarks: it is
    # let through here only when every such error comes from that function.
    recursions = [p for p in piles if "Maximum call stack size exceeded" in p]
    if recursions and all("dsfr.module.min.js" in p for p in recursions):
        controle.remarques.append("Erreur du DSFR en tabulant :\n" + recursions[0][:500])
        controle.erreurs_js[:] = [
            e for e in controle.erreurs_js if "Maximum call stack size exceeded" not in e
        ]
    (_dossier(pytestconfig) / "resultats.json").write_text(
        json.dumps(resultats, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    titres = [r["titre"] for r in resultats.values()]
    doublons = {t for t in titres if titres.count(t) > 1}
    assert not doublons, f"Titres de page en double : {doublons}"
    connus = {(n.page, n.critere) for n in rgaa.NON_CONFORMITES}
    problemes = [
        f"{chemin} — critère {critere} : {probleme}"
        for chemin, resultat in resultats.items()
        for critere, liste in resultat["problemes"].items()
        for probleme in liste
        if (chemin, critere) not in connus
    ]
    assert not problemes, "Non-conformités non déclarées dans l’audit :\n" + "\n".join(problemes)
