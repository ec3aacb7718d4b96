"""The automated access sweep (DOMAIN.md rule 2: "anything else answers 404").

Every URL pattern of the project is walked. A pattern that takes object ids in its path is swept
automatically, for GET and POST, with every kind of user; a view that reads an id from the query
string or the body is declared in `DECLAREES` with the test that proves foreign ids are refused;
the rest is exempt with a reason. A new URL that is none of these fails
`test_chaque_route_est_balayee_declaree_ou_exemptee`: nobody can add an unprotected view silently.

The URL map, the request bodies and the helpers shared by the sweep's test modules
(test_acces_urls, test_acces_declarees, test_acces_api). The world they walk: tests/acces/monde.py.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from parcours.models import (
    Action,
)
from tests.acces.monde import (
    Dossier,
    Monde,
    _accepter_la_sollicitation,
    _reorienter_la_sollicitation,
    corps,
)
from tests.conftest import connecter

# --- The project's URL map ----------------------------------------------------------------

HORS_BALAYAGE = {
    "api/": "l’API (issue 22) s’authentifie par jeton, pas par session : ses routes ont leur "
    "propre balayage et leur propre garde ci-dessous (ROUTES_API, test_api_*)",
    "admin/": "l’administration Django : réservée au personnel (is_staff), hors du produit",
    "mot-de-passe/": "réinitialisation et changement du mot de passe : aucune donnée d’enfant, "
    "jetons signés de Django",
    "programmes/": "paramètres d’un programme (aucune donnée d’enfant) : 404 hors de sa "
    "coordination et de son administration, tests/core/test_programme_parametres.py"
    "::test_personne_d_autre_n_y_accede ; cadre juridique, registre et analyse d’impact "
    "(aucune donnée d’enfant) : 404 hors de la gestion et du délégué du programme, "
    "tests/core/test_juridique.py::test_les_pages_juridiques_d_un_programme_404_pour_les_autres ; "
    "ses comptes de service de même, "
    "tests/core/test_api_comptes_service.py::test_personne_d_autre_n_y_accede ; "
    "registre des demandes d’exercice des droits (numéros de parcours, jamais un nom) : 404 hors "
    "de la gestion et du délégué du programme, tests/parcours/test_demandes_droits.py"
    "::test_le_registre_404_hors_de_la_gestion_et_du_dpo_du_programme, et le dossier d’accès "
    "passe par parcours_pour (test_le_dossier_d_acces_se_produit_depuis_la_demande_par_la_"
    "coordination_seulement) ; accès inhabituels : 404 hors du délégué du programme, "
    "tests/core/test_anomalies_dpo.py::test_les_anomalies_sont_reservees_au_dpo_du_programme",
    "parcours/eps/": "réunions EPS : l’accès suit le programme et l’invitation, non le parcours ; "
    "chaque route y est balayée par tests/parcours/test_eps.py::test_chaque_route_eps_refuse_qui_n_y_a_pas_acces",
    # --- offres
    "partenaires/structures/": "annuaire : lignes du réseau, sans donnée d’enfant ; une structure "
    "hors des programmes de l’utilisateur répond 404 (test_offres : test_annuaire_filtres, "
    "test_pages_du_reseau_404_ailleurs_et_connexion_requise)",
    "partenaires/offres/": "catalogue : lignes du réseau, sans donnée d’enfant ; une offre non "
    "publiée aux programmes de l’utilisateur répond 404, l’édition suit la matrice de droits "
    "(test_offres : test_pages_offre_et_droits, test_pages_du_reseau_404_ailleurs_et_connexion_requise)",
    # --- network import (issue 17): the programme's administrators only, no child data
    "partenaires/import/": "import du réseau (structures, professionnels, offres ; aucune donnée "
    "d’enfant) : chaque route répond 404 hors de l’administration du programme de l’import, "
    "l’anonyme va à la connexion (test_import_du_reseau_404_hors_de_l_administration_du_"
    "programme, ci-dessous) ; les règles : tests/partenaires/test_imports_reseau.py",
    # --- conventions
    "partenaires/conventions/": "conventions d’un programme (aucune donnée d’enfant) : chaque "
    "URL est balayée pour l’administrateur d’un autre programme, le partenaire et l’anonyme par "
    "tests/partenaires/test_conventions.py (test_chaque_url_404_sans_acces_et_rien_ne_change)",
}

# URL names that need no object id and show no child data beyond what `visibles_par` gives.
# Answered by reussite.core.sante.SanteMiddleware before every other middleware (host check,
# NUL refusal, login, 2FA): they read no parameter and reveal nothing.
SONDES = {"sante_vivant", "sante_pret"}

EXEMPTEES = {
    "accueil": "tableau de bord : compteurs et listes bâtis sur visibles_par(user), aucun "
    "identifiant lu",
    "login": "page de connexion (tracée par tests/core/test_trace.py)",
    "logout": "déconnexion",
    "notifications:liste": "les rappels de l’utilisateur connecté, filtrés sur destinataire=user",
    "notifications:compteur": "le nombre de rappels non lus de l’utilisateur connecté",
    "notifications:tout_lire": "marque comme lus les rappels de l’utilisateur connecté seulement",
    "notifications:preferences": "les préférences de l’utilisateur connecté",
    "notifications:echecs": "les envois en échec des programmes que l’utilisateur coordonne",
    # --- journal
    "parcours:charte": "la charte de confidentialité : aucune donnée d’enfant ; `next` est une URL "
    "vérifiée par url_has_allowed_host_and_scheme (test_charte_*)",
    # --- actions
    "parcours:collectives": "les actions collectives des programmes que l’utilisateur coordonne "
    "(programmes_coordonnes) ; aucun identifiant lu, 403 pour les autres",
    # --- securite
    "securite:inscription": "double authentification de l’utilisateur connecté : son propre "
    "appareil TOTP, aucune donnée d’enfant (test_securite_2fa)",
    "securite:verification": "saisie du code de l’utilisateur connecté (test_securite_2fa)",
    "securite:codes_secours": "les codes de secours de l’utilisateur connecté, lus une fois dans "
    "sa session (test_securite_2fa)",
    "securite:codes_secours_regenerer": "régénère les codes de secours de l’utilisateur connecté "
    "seulement (test_securite_2fa)",
    "securite:mes_sessions": "les sessions de l’utilisateur connecté (test_securite_sessions)",
    "securite:mes_jetons": "les jetons d’API de l’utilisateur connecté, créés pour lui seul "
    "(tests/core/test_api_jetons.py)",
    # --- orientations (issue 17)
    "parcours:orientations": "la boîte des orientations : Orientation.objects.recues_par(user) "
    "(programmes coordonnés), aucun identifiant lu ; un partenaire est renvoyé vers les siennes",
    "parcours:import_modele": "le modèle de fichier d’import : des en-têtes et une ligne "
    "d’exemple fictive, aucune donnée ; 404 hors coordination "
    "(tests/parcours/test_imports.py::test_les_modeles_404_hors_coordination)",
    "parcours:import_modele_xlsx": "le même modèle en XLSX, avec ses listes de valeurs ; 404 "
    "hors coordination (tests/parcours/test_imports.py::test_les_modeles_404_hors_coordination)",
    "parcours:transferts": "les transferts proposés à et par les programmes que l’utilisateur "
    "coordonne (programmes_coordonnes), aucun identifiant lu ; 403 hors coordination",
    "parcours:transitions": "les passages à la rentrée des programmes que l’utilisateur "
    "coordonne (visibles_par puis coordonnes_par), aucun identifiant lu ; 404 hors coordination "
    "(tests/e2e/test_transitions.py::test_un_partenaire_et_une_autre_coordination_recoivent_404)",
    "parcours:orientations_envoyees": "les orientations de l’utilisateur connecté : "
    "envoyees_par(user), par une adhésion active, aucun identifiant lu",
    "securite:session_maintenir": "renouvelle la session courante, rien d’autre",
    # --- sollicitations (issue 21)
    "parcours:sollicitations_recues": "la boîte du partenaire : sollicitations_recues_par(user) "
    "(adhésions actives), aucun identifiant lu ; l’enfant n’y est nommé que si visibles_par le "
    "permet (test_sollicitations)",
    # --- exploitation (issue 20)
    "sante_vivant": "sonde de vie : « ok », rien d’autre, sans connexion ni contrôle d’hôte "
    "(tests/core/test_exploitation.py::test_les_sondes_repondent_sans_connexion_ni_nom_d_hote_ni_https)",
    "sante_pret": "sonde de disponibilité : « pret » ou 503 « indisponible », rien d’autre "
    "(tests/core/test_exploitation.py : test_pret_503_*)",
    "metriques": "métriques Prometheus : 404 sans le jeton METRIQUES_JETON, aucune donnée "
    "personnelle dans les étiquettes (tests/core/test_exploitation.py::"
    "test_aucune_donnee_personnelle_dans_les_etiquettes_des_metriques)",
    # --- demo
    # --- legal frame (issue 19): public pages, no child data, linked from every footer
    "juridique:mentions_legales": "mentions légales : l’éditeur et l’hébergeur (réglages), "
    "publique (tests/core/test_juridique.py)",
    "juridique:donnees_personnelles": "information des articles 13-14 : lit `programme` dans "
    "la requête, mais l’identité juridique publiée d’un programme est publique ; jamais une "
    "donnée d’enfant (tests/core/test_juridique.py)",
    "juridique:notice_familles": "notice des familles d’un programme (`programme` lu dans la "
    "requête) : texte public, aucune donnée d’enfant (tests/core/test_juridique.py)",
    "juridique:notice_familles_pdf": "la même notice en PDF (tests/core/test_juridique.py)",
    "juridique:cookies": "gestion des cookies : texte public",
    "juridique:plan_du_site": "plan du site : liens seulement (ceux du travail pour "
    "l’utilisateur connecté, selon les drapeaux de son menu)",
    "juridique:accessibilite": "déclaration d’accessibilité : l’auto-évaluation du dépôt "
    "(reussite/core/rgaa.py)",
    "demo:courriels": "courriels de la démonstration : 404 sans REUSSITE_DEMO_COURRIELS et pour "
    "qui n’est pas du personnel (tests/core/test_demo_courriels.py)",
    # --- proconnect (routes added by PROCONNECT_ENABLED, swept here whatever the setting)
    "oidc_authentication_init": "début de la connexion ProConnect : renvoie vers le fournisseur, "
    "aucune donnée lue (tests/core/test_proconnect_fournisseur.py)",
    "oidc_authentication_callback": "retour de ProConnect : state, nonce, signature et compte "
    "invité vérifiés, sinon refus en français (tests/core/test_proconnect_fournisseur.py)",
}

# Views known to be reachable without login: every other one must redirect to the login page.
SANS_CONNEXION = {
    "login",
    "oidc_authentication_init",
    "oidc_authentication_callback",
    # --- exploitation: health probes of the load balancer (tests/core/test_exploitation.py)
    "sante_vivant",
    "sante_pret",
    "metriques",  # 404 without the bearer token
    # --- legal frame (issue 19): reachable from the footer before logging in
    "juridique:mentions_legales",
    "juridique:donnees_personnelles",
    "juridique:notice_familles",
    "juridique:notice_familles_pdf",
    "juridique:cookies",
    "juridique:plan_du_site",
    "juridique:accessibilite",
}


@dataclass(frozen=True)
class Declaration:
    champs: tuple[str, ...]  # the ids read from the query string or the body
    test: str  # the test of this module proving that foreign ids are refused


DECLAREES = {
    "parcours:creer": Declaration(
        (
            "programme-programme",
            "enfant-etablissement",
            "parcours-referent",
            "parcours-orienteur_structure",
        ),
        "test_creer_refuse_les_identifiants_d_un_autre_programme",
    ),
    "parcours:passation": Declaration(
        ("programme", "ancien", "nouveau"),
        "test_passation_refuse_les_identifiants_d_un_autre_programme",
    ),
    "parcours:intervenant_ajouter": Declaration(
        ("intervenant-professionnel",),
        "test_intervenant_ajouter_refuse_un_professionnel_non_couvert_ou_d_ailleurs",
    ),
    "parcours:modifier": Declaration(
        ("parcours-referent", "parcours-orienteur_structure"),
        "test_modifier_refuse_les_identifiants_d_un_autre_programme",
    ),
    "parcours:modifier_enfant": Declaration(
        ("enfant-etablissement",), "test_modifier_enfant_refuse_une_ecole_d_un_autre_programme"
    ),
    "parcours:modifier_famille": Declaration(
        ("responsables-N-id",), "test_modifier_famille_refuse_un_responsable_d_une_autre_famille"
    ),
    "parcours:consentement": Declaration(
        ("signataires", "structures"), "test_consentement_refuse_les_identifiants_d_ailleurs"
    ),
    "parcours:consentement_renouveler": Declaration(
        ("signataires", "structures"), "test_consentement_refuse_les_identifiants_d_ailleurs"
    ),
    "parcours:liste": Declaration(
        ("referent", "etablissement"), "test_les_filtres_des_listes_ne_les_elargissent_jamais"
    ),
    # Built on equipe_de (test_a_risque_ne_montre_que_les_parcours_coordonnes_ou_suivis); its
    # filters read ids (issue 15, point 16).
    "parcours:a_risque": Declaration(
        ("referent", "etablissement"), "test_les_filtres_des_listes_ne_les_elargissent_jamais"
    ),
    "parcours:mes_suivis": Declaration(
        ("referent", "etablissement"), "test_les_filtres_des_listes_ne_les_elargissent_jamais"
    ),
    # --- actions
    "parcours:action_ajouter": Declaration(
        ("offre", "objectif", "structure", "professionnel", "convention"),
        "test_action_ajouter_refuse_une_offre_ou_des_identifiants_d_ailleurs",
    ),
    "parcours:collective_creer": Declaration(
        ("programme", "offre", "structure", "professionnel", "convention"),
        "test_collective_creer_refuse_les_identifiants_d_un_autre_programme",
    ),
    # --- offres
    "partenaires:annuaire": Declaration(
        ("programme",), "test_offres_les_pages_de_programme_refusent_un_programme_d_ailleurs"
    ),
    "parcours:besoins": Declaration(
        ("programme",), "test_offres_les_pages_de_programme_refusent_un_programme_d_ailleurs"
    ),
    "parcours:carte_competences": Declaration(
        ("programme",), "test_offres_les_pages_de_programme_refusent_un_programme_d_ailleurs"
    ),
    # --- statistiques
    "parcours:statistiques": Declaration(
        ("programme",), "test_statistiques_refusent_un_programme_d_ailleurs"
    ),
    "parcours:statistiques_enquete": Declaration(
        ("programme",), "test_statistiques_refusent_un_programme_d_ailleurs"
    ),
    "parcours:statistiques_enquete_xlsx": Declaration(
        ("programme",), "test_statistiques_refusent_un_programme_d_ailleurs"
    ),
    "parcours:parcours_export": Declaration(
        ("referent", "etablissement"), "test_statistiques_l_export_des_parcours_ne_s_elargit_jamais"
    ),
    "parcours:parcours_export_xlsx": Declaration(
        ("referent", "etablissement"), "test_statistiques_l_export_des_parcours_ne_s_elargit_jamais"
    ),
    # --- exports
    "parcours:actions": Declaration(
        ("structure", "convention"),
        "test_exports_les_filtres_des_actions_ne_les_elargissent_jamais",
    ),
    "parcours:actions_export": Declaration(
        ("structure", "convention"),
        "test_exports_les_filtres_des_actions_ne_les_elargissent_jamais",
    ),
    "parcours:actions_export_xlsx": Declaration(
        ("structure", "convention"),
        "test_exports_les_filtres_des_actions_ne_les_elargissent_jamais",
    ),
    "exports:demander": Declaration(
        ("genre", "filtres"), "test_exports_une_demande_ne_vise_que_ce_que_le_demandeur_voit"
    ),
    # --- orientations (issue 17)
    "parcours:orientation_creer": Declaration(
        ("professionnel", "programme", "etablissement"),
        "test_orienter_refuse_les_identifiants_d_ailleurs",
    ),
    "parcours:import": Declaration(("programme",), "test_importer_refuse_un_programme_d_ailleurs"),
    # --- sollicitations (issue 21)
    "parcours:sollicitation_creer": Declaration(
        ("objectif", "structure", "professionnel"),
        "test_solliciter_refuse_les_identifiants_d_ailleurs",
    ),
    "parcours:obstacles": Declaration(
        ("programme",), "test_obstacles_refusent_un_programme_d_ailleurs"
    ),
    "parcours:obstacles_csv": Declaration(
        ("programme",), "test_obstacles_refusent_un_programme_d_ailleurs"
    ),
    "parcours:obstacles_xlsx": Declaration(
        ("programme",), "test_obstacles_refusent_un_programme_d_ailleurs"
    ),
    # --- the funders' evidence packs (issue 21)
    "parcours:preuves": Declaration(
        ("programme",), "test_preuves_refusent_un_programme_une_partie_ou_un_role_d_ailleurs"
    ),
    "parcours:preuves_dossier": Declaration(
        ("programme", "structure", "annee"),
        "test_preuves_refusent_un_programme_une_partie_ou_un_role_d_ailleurs",
    ),
    # --- securite
    "securite:jeton_revoquer": Declaration(
        ("jeton",), "test_revoquer_un_jeton_refuse_celui_d_un_autre_compte"
    ),
    "securite:session_terminer": Declaration(
        ("session",), "test_terminer_une_session_refuse_celle_d_un_autre_compte"
    ),
}


@dataclass(frozen=True)
class Route:
    nom: str | None
    gabarit: str
    identifiants: tuple[str, ...]
    positionnels: int
    connexion_requise: bool


def _parcourir(motifs, prefixe="", espace=None):
    for motif in motifs:
        gabarit = prefixe + str(motif.pattern)
        if isinstance(motif, URLResolver):
            sous_espace = ":".join(filter(None, [espace, motif.namespace])) or None
            yield from _parcourir(motif.url_patterns, gabarit, sous_espace)
        elif isinstance(motif, URLPattern):
            groupes = motif.pattern.regex.groupindex
            yield Route(
                nom=f"{espace}:{motif.name}" if espace and motif.name else motif.name,
                gabarit=gabarit,
                identifiants=tuple(groupes),
                positionnels=motif.pattern.regex.groups - len(groupes),
                connexion_requise=getattr(motif.callback, "login_required", True),
            )


def routes_du_projet() -> list[Route]:
    routes = [
        route
        for route in _parcourir(get_resolver().url_patterns)
        if not route.gabarit.startswith(tuple(HORS_BALAYAGE))
    ]
    # --- proconnect: its routes exist only when PROCONNECT_ENABLED; declare them anyway.
    from reussite.core.urls import proconnect_urls

    deja = {route.nom for route in routes}
    routes += [r for r in _parcourir(proconnect_urls, "oidc/") if r.nom not in deja]
    return routes


ROUTES = routes_du_projet()
BALAYEES = [route for route in ROUTES if route.identifiants]


# How each id of a swept path is taken from a pathway: a new kind of id must be added here.
IDENTIFIANTS: dict[str, Callable[[Dossier], int]] = {
    "pk": lambda d: d.parcours.pk,
    "consentement_pk": lambda d: d.consentement.pk,
    "renouvelle_pk": lambda d: d.consentement.pk,
    "intervenant_pk": lambda d: d.intervenant.pk,
    "rappel_pk": lambda d: d.rappel.pk,
    # --- actions
    "objectif_pk": lambda d: d.objectif.pk,
    "action_pk": lambda d: d.action.pk,
    "collective_pk": lambda d: d.collective.pk,
    # --- journal
    "note_pk": lambda d: d.note.pk,
    "rupture_pk": lambda d: d.rupture.pk,
    "document_pk": lambda d: d.document.pk,
    # --- offres
    "besoin_pk": lambda d: d.parcours.besoins.order_by("pk").first().pk,
    # --- exports: the requester alone reaches it (the coordinator of the pathway's programme)
    "demande_pk": lambda d: d.demande.pk,
    # --- fratrie: the pathway's family (issue 15, point 18)
    "famille_pk": lambda d: d.parcours.enfant.famille_id,
    # --- orientations: the coordination of its programme and its referrer reach it
    "orientation_pk": lambda d: d.orientation.pk,
    "import_pk": lambda d: d.import_.pk,
    "transfert_pk": lambda d: d.transfert.pk,
    "sollicitation_pk": lambda d: d.sollicitation.pk,
    # --- dispositifs
    "dispositif_pk": lambda d: d.dispositif.pk,
}


def client_de(user) -> Client:
    return connecter(Client(), user)


def url_de(route: Route, ids: dict[str, int]) -> str:
    return reverse(route.nom, kwargs={nom: ids[nom] for nom in route.identifiants})


def ids_de(d: Dossier) -> dict[str, int]:
    return {nom: prendre(d) for nom, prendre in IDENTIFIANTS.items()}


def envoyer(client: Client, methode: str, url: str, donnees: dict | None = None):
    reponse = client.get(url) if methode == "GET" else client.post(url, donnees or {})
    if reponse.streaming:
        # Consumed, so that the test client closes it the way a WSGI server would.
        reponse.contenu = b"".join(reponse.streaming_content)
    else:
        reponse.contenu = reponse.content
    return reponse


def erreurs(reponse) -> dict:
    """The form errors a page shows, for readable assertion messages."""
    trouvees = {}
    for contexte in reponse.context or []:
        for cle, valeur in contexte.flatten().items():
            if hasattr(valeur, "errors") and valeur.errors and hasattr(valeur, "is_bound"):
                trouvees[cle] = valeur.errors
            if hasattr(valeur, "non_form_errors") and valeur.is_bound and valeur.non_form_errors():
                trouvees[f"{cle}:non_form"] = valeur.non_form_errors()
    return trouvees


METHODES = ("GET", "POST")
INEXISTANT = 2_000_000_000


# What the views answer to a method does not depend on the data: probed once per process
# (3.5 s on the 2-core machine, which each of the 70 POST controls paid again, 245 s in all).
_NON_APPLICABLES: frozenset[tuple[str, str]] | None = None


def methodes_non_applicables(monde: Monde) -> frozenset[tuple[str, str]]:
    """(URL name, method) that a view refuses with 405 whatever the id: probed on ids that do not
    exist, as the programme's own coordinator, so that nothing is reached. The probe runs once
    per process; its result is a property of the views, not of `monde`."""
    global _NON_APPLICABLES
    if _NON_APPLICABLES is None:
        _NON_APPLICABLES = frozenset(_sonder_les_methodes(monde))
    return _NON_APPLICABLES


def _sonder_les_methodes(monde: Monde) -> set[tuple[str, str]]:
    client = client_de(monde.a.coordinateur)
    refusees = set()
    for route in BALAYEES:
        url = url_de(route, dict.fromkeys(route.identifiants, INEXISTANT))
        for methode in METHODES:
            statut = envoyer(client, methode, url).status_code
            assert statut in (404, 405), (route.nom, methode, statut)
            if statut == 405:
                refusees.add((route.nom, methode))
    return refusees


def balayer(
    client, dossier, attendu: Callable[[str, str], int], *, noms_caches=(), methodes=METHODES
) -> list:
    """Request every swept URL of `dossier` (GET and POST); return the mismatches."""
    ecarts = []
    for route in BALAYEES:
        url = url_de(route, ids_de(dossier))
        for methode in methodes:
            reponse = envoyer(client, methode, url, corps(route.nom, dossier))
            voulu = attendu(route.nom, methode)
            if reponse.status_code != voulu:
                ecarts.append((route.nom, methode, reponse.status_code, voulu))
            if reponse.status_code == 404:
                texte = reponse.contenu.decode()
                assert "Page introuvable" in texte, (route.nom, methode)
                for nom in noms_caches:
                    assert nom not in texte, (route.nom, methode, nom)
    return ecarts


def refus(non_applicables):
    return lambda nom, methode: 405 if (nom, methode) in non_applicables else 404


# --- The guard: every URL is swept, declared or exempt ----------------------------------------


def problemes_de(routes: list[Route]) -> list[str]:
    problemes = []
    for route in routes:
        if route.nom is None:
            problemes.append(f"{route.gabarit}: route sans nom (impossible à balayer)")
        elif route.positionnels:
            problemes.append(f"{route.nom}: groupe positionnel, nommez-le pour le balayage")
        elif route.identifiants:
            inconnus = set(route.identifiants) - set(IDENTIFIANTS)
            if inconnus:
                problemes.append(
                    f"{route.nom}: identifiant(s) {sorted(inconnus)} inconnus du balayage : "
                    "ajoutez-les à IDENTIFIANTS"
                )
            if route.nom in EXEMPTEES:
                problemes.append(f"{route.nom}: lit un identifiant, ne peut pas être exemptée")
        elif route.nom not in DECLAREES and route.nom not in EXEMPTEES:
            problemes.append(
                f"{route.nom} ({route.gabarit}): ni balayée, ni déclarée dans DECLAREES, "
                "ni exemptée dans EXEMPTEES"
            )
        if not route.connexion_requise and route.nom not in SANS_CONNEXION:
            problemes.append(f"{route.nom}: accessible sans connexion")
    return problemes


# The pathway's page, one URL per section (issue 15, point 15): whoever reads the pathway reads
# every section; what a section shows beyond that follows the reader's rights.
SECTIONS_FICHE = {
    "parcours:detail",
    "parcours:objectifs",
    "parcours:journal",
    "parcours:partage",
    "parcours:historique",
}


# --- actions: collective actions are managed by the programme's coordinators only.
COORDINATION_SEULE = {"parcours:collective_detail", "parcours:collective_inscrire"}
# --- protection: the right-of-access export and the history are the coordination's.
# --- orientations: reached by the programme's coordination and the referrer only.
ORIENTATIONS = {
    "parcours:orientation",
    "parcours:orientation_decider",
    "parcours:orientation_repondre",
    "parcours:orientation_document",
}
IMPORTS = {
    "parcours:import_apercu",
    # --- transferts: the coordinations of both programmes
    "parcours:transfert",
    "parcours:transfert_decider",
    "parcours:transfert_proposer",
}
AUTEURS_POST = {
    "parcours:orientation_repondre": lambda monde: monde.p.orienteur.user,
    # --- sollicitations: the partner asked answers
    "parcours:sollicitation_recue": lambda monde: monde.p.sollicite.user,
}
# --- sollicitations: the partner's page is the solicited professional's alone (the pathway's
# team reads the request on its own page, parcours:sollicitation_equipe).
SOLLICITE_SEUL = {"parcours:sollicitation_recue"}


PREPARER_POST = {
    "parcours:sollicitation_en_action": _accepter_la_sollicitation,
    "parcours:sollicitation_reorienter": _reorienter_la_sollicitation,
}
PROTECTION = {
    "parcours:droit_acces_pdf",
    "parcours:droit_acces_json",
    "parcours:historique_modifications",
}


# --- Query budget -----------------------------------------------------------------------------

# 8 since issue 18, point 3 (no session save, the DSFR configuration kept for a minute).
REQUETES_MES_SUIVIS = 8


# --- Bad input: a NUL in any value is refused once, for the whole site (issue 15, point 9)

NUL = "a\x00b"


# --- The API (issue 22): the same sweep, with tokens -----------------------------------------
#
# The API authenticates with personal access tokens inside the view, never with the session:
# its routes are walked here, with their own guard. Every route is open (declared below, with
# the reason), or answers 401 without a valid token; every route with ids in its path is swept
# for each kind of user and answers exactly as the pages do (404 for whoever may not see).

PREFIXE_API = "api/"
ROUTES_API = [
    route
    for route in _parcourir(get_resolver().url_patterns)
    if route.gabarit.startswith(PREFIXE_API)
]
BALAYEES_API = [route for route in ROUTES_API if route.identifiants]

API_OUVERTES = {
    "api:schema": "le schéma OpenAPI : la description de l’API, aucune donnée",
    "api:documentation": "la page de documentation (Swagger UI), aucune donnée",
    "api:data_inclusion_structures": "données ouvertes : les structures des offres marquées "
    "publiques, au schéma data·inclusion, sans donnée d’enfant (tests/partenaires/test_api_data_inclusion.py)",
    "api:data_inclusion_services": "données ouvertes : les offres marquées publiques "
    "(tests/partenaires/test_api_data_inclusion.py)",
    "api:data_inclusion_export": "données ouvertes : le fichier d’export des mêmes "
    "enregistrements (tests/partenaires/test_api_data_inclusion.py)",
}
# Routes without ids in the path that read ids from the query string (lists and statistics).
API_DECLAREES = {
    "api:parcours": Declaration(
        ("referent", "etablissement"), "test_api_les_filtres_ne_les_elargissent_jamais"
    ),
    "api:statistiques": Declaration(
        ("programme",), "test_api_les_statistiques_refusent_un_programme_d_ailleurs"
    ),
}


def _jeton(user, **kwargs) -> str:
    from tests.factories.api import jeton

    return jeton(user, **kwargs)


def _client_api(secret=None):
    from tests.factories.api import ClientApi

    return ClientApi(secret)


# The API is swept for its writes too: PATCH (progress of an action, with its version).
METHODES_API = ("GET", "POST", "PATCH")


def corps_api(nom: str, methode: str, dossier) -> dict:
    """A valid JSON body for each API route that writes: were the check missing, it would
    change data."""
    if methode == "PATCH":
        action = Action.objects.get(pk=dossier.action.pk)
        return {"version": action.version, "statut": "en_cours", "resultat": "Commencé"}
    return {
        "api:actions": {"intitule": "Bilan orthophonique", "date_debut": date.today().isoformat()},
        "api:notes": {"texte": "Nouvelle note par l’API", "visibilite": "equipe"},
    }.get(nom, {})


def envoyer_api(client, methode: str, url: str, nom: str, dossier):
    import json
    import uuid

    if methode == "GET":
        return client.get(url)
    envoyer_ = client.post if methode == "POST" else client.patch
    return envoyer_(
        url,
        json.dumps(corps_api(nom, methode, dossier)),
        content_type="application/json",
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )


def _url_api(route, ids):
    if route.identifiants:
        return url_de(route, ids)
    return reverse(route.nom)


def methodes_api_non_applicables(monde) -> set[tuple[str, str]]:
    """(route, method) answered 405 whatever the id, probed as the programme's coordinator on
    ids that do not exist."""
    client = _client_api(_jeton(monde.a.coordinateur))
    refusees = set()
    for route in BALAYEES_API:
        url = url_de(route, dict.fromkeys(route.identifiants, INEXISTANT))
        for methode in METHODES_API:
            statut = envoyer_api(client, methode, url, route.nom, monde.p).status_code
            assert statut in (404, 405), (route.nom, methode, statut)
            if statut == 405:
                refusees.add((route.nom, methode))
    return refusees


def balayer_api(client, dossier, attendu, *, noms_caches=()) -> list:
    ecarts = []
    for route in BALAYEES_API:
        url = url_de(route, ids_de(dossier))
        for methode in METHODES_API:
            reponse = envoyer_api(client, methode, url, route.nom, dossier)
            voulu = attendu(route.nom, methode)
            if reponse.status_code != voulu:
                ecarts.append((route.nom, methode, reponse.status_code, voulu))
            if reponse.status_code == 404:
                assert reponse.json() == {"detail": "Introuvable."}, (route.nom, methode)
                for nom in noms_caches:
                    assert nom not in reponse.content.decode(), (route.nom, methode, nom)
    return ecarts


# The sweep's test modules: a declaration names a test of one of them.
MODULES_DU_BALAYAGE = (
    "tests.acces.test_acces_urls",
    "tests.acces.test_acces_declarees",
    "tests.acces.test_acces_api",
)


def est_un_test_existant(nom: str) -> bool:
    """Whether a declaration's test exists in one of the sweep's modules."""
    import importlib

    return any(
        callable(getattr(importlib.import_module(module), nom, None))
        for module in MODULES_DU_BALAYAGE
    )
