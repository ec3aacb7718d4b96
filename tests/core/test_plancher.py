"""What every page repeated for nothing (issue 18, point 3, « Lower the floor »). The session
renewal at most once a minute is tested with the sessions (tests/core/test_securite_sessions.py),
the production template loader with the deployment (tests/core/test_deploiement.py)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from dsfr.models import DsfrConfig

from tests.conftest import connecter
from tests.factories.core import UserFactory

pytestmark = pytest.mark.django_db

DEBUT = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def _page(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get("/notifications/")
    assert reponse.status_code == 200
    lectures = sum(1 for q in requetes.captured_queries if "dsfr_dsfrconfig" in q["sql"])
    return reponse.content.decode(), lectures


def test_la_configuration_dsfr_est_lue_une_fois_par_minute_et_suit_ses_changements(client):
    connecter(client, UserFactory())
    with time_machine.travel(DEBUT, tick=False) as horloge:
        page, lectures = _page(client)
        assert lectures == 1 and "<title>" in page and "Réussite" in page
        page, lectures = _page(client)
        assert lectures == 0

        config = DsfrConfig.objects.get(language="fr")
        config.notice_title = "Maintenance prévue ce soir"
        config.save()
        page, lectures = _page(client)
        assert lectures == 1 and "Maintenance prévue ce soir" in page

        horloge.shift(dt.timedelta(seconds=59))
        assert _page(client)[1] == 0
        # Another process's change (not seen by this one's signal) shows within the minute.
        DsfrConfig.objects.filter(pk=config.pk).update(notice_title="Maintenance terminée")
        horloge.shift(dt.timedelta(seconds=2))
        page, lectures = _page(client)
        assert lectures == 1 and "Maintenance terminée" in page


def test_le_filtre_libelle_donne_le_libelle_de_chaque_choix_comme_get_display():
    """The Synthèse reads choice labels through `libelle` (Django's get_FOO_display translates
    every label of the field on each call): same text for every choice, and for an empty or
    unknown value."""
    from django.utils import translation

    from parcours.models import Enfant, NiveauScolaire, Orienteur, Parcours
    from parcours.templatetags.parcours_tags import badge_statut, libelle

    with translation.override("fr"):
        for valeur in [*NiveauScolaire.values, "", "inconnu"]:
            enfant = Enfant(niveau_scolaire=valeur)
            assert str(libelle(enfant, "niveau_scolaire")) == enfant.get_niveau_scolaire_display()
        for valeur in Orienteur.values:
            parcours = Parcours(orienteur=valeur)
            assert str(libelle(parcours, "orienteur")) == parcours.get_orienteur_display()
        for statut in Parcours._meta.get_field("statut").choices:
            parcours = Parcours(statut=statut[0])
            assert parcours.get_statut_display() in badge_statut(parcours)
