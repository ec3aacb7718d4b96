"""The data·inclusion feed of the public offers (issue 22): records built and validated with
the `data-inclusion-schema` models, open without a token, the offer's personal contact private
unless the offer publishes it, one reviewed mapping per Réussite value."""

import json

import pytest
from data_inclusion.schema import v1 as di
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partenaires import data_inclusion
from partenaires.models import Domaine, TypeService
from partenaires.services import offre_modifier
from tests.factories.actions import offre
from tests.factories.partage import partenaire, pre

pytestmark = pytest.mark.django_db


@pytest.fixture
def reseau():
    a = pre(nom="PRE A")
    structure = partenaire(
        a.programme,
        nom="Association Lire Ensemble",
        siret="12345678901234",
        commune="Roubaix",
        adresse="3 rue des Écoles",
        telephone="03 20 00 00 00",
        email="accueil@lire-ensemble.example",
    )
    publique = offre(
        structure,
        a.programme,
        intitule="Aide aux devoirs du soir",
        description="Accompagnement scolaire en petits groupes, du CP à la 3e.",
        diffusion_publique=True,
        contact_nom="Camille Martin",
        contact_email="camille.martin@lire-ensemble.example",
        contact_telephone="06 39 98 00 00",
    )
    privee = offre(
        structure, a.programme, intitule="Atelier réservé au programme", cree_par=a.coordinateur
    )
    return a, structure, publique, privee


def _liste(nom, **parametres):
    reponse = Client().get(reverse(f"api:data_inclusion_{nom}"), parametres)
    assert reponse.status_code == 200, reponse.content
    return reponse.json()["results"]


def test_sans_jeton_les_offres_publiques_et_leurs_structures_seulement(reseau):
    _a, structure, publique, _privee = reseau

    services = _liste("services")
    structures = _liste("structures")

    assert [s["id"] for s in services] == [f"reussite--{publique.pk}"]
    assert [s["id"] for s in structures] == [f"reussite--{structure.pk}"]
    assert services[0]["structure_id"] == structures[0]["id"]


def test_chaque_enregistrement_valide_avec_les_modeles_du_schema(reseau):
    for enregistrement in _liste("services"):
        di.Service.model_validate(enregistrement)
    for enregistrement in _liste("structures"):
        di.Structure.model_validate(enregistrement)
    export = Client().get(reverse("api:data_inclusion_export"))
    assert export.streaming, "thousands of offers at national scale: sent as built"
    contenu = json.loads(b"".join(export.streaming_content))
    assert export["Content-Disposition"].startswith("attachment;")
    assert contenu["source"] == "reussite"
    assert [di.Service.model_validate(s).id for s in contenu["services"]] == [
        s["id"] for s in _liste("services")
    ]
    assert len(contenu["structures"]) == 1


def test_le_contact_personnel_de_l_offre_reste_prive_sauf_s_il_est_public(reseau):
    _a, _structure, publique, _privee = reseau

    service = _liste("services")[0]
    texte = json.dumps(service)
    assert "Camille" not in texte and "06 39" not in texte
    assert service["courriel"] == "accueil@lire-ensemble.example"
    assert service["telephone"] == "03 20 00 00 00"

    publique.contact_public = True
    publique.save()
    service = _liste("services")[0]
    assert service["contact_nom_prenom"] == "Camille Martin"
    assert service["courriel"] == "camille.martin@lire-ensemble.example"


def test_une_offre_depubliee_ou_expiree_sort_du_flux(reseau):
    from datetime import date, timedelta

    _a, _structure, publique, _privee = reseau
    publique.disponible_au = date.today() - timedelta(days=1)
    publique.disponible_du = date.today() - timedelta(days=30)
    publique.save()

    assert _liste("services") == []
    assert _liste("structures") == []


def test_qui_peut_modifier_l_offre_la_rend_publique(reseau):
    """The open-data flag is a field of the offer's form and service: the same rule decides
    who sets it as who edits the offer (DOMAIN.md)."""
    a, _structure, _publique, privee = reseau
    donnees = {"diffusion_publique": True, "contact_public": False, "intitule": privee.intitule}

    offre_modifier(
        offre=privee,
        donnees=donnees,
        programmes=[a.programme],
        version=privee.version,
        auteur=a.coordinateur,
    )

    assert f"reussite--{privee.pk}" in {s["id"] for s in _liste("services")}


@pytest.mark.parametrize("domaine", list(Domaine))
def test_chaque_domaine_a_ses_thematiques_revues(domaine):
    attendu = {
        Domaine.SCOLARITE: {
            "lecture-ecriture-calcul--maitriser-le-francais",
            "lecture-ecriture-calcul--maitriser-le-calcul",
        },
        Domaine.LANGAGE: {"lecture-ecriture-calcul--maitriser-le-francais"},
        Domaine.SANTE: {"sante--acces-aux-soins"},
        Domaine.BIEN_ETRE: {"sante--sante-mentale", "remobilisation--bien-etre-confiance-en-soi"},
        Domaine.PARENTALITE: {"famille--soutien-a-la-parentalite-et-a-leducation"},
        Domaine.SOCIALISATION: {"remobilisation--lien-social"},
        Domaine.CULTURE: {"remobilisation--activites-sportives-et-culturelles"},
        Domaine.SPORT: {"remobilisation--activites-sportives-et-culturelles"},
    }[domaine]

    assert {t.value for t in data_inclusion.THEMATIQUES[domaine]} == attendu


@pytest.mark.parametrize("type_service", list(TypeService))
def test_chaque_type_de_service_a_son_type_revu(type_service):
    attendu = {
        TypeService.ACCOMPAGNEMENT_INDIVIDUEL: "accompagnement",
        TypeService.ATELIER_COLLECTIF: "atelier",
        TypeService.SOIN: "accompagnement",
        TypeService.SOUTIEN_SCOLAIRE: "accompagnement",
        TypeService.ACTIVITE: "atelier",
        TypeService.SEJOUR: None,
        TypeService.PARENTALITE: "accompagnement",
        TypeService.AUTRE: None,
    }[type_service]

    valeur = data_inclusion.TYPES[type_service]
    assert (valeur.value if valeur else None) == attendu


@pytest.mark.parametrize("domaine", list(Domaine))
@pytest.mark.parametrize("type_service", list(TypeService))
def test_chaque_combinaison_donne_un_service_valide(reseau, domaine, type_service):
    _a, _structure, publique, _privee = reseau
    publique.domaine, publique.type_service = domaine, type_service
    publique.intitule, publique.description = "Ok", ""  # the shortest an offer may have

    service = data_inclusion.service_de(publique)

    assert di.Service.model_validate(service.model_dump()) == service
    assert len(service.nom) >= 3 and len(service.description) >= 5


def test_une_structure_sans_siret_valide_ni_contact_reste_valide():
    a = pre(nom="PRE C")
    structure = partenaire(a.programme, nom="Club.", siret="123", telephone="", email="")
    offre(structure, a.programme, diffusion_publique=True)

    (enregistrement,) = _liste("structures")

    assert "siret" not in enregistrement
    assert enregistrement["nom"] == "Club"
    di.Structure.model_validate(enregistrement)


def test_le_flux_coute_autant_avec_1_et_20_offres(reseau):
    _a, _structure, _publique, _privee = reseau

    def requetes():
        with CaptureQueriesContext(connection) as capture:
            for nom in ("services", "structures"):
                assert Client().get(reverse(f"api:data_inclusion_{nom}")).status_code == 200
        return len(capture)

    peu = requetes()
    export = reverse("api:data_inclusion_export")
    with CaptureQueriesContext(connection) as capture:
        assert len(json.loads(b"".join(Client().get(export).streaming_content))["services"]) == 1
    export_peu = len(capture)
    for i in range(19):
        offre(
            partenaire(_a.programme), _a.programme, intitule=f"Offre {i}", diffusion_publique=True
        )
    assert requetes() == peu
    with CaptureQueriesContext(connection) as capture:
        assert len(json.loads(b"".join(Client().get(export).streaming_content))["services"]) == 20
    assert len(capture) == export_peu


def test_le_flux_ouvert_est_limite_par_adresse_sans_croire_x_forwarded_for(reseau, monkeypatch):
    from reussite.core.api import AnonymeThrottle

    monkeypatch.setattr(AnonymeThrottle, "THROTTLE_RATES", {"anonyme": "2/min"})
    url = reverse("api:data_inclusion_services")

    statuts = [
        Client(headers={"X-Forwarded-For": f"10.0.0.{i}"}).get(url).status_code for i in range(3)
    ]

    assert statuts == [200, 200, 429]
