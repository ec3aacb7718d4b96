"""Confirming a large caseload import, delivered through the broker with the real settings (no
eager mode): the task sent with `apply_async` to an in-process worker writes every row in bulk,
with the history and the permissions the per-row services would have written."""

import time
import uuid
from datetime import date, timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from parcours.models import (
    ChangementStatut,
    ImportParcours,
    Parcours,
    ParcoursUserObjectPermission,
    StatutImport,
)
from parcours.permissions import parcours_permissions_recalculer
from parcours.services.imports import COLONNES, import_analyser
from parcours.tasks import import_parcours_appliquer
from reussite.celery import app
from tests.factories.partage import pre, professionnel

pytestmark = [
    pytest.mark.lent,
    pytest.mark.django_db(transaction=True, databases=["default", "trace"]),
]

ATTENDRE = 120


def _fichier(lignes: int, referent_email: str) -> SimpleUploadedFile:
    aujourdhui = date.today()

    def jour(d):
        return d.strftime("%d/%m/%Y")

    entetes = [c.cle for c in COLONNES]
    texte = ";".join(entetes) + "\r\n"
    for i in range(lignes):
        valeurs = {
            "identifiant": f"W-{i}",
            "nom": f"Enfant{i}",
            "prenom": "Lina",
            "date_naissance": jour(aujourdhui - timedelta(days=365 * 8 + i)),
            "sexe": "F",
            "responsable_nom": f"Enfant{i}",
            "responsable_lien": "mère",
            "statut": "en cours" if i % 2 else "repérage",
            "date_entree": jour(aujourdhui - timedelta(days=100)),
            "orienteur": "école",
            "motifs": "résultats scolaires",
            "referent_email": referent_email if i % 3 == 0 else "",
        }
        if i % 2:
            valeurs |= {
                "consentement_date_signature": jour(aujourdhui - timedelta(days=90)),
                "consentement_date_expiration": jour(aujourdhui + timedelta(days=200)),
                "consentement_finalites": "accompagnement",
            }
        texte += ";".join(valeurs.get(e, "") for e in entetes) + "\r\n"
    return SimpleUploadedFile("grand.csv", texte.encode("utf-8"))


def test_un_grand_import_confirme_par_le_courtier_ecrit_tout_en_masse():
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    a = pre(nom="PRE de Villeneuve")
    referent = professionnel(a.porteuse)
    imp = import_analyser(
        programme=a.programme,
        auteur=a.coordinateur,
        fichier=_fichier(40, referent.user.email),
    )
    assert imp.compter("creer") == 40
    file = f"imports-test-{uuid.uuid4().hex[:8]}"
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[file]
    ):
        import_parcours_appliquer.apply_async(args=[imp.pk], queue=file)
        limite = time.monotonic() + ATTENDRE
        while time.monotonic() < limite:
            if ImportParcours.objects.get(pk=imp.pk).statut == StatutImport.TERMINE:
                break
            time.sleep(0.3)
    imp.refresh_from_db()
    assert imp.statut == StatutImport.TERMINE, imp.resultat
    assert len(imp.resultat["crees"]) == 40

    parcours = list(Parcours.objects.filter(programme=a.programme).order_by("pk"))
    assert len(parcours) == 40
    # The history the pages read: the creation, then the imported status when it differs.
    assert ChangementStatut.objects.filter(parcours__in=parcours).count() == 40 + 20
    # The permission rows are those the per-row recompute derives from the same facts.
    avant = set(
        ParcoursUserObjectPermission.objects.values_list(
            "content_object_id", "user_id", "permission__codename", "expire_le"
        )
    )
    assert {(p, u) for p, u, _c, _e in avant} >= {(p.pk, referent.user_id) for p in parcours[::3]}
    for p in parcours:
        parcours_permissions_recalculer(parcours=p)
    apres = set(
        ParcoursUserObjectPermission.objects.values_list(
            "content_object_id", "user_id", "permission__codename", "expire_le"
        )
    )
    assert avant == apres
