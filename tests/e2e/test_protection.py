"""Data protection in Chromium: the coordinator opens a pathway's history of changes, then
downloads the right-of-access export (JSON and PDF). axe-core runs on every page reached."""

import json

import pghistory
import pytest
from playwright.sync_api import expect

from parcours.models import Enfant, Note, Visibilite
from reussite.core.models import Evenement, TraceAcces
from reussite.core.trace import ALIAS
from tests.factories.core import ProgrammeFactory, coordinateur
from tests.factories.parcours import ParcoursFactory
from tests.factories.partenaires import structure_porteuse

from .pages import PageParcours
from .pages_protection import PageHistoriqueModifications, telecharger_droit_acces


@pytest.fixture
def dossier(serveur):
    programme = ProgrammeFactory(nom="PRE de Villeneuve")
    structure_porteuse(programme)
    coordo = coordinateur(programme, first_name="Claire", last_name="Coordination")
    parcours = ParcoursFactory(
        programme=programme,
        en_cours=True,
        enfant__nom="Ortolan",
        enfant__prenom="Maëlys",
        enfant__classe="CE1 A",
        avec_consentement=True,
    )
    Note.objects.create(
        parcours=parcours,
        auteur=coordo,
        texte="Rencontre avec la famille",
        visibilite=Visibilite.REFERENT_COORDINATION,
    )
    # A rectification made by the coordinator: the school confirmed the class.
    with pghistory.context(user=coordo.pk, url="/test"):
        enfant = Enfant.objects.get(pk=parcours.enfant_id)
        enfant.classe = "CE1 B"
        enfant.save(update_fields=["classe"])
    return parcours, coordo


def test_le_coordinateur_consulte_l_historique_et_exporte_le_droit_d_acces(
    page, serveur, connecter, controle, dossier
):
    parcours, coordo = dossier
    connecter(coordo)
    fiche = PageParcours.ouvrir_pour(
        page, serveur, controle, parcours, "Maëlys Ortolan", "fiche parcours"
    )
    fiche.onglet("Historique")
    expect(fiche.region("Protection des données")).to_be_visible()

    historique = PageHistoriqueModifications.depuis(fiche)
    ligne = historique.lignes.filter(has_text="Modification — Enfant")
    expect(ligne).to_have_count(1)
    expect(ligne).to_contain_text("Classe : CE1 A → CE1 B")
    expect(ligne).to_contain_text("Claire COORDINATION")  # « Prénom NOM » (issue 15, 19)
    fiche = historique.retour_au_parcours("Maëlys Ortolan")

    json_ = telecharger_droit_acces(fiche, "JSON")
    assert json_.suggested_filename.startswith(f"droit-acces-parcours-{parcours.pk}-")
    with open(json_.path(), encoding="utf-8") as fichier:
        donnees = json.load(fichier)
    assert donnees["enfant"]["nom"] == "Ortolan"
    assert donnees["parcours"][0]["notes"][0]["texte"] == "Rencontre avec la famille"

    pdf = telecharger_droit_acces(fiche, "PDF")
    assert pdf.suggested_filename.endswith(".pdf")
    with open(pdf.path(), "rb") as fichier:
        assert fichier.read(4) == b"%PDF"
    exports = TraceAcces.objects.using(ALIAS).filter(evenement=Evenement.DROIT_ACCES)
    assert exports.filter(user_id=coordo.pk, object_id=parcours.pk).count() == 2
