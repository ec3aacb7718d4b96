"""« Mes jetons d’API » (issue 22): issued from the account after the second factor, shown
once, stored hashed, revocable; the token then reads what its user reads, and nothing more."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from reussite.core.models import JetonAPI
from tests.conftest import connecter
from tests.factories.api import ClientApi
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import (
    ajouter_intervenant,
    consentement,
    partenaire,
    pre,
    professionnel,
)
from tests.support.formulaires import jeton as jeton_formulaire

pytestmark = pytest.mark.django_db

URL = "securite:mes_jetons"


def _creer(client, **donnees):
    corps = {
        "nom": "Logiciel de la ville",
        "portees": ["parcours:lecture"],
        "duree_jours": 30,
        "jeton": jeton_formulaire(),
    } | donnees
    return client.post(reverse(URL), corps)


def _secret(reponse) -> str:
    trouve = re.search(r'<code id="jeton-secret">(rsk_[^<]+)</code>', reponse.content.decode())
    assert trouve, "secret non affiché"
    return trouve.group(1)


def test_un_jeton_cree_depuis_le_compte_lit_le_parcours_partage_404_ailleurs_401_revoque():
    a = pre(nom="PRE A")
    structure = partenaire(a.programme)
    pro = professionnel(structure)
    partage = ParcoursFactory(
        programme=a.programme, enfant=EnfantFactory(programme=a.programme), statut="en_cours"
    )
    consentement(partage, structures=[structure], auteur=a.coordinateur)
    ajouter_intervenant(partage, pro, auteur=a.coordinateur)
    autre = ParcoursFactory(programme=a.programme, enfant=EnfantFactory(programme=a.programme))
    navigateur = connecter(Client(), pro.user)

    cree = _creer(navigateur)
    assert cree.status_code == 302
    page = navigateur.get(cree["Location"])
    secret = _secret(page)
    api = ClientApi(secret)

    assert api.get(reverse("api:parcours_detail", args=[partage.pk])).status_code == 200
    assert api.get(reverse("api:parcours_detail", args=[autre.pk])).status_code == 404

    ligne = JetonAPI.objects.get(user=pro.user)
    revoque = navigateur.post(reverse("securite:jeton_revoquer"), {"jeton": ligne.pk})
    assert revoque.status_code == 302
    assert api.get(reverse("api:parcours_detail", args=[partage.pk])).status_code == 401


def test_le_secret_n_est_affiche_qu_une_fois_et_n_est_pas_stocke():
    a = pre()
    navigateur = connecter(Client(), a.coordinateur)

    page = navigateur.get(_creer(navigateur)["Location"])
    secret = _secret(page)

    assert secret not in navigateur.get(reverse(URL)).content.decode()
    ligne = JetonAPI.objects.get(user=a.coordinateur)
    assert secret not in (ligne.empreinte, ligne.prefixe)
    assert ligne.prefixe in navigateur.get(reverse(URL)).content.decode()
    assert ligne.portees == ["parcours:lecture"]


def test_la_page_exige_la_double_authentification():
    a = pre()
    navigateur = connecter(Client(), a.coordinateur, verifie=False)

    reponse = navigateur.get(reverse(URL))
    creation = _creer(navigateur)

    assert reponse.status_code == 302
    assert reponse["Location"].startswith("/compte/double-authentification/")
    assert creation.status_code == 302
    assert creation["Location"].startswith("/compte/double-authentification/")
    assert not JetonAPI.objects.exists()
    assert Client().get(reverse(URL)).status_code == 302  # anonymous: the login page


def test_un_formulaire_invalide_garde_la_saisie_et_dit_pourquoi():
    a = pre()
    navigateur = connecter(Client(), a.coordinateur)

    reponse = _creer(navigateur, nom="Mon script", portees=[], duree_jours=7)

    assert reponse.status_code == 200
    texte = reponse.content.decode()
    assert 'value="Mon script"' in texte
    assert "Ce champ est obligatoire" in texte
    assert not JetonAPI.objects.exists()


def test_un_double_envoi_cree_un_seul_jeton():
    a = pre()
    navigateur = connecter(Client(), a.coordinateur)
    cle = jeton_formulaire()

    _creer(navigateur, jeton=cle)
    _creer(navigateur, jeton=cle)

    assert JetonAPI.objects.filter(user=a.coordinateur).count() == 1


def test_on_ne_voit_que_ses_propres_jetons():
    a, b = pre(nom="PRE A"), pre(nom="PRE B")
    _creer(connecter(Client(), b.coordinateur), nom="Jeton de B")

    page = connecter(Client(), a.coordinateur).get(reverse(URL)).content.decode()

    assert "Jeton de B" not in page
    assert "Aucun jeton" in page
