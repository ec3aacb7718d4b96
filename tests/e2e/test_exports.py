"""A coordinator filters the action list, asks for its export (large, so built in the
background), follows its progress and downloads it (issue 8, "Exports"). axe-core runs on
every page reached (page_verifiee)."""

import csv
import io
import uuid

import pytest
from celery.contrib.testing.worker import start_worker

from parcours.models import StatutAction
from reussite.celery import app
from tests.factories import actions as fabrique
from tests.factories.monde import construire_monde
from tests.factories.parcours import EnfantFactory, ParcoursFactory

from .pages_exports import PageActions

EN_COURS = 8


@pytest.fixture
def monde(serveur, settings):
    m = construire_monde(
        nom="PRE de Villeneuve",
        porteuse=False,
        coordinateur={"first_name": "Claire", "last_name": "Coordination"},
        structure={"nom": "Médiathèque des Tilleuls"},
        avec_parcours=False,
    )
    programme, coordo, structure = m.programme, m.coordinateur, m.structure
    for i in range(EN_COURS + 3):
        parcours = ParcoursFactory(
            programme=programme,
            statut="en_cours",
            enfant=EnfantFactory(programme=programme, nom=f"Zorgheb{i:02d}", prenom="Quillane"),
        )
        fabrique.action(
            parcours,
            auteur=coordo,
            intitule=f"Atelier lecture {i:02d}" if i < EN_COURS else f"=Sortie {i:02d}",
            structure=structure,
            statut=StatutAction.EN_COURS if i < EN_COURS else StatutAction.PREVUE,
            hors_consentement=True,  # no consent on these pathways (issue 15, point 17)
        )
    # Above five rows the export is built in the background, by an in-process worker that
    # listens on a queue of its own.
    settings.EXPORTS_SEUIL_ARRIERE_PLAN = 5
    settings.EXPORTS_FILE_CELERY = f"exports-e2e-{uuid.uuid4().hex[:8]}"
    return coordo


@pytest.fixture
def travailleur(settings):
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=10,
        queues=[settings.EXPORTS_FILE_CELERY],
    ):
        yield


def test_le_coordinateur_filtre_les_actions_et_telecharge_l_export_prepare_en_arriere_plan(
    page, monde, connecter, controle, travailleur
):
    tableau = connecter(monde)
    actions = PageActions.depuis_la_liste_des_parcours(tableau)
    actions.filtrer_par_statut("En cours", "actions en cours")
    assert actions.lignes.count() == EN_COURS

    suivi = actions.exporter_csv().preparer().attendre_qu_il_soit_pret()
    telechargement = suivi.telecharger()

    assert telechargement.suggested_filename.startswith("actions-")
    with open(telechargement.path(), encoding="utf-8-sig") as fichier:
        lignes = list(csv.reader(io.StringIO(fichier.read()), delimiter=";"))
    assert lignes[0][3] == "Action"
    assert sorted(ligne[3] for ligne in lignes[1:]) == [
        f"Atelier lecture {i:02d}" for i in range(EN_COURS)
    ]
    assert {ligne[8] for ligne in lignes[1:]} == {"Médiathèque des Tilleuls"}
