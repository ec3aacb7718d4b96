"""The automated access sweep (DOMAIN.md rule 2: "anything else answers 404").

Every URL pattern of the project is walked. A pattern that takes object ids in its path is swept
automatically, for GET and POST, with every kind of user; a view that reads an id from the query
string or the body is declared in `DECLAREES` with the test that proves foreign ids are refused;
the rest is exempt with a reason. A new URL that is none of these fails
`test_chaque_route_est_balayee_declaree_ou_exemptee`: nobody can add an unprotected view silently.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from parcours.models import (
    Action,
    ActionCollective,
    Addendum,
    BesoinNonCouvert,
    Consentement,
    Dispositif,
    Document,
    EchangeOrientation,
    Enfant,
    Famille,
    Finalite,
    ImportParcours,
    InformationPreoccupante,
    Intervenant,
    Note,
    Objectif,
    Orientation,
    Parcours,
    ParcoursUserObjectPermission,
    ParoleFamille,
    QuestionnaireSortie,
    ResponsableLegal,
    Rupture,
    Sollicitation,
    Statut,
    Transfert,
    Transition,
)
from parcours.selectors import annee_rentree
from parcours.services import (
    dispositif_ajouter,
    document_deposer,
    import_analyser,
    note_ajouter,
    parcours_sortir,
    rupture_enregistrer,
    sollicitation_creer,
    sollicitation_repondre,
    transfert_proposer,
    transition_creer,
)
from partenaires.models import Convention, Professionnel, Structure
from reussite.core.models import DemandeExport, Rappel, StatutExport, StatutRappel
from tests.conftest import connecter
from tests.factories import actions as fabrique_actions
from tests.factories import orientations as fabrique_orientations
from tests.factories.core import dpo
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import (
    Pre,
    ajouter_intervenant,
    consentement,
    fichier_png,
    nommer_referent,
    partenaire,
    pre,
    professionnel,
    titulaire,
    version_actuelle,
)
from tests.factories.partenaires import StructureFactory
from tests.support.formulaires import jeton

pytestmark = pytest.mark.django_db

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


# --- A world with two programmes ------------------------------------------------------------


@dataclass
class Dossier:
    parcours: Parcours
    consentement: Consentement
    intervenant: Intervenant
    titulaire: ResponsableLegal
    structure: Structure  # the partner structure its consent names
    candidat: Professionnel  # covered by the consent, not assigned: a valid intervenant to add
    rappel: Rappel | None = None  # a reminder about this pathway, for the coordinator
    # --- actions
    objectif: Objectif | None = None
    action: Action | None = None  # ad hoc, delivered by no one in particular
    collective: ActionCollective | None = None  # of the programme; the child does not take part
    # --- journal
    note: Note | None = None  # written by the coordinator, for the pathway's team
    rupture: Rupture | None = None  # without a decided response
    document: Document | None = None
    # --- exports
    demande: DemandeExport | None = None  # a built export the programme's coordinator asked for
    # --- orientations: a referral of the programme, sent by `orienteur` (a member of the
    # consent's structure, assigned to nothing), waiting for their answer to a question
    orientation: Orientation | None = None
    orienteur: Professionnel | None = None
    # --- imports: a dry run of one row, waiting for its confirmation
    import_: ImportParcours | None = None
    # --- transferts: a pathway of another programme proposed to this one (its coordination
    # answers), the sending side being a third programme
    transfert: Transfert | None = None
    # --- sollicitations (issue 21): a request on the objective, sent to `sollicite`, a member
    # of a partner structure of the programme that the consent does not name (it may not see
    # the child: it reads a pseudonymised reference)
    sollicitation: Sollicitation | None = None
    sollicite: Professionnel | None = None
    # --- dispositifs (issue 21): an AEMO measure, reserved to the référent and the coordination
    dispositif: Dispositif | None = None


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


@dataclass
class Monde:
    a: Pre
    b: Pre
    structure: Structure  # partner of A named in the consents of p and p2
    referent: Professionnel  # partner référent of p and p2
    intervenant: Professionnel  # partner intervenant on p only
    non_affecte: Professionnel  # same structure, charter accepted, assigned to nothing
    etranger: Professionnel  # another partner structure of A, never named
    ecole_b: Structure
    p: Dossier
    p2: Dossier
    q: Dossier  # in programme B


def _dossier(programme: Pre, structure, *, referent=None, intervenant=None, **enfant) -> Dossier:
    parcours = ParcoursFactory(
        programme=programme.programme,
        statut=Statut.EN_COURS,
        enfant=EnfantFactory(programme=programme.programme, **enfant),
    )
    mere = titulaire(parcours)
    c = consentement(
        parcours,
        structures=[structure],
        auteur=programme.coordinateur,
        fichier=fichier_png(),
        # --- transferts: the family agreed to a transfer (parcours:transfert_proposer)
        finalites=[Finalite.ACCOMPAGNEMENT, Finalite.PARTAGE, Finalite.TRANSFERT],
    )
    if referent is not None:
        nommer_referent(parcours, referent, auteur=programme.coordinateur)
    intervenant = intervenant or professionnel(programme.porteuse)
    affectation = ajouter_intervenant(parcours, intervenant, auteur=programme.coordinateur)
    # --- actions
    auteur = programme.coordinateur
    objectif = fabrique_actions.objectif(parcours, auteur=auteur)
    action = fabrique_actions.action(
        parcours, auteur=auteur, objectif=objectif, structure=structure
    )
    collective = fabrique_actions.collective(programme.programme, structure, auteur=auteur)
    # --- journal
    note = note_ajouter(
        parcours=parcours, auteur=programme.coordinateur, texte="Note d’équipe", visibilite="equipe"
    )
    rupture = rupture_enregistrer(
        parcours=parcours, auteur=programme.coordinateur, type="absence", date=date.today()
    )
    document = document_deposer(
        parcours=parcours, auteur=programme.coordinateur, titre="Bilan", fichier=fichier_png()
    )
    # --- offres: an unmet need recorded on the pathway
    BesoinNonCouvert.objects.create(
        programme=programme.programme,
        parcours=parcours,
        domaine="sante",
        tranche_age="6-10",
        description="Bilan de santé",
    )
    # --- exports
    demande = DemandeExport.objects.create(
        demandeur=programme.coordinateur,
        genre="actions",
        format="csv",
        statut=StatutExport.TERMINE,
        lignes_total=1,
        lignes_faites=1,
        termine_le=timezone.now(),
        expire_le=timezone.now() + timedelta(days=7),
    )
    demande.fichier.save("export-de-test.csv", ContentFile(b"\xef\xbb\xbfAction\n"))
    # --- orientations
    orienteur = professionnel(structure)
    orientation = fabrique_orientations.orientation(
        orienteur, programme=programme.programme, fichier=fichier_png(), commune="Villeneuve"
    )
    orientation = fabrique_orientations.decider(
        orientation, "question", auteur=programme.coordinateur, message="Quel suivi ?"
    )
    # --- imports
    import_ = import_analyser(
        programme=programme.programme,
        auteur=programme.coordinateur,
        fichier=_fichier_import(f"IMP-{parcours.pk}"),
    )
    # --- transferts
    cible, coordination_cible = _programme_cible()
    venu = ParcoursFactory(
        programme=cible,
        statut=Statut.EN_COURS,
        enfant=EnfantFactory(programme=cible, nom="Voyageur"),
    )
    consentement(
        venu,
        auteur=coordination_cible,
        finalites=[Finalite.ACCOMPAGNEMENT, Finalite.TRANSFERT],
    )
    transfert = transfert_proposer(
        parcours=venu, programme_destination=programme.programme, auteur=coordination_cible
    )
    # --- sollicitations
    sollicite = professionnel(partenaire(programme.programme))
    sollicitation = sollicitation_creer(
        parcours=Parcours.objects.get(pk=parcours.pk),
        objectif=objectif,
        structure=sollicite.structure,
        professionnel=sollicite,
        demande="Un bilan orthophonique",
        motif="Langage",
        echeance=date.today() + timedelta(days=10),
        auteur=programme.coordinateur,
    )
    # --- transitions (issue 21): a checklist whose family agreement is recorded (its sheet)
    transition_creer(
        parcours=parcours,
        annee_rentree=annee_rentree(date.today()),
        auteur=programme.coordinateur,
        donnees={
            "type": "cm2_6e",
            "elements_transmis": ["scolarite"],
            "accord_famille_le": date.today(),
        },
    )
    # --- dispositifs
    dispositif = dispositif_ajouter(
        parcours=parcours,
        auteur=programme.coordinateur,
        type="aemo",
        date_debut=date.today() - timedelta(days=90),
    )
    parcours.refresh_from_db()
    rappel = Rappel.objects.create(
        genre="revue_proche",
        destinataire=programme.coordinateur,
        content_type=ContentType.objects.get_for_model(Parcours),
        object_id=parcours.pk,
        programme_id=parcours.programme_id,
        echeance=date.today(),
        # Failed: every reminder URL applies to it (read, open, send again).
        statut=StatutRappel.ECHEC,
    )
    return Dossier(
        parcours,
        c,
        affectation,
        mere,
        structure,
        professionnel(structure),
        rappel=rappel,
        objectif=objectif,
        action=action,
        collective=collective,
        note=note,
        rupture=rupture,
        document=document,
        demande=demande,
        orientation=orientation,
        orienteur=orienteur,
        import_=import_,
        transfert=transfert,
        sollicitation=sollicitation,
        sollicite=sollicite,
        dispositif=dispositif,
    )


def construire_monde() -> Monde:
    a, b = pre(nom="PRE A"), pre(nom="PRE B")
    structure, structure_b = partenaire(a.programme), partenaire(b.programme)
    referent, intervenant = professionnel(structure), professionnel(structure)
    non_affecte = professionnel(structure)
    etranger = professionnel(partenaire(a.programme))
    p = _dossier(a, structure, referent=referent, intervenant=intervenant, nom="Pimprenelle")
    p2 = _dossier(a, structure, referent=referent, nom="Deuxième")
    q = _dossier(b, structure_b, referent=professionnel(structure_b), nom="Quentinois")
    ecole_b = StructureFactory(ecole=True, programmes=[b.programme])
    return Monde(a, b, structure, referent, intervenant, non_affecte, etranger, ecole_b, p, p2, q)


@pytest.fixture
def monde() -> Monde:
    return construire_monde()


def client_de(user) -> Client:
    return connecter(Client(), user)


def url_de(route: Route, ids: dict[str, int]) -> str:
    return reverse(route.nom, kwargs={nom: ids[nom] for nom in route.identifiants})


def ids_de(d: Dossier) -> dict[str, int]:
    return {nom: prendre(d) for nom, prendre in IDENTIFIANTS.items()}


def corps(nom: str, d: Dossier) -> dict:
    """A valid body for each swept POST view: were the check missing, it would change data."""
    parcours = Parcours.objects.get(pk=d.parcours.pk)
    enfant = parcours.enfant
    aujourdhui = date.today()
    consentement_valide = {
        "date_signature": aujourdhui.isoformat(),
        "date_expiration": (aujourdhui + timedelta(days=100)).isoformat(),
        "signataires": [d.titulaire.pk],
        "structures": [d.structure.pk],
        "finalites": [Finalite.ACCOMPAGNEMENT, Finalite.PARTAGE],
        "fichier": fichier_png(),
    }
    responsables = list(enfant.famille.responsables.order_by("pk"))
    corps_famille = {
        "version": enfant.famille.version,
        "famille-adresse": "1 place modifiée",
        "famille-commune": "Ailleurs",
        "responsables-TOTAL_FORMS": len(responsables),
        "responsables-INITIAL_FORMS": len(responsables),
        "responsables-MIN_NUM_FORMS": 0,
        "responsables-MAX_NUM_FORMS": 4,
    }
    for i, r in enumerate(responsables):
        corps_famille |= {
            f"responsables-{i}-id": r.pk,
            f"responsables-{i}-nom": r.nom,
            f"responsables-{i}-prenom": r.prenom,
            f"responsables-{i}-lien": r.lien,
            f"responsables-{i}-autorite_parentale": "on" if r.autorite_parentale else "",
            f"responsables-{i}-telephone": r.telephone,
            f"responsables-{i}-email": r.email,
        }
    donnees = {
        "parcours:modifier": {
            "version": parcours.version,
            "parcours-orienteur": parcours.orienteur,
            "parcours-motifs_orientation": parcours.motifs_orientation,
            "parcours-profil_accompagnement": "renforce",
            "parcours-referent": parcours.referent_id or "",
            "parcours-date_entree": parcours.date_entree.isoformat(),
        },
        "parcours:modifier_enfant": {
            "version": enfant.version,
            "enfant-nom": "Modifié",
            "enfant-prenom": enfant.prenom,
            "enfant-date_naissance": enfant.date_naissance.isoformat(),
            "enfant-sexe": enfant.sexe,
        },
        "parcours:modifier_famille": corps_famille,
        # Suspending is confirmed (issue 15, point 15): without "confirmer", nothing changes.
        "parcours:changer_statut": {
            "statut": Statut.SUSPENDU,
            "version": parcours.version,
            "confirmer": "on",
        },
        "parcours:suspendre": {
            "version": parcours.version,
            "commentaire": "Pause demandée par la famille",
            "confirmer": "on",
        },
        "parcours:sortir": {
            "date_sortie": aujourdhui.isoformat(),
            "motif_sortie": "demenagement",
            "version": parcours.version,
        },
        "parcours:consentement": consentement_valide,
        "parcours:consentement_renouveler": consentement_valide,
        "parcours:consentement_retirer": {
            "date_retrait": aujourdhui.isoformat(),
            "motif_retrait": "La famille retire son accord.",
        },
        "parcours:intervenant_ajouter": {"intervenant-professionnel": d.candidat.pk},
        # --- actions
        **corps_actions(d),
        # --- journal
        "parcours:note_ajouter": {"texte": "Nouvelle note", "visibilite": "equipe"},
        "parcours:note_modifier": {
            "texte": "Note corrigée",
            "visibilite": "equipe",
            "version": Note.objects.get(pk=d.note.pk).version,
        },
        "parcours:note_addendum": {"texte": "Addendum"},
        "parcours:information_preoccupante": {
            "date_transmission": aujourdhui.isoformat(),
            "transmise_par": "La coordinatrice",
            "reference": "CRIP-1",
        },
        "parcours:rupture_ajouter": {"type": "demenagement", "date": aujourdhui.isoformat()},
        "parcours:rupture_reponse": {
            "version": Rupture.objects.get(pk=d.rupture.pk).version,
            "reponse": "Relais avec l’école",
            "date_reponse": aujourdhui.isoformat(),
        },
        "parcours:document_ajouter": {"titre": "Compte rendu", "fichier": fichier_png()},
        # --- offres
        "parcours:besoin_ajouter": {
            "domaine": "culture",
            "territoire": "Nord",
            "description": "Atelier de théâtre",
        },
        "parcours:besoin_clore": {"statut": "clos"},
        # --- fratrie: a sibling of the pathway's child, in its family
        "parcours:famille_ajouter_enfant": {
            "enfant-nom": "Cadet",
            "enfant-prenom": "Sami",
            "enfant-date_naissance": (aujourdhui - timedelta(days=365 * 6)).isoformat(),
            "enfant-sexe": "M",
            "parcours-orienteur": "famille",
            "parcours-motifs_orientation": ["langage"],
            "parcours-date_entree": aujourdhui.isoformat(),
        },
        # --- orientations
        "parcours:orientation_decider": {
            "version": Orientation.objects.get(pk=d.orientation.pk).version,
            "decision-decision": "refus",
            "decision-message": "Hors du territoire",
        },
        "parcours:orientation_repondre": {"reponse-texte": "Aucun suivi en cours."},
        # --- imports
        "parcours:transfert_proposer": {"programme_destination": _programme_cible()[0].pk},
        "parcours:transfert_decider": {
            "version": Transfert.objects.get(pk=d.transfert.pk).version,
            "decision-decision": "refuser",
            "decision-motif_refus": "Pas de place avant la rentrée",
        },
        "parcours:import_apercu": {"version": ImportParcours.objects.get(pk=d.import_.pk).version},
        # --- sollicitations
        "parcours:sollicitation_creer": {
            "objectif": d.objectif.pk,
            "structure": d.structure.pk,
            "demande": "Une place à l’atelier",
            "motif": "Socialisation",
            "echeance": (aujourdhui + timedelta(days=5)).isoformat(),
        },
        "parcours:sollicitation_recue": {
            "version": Sollicitation.objects.get(pk=d.sollicitation.pk).version,
            "statut": "acceptee",
            "date_rdv": aujourdhui.isoformat(),
        },
        "parcours:sollicitation_retirer": {
            "version": Sollicitation.objects.get(pk=d.sollicitation.pk).version
        },
        "parcours:sollicitation_en_action": {
            "version": Sollicitation.objects.get(pk=d.sollicitation.pk).version,
            "confirmer_consentement": "on",
        },
        "parcours:sollicitation_reorienter": {
            "version": Sollicitation.objects.get(pk=d.sollicitation.pk).version,
            "echeance": (aujourdhui + timedelta(days=10)).isoformat(),
        },
        # --- transitions
        "parcours:transition": {
            "version": Transition.objects.get(parcours=d.parcours).version,
            "type": "cm2_6e",
            "etablissement_accueil": "Collège modifié",
            "contact_le": aujourdhui.isoformat(),
            "elements_transmis": ["scolarite"],
            "accord_famille_le": aujourdhui.isoformat(),
        },
        # --- dispositifs
        "parcours:dispositif_ajouter": {
            "type": "clas",
            "date_debut": aujourdhui.isoformat(),
            "precision": "Centre social Nord",
        },
        "parcours:dispositif_modifier": {
            "version": Dispositif.objects.get(pk=d.dispositif.pk).version,
            "type": "aemo",
            "date_debut": (aujourdhui - timedelta(days=60)).isoformat(),
        },
        "parcours:dispositif_terminer": {
            "version": Dispositif.objects.get(pk=d.dispositif.pk).version,
            "date_fin": aujourdhui.isoformat(),
        },
        "parcours:parole_ajouter": {
            "locuteur": "enfant",
            "moment": "souhaits",
            "date": aujourdhui.isoformat(),
            "texte": "Je voudrais savoir nager.",
        },
        "parcours:questionnaire_sortie": {
            "date": aujourdhui.isoformat(),
            "repondants": "ensemble",
            "satisfaction": "tres",
            "aides": ["ecoute", "activites"],
        },
    }.get(nom, {})
    if nom in CREATIONS:
        return {"jeton": jeton(), **donnees}
    return donnees


# The creation forms: each carries a one-time token (reussite/core/ecriture.py).
CREATIONS = {
    "parcours:creer",
    "parcours:consentement",
    "parcours:consentement_renouveler",
    "parcours:intervenant_ajouter",
    "parcours:objectif_ajouter",
    "parcours:action_ajouter",
    "parcours:collective_creer",
    "parcours:eps_planifier",
    "parcours:note_ajouter",
    "parcours:note_addendum",
    "parcours:information_preoccupante",
    "parcours:rupture_ajouter",
    "parcours:document_ajouter",
    "parcours:besoin_ajouter",
    "parcours:famille_ajouter_enfant",
    "parcours:orientation_repondre",
    "parcours:transfert_proposer",
    "parcours:sollicitation_creer",
    "parcours:sollicitation_en_action",
    "parcours:sollicitation_reorienter",
    # --- dispositifs
    "parcours:dispositif_ajouter",
    "parcours:parole_ajouter",
    "parcours:questionnaire_sortie",
}


def corps_actions(d: Dossier) -> dict:
    objectif = Objectif.objects.get(pk=d.objectif.pk)
    action = Action.objects.get(pk=d.action.pk)
    aujourdhui = date.today()
    return {
        "parcours:objectif_ajouter": {
            "domaine": "sport",
            "intitule": "Nager 25 mètres",
            "statut": "ouvert",
        },
        "parcours:objectif_modifier": {
            "version": objectif.version,
            "domaine": objectif.domaine,
            "intitule": "Objectif reformulé",
            "statut": "ouvert",
        },
        "parcours:action_ajouter": {
            "intitule": "Bilan orthophonique",
            "date_debut": aujourdhui.isoformat(),
            "statut": "prevue",
        },
        "parcours:action_modifier": {
            "version": action.version,
            "objectif": action.objectif_id or "",
            "intitule": action.intitule,
            "structure": action.structure_id or "",
            "date_debut": action.date_debut.isoformat(),
            "statut": "en_cours",
            "resultat": "Bien commencé",
            "cout": "45.50",
        },
        "parcours:collective_inscrire": {"parcours": d.parcours.pk},
    }


# Everything a swept POST could change.
SURVEILLES = {
    Parcours: (
        *("version", "statut", "referent_id", "programme_id", "enfant_id"),
        *("profil_accompagnement", "date_sortie", "orienteur_structure_id"),
        "information_preoccupante_le",
    ),
    Enfant: ("nom", "prenom", "programme_id", "famille_id", "etablissement_id"),
    Famille: ("adresse", "programme_id"),
    ResponsableLegal: ("famille_id", "nom", "telephone"),
    Consentement: ("parcours_id", "date_retrait", "renouvelle_id", "enregistre_par_id"),
    Intervenant: ("parcours_id", "professionnel_id", "actif"),
    # --- actions
    Objectif: ("parcours_id", "intitule", "statut", "version"),
    Action: ("parcours_id", "intitule", "statut", "resultat", "cout", "version"),
    ActionCollective: ("programme_id", "intitule"),
    ParcoursUserObjectPermission: ("user_id", "content_object_id", "permission_id", "expire_le"),
    Rappel: ("destinataire_id", "lu_le", "statut"),
    # --- journal
    Note: ("parcours_id", "auteur_id", "texte", "visibilite", "version"),
    Addendum: ("note_id", "auteur_id", "texte"),
    InformationPreoccupante: ("parcours_id", "date_transmission"),
    Rupture: ("parcours_id", "type", "reponse", "date_reponse"),
    Document: ("parcours_id", "titre", "archive_le"),
    # --- offres
    BesoinNonCouvert: ("parcours_id", "statut", "programme_id"),
    # --- exports
    DemandeExport: ("demandeur_id", "statut", "fichier", "genre"),
    # --- orientations
    Orientation: ("statut", "version", "parcours_id", "programme_id"),
    EchangeOrientation: ("orientation_id", "genre", "texte"),
    ImportParcours: ("programme_id", "statut", "version"),
    Transfert: ("statut", "version", "parcours_origine_id", "programme_destination_id"),
    Sollicitation: ("statut", "version", "parcours_id", "action_id", "repondu_le"),
    Transition: ("parcours_id", "version", "type", "etablissement_accueil", "contact_le"),
    # --- dispositifs
    Dispositif: ("parcours_id", "type", "date_debut", "date_fin", "version"),
    ParoleFamille: ("objectif_id", "texte"),
    QuestionnaireSortie: ("parcours_id", "satisfaction"),
}


def empreinte() -> dict:
    return {
        modele.__name__: list(modele.objects.order_by("pk").values_list("pk", *champs))
        for modele, champs in SURVEILLES.items()
    }


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


def methodes_non_applicables(monde: Monde) -> set[tuple[str, str]]:
    """(URL name, method) that a view refuses with 405 whatever the id: probed on ids that do not
    exist, as the programme's own coordinator, so that nothing is reached."""
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
        assert callable(globals().get(declaration.test)), (nom, declaration.test)
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


@pytest.mark.parametrize("nom", [route.nom for route in BALAYEES])
def test_chaque_corps_post_du_balayage_modifie_vraiment_quelque_chose(nom):
    """Positive control for POST: the body the sweep sends would change data if the access
    check let it through (the coordinator of the programme, on a fresh world)."""
    monde = construire_monde()
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


# The pathway's page, one URL per section (issue 15, point 15): whoever reads the pathway reads
# every section; what a section shows beyond that follows the reader's rights.
SECTIONS_FICHE = {
    "parcours:detail",
    "parcours:objectifs",
    "parcours:journal",
    "parcours:partage",
    "parcours:historique",
}


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


def _accepter_la_sollicitation(monde):
    s = Sollicitation.objects.get(pk=monde.p.sollicitation.pk)
    sollicitation_repondre(
        sollicitation=s,
        donnees={"statut": "acceptee", "date_rdv": date.today()},
        version=s.version,
        auteur=monde.p.sollicite.user,
    )


def _reorienter_la_sollicitation(monde):
    """The partner asked redirects the request to another structure of the network."""
    s = Sollicitation.objects.get(pk=monde.p.sollicitation.pk)
    sollicitation_repondre(
        sollicitation=s,
        donnees={
            "statut": "redirigee",
            "structure_conseillee": Structure.objects.filter(programmes=s.programme_id)
            .exclude(pk=s.structure_id)
            .order_by("pk")
            .first(),
        },
        version=s.version,
        auteur=monde.p.sollicite.user,
    )


# A POST that needs its object in another state than the swept world's.
PREPARER_POST = {
    "parcours:sollicitation_en_action": _accepter_la_sollicitation,
    "parcours:sollicitation_reorienter": _reorienter_la_sollicitation,
}
PROTECTION = {
    "parcours:droit_acces_pdf",
    "parcours:droit_acces_json",
    "parcours:historique_modifications",
}


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


# --- Declared views: ids read from the query string or the body -------------------------------


def _corps_creation(monde: Monde, **remplacements) -> dict:
    return {
        "jeton": jeton(),
        "programme-programme": monde.a.programme.pk,
        "enfant-nom": "Nouveau",
        "enfant-prenom": "Né",
        "enfant-date_naissance": (date.today() - timedelta(days=365 * 9)).isoformat(),
        "enfant-sexe": "M",
        "famille-adresse": "3 rue Neuve",
        "responsables-TOTAL_FORMS": 2,
        "responsables-INITIAL_FORMS": 0,
        "responsables-MIN_NUM_FORMS": 0,
        "responsables-MAX_NUM_FORMS": 4,
        "responsables-0-nom": "Nouveau",
        "responsables-0-lien": "mere",
        "responsables-0-autorite_parentale": "on",
        "responsables-1-autorite_parentale": "on",  # checked by default, as a browser sends it
        "parcours-orienteur": "ecole",
        "parcours-motifs_orientation": ["resultats_scolaires"],
        "parcours-date_entree": date.today().isoformat(),
        "confirmation-confirmer": "on",
        **remplacements,
    }


@pytest.mark.parametrize(
    "champ",
    [
        "programme-programme",
        "enfant-etablissement",
        "parcours-referent",
        "parcours-orienteur_structure",
    ],
)
def test_creer_refuse_les_identifiants_d_un_autre_programme(monde, champ):
    etrangers = {
        "programme-programme": monde.b.programme.pk,
        "enfant-etablissement": monde.ecole_b.pk,
        "parcours-referent": monde.q.parcours.referent_id,
        "parcours-orienteur_structure": monde.q.structure.pk,
    }
    avant = empreinte()

    reponse = envoyer(
        client_de(monde.a.coordinateur),
        "POST",
        reverse("parcours:creer"),
        _corps_creation(monde, **{champ: etrangers[champ]}),
    )

    assert reponse.status_code == 200
    prefixe, nom = champ.split("-", 1)
    assert "Sélectionnez un choix valide" in str(erreurs(reponse)[f"form_{prefixe}"].get(nom)), (
        erreurs(reponse)
    )
    assert empreinte() == avant


def test_creer_avec_les_identifiants_du_programme_cree_le_parcours(monde):
    """Positive control of the test above: the same body with programme A's ids is accepted."""
    reponse = envoyer(
        client_de(monde.a.coordinateur), "POST", reverse("parcours:creer"), _corps_creation(monde)
    )
    assert reponse.status_code == 302, erreurs(reponse)
    assert Parcours.objects.filter(programme=monde.a.programme, enfant__nom="Nouveau").exists()


def test_passation_refuse_les_identifiants_d_un_autre_programme(monde):
    client = client_de(monde.a.coordinateur)
    nouveau = professionnel(monde.a.porteuse)
    referent_b = monde.q.parcours.referent
    avant = empreinte()
    for donnees in (
        {"programme": monde.b.programme.pk, "ancien": referent_b.pk, "nouveau": nouveau.pk},
        {"programme": monde.a.programme.pk, "ancien": referent_b.pk, "nouveau": nouveau.pk},
        {"programme": monde.a.programme.pk, "ancien": monde.referent.pk, "nouveau": referent_b.pk},
    ):
        reponse = envoyer(client, "POST", reverse("parcours:passation"), donnees)
        assert reponse.status_code == 200, donnees
        assert "Sélectionnez un choix valide" in reponse.contenu.decode(), donnees
    assert empreinte() == avant
    # Not a coordinator: no transfer page at all.
    assert (
        envoyer(client_de(monde.referent.user), "GET", reverse("parcours:passation")).status_code
        == 403
    )


def test_intervenant_ajouter_refuse_un_professionnel_non_couvert_ou_d_ailleurs(monde):
    url = reverse("parcours:intervenant_ajouter", args=[monde.p.parcours.pk])
    d_ailleurs = Professionnel.objects.get(pk=monde.q.candidat.pk)  # partner of programme B
    for user in (monde.a.coordinateur, monde.referent.user):
        client = client_de(user)
        avant = empreinte()
        for pro in (d_ailleurs, monde.etranger):
            reponse = envoyer(client, "POST", url, {"intervenant-professionnel": pro.pk})
            assert reponse.status_code == 302
            assert empreinte() == avant, pro
    assert not Parcours.objects.visibles_par(monde.etranger.user).exists()
    assert (
        not Parcours.objects.visibles_par(d_ailleurs.user)
        .filter(programme=monde.a.programme)
        .exists()
    )


def test_modifier_refuse_les_identifiants_d_un_autre_programme(monde):
    client = client_de(monde.a.coordinateur)
    url = reverse("parcours:modifier", args=[monde.p.parcours.pk])
    avant = empreinte()
    for champ, valeur in (
        ("parcours-referent", monde.q.parcours.referent_id),
        ("parcours-orienteur_structure", monde.q.structure.pk),
        ("parcours-referent", monde.etranger.pk),  # of programme A, but not covered by consent
    ):
        donnees = corps("parcours:modifier", monde.p) | {champ: valeur}
        reponse = envoyer(client, "POST", url, donnees)
        assert reponse.status_code == 200, (champ, valeur)
        assert empreinte() == avant, (champ, valeur)


def test_modifier_enfant_refuse_une_ecole_d_un_autre_programme(monde):
    client = client_de(monde.a.coordinateur)
    url = reverse("parcours:modifier_enfant", args=[monde.p.parcours.pk])
    avant = empreinte()
    donnees = corps("parcours:modifier_enfant", monde.p) | {
        "enfant-etablissement": monde.ecole_b.pk
    }
    reponse = envoyer(client, "POST", url, donnees)
    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in reponse.contenu.decode()
    assert empreinte() == avant


def test_modifier_famille_refuse_un_responsable_d_une_autre_famille(monde):
    client = client_de(monde.a.coordinateur)
    url = reverse("parcours:modifier_famille", args=[monde.p.parcours.pk])
    autre = monde.q.titulaire  # a guardian in programme B
    donnees = corps("parcours:modifier_famille", monde.p) | {
        "responsables-0-id": autre.pk,
        "responsables-0-nom": "Piraté",
    }
    envoyer(client, "POST", url, donnees)

    autre.refresh_from_db()
    assert autre.nom != "Piraté"
    assert autre.famille_id == monde.q.parcours.enfant.famille_id
    assert (
        not ResponsableLegal.objects.filter(nom="Piraté")
        .exclude(famille_id=monde.p.parcours.enfant.famille_id)
        .exists()
    )


def test_modifier_famille_enregistre_un_responsable_modifie(monde):
    """The legitimate edit of a guardian through the same formset."""
    client = client_de(monde.a.coordinateur)
    url = reverse("parcours:modifier_famille", args=[monde.p.parcours.pk])
    donnees = corps("parcours:modifier_famille", monde.p) | {
        "responsables-0-telephone": "07 11 22 33 44"
    }

    reponse = envoyer(client, "POST", url, donnees)

    assert reponse.status_code == 302, erreurs(reponse)
    monde.p.titulaire.refresh_from_db()
    assert monde.p.titulaire.telephone == "07 11 22 33 44"


@pytest.mark.parametrize("nom", ["parcours:consentement", "parcours:consentement_renouveler"])
def test_consentement_refuse_les_identifiants_d_ailleurs(monde, nom):
    client = client_de(monde.a.coordinateur)
    route = next(r for r in BALAYEES if r.nom == nom)
    url = url_de(route, ids_de(monde.p))
    avant = empreinte()
    for champ, valeur in (
        ("signataires", [monde.q.titulaire.pk]),
        ("signataires", [monde.p2.titulaire.pk]),  # same programme, another family
        ("structures", [monde.q.structure.pk]),
    ):
        donnees = corps(nom, monde.p) | {champ: valeur}
        reponse = envoyer(client, "POST", url, donnees)
        assert reponse.status_code == 200, (champ, valeur)
        assert "Sélectionnez un choix valide" in reponse.contenu.decode()
        assert empreinte() == avant


def test_les_filtres_des_listes_ne_les_elargissent_jamais(monde):
    etranger_b = monde.q.parcours.enfant.nom
    fiche_b = reverse("parcours:detail", args=[monde.q.parcours.pk])
    filtres = {
        "referent": monde.q.parcours.referent_id,
        "etablissement": monde.ecole_b.pk,
        "programme": monde.b.programme.pk,
        "q": etranger_b,
    }
    for user, nom in (
        (monde.a.coordinateur, "parcours:liste"),
        (monde.intervenant.user, "parcours:liste"),
        (monde.intervenant.user, "parcours:mes_suivis"),
        (monde.non_affecte.user, "parcours:mes_suivis"),
        (monde.a.coordinateur, "parcours:a_risque"),
        (monde.referent.user, "parcours:a_risque"),
    ):
        client = client_de(user)
        for cle, valeur in filtres.items():
            reponse = client.get(reverse(nom), {cle: valeur})
            assert reponse.status_code == 200
            assert fiche_b not in reponse.content.decode(), (nom, cle)
            visibles = set(Parcours.objects.visibles_par(user).values_list("pk", flat=True))
            assert {p.pk for p in reponse.context["page"].object_list} <= visibles
        sans_filtre = client.get(reverse(nom)).context["page"].paginator.count
        assert sans_filtre <= len(visibles)
    intervenant = client_de(monde.intervenant.user).get(reverse("parcours:mes_suivis"))
    assert [p.pk for p in intervenant.context["page"].object_list] == [monde.p.parcours.pk]


# --- actions: ids read from the query string or the body -------------------------------------


def _convention(programme) -> Convention:
    return Convention.objects.create(
        programme=programme,
        intitule="Convention d’ailleurs",
        objet="Financer des ateliers",
        date_debut=date.today() - timedelta(days=30),
        date_fin=date.today() + timedelta(days=300),
    )


def test_action_ajouter_refuse_une_offre_ou_des_identifiants_d_ailleurs(monde):
    client = client_de(monde.a.coordinateur)
    url = reverse("parcours:action_ajouter", args=[monde.p.parcours.pk])
    offre_b = fabrique_actions.offre(monde.q.structure, monde.b.programme, intitule="Offre de B")
    offre_a = fabrique_actions.offre(monde.structure, monde.a.programme, intitule="Offre de A")
    avant = empreinte()

    # An offer published to another programme only: nothing about it is shown.
    reponse = envoyer(client, "GET", f"{url}?offre={offre_b.pk}")
    assert reponse.status_code == 404
    assert "Offre de B" not in reponse.contenu.decode()
    for champ, valeur in (
        ("offre", offre_b.pk),
        ("objectif", monde.p2.objectif.pk),  # same programme, another child's objective
        ("structure", monde.q.structure.pk),
        ("professionnel", monde.q.parcours.referent_id),
        ("convention", _convention(monde.b.programme).pk),
    ):
        donnees = corps("parcours:action_ajouter", monde.p) | {champ: valeur}
        reponse = envoyer(client, "POST", url, donnees)
        assert reponse.status_code == 200, (champ, valeur)
        assert "Sélectionnez un choix valide" in reponse.contenu.decode(), champ
        assert empreinte() == avant, champ

    # Positive control: the programme's own offer pre-fills the form, and is saved with it.
    reponse = envoyer(client, "GET", f"{url}?offre={offre_a.pk}")
    assert reponse.status_code == 200
    assert reponse.context["form"].initial["offre"] == offre_a.pk
    donnees = corps("parcours:action_ajouter", monde.p) | {"offre": offre_a.pk}
    assert envoyer(client, "POST", url, donnees).status_code == 302
    assert Action.objects.filter(parcours=monde.p.parcours, offre=offre_a).exists()


def test_collective_creer_refuse_les_identifiants_d_un_autre_programme(monde):
    client = client_de(monde.a.coordinateur)
    url = reverse("parcours:collective_creer")
    offre_b = fabrique_actions.offre(monde.q.structure, monde.b.programme)
    valide = {
        "programme": monde.a.programme.pk,
        "intitule": "Atelier théâtre",
        "structure": monde.structure.pk,
        "date_debut": date.today().isoformat(),
    }
    avant = empreinte()
    for champ, valeur in (
        ("programme", monde.b.programme.pk),
        ("offre", offre_b.pk),
        ("structure", monde.q.structure.pk),
        ("professionnel", monde.q.parcours.referent_id),
        ("convention", _convention(monde.b.programme).pk),
    ):
        reponse = envoyer(client, "POST", url, valide | {champ: valeur})
        assert reponse.status_code == 200, champ
        assert "Sélectionnez un choix valide" in reponse.contenu.decode(), champ
        assert empreinte() == avant, champ
    # Not a coordinator: no such page at all.
    assert envoyer(client_de(monde.referent.user), "GET", url).status_code == 403
    # Positive control.
    assert envoyer(client, "POST", url, valide | {"jeton": jeton()}).status_code == 302
    assert ActionCollective.objects.filter(intitule="Atelier théâtre").count() == 1


# --- Extra POST fields are ignored ------------------------------------------------------------


def test_les_champs_en_trop_sont_ignores_sur_les_pages_de_modification(monde):
    client = client_de(monde.a.coordinateur)
    parcours = monde.p.parcours
    enfant = parcours.enfant
    en_trop = {
        "programme": monde.b.programme.pk,
        "enfant": monde.q.parcours.enfant_id,
        "referent": monde.q.parcours.referent_id,
        "famille": monde.q.parcours.enfant.famille_id,
        "parcours": monde.q.parcours.pk,
        "enregistre_par": monde.b.coordinateur.pk,
        "version": "",
    }
    for nom, prefixe in (
        ("parcours:modifier", "parcours"),
        ("parcours:modifier_enfant", "enfant"),
        ("parcours:modifier_famille", "famille"),
        ("parcours:consentement", ""),
    ):
        donnees = dict(corps(nom, monde.p))
        for cle, valeur in en_trop.items():
            donnees.setdefault(cle, valeur)
            if prefixe:
                donnees.setdefault(f"{prefixe}-{cle}", valeur)
        url = reverse(nom, args=[parcours.pk])
        reponse = envoyer(client, "POST", url, donnees)
        assert reponse.status_code == 302, (nom, erreurs(reponse))

    parcours.refresh_from_db()
    enfant.refresh_from_db()
    assert (parcours.programme_id, parcours.enfant_id) == (monde.a.programme.pk, enfant.pk)
    assert parcours.referent_id == monde.referent.pk
    assert (enfant.programme_id, enfant.famille_id) == (
        monde.a.programme.pk,
        monde.p.titulaire.famille_id,
    )
    assert Famille.objects.get(pk=enfant.famille_id).programme_id == monde.a.programme.pk
    nouveau = Consentement.objects.filter(parcours=parcours).order_by("pk").last()
    assert nouveau.pk != monde.p.consentement.pk
    assert nouveau.enregistre_par_id == monde.a.coordinateur.pk
    assert (
        not Consentement.objects.filter(parcours=monde.q.parcours)
        .exclude(pk=monde.q.consentement.pk)
        .exists()
    )


# --- The charter interstitial -----------------------------------------------------------------


def test_un_partenaire_sans_charte_passe_par_la_charte_puis_voit_ses_suivis(client):
    a = pre(nom="PRE A")
    structure = partenaire(a.programme)
    pro = professionnel(structure, charte_acceptee=False)
    parcours = ParcoursFactory(programme=a.programme, enfant__nom="Interstitiel")
    consentement(parcours, structures=[structure], auteur=a.coordinateur)
    ajouter_intervenant(parcours, pro, auteur=a.coordinateur)
    connecter(client, pro.user)
    suivis = reverse("parcours:mes_suivis")
    charte = reverse("parcours:charte")

    for url in (suivis, reverse("parcours:detail", args=[parcours.pk]), reverse("accueil")):
        reponse = client.get(url)
        assert reponse.status_code == 302, url
        assert reponse["Location"] == f"{charte}?next={url}"

    page = client.get(charte, {"next": suivis})
    assert page.status_code == 200
    assert "J’accepte la charte de confidentialité" in page.content.decode()

    reponse = client.post(charte, {"next": suivis})
    assert reponse.status_code == 302
    assert reponse["Location"] == suivis
    liste = client.get(suivis)
    assert liste.status_code == 200
    assert "Interstitiel" in liste.content.decode()
    assert client.get(reverse("parcours:detail", args=[parcours.pk])).status_code == 200


def test_la_charte_ne_renvoie_pas_hors_du_site(client):
    user = professionnel(partenaire(pre(nom="PRE A").programme), charte_acceptee=False).user
    connecter(client, user)
    reponse = client.post(reverse("parcours:charte"), {"next": "https://exemple.org/piege"})
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("accueil")


# --- Query budget -----------------------------------------------------------------------------

# 8 since issue 18, point 3 (no session save, the DSFR configuration kept for a minute).
REQUETES_MES_SUIVIS = 8


@pytest.mark.parametrize("nombre", [1, 30])
def test_mes_suivis_coute_le_meme_nombre_de_requetes_quelle_que_soit_sa_longueur(
    client, django_assert_num_queries, nombre
):
    a = pre(nom="PRE A")
    structure = partenaire(a.programme)
    pro = professionnel(structure)
    referent = professionnel(a.porteuse)
    ecole = StructureFactory(ecole=True, programmes=[a.programme])
    for _ in range(nombre):
        parcours = ParcoursFactory(
            programme=a.programme, referent=referent, enfant__etablissement=ecole
        )
        consentement(parcours, structures=[structure], auteur=a.coordinateur)
        ajouter_intervenant(parcours, pro, auteur=a.coordinateur)
    connecter(client, pro.user)
    url = reverse("parcours:mes_suivis")
    client.get(url)  # the session then remembers the charter

    with django_assert_num_queries(REQUETES_MES_SUIVIS):
        reponse = client.get(url)

    assert reponse.context["page"].paginator.count == nombre
    assert len(reponse.context["page"].object_list) == min(nombre, 25)


# --- offres


def test_offres_les_pages_de_programme_refusent_un_programme_d_ailleurs(monde):
    """The competence map and the needs list take a programme from the query string: another
    programme's id answers 404; the directory's programme filter never widens the list."""
    client = client_de(monde.a.coordinateur)
    for nom in ("parcours:besoins", "parcours:carte_competences"):
        assert client.get(reverse(nom), {"programme": monde.b.programme.pk}).status_code == 404
        assert client.get(reverse(nom), {"programme": monde.a.programme.pk}).status_code == 200
        reponse = client.get(reverse(nom), {"programme": monde.b.programme.pk, "format": "csv"})
        assert reponse.status_code == 404
    assert client_de(monde.non_affecte.user).get(reverse("parcours:besoins")).status_code == 404
    structure_b = StructureFactory(programmes=[monde.b.programme], nom="Maison du PRE B")
    reponse = client.get(reverse("partenaires:annuaire"), {"programme": monde.b.programme.pk})
    assert reponse.status_code == 200
    assert structure_b.nom not in reponse.content.decode()


# --- statistiques


# --- orientations (issue 17) ---------------------------------------------------------------------


def test_l_orienteur_suit_son_orientation_et_rien_d_autre(monde):
    """The referrer reads their referral and its document and answers the question; every
    other URL of the pathway answers 404, and another referral (p2's, same structure) too."""
    non_applicables = methodes_non_applicables(monde)
    orienteur = monde.p.orienteur.user
    avant = empreinte()

    def attendu(nom, methode):
        if nom in ("parcours:orientation", "parcours:orientation_document") and methode == "GET":
            return 200
        if (nom, methode) == ("parcours:orientation_repondre", "POST"):
            return 302
        return refus(non_applicables)(nom, methode)

    assert not balayer(client_de(orienteur), monde.p, attendu)
    apres = empreinte()
    # Their answer moves the referral and tells the coordination; nothing else changes.
    for modele in ("Orientation", "EchangeOrientation", "Rappel"):
        apres.pop(modele), avant.pop(modele)
    assert apres == avant
    reponse = EchangeOrientation.objects.get(orientation=monde.p.orientation, genre="reponse")
    assert Rappel.objects.filter(
        genre="orientation_a_traiter", object_id=reponse.pk, destinataire=monde.a.coordinateur
    ).exists()
    assert not balayer(client_de(orienteur), monde.p2, refus(non_applicables))
    assert not Parcours.objects.visibles_par(orienteur).exists()


def _programme_cible():
    """The third programme that transfers are proposed from and to (one coordinator)."""
    from reussite.core.models import User
    from reussite.core.roles import titulaires
    from tests.factories.core import ProgrammeFactory, coordinateur

    cible = ProgrammeFactory(nom="PRE Cible")
    deja = titulaires([cible.pk], "coordonner_programme")
    if deja:
        return cible, User.objects.get(pk=next(iter(deja))[1])
    return cible, coordinateur(cible)


def _fichier_import(identifiant: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from parcours.services.imports import COLONNES

    valeurs = {
        "identifiant": identifiant,
        "nom": "Importé",
        "prenom": identifiant,
        "date_naissance": "14/03/2016",
        "sexe": "F",
        "responsable_nom": "Importé",
        "responsable_lien": "mère",
        "statut": "repérage",
        "date_entree": date.today().strftime("%d/%m/%Y"),
        "orienteur": "école",
        "motifs": "résultats scolaires",
    }
    texte = ";".join(c.cle for c in COLONNES) + "\n"
    texte += ";".join(valeurs.get(c.cle, "") for c in COLONNES) + "\n"
    return SimpleUploadedFile("import.csv", texte.encode())


def test_importer_refuse_un_programme_d_ailleurs(monde):
    client = client_de(monde.a.coordinateur)
    avant = empreinte()
    reponse = envoyer(
        client,
        "POST",
        reverse("parcours:import"),
        {"jeton": jeton(), "programme": monde.b.programme.pk, "fichier": _fichier_import("X-1")},
    )
    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in reponse.contenu.decode()
    assert empreinte() == avant
    # Positive control: their own programme's dry run is recorded (and writes no child).
    reponse = envoyer(
        client,
        "POST",
        reverse("parcours:import"),
        {"jeton": jeton(), "programme": monde.a.programme.pk, "fichier": _fichier_import("X-1")},
    )
    assert reponse.status_code == 302, erreurs(reponse)
    apres = empreinte()
    assert len(apres.pop("ImportParcours")) == len(avant.pop("ImportParcours")) + 1
    assert apres == avant
    # Not a coordinator: no import page at all.
    assert (
        envoyer(client_de(monde.referent.user), "GET", reverse("parcours:import")).status_code
        == 403
    )


def test_orienter_refuse_les_identifiants_d_ailleurs(monde):
    client = client_de(monde.p.orienteur.user)
    donnees = {
        "jeton": jeton(),
        "professionnel": monde.p.orienteur.pk,
        **{
            cle: v.isoformat() if isinstance(v, date) else v
            for cle, v in fabrique_orientations.donnees_orientation().items()
        },
        "famille_informee": "on",
        "famille_accepte_contact": "on",
    }
    avant = empreinte()
    for champ, valeur in (
        ("professionnel", monde.p2.orienteur.pk),  # a colleague's membership
        ("professionnel", monde.q.orienteur.pk),
        ("programme", monde.b.programme.pk),
        ("etablissement", monde.ecole_b.pk),
    ):
        reponse = envoyer(
            client, "POST", reverse("parcours:orientation_creer"), donnees | {champ: valeur}
        )
        assert reponse.status_code == 200, champ
        assert "Sélectionnez un choix valide" in reponse.contenu.decode(), champ
    assert empreinte() == avant
    # Positive control: the same body with the referrer's own ids is sent.
    reponse = envoyer(client, "POST", reverse("parcours:orientation_creer"), donnees)
    assert reponse.status_code == 302, erreurs(reponse)
    assert empreinte() != avant


def _pilote(programme):
    from reussite.core.models import Role
    from reussite.core.services import role_attribuer
    from tests.factories.core import UserFactory

    user = UserFactory()
    role_attribuer(user=user, programme=programme, role=Role.PILOTAGE)
    return user


def test_statistiques_refusent_un_programme_d_ailleurs(monde):
    """The statistics and the survey export take a programme from the query string: another
    programme's id answers 404, for a coordinator as for a steering user."""
    for user in (monde.a.coordinateur, _pilote(monde.a.programme)):
        client = client_de(user)
        for nom in (
            "parcours:statistiques",
            "parcours:statistiques_enquete",
            "parcours:statistiques_enquete_xlsx",
        ):
            assert client.get(reverse(nom), {"programme": monde.b.programme.pk}).status_code == 404
            assert client.get(reverse(nom), {"programme": "tous"}).status_code == 404
            assert client.get(reverse(nom), {"programme": monde.a.programme.pk}).status_code == 200
    for nom in ("parcours:statistiques", "parcours:statistiques_enquete"):
        assert client_de(monde.non_affecte.user).get(reverse(nom)).status_code == 404


def _convention_signee(pre_: Pre, structure) -> Convention:
    from partenaires import services as services_partenaires

    convention = services_partenaires.convention_creer(
        programme=pre_.programme,
        auteur=pre_.coordinateur,
        intitule="Convention de financement",
        objet="Financer l’aide aux devoirs",
        date_debut=date(2025, 1, 1),
        date_fin=date(2026, 12, 31),
    )
    services_partenaires.partie_ajouter(convention=convention, structure=structure)
    Convention.objects.filter(pk=convention.pk).update(
        statut="en_vigueur", date_signature=date(2025, 1, 1)
    )
    return convention


def test_preuves_refusent_un_programme_une_partie_ou_un_role_d_ailleurs(monde):
    """The evidence packs read the programme, the party and the year from the query string:
    the management and steering of the programme reach them; another programme's id, a party
    of another programme's convention, a partner, a référent and another programme's
    coordinator get 404 (and no background build is recorded for them)."""
    _convention_signee(monde.a, monde.structure)
    partie_b = partenaire(monde.b.programme)
    _convention_signee(monde.b, partie_b)
    dossier = reverse("parcours:preuves_dossier")
    a = {"programme": monde.a.programme.pk, "structure": monde.structure.pk, "annee": 2025}
    for user in (monde.a.coordinateur, _pilote(monde.a.programme)):
        client = client_de(user)
        assert (
            client.get(reverse("parcours:preuves"), {"programme": a["programme"]}).status_code
            == 200
        )
        assert client.get(dossier, a).status_code == 200
        assert (
            client.get(reverse("parcours:preuves"), {"programme": monde.b.programme.pk}).status_code
            == 404
        )
        for remplacement in (
            {"programme": monde.b.programme.pk},
            {"structure": partie_b.pk},
            {"programme": monde.b.programme.pk, "structure": partie_b.pk},
            {"structure": monde.etranger.structure_id},  # of A's network, party to nothing
            {"annee": 2031},
        ):
            assert client.get(dossier, a | remplacement).status_code == 404, remplacement
    for user in (
        monde.referent.user,
        monde.intervenant.user,
        monde.non_affecte.user,
        monde.b.coordinateur,
    ):
        client = client_de(user)
        assert client.get(dossier, a).status_code == 404
        assert (
            client.get(reverse("parcours:preuves"), {"programme": a["programme"]}).status_code
            == 404
        )
        reponse = client.post(
            reverse("exports:demander"),
            {"genre": "preuves", "format": "xlsx", "filtres": urlencode(a)},
        )
        assert reponse.status_code == 404
    assert not DemandeExport.objects.filter(genre="preuves").exists()


def test_statistiques_l_export_des_parcours_ne_s_elargit_jamais(monde):
    """The pathway export is the list with its filters: foreign filter ids never widen it; no
    one but a coordinator gets it (pilotage, partners: 404)."""
    etranger_b = monde.q.parcours.enfant.nom
    client = client_de(monde.a.coordinateur)
    filtres = {
        "referent": monde.q.parcours.referent_id,
        "etablissement": monde.ecole_b.pk,
        "programme": monde.b.programme.pk,
        "q": etranger_b,
    }
    for cle, valeur in filtres.items():
        reponse = client.get(reverse("parcours:parcours_export"), {cle: valeur})
        assert reponse.status_code == 200
        assert etranger_b not in b"".join(reponse.streaming_content).decode(), cle
    complet = b"".join(client.get(reverse("parcours:parcours_export")).streaming_content).decode()
    assert monde.p.parcours.enfant.nom in complet and etranger_b not in complet
    for user in (_pilote(monde.a.programme), monde.intervenant.user, monde.referent.user):
        for nom in ("parcours:parcours_export", "parcours:parcours_export_xlsx"):
            assert client_de(user).get(reverse(nom)).status_code == 404


def test_statistiques_le_pilotage_ne_voit_aucun_enfant_sur_les_listes(monde):
    """Steering reaches no pathway page (swept above) and its lists show no child."""
    client = client_de(_pilote(monde.a.programme))
    noms = [d.parcours.enfant.nom for d in (monde.p, monde.p2)]
    for nom in ("parcours:liste", "parcours:mes_suivis", "parcours:a_risque", "accueil"):
        reponse = client.get(reverse(nom))
        # (exports: the steering user's home redirects to the statistics)
        assert reponse.status_code in (200, 302, 404), nom
        for enfant in noms:
            assert enfant not in reponse.content.decode(), (nom, enfant)
    assert client.get(reverse("parcours:statistiques")).status_code == 200


# --- securite


def test_terminer_une_session_refuse_celle_d_un_autre_compte(monde):
    from reussite.core.models import SessionUtilisateur

    victime = client_de(monde.b.coordinateur)
    ligne = SessionUtilisateur.objects.get(user=monde.b.coordinateur)
    reponse = client_de(monde.a.coordinateur).post(
        reverse("securite:session_terminer"), {"session": ligne.pk}
    )
    assert reponse.status_code == 404
    assert victime.get(reverse("notifications:liste")).status_code == 200


# --- protection


def test_protection_les_exports_et_l_historique_sont_balayes():
    """Their only id is the pathway's: the sweep requests them as everyone (pilotage, partner,
    other programme's coordinator: 404; the référent too, above), GET only (POST answers 405)."""
    assert {route.nom for route in BALAYEES} >= PROTECTION


# --- exports


def test_exports_les_filtres_des_actions_ne_les_elargissent_jamais(monde):
    """The action list and its exports read structure and convention ids from the query
    string: another programme's ids are an invalid choice, and never widen the list."""
    client = client_de(monde.a.coordinateur)
    nom_b = monde.q.action.intitule + " de Bêta"
    Action.objects.filter(pk=monde.q.action.pk).update(intitule=nom_b)
    convention_b = Convention.objects.create(
        programme=monde.b.programme,
        intitule="Convention de B",
        objet="Objet",
        date_debut=date.today(),
        date_fin=date.today() + timedelta(days=300),
    )
    for parametres in (
        {"structure": monde.q.structure.pk},
        {"convention": convention_b.pk},
        {"structure": INEXISTANT},
    ):
        for nom in ("parcours:actions", "parcours:actions_export", "parcours:actions_export_xlsx"):
            reponse = envoyer(client, "GET", reverse(nom) + "?" + urlencode(parametres))
            assert reponse.status_code == 200, (nom, parametres)
            assert nom_b.encode() not in reponse.contenu, (nom, parametres)
            assert monde.q.parcours.enfant.nom.encode() not in reponse.contenu
    for user in (monde.referent.user, monde.b.coordinateur, _pilote(monde.a.programme)):
        autre = client_de(user)
        for nom in ("parcours:actions", "parcours:actions_export"):
            reponse = envoyer(autre, "GET", reverse(nom))
            if user == monde.b.coordinateur:
                assert monde.p.parcours.enfant.nom.encode() not in reponse.contenu
            else:
                assert reponse.status_code == 404, (nom, user)


def test_exports_une_demande_ne_vise_que_ce_que_le_demandeur_voit(monde, settings):
    """`exports:demander` reads the list and its filters from the body: a list the user may
    not see answers 404 and records nothing; foreign ids in the filters never widen it."""
    settings.EXPORTS_SEUIL_ARRIERE_PLAN = 0
    avant = DemandeExport.objects.count()
    url = reverse("exports:demander")
    for user, genre in (
        (_pilote(monde.a.programme), "actions"),
        (monde.referent.user, "actions"),
        (monde.referent.user, "conventions"),
        (monde.a.coordinateur, "inconnu"),
    ):
        corps_ = {"genre": genre, "format": "csv", "filtres": ""}
        assert envoyer(client_de(user), "POST", url, corps_).status_code == 404, (user, genre)
    assert DemandeExport.objects.count() == avant
    from reussite.core.exports_arriere_plan import export_construire

    filtres = urlencode({"structure": monde.q.structure.pk})
    corps_ = {"genre": "actions", "format": "csv", "filtres": filtres}
    assert envoyer(client_de(monde.a.coordinateur), "POST", url, corps_).status_code == 302
    demande = DemandeExport.objects.order_by("-pk").first()
    assert demande.demandeur == monde.a.coordinateur
    export_construire(demande_id=demande.pk)
    demande.refresh_from_db()
    with demande.fichier.open("rb") as fichier:
        contenu = fichier.read()
    assert monde.q.parcours.enfant.nom.encode() not in contenu
    assert monde.p.parcours.enfant.nom.encode() in contenu


# --- Bad input: a NUL in any value is refused once, for the whole site (issue 15, point 9)

NUL = "a\x00b"


def test_un_octet_nul_dans_une_valeur_repond_400_sur_chaque_route(monde):
    """Every route of the project (the ones swept elsewhere included), its lists and searches
    among them, called with a NUL in a GET or POST value: the product's 400 page, nothing
    changed. PostgreSQL refuses NUL in a text literal: this was a 500 (`?q=a%00b`)."""
    from parcours.services import reunion_planifier

    reunion = reunion_planifier(
        programme=monde.a.programme,
        date_heure=timezone.now() + timedelta(days=2),
        lieu="Salle",
        invites=[],
        parcours=[monde.p.parcours],
        auteur=monde.a.coordinateur,
    )
    ids = ids_de(monde.p) | {"reunion_pk": reunion.pk, "examen_pk": reunion.examens.get().pk}
    client = client_de(monde.a.coordinateur)
    avant = empreinte()
    ecarts = []
    for route in _parcourir(get_resolver().url_patterns):
        if route.gabarit.startswith("admin/") or route.nom is None or route.nom in SONDES:
            continue
        url = reverse(route.nom, kwargs={n: ids.get(n, INEXISTANT) for n in route.identifiants})
        # The search box, and every id the view is declared to read.
        champs = {"q", "page", *getattr(DECLAREES.get(route.nom), "champs", ())}
        for cle in champs:
            for methode, reponse in (
                ("GET", client.get(url, {cle: NUL})),
                ("POST", client.post(url, corps(route.nom, monde.p) | {cle: NUL})),
            ):
                if reponse.status_code != 400 or "Requête invalide" not in reponse.content.decode():
                    ecarts.append((route.nom, methode, cle, reponse.status_code))
    assert not ecarts
    assert empreinte() == avant
    # The meeting's search, as reported; and a key holding a NUL.
    recherche = reverse("parcours:eps_reunion", args=[reunion.pk])
    refus_ = client.get(recherche, {"q": NUL})
    assert refus_.status_code == 400
    assert refus_["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in refus_
    assert Client().get(reverse("login"), {"next": NUL}).status_code == 400  # anonymous too
    assert client.get(recherche, {"q": "ab"}).status_code == 200
    assert client.get(reverse("parcours:liste"), {NUL: "x"}).status_code == 400


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
        assert callable(globals().get(declaration.test)), declaration.test


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


# --- sollicitations (issue 21) ----------------------------------------------------------------


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
