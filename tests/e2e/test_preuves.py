"""The funder's evidence pack in Chromium (issue 21): the steering committee goes from the
statistics to the programme's convention parties, opens the CAF's pack for last year (small
counts masked, no child anywhere), has the XLSX built in the background by a worker, follows
its progress and downloads it; the coordinator gets the unmasked PDF. axe-core runs on every
page reached (page_verifiee)."""

import io
from datetime import date
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from openpyxl import load_workbook

from parcours.models import Statut, StatutAction
from partenaires import services as services_partenaires
from partenaires.models import Convention
from reussite.celery import app
from reussite.core.models import Role
from tests.factories import actions as fab
from tests.factories.core import MOT_DE_PASSE
from tests.factories.monde import construire_monde
from tests.factories.parcours import EnfantFactory, ParcoursFactory

from .pages import PageConnexion
from .pages_conventions import PageConventions
from .pages_preuves import PageDossiersPreuves
from .pages_statistiques import PageStatistiques

ANNEE = date.today().year - 1


@pytest.fixture
def monde(serveur, settings, tmp_path):
    m = construire_monde(
        nom="PRE de Villeneuve",
        porteuse=False,
        coordinateur={"first_name": "Claire", "last_name": "Coordination"},
        roles={Role.PILOTAGE: {"first_name": "Comité", "last_name": "de pilotage"}},
        structure={"nom": "CAF du Val"},
        autres_structures=[{"nom": "Club de judo des Tilleuls"}],
        avec_parcours=False,
    )
    programme, coordo, (caf, club) = m.programme, m.coordinateur, m.structures
    convention = services_partenaires.convention_creer(
        programme=programme,
        auteur=coordo,
        intitule="Convention CAF – Ville",
        objet="Financer les activités du mercredi",
        date_debut=date(ANNEE, 1, 1),
        date_fin=date(ANNEE + 1, 12, 31),
    )
    partie = services_partenaires.partie_ajouter(convention=convention, structure=caf)
    services_partenaires.partie_ajouter(convention=convention, structure=club)
    services_partenaires.engagement_ajouter(
        partie=partie, annee=ANNEE, nature="financier", quantite=Decimal("12000")
    )
    services_partenaires.engagement_ajouter(
        partie=partie, annee=ANNEE, nature="heures", quantite=Decimal("150")
    )
    Convention.objects.filter(pk=convention.pk).update(
        statut="en_vigueur", date_signature=date(ANNEE, 1, 1)
    )
    for i in range(9):
        parcours = ParcoursFactory(
            programme=programme,
            statut=Statut.EN_COURS,
            enfant=EnfantFactory(programme=programme, nom=f"Zorgheb{i:02d}", prenom="Quillane"),
        )
        objectif = fab.objectif(
            parcours, auteur=coordo, domaine="sport" if i < 6 else "parentalite"
        )
        type(objectif).objects.filter(pk=objectif.pk).update(date_ouverture=date(ANNEE, 2, 1))
        fab.action(
            parcours,
            auteur=coordo,
            intitule="Judo du mercredi" if i < 6 else "Café des parents",
            objectif=objectif,
            convention=convention,
            structure=club if i < 6 else caf,
            date_debut=date(ANNEE, 3, 1),
            cout=Decimal("250"),
            heures=Decimal("10"),
            statut=StatutAction.REALISEE,
            hors_consentement=True,
        )
    settings.EXPORTS_ROOT = tmp_path / "exports"
    settings.EXPORTS_FILE_CELERY = ""
    return coordo, m.roles[Role.PILOTAGE]


@pytest.fixture
def travailleur():
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=10,
        queues=[app.conf.task_default_queue],
    ):
        yield


def test_le_pilotage_telecharge_le_dossier_de_preuves_masque_du_financeur(
    page, monde, serveur, controle, travailleur
):
    _coordo, pilote = monde
    # A steering-only user lands on the statistics.
    statistiques = (
        PageConnexion(page, serveur, controle)
        .ouvrir()
        .se_connecter_vers(pilote.email, MOT_DE_PASSE, PageStatistiques)
    )
    dossiers = PageDossiersPreuves.depuis(statistiques)
    dossier = dossiers.ouvrir_le_dossier("CAF du Val", ANNEE)

    # Six children in judo, three at the parents' café: masked under five for steering.
    cellules = dossier.cellules("preuves-actions")  # 6 cells a row: café, then judo
    assert (cellules[2:4], cellules[8:10]) == (["< 5", "< 5"], ["6", "6"])
    texte = dossier.contenu.inner_text()
    assert "< 5" in texte and "Zorgheb" not in texte
    assert "12\xa0000,00 €" in dossier.engage.inner_text()

    suivi = dossier.preparer_le_tableur().attendre_qu_il_soit_pret()
    telechargement = suivi.telecharger()
    assert telechargement.suggested_filename.endswith(".xlsx")
    with open(telechargement.path(), "rb") as fichier:
        classeur = load_workbook(io.BytesIO(fichier.read()))
    actions = {
        ligne[1]: ligne[4]
        for ligne in classeur["Actions financées"].iter_rows(min_row=2, values_only=True)
    }
    assert actions == {"Judo du mercredi": 6, "Café des parents": "< 5"}


def test_le_coordinateur_prepare_le_pdf_depuis_les_conventions(
    page, monde, connecter, controle, travailleur
):
    coordo, _pilote = monde
    tableau = connecter(coordo)
    conventions = PageConventions(page, tableau.serveur, controle).ouvrir()
    dossier = PageDossiersPreuves.depuis(conventions).ouvrir_le_dossier("CAF du Val", ANNEE)
    assert "< 5" not in dossier.contenu.inner_text()
    suivi = dossier.preparer_le_pdf().attendre_qu_il_soit_pret()
    telechargement = suivi.telecharger()
    assert telechargement.suggested_filename.endswith(".pdf")
    with open(telechargement.path(), "rb") as fichier:
        assert fichier.read(4) == b"%PDF"
