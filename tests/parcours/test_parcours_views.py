"""Pages of the pathway app: who may open what, the forms' flows as a browser posts them,
search and filters, and query budgets that do not grow with the number of rows."""

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta
from html.parser import HTMLParser
from operator import attrgetter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.urls import URLResolver, reverse
from django.utils import timezone
from pytest_django.asserts import assertRedirects, assertTemplateNotUsed, assertTemplateUsed

from parcours import urls as parcours_urls
from parcours.models import (
    Consentement,
    Enfant,
    Famille,
    Finalite,
    Parcours,
    ParcoursUserObjectPermission,
    ResponsableLegal,
    Statut,
)
from parcours.permissions import parcours_permissions_recalculer
from parcours.services import parcours_modifier, parcours_sortir
from partenaires.models import Professionnel, Structure
from reussite.core.models import Evenement, Programme, User
from reussite.core.trace import ALIAS as TRACE
from reussite.core.trace import tracer
from tests.acces import test_acces_urls as balayage
from tests.conftest import connecter
from tests.factories import actions as fabrique_actions
from tests.factories.core import ProgrammeFactory, UserFactory, coordinateur
from tests.factories.parcours import (
    ChangementStatutFactory,
    ConsentementFactory,
    FamilleFactory,
    ParcoursFactory,
    ResponsableLegalFactory,
)
from tests.factories.partage import PDF, ajouter_intervenant, fichier_png
from tests.factories.partenaires import ProfessionnelFactory, StructureFactory, structure_porteuse

pytestmark = pytest.mark.django_db

AUJOURD_HUI = timezone.localdate()  # the programme's day (Europe/Paris), not the machine's
NAISSANCE = date(AUJOURD_HUI.year - 10, 3, 14)  # a child of 9 or 10


# --- The world every authorization test starts from ----------------------------------------------


@dataclass
class Monde:
    programme: Programme
    coordinateur: User
    referent: Professionnel  # employed by the structure porteuse: the PRE team
    partenaire: Professionnel  # employed by a partner structure
    intervenant: Professionnel  # same partner structure, intervenant on parcours_partage
    non_assigne: Professionnel  # same partner structure, assigned to nothing
    ecole: Structure
    parcours: Parcours  # référent: the PRE team's référent; "repérage", no consent
    # référent: the partner; valid consent naming the partner's structure; "en cours"
    parcours_partage: Parcours
    parcours_sans_consentement: Parcours  # référent: the partner; no consent yet
    autre_coordinateur: User
    autre_parcours: Parcours  # in the other programme


@pytest.fixture
def monde() -> Monde:
    """The association signed the charter and its professionals accepted it (the factories'
    default): what opens a pathway to them is the assignment and a consent naming it."""
    programme = ProgrammeFactory(nom="PRE de Villeneuve")
    association = StructureFactory(programmes=[programme], nom="Association Coup de pouce")
    referent = ProfessionnelFactory(structure=structure_porteuse(programme))
    partenaire = ProfessionnelFactory(structure=association)
    intervenant = ProfessionnelFactory(structure=association)
    autre_programme = ProgrammeFactory(nom="PRE de Saint-Martin")
    le_coordinateur = coordinateur(programme)
    parcours_partage = ParcoursFactory(
        programme=programme,
        referent=partenaire,
        en_cours=True,
        avec_consentement=True,
        avec_consentement__structures=[association],
        enfant__nom="Carpentier-Ndiaye",
    )
    ajouter_intervenant(parcours_partage, intervenant, auteur=le_coordinateur)
    parcours_partage.refresh_from_db()
    return Monde(
        programme=programme,
        coordinateur=le_coordinateur,
        referent=referent,
        partenaire=partenaire,
        intervenant=intervenant,
        non_assigne=ProfessionnelFactory(structure=association),
        ecole=StructureFactory(programmes=[programme], ecole=True),
        parcours=ParcoursFactory(
            programme=programme,
            referent=referent,
            enfant__nom="Vasseur-Lopez",
            enfant__prenom="Inès-Lou",
        ),
        parcours_partage=parcours_partage,
        parcours_sans_consentement=ParcoursFactory(
            programme=programme,
            referent=partenaire,
            statut=Statut.EN_ATTENTE_CONSENTEMENT,
            enfant__nom="Ferrand-Bakari",
        ),
        autre_coordinateur=coordinateur(autre_programme),
        autre_parcours=ParcoursFactory(programme=autre_programme, enfant__nom="Delmas-Oyono"),
    )


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


def u(nom: str, parcours: Parcours | None = None) -> str:
    return reverse(nom, args=[parcours.pk] if parcours is not None else None)


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


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES_PARCOURS + PAGES_GENERALES)
def test_matrice_des_pages(page, role, client, monde):
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


# --- Reading helpers: forms as a browser submits them -------------------------------------------


class _LecteurDeFormulaires(HTMLParser):
    """Each <form>'s successful controls, as a browser submits them (Django always renders an
    option's value)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.formulaires, self._courant, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._courant = []
            self.formulaires.append(self._courant)
        elif self._courant is None or "disabled" in a:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in {"submit", "button"}:
            if a.get("type") not in {"checkbox", "radio"}:
                self._courant.append((a["name"], a.get("value") or ""))
            elif "checked" in a:
                self._courant.append((a["name"], a.get("value") or "on"))
        elif tag == "select":
            self._select = (a["name"], "multiple" in a, [])
        elif tag == "option" and self._select is not None:
            self._select[2].append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._courant = None
        elif tag == "textarea" and self._textarea is not None:
            self._courant.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            nom, multiple, options = self._select
            choisies = [v for v, choisie in options if choisie]
            if not choisies and options and not multiple:
                choisies = [options[0][0]]
            self._courant.extend((nom, v) for v in choisies)
            self._select = None


def formulaire(reponse, champ: str) -> dict[str, list[str]]:
    """What the browser would post from the page's form that holds the control `champ`."""
    lecteur = _LecteurDeFormulaires()
    lecteur.feed(reponse.content.decode())
    for controles in lecteur.formulaires:
        if any(nom == champ for nom, _ in controles):
            donnees: dict[str, list[str]] = {}
            for nom, valeur in controles:
                donnees.setdefault(nom, []).append(valeur)
            donnees.pop("csrfmiddlewaretoken", None)
            return donnees
    raise AssertionError(f"No form with a control named {champ!r}")


def saisir(donnees: dict, **valeurs) -> dict:
    """Type into a parsed form: keyword `enfant__nom` stands for the control `enfant-nom`;
    a list types several values, None empties the control."""
    for cle, valeur in valeurs.items():
        liste = valeur if isinstance(valeur, list) else [] if valeur is None else [valeur]
        donnees[cle.replace("__", "-")] = [str(v) for v in liste]
    return donnees


def erreurs_du_champ(reponse, auto_id: str) -> list[str]:
    """Error messages rendered next to the field (DSFR: the block its aria-describedby names)."""
    motif = rf'<div[^>]*id="{re.escape(auto_id)}-desc-error"[^>]*>(.*?)</div>'
    bloc = re.search(motif, reponse.content.decode(), re.S)
    if bloc is None:
        return []
    return [
        html.unescape(m.strip()) for m in re.findall(r"<li[^>]*>(.*?)</li>", bloc.group(1), re.S)
    ]


def texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


# --- Creating a child and their pathway ----------------------------------------------------------


def _saisie_creation(monde, **surcharges) -> dict:
    valeurs = {
        # Typed in because the page leaves the hidden field empty (BUG_PROGRAMME_CACHE).
        "programme__programme": monde.programme.pk,
        "enfant__nom": "Lefèvre",
        "enfant__prenom": "Éloïse",
        "enfant__date_naissance": NAISSANCE.isoformat(),
        "enfant__sexe": "F",
        "enfant__etablissement": monde.ecole.pk,
        "enfant__niveau_scolaire": "cm2",
        "enfant__qpv": "on",
        "famille__adresse": "3 allée des Érables",
        "famille__commune": "Villeneuve",
        "responsables__0__nom": "Lefèvre",
        "responsables__0__prenom": "Nadia",
        "responsables__0__lien": "mere",
        "responsables__0__telephone": "06 12 34 56 78",
        "parcours__orienteur": "ecole",
        "parcours__orienteur_structure": monde.ecole.pk,
        "parcours__motifs_orientation": ["resultats_scolaires", "langage"],
        "parcours__referent": monde.referent.pk,
        "parcours__date_entree": AUJOURD_HUI.isoformat(),
    }
    return valeurs | surcharges


def _formulaire_de_creation(client, monde, *, tel_quel=False, **surcharges) -> dict:
    """The creation form as the browser shows it, filled in; `tel_quel` leaves the programme
    as the page gives it."""
    vierge = formulaire(client.get(u("parcours:creer")), "enfant-nom")
    saisie = _saisie_creation(monde, **surcharges)
    if tel_quel:
        del saisie["programme__programme"]
    return saisir(vierge, **saisie)


def _compter():
    return (Enfant.objects.count(), Famille.objects.count(), Parcours.objects.count())


def test_creer_un_enfant_sa_famille_et_son_parcours(client, monde):
    connecter(client, monde.coordinateur)
    donnees = _formulaire_de_creation(client, monde, tel_quel=True)
    assert donnees["programme-programme"] == [str(monde.programme.pk)]

    reponse = client.post(u("parcours:creer"), donnees)

    parcours = Parcours.objects.get(enfant__nom="Lefèvre")
    assertRedirects(reponse, u("parcours:detail", parcours), fetch_redirect_response=False)
    enfant = parcours.enfant
    assert (enfant.programme, enfant.etablissement) == (monde.programme, monde.ecole)
    assert enfant.qpv is True
    assert list(enfant.famille.responsables.values_list("prenom", "lien")) == [("Nadia", "mere")]
    assert (parcours.statut, parcours.referent) == (Statut.REPERAGE, monde.referent)
    assert parcours.motifs_orientation == ["resultats_scolaires", "langage"]
    assert parcours.historique.get().auteur == monde.coordinateur
    assert "Le parcours a été créé." in texte(client.get(reponse.url))


def _enfant_existant(monde) -> Parcours:
    return ParcoursFactory(
        programme=monde.programme,
        enfant__nom="Lefèvre",
        enfant__prenom="Éloïse",
        enfant__date_naissance=NAISSANCE,
    )


UN_AN = AUJOURD_HUI - timedelta(days=370)


@pytest.mark.parametrize(
    ("saisie", "avertissement"),
    [
        # Same names, accents and case aside, and same birth date: a probable duplicate.
        (
            {"enfant__nom": "LEFEVRE", "enfant__prenom": "eloise"},
            "Un enfant du même nom, né le même jour, est déjà suivi dans ce programme",
        ),
        ({"enfant__date_naissance": UN_AN.isoformat()}, "L’enfant aura 1 ans à la date d’entrée"),
    ],
    ids=["doublon", "age"],
)
def test_creer_avertit_et_ne_cree_rien_sans_confirmation(saisie, avertissement, client, monde):
    existant = _enfant_existant(monde)
    connecter(client, monde.coordinateur)
    donnees = _formulaire_de_creation(client, monde, **saisie)
    avant = _compter()

    reponse = client.post(u("parcours:creer"), donnees)

    assert reponse.status_code == 200
    assert _compter() == avant
    contenu = texte(reponse)
    assert "Vérifiez avant de créer" in contenu
    assert avertissement in contenu
    assert (u("parcours:detail", existant) in contenu) == ("enfant__nom" in saisie)
    # The form comes back with what was typed and the confirmation box, unticked.
    renvoye = formulaire(reponse, "enfant-nom")
    assert renvoye["enfant-prenom"] == [saisie.get("enfant__prenom", "Éloïse")]
    assert renvoye["responsables-0-telephone"] == ["06 12 34 56 78"]
    assert renvoye["parcours-motifs_orientation"] == ["resultats_scolaires", "langage"]
    assert 'name="confirmation-confirmer"' in contenu
    assert "confirmation-confirmer" not in renvoye
    # Posting again without ticking the box still creates nothing.
    assert client.post(u("parcours:creer"), renvoye).status_code == 200
    assert _compter() == avant


def test_creer_un_doublon_probable_apres_confirmation(client, monde):
    _enfant_existant(monde)
    connecter(client, monde.coordinateur)
    donnees = _formulaire_de_creation(client, monde)
    renvoye = formulaire(client.post(u("parcours:creer"), donnees), "enfant-nom")

    reponse = client.post(u("parcours:creer"), saisir(renvoye, confirmation__confirmer="on"))

    assert reponse.status_code == 302
    assert Enfant.objects.filter(nom="Lefèvre", prenom="Éloïse").count() == 2


def test_creer_un_formulaire_invalide_affiche_les_erreurs_et_garde_la_saisie(client, monde):
    connecter(client, monde.coordinateur)
    donnees = _formulaire_de_creation(
        client,
        monde,
        enfant__nom="",
        enfant__date_naissance=(AUJOURD_HUI + timedelta(days=2)).isoformat(),
        parcours__motifs_orientation=None,
        parcours__date_prochaine_revue=(AUJOURD_HUI - timedelta(days=1)).isoformat(),
    )
    avant = _compter()

    reponse = client.post(u("parcours:creer"), donnees)

    assert reponse.status_code == 200
    assert _compter() == avant
    erreurs = {
        "id_enfant-nom": "Ce champ est obligatoire.",
        "id_enfant-date_naissance": "La date de naissance ne peut pas être dans le futur.",
        "id_parcours-motifs_orientation": "Cochez au moins un motif d’orientation.",
        "id_parcours-date_prochaine_revue": "La revue ne peut pas précéder l’entrée dans le parcours.",
    }
    for champ, message in erreurs.items():
        assert erreurs_du_champ(reponse, champ) == [message]
    assert 'aria-describedby="id_enfant-nom-desc-error"' in reponse.content.decode()
    renvoye = formulaire(reponse, "enfant-nom")
    assert renvoye["enfant-prenom"] == ["Éloïse"]
    assert renvoye["famille-adresse"] == ["3 allée des Érables"]
    assert renvoye["responsables-0-nom"] == ["Lefèvre"]
    assert renvoye["parcours-referent"] == [str(monde.referent.pk)]
    assert renvoye["enfant-qpv"] == ["on"]


@pytest.mark.parametrize(
    ("qui", "saisie", "message"),
    [
        (
            "coordinateur",
            {f"responsables__0__{champ}": "" for champ in ["nom", "prenom", "lien", "telephone"]},
            "Indiquez au moins un responsable légal.",
        ),
        # The other programme's coordinator names this programme: not one of their choices.
        (
            "autre_coordinateur",
            dict.fromkeys(["enfant__etablissement", "parcours__orienteur_structure"], ""),
            "Le formulaire contient des erreurs",
        ),
    ],
    ids=["sans-responsable", "programme-d-un-autre"],
)
def test_creer_refuse_et_l_explique(qui, saisie, message, client, monde):
    connecter(client, getattr(monde, qui))
    donnees = _formulaire_de_creation(client, monde, **saisie)

    reponse = client.post(u("parcours:creer"), donnees)

    assert reponse.status_code == 200
    assert message in texte(reponse)
    assert not Enfant.objects.filter(nom="Lefèvre").exists()


# --- Lifecycle through the pages ----------------------------------------------------------------


def _changer(client, parcours, statut, version=None):
    version = parcours.version if version is None else version
    url = u("parcours:changer_statut", parcours)
    return client.post(url, {"statut": statut, "version": version}, follow=True)


def test_faire_avancer_un_parcours_par_ses_statuts(client, monde):
    parcours = monde.parcours
    connecter(client, monde.coordinateur)
    page = client.get(u("parcours:detail", parcours))
    assert [s.value for s in page.context["transitions"]] == [Statut.EN_ATTENTE_CONSENTEMENT]
    assert "Passer à « En attente de consentement »" in texte(page)
    assert f'href="{u("parcours:sortir", parcours)}"' in page.content.decode()

    reponse = _changer(client, parcours, Statut.EN_ATTENTE_CONSENTEMENT)
    assert "Statut changé : En attente de consentement." in texte(reponse)
    assert "Pour passer au diagnostic, enregistrez d’abord le consentement écrit" in texte(reponse)

    parcours.refresh_from_db()
    reponse = _changer(client, parcours, Statut.DIAGNOSTIC)
    assert "Enregistrez le consentement écrit de la famille avant de poursuivre" in texte(reponse)
    parcours.refresh_from_db()
    assert parcours.statut == Statut.EN_ATTENTE_CONSENTEMENT

    ConsentementFactory(parcours=parcours)
    reponse = _changer(client, parcours, Statut.DIAGNOSTIC)
    assert "Statut changé : Diagnostic." in texte(reponse)
    parcours.refresh_from_db()
    assert parcours.statut == Statut.DIAGNOSTIC
    historique = client.get(u("parcours:historique", parcours)).context["historique"]
    assert [(c.ancien_statut, c.nouveau_statut) for c in historique] == [
        (Statut.EN_ATTENTE_CONSENTEMENT, Statut.DIAGNOSTIC),
        (Statut.REPERAGE, Statut.EN_ATTENTE_CONSENTEMENT),
    ]


@pytest.mark.parametrize(
    ("statut", "version", "message"),
    [
        (Statut.EN_COURS, 1, "Un parcours « Repérage » ne peut pas passer à « En cours »."),
        (Statut.SORTI, 1, "Un parcours « Repérage » ne peut pas passer à « Sorti »."),
        ("bidon", 1, "Changement de statut invalide."),
    ],
    ids=["interdite", "sortie", "invalide"],
)
def test_un_changement_de_statut_refuse_l_explique(statut, version, message, client, monde):
    connecter(client, monde.coordinateur)

    reponse = _changer(client, monde.parcours, statut, version=version)

    assertRedirects(reponse, u("parcours:detail", monde.parcours))
    assert message in texte(reponse)
    monde.parcours.refresh_from_db()
    assert (monde.parcours.statut, monde.parcours.version) == (Statut.REPERAGE, 1)


# --- Exit ---------------------------------------------------------------------------------------


def test_clore_un_parcours_sur_refus_de_la_famille(client, monde):
    parcours = monde.parcours_partage
    connecter(client, monde.partenaire.user)
    donnees = formulaire(client.get(u("parcours:sortir", parcours)), "motif_sortie")
    assert (donnees["version"], donnees["date_sortie"]) == (
        [str(parcours.version)],
        [AUJOURD_HUI.isoformat()],
    )
    saisir(donnees, motif_sortie="refus_famille", commentaire="Refus écrit reçu.")

    reponse = client.post(u("parcours:sortir", parcours), donnees, follow=True)

    assertRedirects(reponse, u("parcours:detail", parcours))
    assert "Le parcours est clos." in texte(reponse)
    parcours.refresh_from_db()
    assert (parcours.statut, parcours.motif_sortie) == (Statut.SORTI, "refus_famille")
    assert parcours.date_sortie == AUJOURD_HUI
    assert parcours.historique.get().commentaire == "Refus écrit reçu."
    # The référent keeps reading it, without the buttons that change it.
    assert (reponse.context["peut_modifier"], reponse.context["transitions"]) == (False, [])
    assert "Refus de la famille" in texte(reponse)
    assert client.get(u("parcours:sortir", parcours)).status_code == 404


@pytest.mark.parametrize(
    ("saisie", "champ", "message"),
    [
        ({"date_sortie": "2020-01-01"}, "date_sortie", "ne peut pas précéder la date d’entrée"),
        ({"motif_sortie": ""}, "motif_sortie", "Ce champ est obligatoire."),
    ],
    ids=["avant-l-entree", "sans-motif"],
)
def test_clore_refuse_l_explique_et_garde_la_saisie(saisie, champ, message, client, monde):
    parcours = monde.parcours
    connecter(client, monde.coordinateur)
    donnees = formulaire(client.get(u("parcours:sortir", parcours)), "motif_sortie")
    saisir(donnees, **({"motif_sortie": "demenagement"} | saisie))

    reponse = client.post(u("parcours:sortir", parcours), donnees)

    assert reponse.status_code == 200
    if champ is None:
        assert message in texte(reponse)
    else:
        [erreur] = erreurs_du_champ(reponse, f"id_{champ}")
        assert message in erreur
    renvoye = formulaire(reponse, "motif_sortie")
    assert renvoye["motif_sortie"] == [saisie.get("motif_sortie", "demenagement")]
    parcours.refresh_from_db()
    assert (parcours.statut, parcours.date_sortie) == (Statut.REPERAGE, None)


def test_clore_un_parcours_deja_sorti_redirige(client, monde):
    parcours = ParcoursFactory(programme=monde.programme, sorti=True)
    connecter(client, monde.coordinateur)

    reponse = client.get(u("parcours:sortir", parcours), follow=True)

    assertRedirects(reponse, u("parcours:detail", parcours))
    assert "Ce parcours est déjà sorti." in texte(reponse)


def test_le_referent_ne_lit_plus_le_parcours_31_jours_apres_la_sortie(client, monde):
    """Time passes with nothing saved: the rows are those derived on the day of the exit."""
    sortie = AUJOURD_HUI - timedelta(days=31)
    Parcours.objects.filter(pk=monde.parcours.pk).update(
        date_entree=AUJOURD_HUI - timedelta(days=200)
    )
    parcours_sortir(
        parcours=monde.parcours,
        date_sortie=sortie,
        motif_sortie="objectifs_atteints",
        auteur=monde.coordinateur,
        version=monde.parcours.version,
    )
    # As the exit's own recompute left them, 31 days ago: read-only, up to day 30 included.
    parcours_permissions_recalculer(parcours=monde.parcours, le=sortie)
    assert set(
        ParcoursUserObjectPermission.objects.filter(content_object=monde.parcours).values_list(
            "user_id", "permission__codename", "expire_le"
        )
    ) == {(monde.referent.user_id, "view_parcours", AUJOURD_HUI)}
    connecter(client, monde.referent.user)

    assert client.get(u("parcours:detail", monde.parcours)).status_code == 404


def test_le_partenaire_ne_lit_plus_le_parcours_quand_le_consentement_expire(client, monde):
    parcours, detail = monde.parcours_partage, u("parcours:detail", monde.parcours_partage)
    connecter(client, monde.partenaire.user)
    assert client.get(detail).status_code == 200
    # The consent expires today; its rows were derived yesterday and nobody wrote since.
    Consentement.objects.filter(parcours=parcours).update(date_expiration=AUJOURD_HUI)
    parcours_permissions_recalculer(parcours=parcours, le=AUJOURD_HUI - timedelta(days=1))
    assert set(
        ParcoursUserObjectPermission.objects.filter(content_object=parcours).values_list(
            "user_id", "expire_le"
        )
    ) == {(monde.partenaire.user_id, AUJOURD_HUI), (monde.intervenant.user_id, AUJOURD_HUI)}

    assert client.get(detail).status_code == 404
    connecter(client, monde.intervenant.user)
    assert client.get(detail).status_code == 404


# --- Consent ------------------------------------------------------------------------------------


def test_enregistrer_le_consentement_ouvre_le_parcours_au_partenaire(client, monde):
    parcours = monde.parcours_sans_consentement
    famille = parcours.enfant.famille
    mere = ResponsableLegalFactory(famille=famille, prenom="Nadia")
    ResponsableLegalFactory(famille=famille, prenom="Oncle", autorite_parentale=False)
    association = monde.partenaire.structure
    connecter(client, monde.partenaire.user)
    assert client.get(u("parcours:detail", parcours)).status_code == 404
    connecter(client, monde.coordinateur)
    page = client.get(u("parcours:consentement", parcours))
    assert list(page.context["form"].fields["signataires"].queryset) == [mere]
    assert association in page.context["form"].fields["structures"].queryset
    donnees = formulaire(page, "date_signature")
    # Every purpose is offered checked, sharing with the designated partners included.
    assert set(donnees["finalites"]) == {f.value for f in Finalite}
    saisir(donnees, signataires=mere.pk, structures=association.pk)
    donnees["fichier"] = fichier_png()  # the signed form, scanned

    reponse = client.post(u("parcours:consentement", parcours), donnees, follow=True)

    assert "Le consentement de la famille est enregistré." in texte(reponse)
    consentement = parcours.consentements.get()
    assert list(consentement.signataires.all()) == [mere]
    assert list(consentement.structures.all()) == [association]
    assert Finalite.PARTAGE in consentement.finalites
    with consentement.fichier.open("rb") as scan:
        assert scan.read().startswith(b"\x89PNG")
    assert consentement.enregistre_par == monde.coordinateur
    # The partner référent now sees the pathway and may take it to the diagnosis.
    connecter(client, monde.partenaire.user)
    assert client.get(u("parcours:detail", parcours)).status_code == 200
    parcours.refresh_from_db()
    assert _changer(client, parcours, Statut.DIAGNOSTIC).context["parcours"].statut == "diagnostic"


def test_consentement_date_future_et_signataire_etranger_refuses(client, monde):
    parcours = monde.parcours
    mere = ResponsableLegalFactory(famille=parcours.enfant.famille)
    voisine = ResponsableLegalFactory(famille=FamilleFactory(programme=monde.programme))
    connecter(client, monde.referent.user)
    demain = AUJOURD_HUI + timedelta(days=1)
    donnees = {
        "date_signature": demain.isoformat(),
        "date_expiration": (demain + timedelta(days=300)).isoformat(),
        "signataires": [mere.pk, voisine.pk],
        "structures": [monde.partenaire.structure_id],
        "finalites": [Finalite.ACCOMPAGNEMENT, Finalite.PARTAGE],
        "fichier": SimpleUploadedFile("consentement.pdf", PDF, content_type="application/pdf"),
    }

    reponse = client.post(u("parcours:consentement", parcours), donnees)

    assert reponse.status_code == 200
    # Refused for the date and the signatory only: the rest of the input was valid.
    assert set(reponse.context["form"].errors) == {"date_signature", "signataires"}
    assert erreurs_du_champ(reponse, "id_date_signature") == [
        "La date de signature ne peut pas être future."
    ]
    assert erreurs_du_champ(reponse, "id_signataires") == [
        f"Sélectionnez un choix valide. {voisine.pk} n’en fait pas partie."
    ]
    assert formulaire(reponse, "date_signature")["date_signature"] == [demain.isoformat()]
    assert not Consentement.objects.filter(parcours=parcours).exists()


# --- Edit pages ---------------------------------------------------------------------------------


def test_modifier_le_parcours(client, monde):
    parcours = monde.parcours
    url = u("parcours:modifier", parcours)
    etranger = ProfessionnelFactory(structure=StructureFactory(programmes=[ProgrammeFactory()]))
    collegue = ProfessionnelFactory(structure=monde.referent.structure)
    connecter(client, monde.referent.user)
    donnees = formulaire(client.get(url), "version")
    assert donnees["version"] == ["1"]

    # A référent outside the programme is not among the choices.
    reponse = client.post(url, saisir(donnees, parcours__referent=etranger.pk))
    assert erreurs_du_champ(reponse, "id_parcours-referent") == [
        "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."
    ]

    saisir(donnees, parcours__profil_accompagnement="renforce", parcours__referent=collegue.pk)
    reponse = client.post(url, donnees)

    # Handing the pathway over ends the former référent's access at once.
    assertRedirects(reponse, u("parcours:detail", parcours), target_status_code=404)
    parcours.refresh_from_db()
    assert (parcours.profil_accompagnement, parcours.referent) == ("renforce", collegue)
    assert parcours.version == 2


def test_modifier_le_parcours_apres_une_modification_concurrente(client, monde):
    parcours = monde.parcours
    url = u("parcours:modifier", parcours)
    connecter(client, monde.coordinateur)
    donnees = formulaire(client.get(url), "version")
    # Meanwhile the référent saves the pathway.
    parcours_modifier(
        parcours=parcours,
        donnees={"profil_accompagnement": "soutenu"},
        version=1,
        auteur=monde.referent.user,
    )

    reponse = client.post(url, saisir(donnees, parcours__profil_accompagnement="leger"))

    # The conflict page: what was typed is kept, and the current version is one link away.
    assert reponse.status_code == 409
    contenu = texte(reponse)
    assert "Quelqu’un a enregistré cette fiche avant vous" in contenu
    assert "Accompagnement léger" in contenu
    parcours.refresh_from_db()
    assert (parcours.profil_accompagnement, parcours.version) == ("soutenu", 2)

    # Reopening the current version and saving again applies the user's input.
    renvoye = formulaire(client.get(url), "version")
    assert renvoye["version"] == ["2"]
    saisir(renvoye, parcours__profil_accompagnement="leger")
    assert client.post(url, renvoye).status_code == 302
    parcours.refresh_from_db()
    assert (parcours.profil_accompagnement, parcours.version) == ("leger", 3)


def test_modifier_le_parcours_ignore_les_champs_en_trop(client, monde):
    parcours, ailleurs = monde.parcours, monde.autre_parcours
    url = u("parcours:modifier", parcours)
    connecter(client, monde.coordinateur)
    donnees = saisir(
        formulaire(client.get(url), "version"),
        programme=ailleurs.programme_id,
        parcours__programme=ailleurs.programme_id,
        enfant=ailleurs.enfant_id,
        parcours__enfant=ailleurs.enfant_id,
        parcours__statut=Statut.SORTI,
        parcours__version=99,
        parcours__date_sortie=AUJOURD_HUI.isoformat(),
    )

    assert client.post(url, donnees).status_code == 302

    parcours.refresh_from_db()
    assert (parcours.programme, parcours.enfant_id) == (monde.programme, monde.parcours.enfant_id)
    assert (parcours.statut, parcours.date_sortie, parcours.version) == (Statut.REPERAGE, None, 2)


def test_modifier_l_enfant(client, monde):
    parcours, ailleurs = monde.parcours, monde.autre_parcours
    url = u("parcours:modifier_enfant", parcours)
    connecter(client, monde.referent.user)
    donnees = formulaire(client.get(url), "enfant-nom")
    futur = (AUJOURD_HUI + timedelta(days=10)).isoformat()

    # An invalid form keeps what was typed and changes nothing.
    reponse = client.post(
        url, saisir(dict(donnees), enfant__classe="CM2 B", enfant__date_naissance=futur)
    )
    assert erreurs_du_champ(reponse, "id_enfant-date_naissance") == [
        "La date de naissance ne peut pas être dans le futur."
    ]
    renvoye = formulaire(reponse, "enfant-nom")
    assert (renvoye["enfant-classe"], renvoye["enfant-date_naissance"]) == (["CM2 B"], [futur])
    assert Enfant.objects.get(pk=parcours.enfant_id).classe == ""

    saisir(
        donnees,
        enfant__nom="Lefèvre",
        enfant__prenom="Éloïse",
        programme=ailleurs.programme_id,
        enfant__programme=ailleurs.programme_id,
        enfant__famille=ailleurs.enfant.famille_id,
        famille=ailleurs.enfant.famille_id,
    )
    reponse = client.post(url, donnees)

    assertRedirects(reponse, u("parcours:detail", parcours))
    enfant = Enfant.objects.get(pk=parcours.enfant_id)
    assert (enfant.prenom, enfant.nom) == ("Éloïse", "Lefèvre")
    assert (enfant.programme, enfant.famille_id) == (monde.programme, parcours.enfant.famille_id)
    trouves = client.get(u("parcours:liste"), {"q": "eloise lefevre"}).context["page"]
    assert [p.pk for p in trouves.object_list] == [parcours.pk]


def test_modifier_la_famille_ajoute_un_responsable(client, monde):
    parcours = monde.parcours
    famille = parcours.enfant.famille
    mere = ResponsableLegalFactory(famille=famille)
    url = u("parcours:modifier_famille", parcours)
    connecter(client, monde.coordinateur)
    donnees = saisir(
        formulaire(client.get(url), "famille-adresse"),
        famille__programme=monde.autre_parcours.programme_id,
        famille__langue_parlee="Arabe",
        responsables__1__nom="Benali",
        responsables__1__prenom="Samir",
        responsables__1__lien="pere",
    )

    reponse = client.post(url, donnees)

    assertRedirects(reponse, u("parcours:detail", parcours))
    famille.refresh_from_db()
    assert (famille.langue_parlee, famille.programme) == ("Arabe", monde.programme)
    pere = ResponsableLegal.objects.get(nom="Benali")
    assert list(famille.responsables.all()) == [mere, pere]


def test_modifier_la_famille_modifie_un_responsable(client, monde):
    parcours = monde.parcours
    mere = ResponsableLegalFactory(famille=parcours.enfant.famille, nom="Durand")
    url = u("parcours:modifier_famille", parcours)
    connecter(client, monde.coordinateur)
    donnees = formulaire(client.get(url), "famille-adresse")

    reponse = client.post(url, saisir(donnees, responsables__0__nom="Durand-Martin"))

    assert reponse.status_code == 302
    mere.refresh_from_db()
    assert mere.nom == "Durand-Martin"


# --- Search, filters, sort, pagination, htmx ----------------------------------------------------


def _noms(client, **parametres) -> list[str]:
    reponse = client.get(u("parcours:liste"), parametres)
    assert reponse.status_code == 200
    return [p.enfant.nom for p in reponse.context["page"].object_list]


@pytest.mark.parametrize(
    "terme", ["eloise lefevre", "LEFÈVRE", "éloïse", "Lefevre Eloise", " eLoIsE "]
)
def test_recherche_insensible_aux_accents_et_a_la_casse(terme, client, monde):
    for programme, nom, prenom in [
        (monde.programme, "Lefèvre", "Éloïse"),
        (monde.programme, "Lefebvre", "Éloi"),
        (monde.programme, "Martin", "Louise"),
        (monde.autre_parcours.programme, "Lefèvre", "Éloïse"),
    ]:
        ParcoursFactory(programme=programme, enfant__nom=nom, enfant__prenom=prenom)
    connecter(client, monde.coordinateur)

    assert _noms(client, q=terme) == ["Lefèvre"]
    assert "1 parcours trouvé" in texte(client.get(u("parcours:liste"), {"q": terme}))


def test_filtres_statut_referent_ecole_et_age(client, monde):
    ecole, autre_ecole = monde.ecole, StructureFactory(programmes=[monde.programme], ecole=True)
    referent = monde.referent

    def creer(nom, age, **kwargs):
        naissance = date(AUJOURD_HUI.year - age, 1, 1)  # exactly `age` years old today
        ParcoursFactory(
            programme=monde.programme, enfant__nom=nom, enfant__date_naissance=naissance, **kwargs
        )

    creer("Alpha", 4, statut=Statut.DIAGNOSTIC, referent=referent, enfant__etablissement=ecole)
    creer("Bravo", 8, statut=Statut.DIAGNOSTIC, enfant__etablissement=autre_ecole)
    creer("Charlie", 13, statut=Statut.SUSPENDU, referent=referent, enfant__etablissement=ecole)
    creer("Delta", 17, sorti=True)
    connecter(client, monde.coordinateur)

    assert sorted(_noms(client, statut="diagnostic")) == ["Alpha", "Bravo"]
    assert sorted(_noms(client, referent=referent.pk)) == ["Alpha", "Charlie", "Vasseur-Lopez"]
    assert sorted(_noms(client, etablissement=ecole.pk)) == ["Alpha", "Charlie"]
    assert _noms(client, etablissement=autre_ecole.pk) == ["Bravo"]
    assert _noms(client, tranche_age="2-5") == ["Alpha"]
    assert "Bravo" in _noms(client, tranche_age="6-10")
    assert _noms(client, tranche_age="11-16") == ["Charlie"]
    assert _noms(client, tranche_age="17+") == ["Delta"]
    assert _noms(client, statut="diagnostic", referent=referent.pk, tranche_age="2-5") == ["Alpha"]
    # An unknown value is a form error, not a crash, and narrows nothing.
    assert len(_noms(client, statut="inconnu")) == 7


def test_filtre_qpv(client, monde):
    ParcoursFactory(programme=monde.programme, enfant__nom="Quartier", enfant__qpv=True)
    connecter(client, monde.coordinateur)
    # The values the page offers: "true" and "false" today.
    choix = client.get(u("parcours:liste")).context["filtre"].form.fields["qpv"].choices
    valeurs = {str(libelle): valeur for valeur, libelle in choix}

    assert _noms(client, qpv=valeurs["QPV"]) == ["Quartier"]
    assert "Quartier" not in _noms(client, qpv=valeurs["Hors QPV"])


def test_tri(client, monde):
    programme = monde.autre_parcours.programme
    for nom, jours in [("Bernard", 10), ("Aubert", 5), ("Colin", 60)]:
        entree = AUJOURD_HUI - timedelta(days=jours)
        ParcoursFactory(programme=programme, enfant__nom=nom, date_entree=entree)
    connecter(client, monde.autre_coordinateur)

    assert _noms(client) == ["Aubert", "Bernard", "Colin", "Delmas-Oyono"]
    assert _noms(client, tri="-nom") == ["Delmas-Oyono", "Colin", "Bernard", "Aubert"]
    assert _noms(client, tri="entree") == ["Colin", "Delmas-Oyono", "Bernard", "Aubert"]
    assert _noms(client, tri="-entree") == ["Aubert", "Bernard", "Delmas-Oyono", "Colin"]


def test_pagination_garde_les_filtres(client, monde):
    programme = monde.autre_parcours.programme
    for numero in range(30):
        ParcoursFactory(programme=programme, en_cours=True, enfant__nom=f"Enfant{numero:02d}")
    connecter(client, monde.autre_coordinateur)

    premiere = client.get(u("parcours:liste"), {"statut": "en_cours"})

    assert len(premiere.context["page"].object_list) == 25
    assert "30 parcours trouvés" in texte(premiere)
    assert "Page 1 sur 2" in texte(premiere)
    assert 'href="?statut=en_cours&amp;page=2"' in premiere.content.decode()
    assert _noms(client, statut="en_cours", page=2) == [f"Enfant{n:02d}" for n in range(25, 30)]


def test_htmx_renvoie_le_fragment_de_resultats(client, monde):
    connecter(client, monde.coordinateur)

    complet = client.get(u("parcours:liste"), {"q": "vasseur"})
    fragment = client.get(u("parcours:liste"), {"q": "vasseur"}, headers={"HX-Request": "true"})

    assertTemplateUsed(complet, "parcours/liste.html")
    assert "<html" in complet.content.decode()
    assertTemplateUsed(fragment, "parcours/includes/_liste_resultats.html")
    assertTemplateNotUsed(fragment, "parcours/liste.html")
    assert "<html" not in fragment.content.decode()
    assert "1 parcours trouvé" in texte(fragment)
    assert "Vasseur-Lopez" in fragment.content.decode()


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
SECTIONS = {
    "parcours:detail",
    "parcours:objectifs",
    "parcours:journal",
    "parcours:partage",
    "parcours:historique",
}
# The access trail's own connection: each section writes this read's entry, and the history
# lists "who consulted this file"; lists and the dashboard write nothing.
REQUETES_JOURNAL = {"parcours:liste": 0, "accueil": 0} | dict.fromkeys(SECTIONS, 1)
REQUETES_JOURNAL["parcours:historique"] = 2


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


@pytest.mark.parametrize(
    ("page", "nombre"),
    [(page, nombre) for page in REQUETES for nombre in (1, 50 if page == "parcours:liste" else 20)],
)
def test_budget_de_requetes(page, nombre, client, django_assert_num_queries):
    auteur, premier = _programme_peuple(nombre)
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
