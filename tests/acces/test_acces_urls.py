"""The access sweep: the guard (every URL swept, declared or exempt) and the sweep of every
URL with every kind of user. The URL map: tests/acces/balayage.py; the world: tests/acces/monde.py."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import get_resolver, reverse

from parcours.models import Parcours, Sollicitation
from parcours.services import parcours_sortir
from tests.acces.balayage import (
    AUTEURS_POST,
    BALAYEES,
    COORDINATION_SEULE,
    DECLAREES,
    EXEMPTEES,
    IMPORTS,
    METHODES,
    ORIENTATIONS,
    PREPARER_POST,
    PROTECTION,
    ROUTES,
    SANS_CONNEXION,
    SECTIONS_FICHE,
    SOLLICITE_SEUL,
    Route,
    _parcourir,
    balayer,
    client_de,
    envoyer,
    erreurs,
    est_un_test_existant,
    ids_de,
    methodes_non_applicables,
    problemes_de,
    refus,
    url_de,
)
from tests.acces.monde import SURVEILLES, _pilote, corps, empreinte
from tests.conftest import connecter
from tests.factories.core import dpo
from tests.factories.partage import partenaire, pre, professionnel, version_actuelle
from tests.support.formulaires import jeton

pytestmark = pytest.mark.django_db


def test_chaque_route_est_balayee_declaree_ou_exemptee():
    problemes = problemes_de(ROUTES)
    assert not problemes, "\n".join(problemes)


def test_la_garde_refuse_une_route_nouvelle_qui_n_est_ni_balayee_ni_declaree():
    nouvelles = [
        Route("parcours:export", "parcours/export/", (), 0, True),
        Route(
            "parcours:piece",
            "parcours/<int:pk>/pieces/<int:piece_pk>/",
            ("pk", "piece_pk"),
            0,
            True,
        ),
        Route("parcours:public", "parcours/public/", (), 0, False),
        Route(None, "parcours/sans-nom/", (), 0, True),
    ]
    for route in nouvelles:
        assert problemes_de([route]), route
    assert any("accessible sans connexion" in p for p in problemes_de(nouvelles))


def test_les_declarations_et_exemptions_designent_des_routes_et_des_tests_existants():
    noms = {route.nom for route in ROUTES}
    assert set(DECLAREES) <= noms, set(DECLAREES) - noms
    assert set(EXEMPTEES) <= noms, set(EXEMPTEES) - noms
    for nom, declaration in DECLAREES.items():
        assert est_un_test_existant(declaration.test), (nom, declaration.test)
        assert declaration.test.startswith("test_")
    assert {route.nom for route in BALAYEES} >= {"parcours:detail", "parcours:consentement_fichier"}


# --- The sweep ------------------------------------------------------------------------------


def test_les_corps_du_balayage_atteignent_chaque_page_pour_le_coordinateur(monde):
    """Positive control: with the right user, every swept GET answers 200, so that the 404s
    below come from the access check, not from a wrong URL."""
    non_applicables = methodes_non_applicables(monde)
    # POST bodies are checked one by one below, each on fresh data.
    assert not balayer(
        client_de(monde.a.coordinateur),
        monde.p,
        lambda nom, methode: (
            405 if (nom, methode) in non_applicables else (404 if nom in SOLLICITE_SEUL else 200)
        ),
        methodes=("GET",),
    )


# A control of the sweep itself, a fresh world per route: the largest share of the fast default's
# time (44 % of it on the first half of a run), so CI runs it and `make test-fast` does not; the
# access checks of the sweep stay in both.
@pytest.mark.lent
@pytest.mark.parametrize("nom", [route.nom for route in BALAYEES])
def test_chaque_corps_post_du_balayage_modifie_vraiment_quelque_chose(monde, nom):
    """Positive control for POST: the body the sweep sends would change data if the access
    check let it through (the coordinator of the programme, on a fresh copy of the world)."""
    if (nom, "POST") in methodes_non_applicables(monde):
        assert corps(nom, monde.p) == {}
        return
    route = next(r for r in BALAYEES if r.nom == nom)
    if nom in PREPARER_POST:
        PREPARER_POST[nom](monde)
    avant = empreinte()
    # The referrer alone answers the coordination's question.
    auteur = AUTEURS_POST.get(nom, lambda m: m.a.coordinateur)(monde)
    reponse = envoyer(
        client_de(auteur), "POST", url_de(route, ids_de(monde.p)), corps(nom, monde.p)
    )
    assert reponse.status_code == 302, erreurs(reponse)
    assert empreinte() != avant


def test_un_anonyme_est_renvoye_vers_la_connexion_partout(client, monde):
    connexion = reverse("login")
    for route in ROUTES:
        if route.nom in SANS_CONNEXION:
            continue
        ids = ids_de(monde.p)
        url = url_de(route, ids) if route.identifiants else reverse(route.nom)
        for methode in METHODES:
            reponse = envoyer(client, methode, url, corps(route.nom, monde.p))
            assert reponse.status_code == 302, (route.nom, methode, reponse.status_code)
            assert reponse["Location"].startswith(f"{connexion}?next="), route.nom


@pytest.mark.parametrize(
    "qui", ["coordinateur-b", "non-affecte", "etranger", "pilotage-a", "dpo-a"]
)
def test_qui_n_est_pas_affecte_recoit_404_partout(monde, qui):
    user = {
        "coordinateur-b": monde.b.coordinateur,
        "non-affecte": monde.non_affecte.user,
        "etranger": monde.etranger.user,
        "pilotage-a": _pilote(monde.a.programme),  # steering sees aggregates only
        # The DPO reads the trail and the legal documents, never a child's file (issue 19).
        "dpo-a": dpo(monde.a.programme),
    }[qui]
    non_applicables = methodes_non_applicables(monde)
    avant = empreinte()

    ecarts = balayer(
        client_de(user),
        monde.p,
        refus(non_applicables),
        noms_caches=[monde.p.parcours.enfant.nom],
    )

    assert not ecarts
    assert empreinte() == avant


def test_chaque_section_de_la_fiche_est_balayee():
    assert {route.nom for route in BALAYEES} >= SECTIONS_FICHE


def test_l_intervenant_affecte_lit_la_fiche_et_rien_d_autre(monde):
    """…and writes journal notes (everyone who may read an open pathway does)."""
    non_applicables = methodes_non_applicables(monde)
    avant = empreinte()

    def attendu(nom, methode):
        if (nom, methode) == ("parcours:note_ajouter", "GET") or (
            nom in SECTIONS_FICHE and methode == "GET"
        ):
            return 200
        if (nom, methode) == ("parcours:note_ajouter", "POST"):
            return 302
        return refus(non_applicables)(nom, methode)

    assert not balayer(client_de(monde.intervenant.user), monde.p, attendu)
    apres = empreinte()
    nouvelles = set(apres.pop("Note")) - set(avant.pop("Note"))
    assert [(n[1], n[2]) for n in nouvelles] == [(monde.p.parcours.pk, monde.intervenant.user_id)]
    # The note stamps the pathway's activity (its version); nothing else changed.
    version = SURVEILLES[Parcours].index("version") + 1
    for ligne in (apres, avant):
        ligne["Parcours"] = [r[:version] + r[version + 1 :] for r in ligne["Parcours"]]
    assert apres == avant
    # Assigned to p only: p2, shared with the same structure, stays out of reach.
    assert not balayer(client_de(monde.intervenant.user), monde.p2, refus(non_applicables))


def test_le_referent_partenaire_atteint_les_pages_de_son_parcours(monde):
    non_applicables = methodes_non_applicables(monde)

    def attendu(nom, methode):
        if (nom, methode) in non_applicables:
            return 405
        # Only its author corrects a note: the coordinator wrote this one.
        if nom in COORDINATION_SEULE or nom == "parcours:note_modifier":
            return 404
        if nom in PROTECTION:  # --- protection
            return 404
        # --- exports: the coordinator's export is theirs alone
        if nom in ("exports:demande", "exports:fichier"):
            return 404
        # --- fratrie: the référent reads the family; adding a child to it is the coordination's
        if nom == "parcours:famille_ajouter_enfant":
            return 404
        # --- offres: closing an unmet need is the coordinators' follow-up, not the référent's
        # --- orientations: the coordination's and the referrer's, not the pathway's référent
        if nom in ORIENTATIONS or nom in IMPORTS or nom in SOLLICITE_SEUL:
            return 404
        return 404 if nom == "parcours:besoin_clore" else 200

    assert not balayer(client_de(monde.referent.user), monde.p, attendu, methodes=("GET",))


@pytest.mark.lent  # a whole-site sweep for one state (CI); the per-role 404 sweep stays in the fast loop
def test_apres_le_retrait_du_consentement_404_des_la_requete_suivante(monde):
    non_applicables = methodes_non_applicables(monde)
    detail = reverse("parcours:detail", args=[monde.p.parcours.pk])
    intervenant, referent = client_de(monde.intervenant.user), client_de(monde.referent.user)
    assert envoyer(intervenant, "GET", detail).status_code == 200
    assert envoyer(referent, "GET", detail).status_code == 200

    retrait = envoyer(
        client_de(monde.a.coordinateur),
        "POST",
        reverse(
            "parcours:consentement_retirer", args=[monde.p.parcours.pk, monde.p.consentement.pk]
        ),
        corps("parcours:consentement_retirer", monde.p),
    )
    assert retrait.status_code == 302

    assert envoyer(intervenant, "GET", detail).status_code == 404
    assert envoyer(referent, "GET", detail).status_code == 404
    avant = empreinte()
    for client in (intervenant, referent):
        assert not balayer(client, monde.p, refus(non_applicables))
        suivis = envoyer(client, "GET", reverse("parcours:mes_suivis")).contenu.decode()
        assert monde.p.parcours.enfant.nom not in suivis
    assert empreinte() == avant
    # p2 has its own consent: the référent keeps it.
    assert (
        envoyer(
            referent, "GET", reverse("parcours:detail", args=[monde.p2.parcours.pk])
        ).status_code
        == 200
    )


@pytest.mark.lent  # a whole-site sweep for one state (CI)
def test_apres_la_sortie_le_referent_lit_sans_modifier_et_l_intervenant_ne_voit_plus_rien(monde):
    non_applicables = methodes_non_applicables(monde)
    parcours_sortir(
        version=version_actuelle(monde.p.parcours),
        parcours=monde.p.parcours,
        date_sortie=date.today(),
        motif_sortie="demenagement",
        auteur=monde.a.coordinateur,
    )
    lectures = {
        *((section, "GET") for section in SECTIONS_FICHE),
        ("parcours:consentement_fichier", "GET"),
        # --- journal: the team still reads the documents and the IP record, writes nothing
        ("parcours:document_fichier", "GET"),
        ("parcours:information_preoccupante", "GET"),
        # --- exports: the référent still reads the pathway, so its fiche
        ("parcours:fiche_pdf", "GET"),
        # --- fratrie: and the family, as the pathway's team
        ("parcours:famille_detail", "GET"),
        # --- sollicitations: and the requests made for the pathway
        ("parcours:sollicitations_parcours", "GET"),
        ("parcours:sollicitation_equipe", "GET"),
        # --- dispositifs: the exit questionnaire is filled at the exit or just after it
        ("parcours:questionnaire_sortie", "GET"),
    }

    def attendu(nom, methode):
        if (nom, methode) == ("parcours:questionnaire_sortie", "POST"):
            return 302
        return 200 if (nom, methode) in lectures else refus(non_applicables)(nom, methode)

    avant = empreinte()
    assert not balayer(client_de(monde.referent.user), monde.p, attendu)
    assert not balayer(client_de(monde.intervenant.user), monde.p, refus(non_applicables))
    apres = empreinte()
    # The référent filled the family's exit questionnaire, and nothing else changed.
    assert [q[1] for q in apres.pop("QuestionnaireSortie")] == [monde.p.parcours.pk]
    avant.pop("QuestionnaireSortie")
    assert apres == avant


@pytest.mark.lent  # a whole-site sweep for one state (CI)
def test_des_identifiants_d_un_autre_parcours_dans_le_chemin_donnent_404(monde):
    """A sub-object of pathway X under the path of pathway Y, which the user may edit."""
    non_applicables = methodes_non_applicables(monde)
    a_sous_objets = [route for route in BALAYEES if len(route.identifiants) > 1]
    assert a_sous_objets
    melanges = [
        (monde.p2, monde.p),  # same programme, both editable by the coordinator and the référent
        (monde.p, monde.p2),
        (monde.p, monde.q),  # a sub-object of programme B
        (monde.q, monde.p),
    ]
    avant = empreinte()
    ecarts = []
    for user in (monde.a.coordinateur, monde.referent.user):
        client = client_de(user)
        for chemin, sous_objets in melanges:
            ids = {**ids_de(sous_objets), "pk": chemin.parcours.pk}
            for route in a_sous_objets:
                for methode in METHODES:
                    statut = envoyer(
                        client, methode, url_de(route, ids), corps(route.nom, chemin)
                    ).status_code
                    voulu = refus(non_applicables)(route.nom, methode)
                    if statut != voulu:
                        ecarts.append((user.email, route.nom, methode, statut, voulu))
    assert not ecarts
    assert empreinte() == avant


# --- sollicitations (issue 21) ----------------------------------------------------------------


@pytest.mark.lent  # a whole-site sweep for one state (CI)
def test_le_partenaire_sollicite_sans_acces_lit_une_reference_et_rien_d_autre(monde):
    """A partner that receives a request for a child it may not see (its structure is not named
    by the consent): the request's page answers, with the pseudonymised reference and never the
    child's name; every other swept URL answers 404, the pathway's page included."""
    non_applicables = methodes_non_applicables(monde)
    sollicite = client_de(monde.p.sollicite.user)
    nom = monde.p.parcours.enfant.nom

    def attendu(nom_route, methode):
        if nom_route in SOLLICITE_SEUL and methode == "GET":
            return 200
        if nom_route in SOLLICITE_SEUL:
            return 302  # its answer (checked last: it changes the request)
        return refus(non_applicables)(nom_route, methode)

    avant = empreinte()
    assert not balayer(sollicite, monde.p, attendu, noms_caches=[nom], methodes=("GET",))
    page = envoyer(
        sollicite,
        "GET",
        reverse("parcours:sollicitation_recue", args=[monde.p.sollicitation.pk]),
    ).contenu.decode()
    assert monde.p.sollicitation.reference in page and nom not in page
    boite = envoyer(sollicite, "GET", reverse("parcours:sollicitations_recues")).contenu.decode()
    assert monde.p.sollicitation.reference in boite and nom not in boite
    assert empreinte() == avant
    # Nothing about the other pathway (p2) nor the other programme's request reaches them.
    assert not balayer(sollicite, monde.p2, refus(non_applicables), noms_caches=[nom])
    assert not balayer(sollicite, monde.q, refus(non_applicables))


def test_solliciter_refuse_les_identifiants_d_ailleurs(monde):
    client = client_de(monde.a.coordinateur)
    url = reverse("parcours:sollicitation_creer", args=[monde.p.parcours.pk])
    base = {"jeton": "", **corps("parcours:sollicitation_creer", monde.p)}
    avant = Sollicitation.objects.count()
    for champ, valeur in (
        ("objectif", monde.p2.objectif.pk),  # another pathway's objective
        ("objectif", monde.q.objectif.pk),
        ("structure", monde.q.structure.pk),  # another programme's network
        ("professionnel", monde.q.sollicite.pk),
    ):
        reponse = envoyer(client, "POST", url, base | {"jeton": jeton(), champ: valeur})
        assert reponse.status_code == 200 and champ in erreurs(reponse)["form"], champ
    assert Sollicitation.objects.count() == avant


def test_obstacles_refusent_un_programme_d_ailleurs(monde):
    for user in (monde.a.coordinateur, _pilote(monde.a.programme)):
        client = client_de(user)
        for nom in ("parcours:obstacles", "parcours:obstacles_csv", "parcours:obstacles_xlsx"):
            assert client.get(reverse(nom), {"programme": monde.b.programme.pk}).status_code == 404
            assert client.get(reverse(nom), {"programme": "tous"}).status_code == 404
            assert client.get(reverse(nom), {"programme": monde.a.programme.pk}).status_code == 200
    for nom in ("parcours:obstacles", "parcours:obstacles_csv"):
        assert client_de(monde.non_affecte.user).get(reverse(nom)).status_code == 404


# --- network import (issue 17) -------------------------------------------------------------


def test_import_du_reseau_404_hors_de_l_administration_du_programme(client):
    """Every route under partenaires/import/ (excluded from the sweep above: it belongs to the
    administrators, not to the coordination the sweep's positive control uses)."""
    from partenaires.models import ImportReseau, StatutImportReseau
    from partenaires.services.imports import import_reseau_analyser
    from tests.factories.core import administrateur

    a, b = pre(nom="PRE Alpha"), pre(nom="PRE Bêta")
    admin_a = administrateur(a.programme)
    fichier = ContentFile(
        b"nature;structure_nom;structure_type\nstructure;Association Test;Association\n",
        name="reseau.csv",
    )
    imp = import_reseau_analyser(programme=a.programme, auteur=admin_a, fichier=fichier)
    routes = [
        r
        for r in _parcourir(get_resolver().url_patterns)
        if r.gabarit.startswith("partenaires/import/")
    ]
    assert {r.nom for r in routes} == {
        "partenaires:import_reseau",
        "partenaires:import_reseau_modele",
        "partenaires:import_reseau_modele_xlsx",
        "partenaires:import_reseau_apercu",
    }

    def url(route):
        return reverse(route.nom, args=[imp.pk] if route.identifiants else [])

    autres = {
        "coordinateur-a": a.coordinateur,
        "administrateur-b": administrateur(b.programme),
        "partenaire-a": professionnel(partenaire(a.programme)).user,
        "referent-a": professionnel(a.porteuse).user,
        "dpo-a": dpo(a.programme),
        "pilotage-a": _pilote(a.programme),
    }
    for qui, user in autres.items():
        connecter(client, user)
        for route in routes:
            if qui == "administrateur-b" and not route.identifiants:
                continue  # their own import page and templates
            for methode in ("GET", "POST"):
                reponse = envoyer(client, methode, url(route), {"version": imp.version})
                assert reponse.status_code in (404, 405), (qui, route.nom, methode)
                assert reponse.status_code == 404 or methode == "POST", (qui, route.nom)
    client.logout()
    for route in routes:
        reponse = client.get(url(route))
        assert reponse.status_code == 302 and reponse["Location"].startswith(reverse("login"))
    connecter(client, admin_a)
    for route in routes:
        assert client.get(url(route)).status_code == 200, route.nom
    assert ImportReseau.objects.get().statut == StatutImportReseau.ANALYSE
