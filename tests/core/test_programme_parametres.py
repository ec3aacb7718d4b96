"""A programme's settings page: its coordinators and administrators set the reminder
thresholds; nobody else reaches it, and bad values are refused in French with nothing saved."""

from datetime import timedelta

import pytest
from django.urls import reverse

from reussite.core import rappels
from reussite.core.models import Programme, Rappel, Role
from reussite.core.services import role_attribuer
from tests.conftest import connecter
from tests.factories.core import UserFactory, coordinateur
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import nommer_referent, partenaire, pre, professionnel

pytestmark = pytest.mark.django_db


def _valeurs(**changements):
    return {
        "delai_revue_jours": 120,
        "rappel_revue_jours": 15,
        "rappel_consentement_jours": 30,
        "delai_inactivite_jours": 60,
        "rappel_besoin_jours": 60,
        "delai_orientation_jours": 15,
        "conservation_mois": 24,
        "transitions_debut_mois": 3,
        "transitions_alerte_mois": 6,
        **changements,
    }


@pytest.fixture
def equipe():
    return pre(nom="PRE des Seuils")


def test_la_coordination_regle_les_seuils_et_le_scan_les_suit(client, equipe):
    structure = partenaire(equipe.programme)
    referent = professionnel(structure)
    parcours = ParcoursFactory(
        programme=equipe.programme,
        en_cours=True,
        avec_consentement=True,
        avec_consentement__structures=[structure],
        date_prochaine_revue=None,
    )
    nommer_referent(parcours, referent, auteur=equipe.coordinateur)
    aujourdhui = parcours.date_entree + timedelta(days=1)
    parcours.__class__.objects.filter(pk=parcours.pk).update(
        date_prochaine_revue=aujourdhui + timedelta(days=25)
    )
    url = reverse("programmes:parametres", args=[equipe.programme.pk])
    connecter(client, equipe.coordinateur)

    rappels.rappels_scanner(le=aujourdhui)
    assert not Rappel.objects.filter(genre="revue_proche").exists()  # 15 days by default

    reponse = client.post(url, _valeurs(rappel_revue_jours=30, consentement_deux_signataires="on"))

    assert reponse.status_code == 302
    programme = Programme.objects.get(pk=equipe.programme.pk)
    assert programme.rappel_revue_jours == 30
    assert programme.consentement_deux_signataires
    rappels.rappels_scanner(le=aujourdhui)
    assert Rappel.objects.filter(genre="revue_proche", object_id=parcours.pk).count() == 2


@pytest.mark.parametrize(
    ("champ", "valeur", "message"),
    [
        ("rappel_revue_jours", 0, "Indiquez au moins 1 jour."),
        ("rappel_besoin_jours", 1000, "Indiquez au plus 540 jours."),
        ("delai_inactivite_jours", "beaucoup", "Saisissez un nombre entier."),
        ("rappel_revue_jours", 120, "Le rappel d’une revue doit venir moins de 120 jours"),
    ],
)
def test_une_valeur_invalide_est_refusee_en_francais_sans_rien_changer(
    client, equipe, champ, valeur, message
):
    connecter(client, equipe.coordinateur)
    avant = Programme.objects.values().get(pk=equipe.programme.pk)

    reponse = client.post(
        reverse("programmes:parametres", args=[equipe.programme.pk]),
        _valeurs(**{"rappel_consentement_jours": 45, champ: valeur}),
    )

    assert reponse.status_code == 200
    assert message in reponse.content.decode()
    assert Programme.objects.values().get(pk=equipe.programme.pk) == avant
    # What the user typed is kept.
    assert reponse.context["form"].data["rappel_consentement_jours"] == "45"


def test_un_administrateur_y_accede_aussi(client, equipe):
    admin = UserFactory()
    role_attribuer(user=admin, programme=equipe.programme, role=Role.ADMINISTRATEUR)
    connecter(client, admin)

    reponse = client.get(reverse("programmes:parametres", args=[equipe.programme.pk]))

    assert reponse.status_code == 200
    assert reponse.context["programme"] == equipe.programme


@pytest.mark.parametrize("qui", ["partenaire", "referent_pre", "autre_coordination", "anonyme"])
def test_personne_d_autre_n_y_accede(client, equipe, qui):
    url = reverse("programmes:parametres", args=[equipe.programme.pk])
    avant = Programme.objects.values().get(pk=equipe.programme.pk)
    if qui == "partenaire":
        connecter(client, professionnel(partenaire(equipe.programme)).user)
    elif qui == "referent_pre":
        connecter(client, professionnel(equipe.porteuse).user)
    elif qui == "autre_coordination":
        connecter(client, coordinateur(pre(nom="Autre PRE").programme))

    lecture = client.get(url)
    ecriture = client.post(url, _valeurs(rappel_revue_jours=2))

    if qui == "anonyme":
        assert lecture.status_code == ecriture.status_code == 302
        assert lecture.url.startswith(reverse("login"))
    else:
        assert lecture.status_code == ecriture.status_code == 404
    assert Programme.objects.values().get(pk=equipe.programme.pk) == avant


def test_la_page_des_rappels_mene_aux_seuils_de_chaque_programme_coordonne(client, equipe):
    connecter(client, equipe.coordinateur)

    page = client.get(reverse("notifications:liste")).content.decode()

    assert reverse("programmes:parametres", args=[equipe.programme.pk]) in page


# --- protection: retention period before anonymisation


def test_la_coordination_regle_la_duree_de_conservation(client, equipe):
    connecter(client, equipe.coordinateur)
    url = reverse("programmes:parametres", args=[equipe.programme.pk])

    page = client.get(url).content.decode()
    reponse = client.post(url, _valeurs(conservation_mois=36))

    assert "référentiel de la CNIL de 2022" in page
    assert reponse.status_code == 302
    assert Programme.objects.get(pk=equipe.programme.pk).conservation_mois == 36


@pytest.mark.parametrize(
    ("valeur", "message"),
    [(3, "Indiquez au moins 6 mois."), (61, "Indiquez au plus 60 mois.")],
)
def test_une_duree_de_conservation_hors_bornes_est_refusee(client, equipe, valeur, message):
    connecter(client, equipe.coordinateur)

    reponse = client.post(
        reverse("programmes:parametres", args=[equipe.programme.pk]),
        _valeurs(conservation_mois=valeur),
    )

    assert reponse.status_code == 200
    assert message in reponse.content.decode()
    assert Programme.objects.get(pk=equipe.programme.pk).conservation_mois == 24
