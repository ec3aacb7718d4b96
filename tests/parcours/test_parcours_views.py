"""Pages of the pathway app: who may open what (the matrix of pages and roles), and query
budgets that do not grow with the number of rows. The forms flows: test_parcours_formulaires."""

from datetime import timedelta
from operator import attrgetter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections
from django.urls import URLResolver, reverse
from pytest_django.asserts import assertRedirects

from parcours import urls as parcours_urls
from parcours.models import Parcours, Statut
from reussite.core.models import Evenement, User
from reussite.core.trace import ALIAS as TRACE
from reussite.core.trace import tracer
from tests.acces import balayage
from tests.conftest import connecter
from tests.factories import actions as fabrique_actions
from tests.factories.core import ProgrammeFactory, UserFactory, coordinateur
from tests.factories.parcours import (
    ChangementStatutFactory,
    ConsentementFactory,
    ParcoursFactory,
    ResponsableLegalFactory,
)
from tests.factories.partage import ajouter_intervenant
from tests.factories.partenaires import ProfessionnelFactory, StructureFactory, structure_porteuse
from tests.parcours.vues import (
    AUJOURD_HUI,
    REQUETES_JOURNAL,
    SECTIONS,
    Monde,
    construire_monde,
    u,
)
from tests.support.donnees_partagees import donnees_du_module

pytestmark = pytest.mark.django_db


@pytest.fixture
def monde():
    return construire_monde()


# role: (who logs in, which pathway they try to open)
ROLES = {
    "anonyme": (None, "parcours"),
    "autre_programme": ("autre_coordinateur", "parcours"),
    # Same structure as the assigned partner, pathway covered by consent: still not assigned.
    "partenaire_non_assigne": ("non_assigne.user", "parcours_partage"),
    "partenaire_sans_consentement": ("partenaire.user", "parcours_sans_consentement"),
    # The partner référent of a pathway whose consent names their structure: reads and edits.
    "partenaire_assigne": ("partenaire.user", "parcours_partage"),
    # An intervenant of the same structure on the same pathway: reads its page, nothing else.
    "partenaire_intervenant": ("intervenant.user", "parcours_partage"),
    "referent": ("referent.user", "parcours"),
    "coordinateur": ("coordinateur", "parcours"),
}
AUTORISES = {"partenaire_assigne", "referent", "coordinateur"}
LECTEURS = {*AUTORISES, "partenaire_intervenant"}
# The coordination and the référent: they prepare the consent form to print.
EQUIPE = {"partenaire_assigne", "referent", "coordinateur"}
PAGES_PARCOURS = [
    f"parcours:{nom}"
    for nom in [
        "detail",
        # The other sections of the pathway's page (issue 15, point 15)
        "objectifs",
        "journal",
        "partage",
        "historique",
        "modifier",
        "modifier_enfant",
        "modifier_famille",
        "sortir",
        "consentement",
        "consentement_formulaire",
        # --- actions
        "objectif_ajouter",
        "action_ajouter",
        "action_choisir_offre",
    ]
]
PAGES_GENERALES = [
    "accueil",
    "parcours:liste",
    "parcours:mes_suivis",
    "parcours:charte",
    "parcours:creer",
    "parcours:passation",
    # --- actions
    "parcours:collectives",
    "parcours:collective_creer",
    "parcours:a_risque",
    # --- the front door (issue 17)
    "parcours:orientations",
    "parcours:orientations_envoyees",
    "parcours:import_modele",
    "parcours:import_modele_xlsx",
    "parcours:transferts",
    # --- sollicitations (issue 21): the partner's inbox, empty for who receives nothing
    "parcours:sollicitations_recues",
    # --- transitions (issue 21): the coordination's list, 404 for anyone else
    "parcours:transitions",
]
# Coordinators only, in one of their own programmes.
PAGES_DE_COORDINATION = {
    "parcours:transferts",
    "parcours:creer",
    "parcours:passation",
    "parcours:collectives",
    "parcours:collective_creer",
}
# URLs that need another object's id besides the pathway's (a consent, an intervenant) or take
# POST only: tests/acces/test_acces_urls.py sweeps them with every kind of user, for GET and POST.
DELEGUEES_AU_BALAYAGE = {
    # --- sollicitations (issue 21; their own tests: tests/e2e/test_sollicitations.py)
    "parcours:sollicitations_parcours": "balayée (id du parcours), équipe seulement",
    "parcours:sollicitation_creer": "balayée (id du parcours) ; identifiants du corps (DECLAREES)",
    "parcours:sollicitation_equipe": "id de la sollicitation, équipe du parcours",
    "parcours:sollicitation_retirer": "POST seulement (id de la sollicitation)",
    "parcours:sollicitation_en_action": "POST seulement (id de la sollicitation)",
    "parcours:sollicitation_reorienter": "POST seulement (id de la sollicitation)",
    "parcours:sollicitation_recue": "id de la sollicitation, le partenaire sollicité seulement",
    "parcours:obstacles": "programme lu dans la requête (DECLAREES)",
    "parcours:obstacles_csv": "programme lu dans la requête (DECLAREES)",
    "parcours:obstacles_xlsx": "programme lu dans la requête (DECLAREES)",
    # Its page opens only on a pathway « en cours »; its rules: tests/parcours/test_fiche_sections.py.
    "parcours:suspendre": "suspension confirmée (issue 15, point 15)",
    "parcours:consentement_fichier": "le scan d’un consentement (id du consentement)",
    "parcours:consentement_formulaire_pdf": "le formulaire à signer en PDF (id du parcours), "
    "même capacité que la page ; tests/core/test_juridique.py",
    "parcours:consentement_retirer": "retrait d’un consentement (id du consentement)",
    "parcours:consentement_renouveler": "renouvellement d’un consentement (id du consentement)",
    "parcours:intervenant_ajouter": "POST seulement, professionnel lu dans le corps",
    "parcours:intervenant_retirer": "POST seulement (id de l’intervenant)",
    # --- actions (their own matrix: tests/parcours/test_actions.py)
    "parcours:objectif_modifier": "modifier un objectif (id de l’objectif)",
    "parcours:action_modifier": "modifier une action (id de l’action)",
    "parcours:collective_detail": "une action collective (id de l’action collective)",
    "parcours:collective_inscrire": "POST seulement (id de l’action collective)",
    # --- journal (tests/parcours/test_journal.py holds their own role matrices)
    "parcours:note_ajouter": "balayée (id du parcours) ; matrice dans test_journal_parcours",
    "parcours:note_modifier": "id de la note",
    "parcours:note_addendum": "id de la note",
    "parcours:information_preoccupante": "balayée (id du parcours), équipe seulement",
    "parcours:rupture_ajouter": "balayée (id du parcours), équipe seulement",
    "parcours:rupture_reponse": "id de la rupture",
    "parcours:document_ajouter": "balayée (id du parcours), équipe seulement",
    "parcours:document_fichier": "id du document",
    "parcours:document_archiver": "POST seulement (id du document)",
    # --- offres (their own tests are in test_offres.py)
    "parcours:besoin_ajouter": "besoin non couvert d’un parcours (id du parcours)",
    "parcours:besoin_clore": "clôture d’un besoin (id du besoin)",
    # --- fratrie (tests/parcours/test_fratrie.py holds their role matrix)
    "parcours:famille_detail": "la page d’une famille (id de la famille)",
    "parcours:famille_ajouter_enfant": "ajouter un enfant à une famille (id de la famille)",
    "parcours:besoins": "programme lu dans la requête (DECLAREES)",
    "parcours:carte_competences": "programme lu dans la requête (DECLAREES)",
    # --- statistiques (their own matrix: tests/parcours/test_statistiques.py)
    "parcours:statistiques": "programme lu dans la requête (DECLAREES)",
    "parcours:statistiques_enquete": "programme lu dans la requête (DECLAREES)",
    "parcours:statistiques_enquete_xlsx": "programme lu dans la requête (DECLAREES)",
    "parcours:parcours_export": "filtres de la liste lus dans la requête (DECLAREES)",
    "parcours:parcours_export_xlsx": "filtres de la liste lus dans la requête (DECLAREES)",
    # --- dispositifs (issue 21; their rules and role checks: tests/e2e/test_dispositifs.py)
    "parcours:dispositif_ajouter": "balayée (id du parcours), équipe seulement",
    "parcours:dispositif_modifier": "id du dispositif, équipe seulement",
    "parcours:dispositif_terminer": "id du dispositif, équipe seulement",
    "parcours:parole_ajouter": "id de l’objectif, équipe seulement",
    "parcours:questionnaire_sortie": "balayée (id du parcours), équipe seulement",
    # --- protection (coordination only; their own matrix: tests/e2e/test_protection.py)
    "parcours:droit_acces_pdf": "balayée (id du parcours), coordination seulement",
    "parcours:droit_acces_json": "balayée (id du parcours), coordination seulement",
    "parcours:historique_modifications": "balayée (id du parcours), coordination seulement",
    # --- exports (their own matrix: tests/parcours/test_exports.py)
    "parcours:actions": "filtres de la liste lus dans la requête (DECLAREES)",
    "parcours:actions_export": "filtres de la liste lus dans la requête (DECLAREES)",
    "parcours:actions_export_xlsx": "filtres de la liste lus dans la requête (DECLAREES)",
    "parcours:fiche_pdf": "balayée (id du parcours), équipe seulement",
    # --- transitions (issue 21; their own matrix: tests/e2e/test_transitions.py)
    "parcours:transition": "balayée (id du parcours), équipe d’un parcours ouvert seulement",
    "parcours:transition_fiche_pdf": "balayée (id du parcours), équipe d’un parcours ouvert",
    # --- the front door (issue 17; their own matrices: test_orientations, test_imports,
    # test_transferts)
    "parcours:orientation_creer": "programme, membre et école lus dans le corps (DECLAREES)",
    "parcours:orientation": "id de l’orientation",
    "parcours:orientation_decider": "POST seulement (id de l’orientation)",
    "parcours:orientation_repondre": "POST seulement (id de l’orientation)",
    "parcours:orientation_document": "id de l’orientation",
    "parcours:import": "programme lu dans le corps (DECLAREES)",
    "parcours:import_apercu": "id de l’import",
    "parcours:transfert": "id du transfert",
    "parcours:transfert_decider": "POST seulement (id du transfert)",
    "parcours:transfert_proposer": "balayée (id du parcours), coordination seulement",
    # --- the funders' evidence packs (issue 21; their own matrix: tests/parcours/test_preuves.py)
    "parcours:preuves": "programme lu dans la requête (DECLAREES)",
    "parcours:preuves_dossier": "programme, structure et année lus dans la requête (DECLAREES)",
}


def _en_tant_que(client, monde: Monde, role: str) -> Parcours:
    qui, lequel = ROLES[role]
    if qui is not None:
        connecter(client, attrgetter(qui)(monde))
    return getattr(monde, lequel)


def _attendu(page: str, role: str) -> int | str:
    if role == "anonyme":
        return "connexion"
    if page in {"parcours:transitions", "parcours:import_modele", "parcours:import_modele_xlsx"}:
        return 200 if role in {"coordinateur", "autre_programme"} else 404
    if page in PAGES_DE_COORDINATION:
        return 200 if role in {"coordinateur", "autre_programme"} else 403
    if page == "parcours:orientations":
        # A partner who coordinates nothing lands on their own referrals.
        return 200 if role in {"coordinateur", "autre_programme"} else 302
    if page in PAGES_GENERALES:
        return 200
    if page in SECTIONS:
        return 200 if role in LECTEURS else 404
    if page == "parcours:consentement_formulaire":
        return 200 if role in EQUIPE else 404
    return 200 if role in AUTORISES else 404


def noms_des_urls(motifs) -> set[str]:
    """Every named URL in `motifs`, included modules too."""
    noms = set()
    for motif in motifs:
        if isinstance(motif, URLResolver):
            noms |= noms_des_urls(motif.url_patterns)
        elif motif.name:
            noms.add(motif.name)
    return noms


def test_la_matrice_couvre_chaque_url_de_parcours():
    couvertes = {*PAGES_PARCOURS, *PAGES_GENERALES, "parcours:changer_statut"}
    assert not couvertes & set(DELEGUEES_AU_BALAYAGE)
    # EPS meetings are reached through the programme and the invitation, not a pathway: their
    # own matrix and sweep are in tests/parcours/test_eps.py.
    eps = {f"parcours:{nom}" for nom in noms_des_urls(parcours_urls.eps_urls)}
    assert {
        f"parcours:{nom}" for nom in noms_des_urls(parcours_urls.urlpatterns)
    } <= couvertes | set(DELEGUEES_AU_BALAYAGE) | eps
    # A URL left to the sweep must really be swept there (ids in its path) or declared to it.
    balayees = {route.nom for route in balayage.BALAYEES} | set(balayage.DECLAREES)
    assert set(DELEGUEES_AU_BALAYAGE) <= balayees


class TestMatrice:
    """Every page for every role: 240 GETs that change nothing the next one reads, on one world
    (built once for the class, each test rolled back as usual): a world per test cost 0.3 s
    each, 75 s in all on the 2-core machine."""

    @pytest.fixture(scope="class")
    @classmethod
    def monde(cls, django_db_setup, django_db_blocker):
        with donnees_du_module(django_db_blocker):
            yield construire_monde()

    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("page", PAGES_PARCOURS + PAGES_GENERALES)
    def test_matrice_des_pages(self, page, role, client, monde, db):
        parcours = _en_tant_que(client, monde, role)
        url = u(page, parcours) if page in PAGES_PARCOURS else u(page)

        reponse = client.get(url)

        attendu = _attendu(page, role)
        if attendu == "connexion":
            assert reponse.status_code == 302
            assert reponse.url == f"{reverse('login')}?next={url}"
            assert client.get(reponse.url).status_code == 200
        else:
            assert reponse.status_code == attendu
        if page in PAGES_PARCOURS and attendu != "connexion":
            assert (parcours.enfant.nom in reponse.content.decode()) == (attendu == 200)


@pytest.mark.parametrize("role", ROLES)
def test_matrice_changer_statut(role, client, monde):
    parcours = _en_tant_que(client, monde, role)
    url = u("parcours:changer_statut", parcours)
    avant = parcours.statut
    suivant = {
        Statut.REPERAGE: Statut.EN_ATTENTE_CONSENTEMENT,
        Statut.EN_ATTENTE_CONSENTEMENT: Statut.DIAGNOSTIC,
        Statut.EN_COURS: Statut.SUSPENDU,
    }[avant]

    # Suspending is confirmed (issue 15, point 15): the box ticked on its page.
    reponse = client.post(url, {"statut": suivant, "version": parcours.version, "confirmer": "on"})

    parcours.refresh_from_db()
    if role == "anonyme":
        assert reponse.url == f"{reverse('login')}?next={url}"
    elif role in AUTORISES:  # the intervenant only reads: not among them
        assertRedirects(reponse, u("parcours:detail", parcours))
        assert parcours.statut == suivant
        assert client.get(url).status_code == 405  # POST only
    else:
        assert reponse.status_code == 404
    if role not in AUTORISES:
        assert parcours.statut == avant
        assert not parcours.historique.exists()


# Which children each role finds in their list and dashboard.
VISIBLES = {
    "autre_programme": {"Delmas-Oyono"},
    "partenaire_non_assigne": set(),
    # Also référent of "Ferrand-Bakari", still waiting for consent: not listed.
    "partenaire_assigne": {"Carpentier-Ndiaye"},
    "partenaire_intervenant": {"Carpentier-Ndiaye"},
    "referent": {"Vasseur-Lopez"},
}
# "Mes suivis": what an assignment shares with them, never what a programme role shows.
SUIVIS = VISIBLES | {"autre_programme": set()}


@pytest.mark.parametrize("role", VISIBLES)
def test_liste_et_tableau_de_bord_ne_montrent_que_les_parcours_visibles(role, client, monde):
    _en_tant_que(client, monde, role)

    liste = client.get(u("parcours:liste"))
    tableau = client.get(u("accueil"))
    suivis = client.get(u("parcours:mes_suivis"))

    assert {p.enfant.nom for p in liste.context["page"].object_list} == VISIBLES[role]
    assert tableau.context["total_ouverts"] == len(VISIBLES[role])
    assert {p.enfant.nom for p in suivis.context["page"].object_list} == SUIVIS[role]
    tous = {"Delmas-Oyono", "Carpentier-Ndiaye", "Vasseur-Lopez", "Ferrand-Bakari"}
    for nom in tous - VISIBLES[role]:
        assert nom not in liste.content.decode()
        assert nom not in tableau.content.decode()
        assert nom not in suivis.content.decode()
    # Searching for another programme's child finds nothing either.
    recherche = client.get(u("parcours:liste"), {"q": "Vasseur-Lopez"})
    assert len(recherche.context["page"].object_list) == (role == "referent")


def test_un_parcours_d_un_autre_programme_repond_comme_un_parcours_inexistant(client, monde):
    connecter(client, monde.autre_coordinateur)
    inexistant = Parcours.objects.order_by("-pk").first().pk + 1000

    cache = client.get(u("parcours:detail", monde.parcours))
    absent = client.get(reverse("parcours:detail", args=[inexistant]))

    assert cache.status_code == absent.status_code == 404
    assert [t.name for t in cache.templates] == [t.name for t in absent.templates]
    assert monde.parcours.enfant.prenom not in cache.content.decode()


# --- Query budgets ------------------------------------------------------------------------------
# Each page is measured with few and with many rows; the count is pinned and must not move with
# the number of rows: changing it is a deliberate decision. Every count includes the session read,
# the user, the charter check (the first request of a session: the acceptance is then remembered
# in the session), the request's two savepoints and their releases, the session save (8: this
# first request changes the session; later ones save it at most once a minute) and django-dsfr's
# configuration (1: the first request of the process in a minute; issue 18, point 3).
REQUETES = {
    # + count, "may create", référent and school choices, the page's rows
    "parcours:liste": 14,
    # + counters, "may create", pathways to handle, recent activity
    "accueil": 13,
    # The pathway's page, one URL per section (issue 15, point 15; the single page cost 29):
    # each reads the pathway with its header's joins and the user's rights (parcours.access),
    # then only its own rows:
    # + guardians, consents, "may edit", siblings, the child's other schemes (issue 21: read
    # once the user's rights are known, so that a partner's query never reads a reserved
    # child-welfare or health measure)
    "parcours:detail": 14,
    # + consents with the structures they name and the structure porteuse (who sees the child),
    # objectives, actions (with offer, structure, professional, collective), the other
    # participants of its collective actions (counted, and those visible), the unmet needs
    "parcours:objectifs": 18,
    # + history, consents, objectives and actions, then the timeline: notes and their addenda,
    # EPS examinations, ruptures, IP records, documents
    "parcours:journal": 21,
    # + consents with their signatories and structures, intervenants, the structures delivering
    # an action without being named, the choices of professionals to add as intervenant
    "parcours:partage": 17,
    # + history, the names of who consulted the file, the school transitions' changes and
    # their authors
    "parcours:historique": 14,
}


def _programme_peuple(nombre: int) -> tuple[User, Parcours]:
    """A programme with `nombre` pathways in every status, half without référent, all with a
    review due and a history row; the first one with `nombre` history rows, up to 4 guardians,
    3 consents naming up to 3 partner structures, 4 intervenants, 5 earlier readers in the
    access trail and nombre // 5 siblings."""
    programme = ProgrammeFactory()
    porteuse = structure_porteuse(programme)
    referents = [ProfessionnelFactory(structure=porteuse) for _ in range(min(nombre, 5))]
    partenaires = [StructureFactory(programmes=[programme]) for _ in range(min(nombre, 3))]
    ecoles = [StructureFactory(programmes=[programme], ecole=True) for _ in range(min(nombre, 3))]
    auteur = coordinateur(programme)
    statuts = list(Statut)
    tous = []
    for numero in range(nombre):
        statut = statuts[numero % len(statuts)]
        tous.append(
            ParcoursFactory(
                programme=programme,
                statut=statut,
                sorti=statut == Statut.SORTI,
                referent=None if numero % 2 else referents[numero % len(referents)],
                orienteur_structure=ecoles[0],
                enfant__etablissement=ecoles[numero % len(ecoles)],
                date_prochaine_revue=AUJOURD_HUI - timedelta(days=numero + 1),
            )
        )
        ChangementStatutFactory(parcours=tous[-1], auteur=auteur)
    premier = tous[0]
    famille = premier.enfant.famille
    responsables = ResponsableLegalFactory.create_batch(min(nombre, 4), famille=famille)
    for _ in range(min(nombre, 3)):
        ConsentementFactory(parcours=premier, signataires=responsables, structures=partenaires)
    for _ in range(min(nombre, 4)):
        ajouter_intervenant(premier, ProfessionnelFactory(structure=porteuse), auteur=auteur)
    for lecteur in UserFactory.create_batch(min(nombre, 5)):
        tracer(user=lecteur, evenement=Evenement.LECTURE, autorise=True, objet=premier)
    for _ in range(nombre - 1):
        ChangementStatutFactory(parcours=premier, auteur=UserFactory())
    for _ in range(nombre // 5):
        ParcoursFactory(programme=programme, enfant__famille=famille)
    # --- actions: `nombre` objectives, each with an action (some from an offer, delivered by a
    # référent), and a collective action shared with `nombre` other children.
    offre = fabrique_actions.offre(porteuse, programme)
    for numero in range(nombre):
        but = fabrique_actions.objectif(premier, auteur=auteur, intitule=f"Objectif {numero}")
        fabrique_actions.action(
            premier,
            auteur=auteur,
            objectif=but,
            offre=offre if numero % 2 else None,
            professionnel=referents[numero % len(referents)],
        )
    sortie = fabrique_actions.collective(programme, porteuse, auteur=auteur)
    for parcours in [premier, *tous[1 : nombre + 1]]:
        if parcours.est_ouvert:
            fabrique_actions.inscrire(sortie, parcours, auteur=auteur)
    premier.refresh_from_db()
    return auteur, premier


def _rechauffer_types_de_contenu() -> None:
    """The content types a per-test build would have cached (the guardian rows and the trail
    name the pathway): the autouse fixture empties the cache before each test, a build shared by
    the class must not add their query to the counts."""
    for alias in (DEFAULT_DB_ALIAS, TRACE):
        ContentType.objects.db_manager(alias).get_for_model(Parcours)


class TestBudget:
    """The pinned pages with few and with many rows, each programme built once for the class
    (one at a time: two would change the planner's estimates, not the counts) and every test's
    own writes (trail, session) rolled back after it."""

    @pytest.fixture(scope="class", params=[1, 20])
    @classmethod
    def peuple(cls, request, django_db_setup, django_db_blocker):
        with donnees_du_module(django_db_blocker):
            yield request.param, *_programme_peuple(request.param)

    @pytest.mark.parametrize("page", REQUETES)
    def test_budget_de_requetes(self, page, peuple, client, django_assert_num_queries, db):
        nombre, auteur, premier = peuple
        _rechauffer_types_de_contenu()
        _verifier_budget(page, nombre, auteur, premier, client, django_assert_num_queries)


def test_budget_de_la_liste_avec_50_parcours(client, django_assert_num_queries):
    """The list once more with 50 rows: more than a page of 25."""
    auteur, premier = _programme_peuple(50)
    _verifier_budget("parcours:liste", 50, auteur, premier, client, django_assert_num_queries)


def _verifier_budget(page, nombre, auteur, premier, client, django_assert_num_queries) -> None:
    url = u(page, premier) if page in SECTIONS else u(page)
    connecter(client, auteur)

    with (
        django_assert_num_queries(REQUETES[page]),
        django_assert_num_queries(REQUETES_JOURNAL[page], connection=connections[TRACE]),
    ):
        reponse = client.get(url)

    assert reponse.status_code == 200
    contexte = reponse.context
    if page == "parcours:liste":
        assert len(contexte["page"].object_list) == min(nombre + nombre // 5, 25)
    elif page == "accueil":
        assert len(contexte["activite"]) == min(nombre, 10)
        assert contexte["a_traiter"]
    elif page == "parcours:detail":
        assert len(contexte["fratrie"]) == nombre // 5
        assert len(contexte["responsables"]) >= min(nombre, 4)
    elif page == "parcours:objectifs":
        assert len(contexte["objectifs"]) == nombre
        assert contexte["nombre_actions"] == nombre + 1
    elif page == "parcours:journal":
        assert len([e for e in contexte["chronologie"] if e.type == "statut"]) >= nombre
        assert len([e for e in contexte["chronologie"] if e.type == "action"]) == nombre + 1
    elif page == "parcours:partage":
        assert len(contexte["consentements"]) == min(nombre, 3)
        assert len(contexte["intervenants"]) == min(nombre, 4)
    else:
        assert len(contexte["historique"]) == nombre
        # The earlier readers, and this very read.
        assert len(contexte["consultations"]) == min(nombre, 5) + 1
