"""The access sweep of the API (issue 22): the same rules, with tokens."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.models import Action
from tests.acces.balayage import (
    API_DECLAREES,
    API_OUVERTES,
    BALAYEES_API,
    IDENTIFIANTS,
    INEXISTANT,
    METHODES_API,
    ROUTES_API,
    _client_api,
    _jeton,
    _url_api,
    balayer_api,
    client_de,
    envoyer_api,
    est_un_test_existant,
    ids_de,
    methodes_api_non_applicables,
    refus,
)
from tests.acces.monde import _pilote, empreinte

pytestmark = pytest.mark.django_db


def test_api_chaque_route_est_balayee_declaree_ou_ouverte():
    problemes = []
    for route in ROUTES_API:
        if route.nom is None or route.positionnels:
            problemes.append(f"{route.gabarit}: route sans nom ou groupe positionnel")
        elif route.identifiants:
            if set(route.identifiants) - set(IDENTIFIANTS):
                problemes.append(f"{route.nom}: identifiant inconnu du balayage")
        elif route.nom not in API_OUVERTES and route.nom not in API_DECLAREES:
            problemes.append(f"{route.nom}: ni balayée, ni déclarée, ni ouverte")
    assert not problemes, "\n".join(problemes)
    assert {r.nom for r in BALAYEES_API} >= {"api:parcours_detail", "api:actions", "api:notes"}
    for declaration in API_DECLAREES.values():
        assert est_un_test_existant(declaration.test), declaration.test


@pytest.mark.parametrize("jeton", ["aucun", "expire", "revoque", "inconnu"])
def test_api_sans_jeton_valide_401_partout(monde, jeton):
    """Every API route that is not open data answers 401 in JSON, for GET and POST, with no
    token, an expired one, a revoked one, an unknown one; nothing changes."""
    import time_machine

    from reussite.core.api import jeton_revoquer
    from reussite.core.models import JetonAPI

    secret = {"aucun": None, "inconnu": "rsk_inconnu"}.get(jeton)
    if jeton in ("expire", "revoque"):
        secret = _jeton(monde.a.coordinateur, duree_jours=30)
    if jeton == "revoque":
        jeton_revoquer(jeton=JetonAPI.objects.get(user=monde.a.coordinateur))
    client = _client_api(secret)
    avant = empreinte()
    ecarts = []
    decalage = timedelta(days=31 if jeton == "expire" else 0)
    with time_machine.travel(timezone.now() + decalage):
        for route in ROUTES_API:
            if route.nom in API_OUVERTES:
                continue
            url = _url_api(route, ids_de(monde.p))
            for methode in METHODES_API:
                reponse = envoyer_api(client, methode, url, route.nom, monde.p)
                if reponse.status_code != 401 or "detail" not in reponse.json():
                    ecarts.append((route.nom, methode, reponse.status_code))
    assert not ecarts
    assert empreinte() == avant


def test_api_le_coordinateur_atteint_chaque_route(monde):
    """Positive control: the programme's coordinator reads every swept route (200) and each
    creation writes (201), so that the 404s below come from the access check."""
    non_applicables = methodes_api_non_applicables(monde)
    avant = empreinte()

    def attendu(nom, methode):
        if (nom, methode) in non_applicables:
            return 405
        return 201 if methode == "POST" else 200

    assert not balayer_api(_client_api(_jeton(monde.a.coordinateur)), monde.p, attendu)
    apres = empreinte()
    assert len(apres["Action"]) == len(avant["Action"]) + 1
    avancee = Action.objects.get(pk=monde.p.action.pk)
    assert (avancee.statut, avancee.resultat) == ("en_cours", "Commencé")
    assert len(apres["Note"]) == len(avant["Note"]) + 1


@pytest.mark.parametrize("qui", ["coordinateur-b", "non-affecte", "etranger", "pilotage-a"])
def test_api_qui_n_est_pas_affecte_recoit_404_partout(monde, qui):
    user = {
        "coordinateur-b": monde.b.coordinateur,
        "non-affecte": monde.non_affecte.user,
        "etranger": monde.etranger.user,
        "pilotage-a": _pilote(monde.a.programme),
    }[qui]
    non_applicables = methodes_api_non_applicables(monde)
    avant = empreinte()

    ecarts = balayer_api(
        _client_api(_jeton(user)),
        monde.p,
        refus(non_applicables),
        noms_caches=[monde.p.parcours.enfant.nom],
    )

    assert not ecarts
    assert empreinte() == avant


def test_api_l_intervenant_lit_le_parcours_et_ecrit_une_note_seulement(monde):
    non_applicables = methodes_api_non_applicables(monde)
    lisibles = {"api:parcours_detail", "api:objectifs", "api:actions", "api:action"}
    lisibles |= {"api:notes", "api:note", "api:dispositifs"}
    avant = empreinte()

    def attendu(nom, methode):
        if (nom, methode) in non_applicables:
            return 405
        if methode == "GET" and nom in lisibles:
            return 200
        if (nom, methode) == ("api:notes", "POST"):
            return 201
        return 404

    client = _client_api(_jeton(monde.intervenant.user))
    assert not balayer_api(client, monde.p, attendu)
    apres = empreinte()
    assert len(apres["Note"]) == len(avant["Note"]) + 1
    assert apres["Action"] == avant["Action"]
    # Assigned to p only: p2, shared with the same structure, stays out of reach.
    assert not balayer_api(client, monde.p2, refus(non_applicables))


def test_api_des_identifiants_d_un_autre_parcours_dans_le_chemin_donnent_404(monde):
    client = _client_api(_jeton(monde.a.coordinateur))
    for nom, cle, etranger in (
        ("api:action", "action_pk", monde.q.action.pk),
        ("api:note", "note_pk", monde.q.note.pk),
        ("api:action", "action_pk", monde.p2.action.pk),
    ):
        url = reverse(nom, kwargs={"pk": monde.p.parcours.pk, cle: etranger})
        assert client.get(url).status_code == 404, (nom, etranger)


def test_api_les_filtres_ne_les_elargissent_jamais(monde):
    """A partner's list with the ids of another programme's référent or school: nothing more
    than what they see without filters (an unknown choice is a 400, never a wider list)."""
    client = _client_api(_jeton(monde.referent.user))
    sans_filtre = {r["id"] for r in client.get(reverse("api:parcours")).json()["results"]}
    assert sans_filtre == {monde.p.parcours.pk, monde.p2.parcours.pk}
    for parametres in (
        {"referent": monde.q.parcours.referent_id},
        {"etablissement": monde.ecole_b.pk},
        {"statut": "en_cours", "q": "Quentinois"},
    ):
        reponse = client.get(reverse("api:parcours"), parametres)
        if reponse.status_code == 200:
            assert {r["id"] for r in reponse.json()["results"]} <= sans_filtre, parametres
        else:
            assert reponse.status_code == 400, parametres


def test_api_les_statistiques_refusent_un_programme_d_ailleurs(monde):
    client = _client_api(_jeton(_pilote(monde.a.programme)))
    assert (
        client.get(reverse("api:statistiques"), {"programme": monde.a.programme.pk}).status_code
        == 200
    )
    for valeur in (monde.b.programme.pk, "tous", INEXISTANT):
        reponse = client.get(reverse("api:statistiques"), {"programme": valeur})
        assert reponse.status_code == 404, valeur
    # Child data stays out of the steering role's reach (test_api_qui_n_est_pas_affecte…).


def test_revoquer_un_jeton_refuse_celui_d_un_autre_compte(monde):
    from reussite.core.models import JetonAPI

    _jeton(monde.b.coordinateur)
    autre = JetonAPI.objects.get(user=monde.b.coordinateur)
    client = client_de(monde.a.coordinateur)

    reponse = client.post(reverse("securite:jeton_revoquer"), {"jeton": autre.pk})

    assert reponse.status_code == 404
    autre.refresh_from_db()
    assert autre.revoque_le is None
    for valeur in ("abc", "", INEXISTANT):
        assert client.post(reverse("securite:jeton_revoquer"), {"jeton": valeur}).status_code == 404
