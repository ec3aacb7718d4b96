"""The bell and the reminders list: each user sees and marks only their own reminders."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.models import Statut
from reussite.core import rappels as service
from reussite.core.models import FrequenceCourriels, Rappel, StatutRappel
from tests.conftest import connecter
from tests.factories.monde import construire_monde
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import partenaire, pre, professionnel

pytestmark = pytest.mark.django_db


@pytest.fixture
def monde():
    m = construire_monde(
        nom="PRE Cloche",
        intervenants=(),
        enfant={"prenom": "Lou", "nom": "Synthèse"},
        date_prochaine_revue=date.today() + timedelta(days=5),
    )
    service.rappels_scanner()
    return m.pre, m.referent, m.parcours


def test_la_cloche_compte_les_rappels_non_lus_de_l_utilisateur_seulement(client, monde):
    equipe, referent, _p = monde
    connecter(client, referent.user)

    badge = client.get(reverse("notifications:compteur")).content.decode()

    assert "2 non lus" in badge  # the assignment and the coming review
    connecter(client, professionnel(partenaire(equipe.programme)).user)
    assert "non lu" not in client.get(reverse("notifications:compteur")).content.decode()


def test_la_liste_dit_quoi_faire_et_ouvrir_marque_lu_puis_mene_au_parcours(client, monde):
    _equipe, referent, parcours = monde
    connecter(client, referent.user)

    page = client.get(reverse("notifications:liste")).content.decode()
    assert "La revue du parcours de Lou S. est prévue le" in page
    rappel = Rappel.objects.get(destinataire=referent.user, genre="revue_proche")

    reponse = client.post(reverse("notifications:ouvrir", args=[rappel.pk]))

    assert reponse.status_code == 302
    assert reponse.url == reverse("parcours:detail", args=[parcours.pk])
    rappel.refresh_from_db()
    assert rappel.lu_le is not None
    page = client.get(reverse("notifications:liste")).content.decode()
    assert page.count("Marquer comme lu") == 1  # the assignment is still unread


def test_marquer_lu_le_rappel_d_un_autre_donne_404_sans_rien_changer(client, monde):
    equipe, referent, _p = monde
    rappel_du_coordinateur = Rappel.objects.get(
        destinataire=equipe.coordinateur, genre="revue_proche"
    )
    connecter(client, referent.user)

    for nom in ("notifications:lue", "notifications:ouvrir"):
        assert client.post(reverse(nom, args=[rappel_du_coordinateur.pk])).status_code == 404
    rappel_du_coordinateur.refresh_from_db()
    assert rappel_du_coordinateur.lu_le is None


def test_tout_marquer_lu_ne_touche_que_ses_rappels(client, monde):
    equipe, referent, _p = monde
    connecter(client, referent.user)
    client.post(reverse("notifications:tout_lire"))
    assert not Rappel.objects.non_lus().filter(destinataire=referent.user).exists()
    assert Rappel.objects.non_lus().filter(destinataire=equipe.coordinateur).exists()


def test_la_liste_coute_le_meme_nombre_de_requetes_avec_1_et_20_rappels(
    client, monde, django_assert_num_queries
):
    equipe, referent, _p = monde
    connecter(client, referent.user)
    url = reverse("notifications:liste")
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as peu:
        client.get(url)
    # Session, user, charter, navigation, the page of reminders and one wording query per
    # kind shown (here two kinds): never one per reminder.
    assert len(peu.captured_queries) <= 14
    for i in range(19):
        autre = ParcoursFactory(
            programme=equipe.programme,
            statut=Statut.EN_COURS,
            enfant=EnfantFactory(programme=equipe.programme),
            date_prochaine_revue=date.today() + timedelta(days=1 + i % 5),
        )
        autre.referent = referent
        autre.save()
    service.rappels_scanner()
    assert Rappel.objects.filter(destinataire=referent.user).count() == 21
    with django_assert_num_queries(len(peu.captured_queries)):
        client.get(url)


def test_les_preferences_changent_la_facon_de_recevoir_les_courriels(client, monde):
    _equipe, referent, _p = monde
    connecter(client, referent.user)
    reponse = client.post(
        reverse("notifications:preferences"), {"frequence_courriels": FrequenceCourriels.AUCUN}
    )
    assert reponse.status_code == 302
    referent.user.refresh_from_db()
    assert referent.user.frequence_courriels == FrequenceCourriels.AUCUN
    erreur = client.post(reverse("notifications:preferences"), {"frequence_courriels": "x"})
    assert "Sélectionnez un choix valide" in erreur.content.decode()


def test_les_echecs_d_envoi_sont_montres_a_la_coordination_du_programme_seulement(
    client, monde, django_capture_on_commit_callbacks
):
    equipe, referent, _p = monde
    rappel = Rappel.objects.get(destinataire=referent.user, genre="revue_proche")
    # One claimed attempt, refused by the server.
    Rappel.objects.filter(pk=rappel.pk).update(statut=StatutRappel.EN_COURS, tentatives=1)
    service.rappel_noter_echec(rappel_id=rappel.pk, erreur="550 boîte inconnue", essais_max=1)

    connecter(client, equipe.coordinateur)
    page = client.get(reverse("notifications:echecs")).content.decode()
    assert "550 boîte inconnue" in page
    assert referent.user.email in page

    autre = pre(nom="Autre programme")
    connecter(client, autre.coordinateur)
    assert "550 boîte inconnue" not in client.get(reverse("notifications:echecs")).content.decode()
    assert client.post(reverse("notifications:renvoyer", args=[rappel.pk])).status_code == 404

    connecter(client, equipe.coordinateur)
    with django_capture_on_commit_callbacks(execute=False) as en_file:
        reponse = client.post(reverse("notifications:renvoyer", args=[rappel.pk]))
    assert reponse.status_code == 302
    rappel.refresh_from_db()
    assert (rappel.statut, rappel.tentatives) == ("a_envoyer", 0)
    assert len(en_file) == 1
