"""Service accounts (issue 22): a programme's coordination creates a machine client holding
the steering role; its token reads the statistics, never a child; it never signs in."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from reussite.core.models import JetonAPI, User
from tests.conftest import connecter
from tests.factories.api import ClientApi
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import partenaire, pre, professionnel
from tests.support.formulaires import jeton

pytestmark = pytest.mark.django_db


def _url(programme, nom="programmes:comptes_de_service"):
    return reverse(nom, args=[programme.pk])


def _creer(client, programme, nom="Tableau de bord du comité"):
    return client.post(_url(programme), {"nom": nom, "jeton": jeton()})


def test_le_compte_lit_les_statistiques_jamais_un_enfant_et_ne_se_connecte_pas():
    a = pre(nom="PRE A")
    p = ParcoursFactory(programme=a.programme)
    navigateur = connecter(Client(), a.coordinateur)

    cree = _creer(navigateur, a.programme)
    page = navigateur.get(cree["Location"]).content.decode()
    secret = re.search(r'<code id="jeton-secret">(rsk_[^<]+)</code>', page).group(1)
    api = ClientApi(secret)

    stats = api.get(reverse("api:statistiques"), {"programme": a.programme.pk})
    assert stats.status_code == 200
    assert api.get(reverse("api:parcours")).status_code == 403
    assert api.get(reverse("api:parcours_detail", args=[p.pk])).status_code == 403
    compte = User.objects.get(compte_de_service=True)
    assert not compte.has_usable_password()
    assert compte.email.endswith(".invalid")
    assert "Tableau de bord du comité" in navigateur.get(_url(a.programme)).content.decode()
    assert secret not in navigateur.get(_url(a.programme)).content.decode()


def test_desactiver_le_compte_rend_son_jeton_invalide():
    a = pre(nom="PRE A")
    navigateur = connecter(Client(), a.coordinateur)
    page = navigateur.get(_creer(navigateur, a.programme)["Location"]).content.decode()
    secret = re.search(r'<code id="jeton-secret">(rsk_[^<]+)</code>', page).group(1)
    compte = User.objects.get(compte_de_service=True)

    reponse = navigateur.post(
        _url(a.programme, "programmes:compte_de_service_desactiver"), {"compte": compte.pk}
    )

    assert reponse.status_code == 302
    assert ClientApi(secret).get(reverse("api:statistiques")).status_code == 401


def test_personne_d_autre_n_y_accede():
    a, b = pre(nom="PRE A"), pre(nom="PRE B")
    navigateur_a = connecter(Client(), a.coordinateur)
    _creer(navigateur_a, a.programme)
    compte = User.objects.get(compte_de_service=True)
    pro = professionnel(partenaire(a.programme))

    for user in (b.coordinateur, pro.user):
        client = connecter(Client(), user)
        assert client.get(_url(a.programme)).status_code == 404
        assert _creer(client, a.programme).status_code == 404
        desactiver = client.post(
            _url(a.programme, "programmes:compte_de_service_desactiver"), {"compte": compte.pk}
        )
        assert desactiver.status_code == 404
    # B's coordinator cannot reach A's account through B's page either.
    reponse = connecter(Client(), b.coordinateur).post(
        _url(b.programme, "programmes:compte_de_service_desactiver"), {"compte": compte.pk}
    )
    assert reponse.status_code == 404
    compte.refresh_from_db()
    assert compte.is_active
    assert User.objects.filter(compte_de_service=True).count() == 1
    assert JetonAPI.objects.count() == 1


def test_un_nom_vide_est_refuse_en_francais():
    a = pre()
    reponse = _creer(connecter(Client(), a.coordinateur), a.programme, nom=" ")

    assert reponse.status_code == 200
    assert "Ce champ est obligatoire" in reponse.content.decode()
    assert not User.objects.filter(compte_de_service=True).exists()
