"""The funder's evidence pack built under delivery (issue 21): the pack page's button records a
background export, `export_construire` goes through the broker with `apply_async` (the test
settings: Redis, not eager, this pytest process's own queue) to a real worker, which builds
the XLSX and the PDF step by step into the exports storage; the requester downloads them, and
nobody else can."""

import io
import time
from datetime import date
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as reglages
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from parcours.models import Statut, StatutAction
from partenaires import services as services_partenaires
from partenaires.models import Convention
from reussite.celery import app
from reussite.core.models import DemandeExport, Role, StatutExport
from reussite.core.services import role_attribuer
from tests.conftest import connecter
from tests.factories import actions as fab
from tests.factories.core import UserFactory
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import partenaire, pre

pytestmark = [
    pytest.mark.lent,
    pytest.mark.django_db(transaction=True, databases=["default", "trace"]),
]

ANNEE = date.today().year - 1
NOM = "Zéphyrine"


def _attendre(condition, message: str, delai: float = 90):
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(message)


def test_le_dossier_est_construit_par_le_worker_et_remis_a_son_seul_demandeur(tmp_path, settings):
    assert not reglages.CELERY_TASK_ALWAYS_EAGER
    settings.EXPORTS_ROOT = tmp_path / "exports"
    settings.EXPORTS_FILE_CELERY = ""  # this process's default queue (one per xdist worker)
    a, b = pre(nom="PRE A"), pre(nom="PRE B")
    pilote = UserFactory()
    role_attribuer(user=pilote, programme=a.programme, role=Role.PILOTAGE)
    caf = partenaire(a.programme, nom="CAF du Nord")
    convention = services_partenaires.convention_creer(
        programme=a.programme,
        auteur=a.coordinateur,
        intitule="Convention CAF",
        objet="Financer les ateliers",
        date_debut=date(ANNEE, 1, 1),
        date_fin=date(ANNEE, 12, 31),
    )
    partie = services_partenaires.partie_ajouter(convention=convention, structure=caf)
    services_partenaires.engagement_ajouter(
        partie=partie, annee=ANNEE, nature="financier", quantite=Decimal("5000")
    )
    Convention.objects.filter(pk=convention.pk).update(
        statut="en_vigueur", date_signature=date(ANNEE, 1, 1)
    )
    for _i in range(7):
        parcours = ParcoursFactory(
            programme=a.programme,
            statut=Statut.EN_COURS,
            enfant=EnfantFactory(programme=a.programme, nom=NOM),
        )
        fab.action(
            parcours,
            auteur=a.coordinateur,
            intitule="Atelier théâtre",
            convention=convention,
            structure=caf,
            date_debut=date(ANNEE, 5, 1),
            cout=Decimal("100"),
            statut=StatutAction.REALISEE,
            hors_consentement=True,
        )
    client = connecter(Client(), pilote)
    filtres = f"programme={a.programme.pk}&structure={caf.pk}&annee={ANNEE}"

    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=10,
        queues=[app.conf.task_default_queue],
    ):
        demandes = {}
        for format in ("xlsx", "pdf"):
            reponse = client.post(
                reverse("exports:demander"),
                {"genre": "preuves", "format": format, "filtres": filtres},
            )
            demandes[format] = DemandeExport.objects.get(format=format)
            assert reponse["Location"] == reverse("exports:demande", args=[demandes[format].pk])
        for format, demande in demandes.items():
            _attendre(
                lambda d=demande: DemandeExport.objects.get(pk=d.pk).statut == StatutExport.TERMINE,
                f"the worker did not build the {format} pack",
            )

    xlsx = DemandeExport.objects.get(pk=demandes["xlsx"].pk)
    assert (xlsx.lignes_faites, xlsx.lignes_total) == (6, 6)
    page = client.get(reverse("exports:demande", args=[xlsx.pk])).content.decode()
    assert "Votre document est prêt" in page
    fichier = client.get(reverse("exports:fichier", args=[xlsx.pk]))
    contenu = b"".join(fichier.streaming_content)
    fichier.close()
    classeur = load_workbook(io.BytesIO(contenu))
    synthese = {ligne[0]: ligne[1] for ligne in classeur["Synthèse"].iter_rows(values_only=True)}
    assert synthese["Engagé (euros)"] == 5000
    assert synthese["Consommé par les actions de la structure (euros)"] == 700
    assert synthese["Enfants touchés"] == 7
    assert NOM not in str(list(classeur["Actions financées"].iter_rows(values_only=True)))
    pdf = client.get(reverse("exports:fichier", args=[demandes["pdf"].pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    pdf.close()

    autre = connecter(Client(), b.coordinateur)
    for demande in demandes.values():
        assert autre.get(reverse("exports:fichier", args=[demande.pk])).status_code == 404
        assert autre.get(reverse("exports:demande", args=[demande.pk])).status_code == 404
