"""The inventory of the whole-site benchmark (reussite/devtools/bench_site.py): which routes are
measured, excluded (with their reason) or POST-only, the ids each route is measured on, and the
representative users built in a generated database."""

import os
import re
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]
SEUIL_LIGNES = 10_000

# --- What is not measured, and why (reviewed: each entry names its reason) ---------------------

EXCLUES = {
    "login": "page de connexion : hors session, aucune donnée (coût fixe)",
    "logout": "déconnexion : termine la session du banc d’essai",
    "password_reset": "réinitialisation du mot de passe : formulaire fixe, hors session",
    "password_reset_done": "page de confirmation statique",
    "password_reset_confirm": "jeton signé à usage unique, hors session",
    "password_reset_complete": "page de confirmation statique",
    "password_change_done": "page de confirmation statique",
    "securite:verification": "saisie du second facteur : la session du banc d’essai est déjà "
    "vérifiée (la page renvoie ailleurs)",
    "securite:inscription": "activation du second facteur : l’utilisateur du banc d’essai en a "
    "déjà un (la page renvoie ailleurs)",
    "securite:codes_secours": "codes de secours lus une fois dans la session après inscription",
    "securite:session_maintenir": "renouvellement de session (POST htmx), rien à lire",
    "sante_vivant": "sonde de vie, sans base : « ok »",
    "sante_pret": "sonde de disponibilité : une requête triviale",
    "metriques": "métriques Prometheus : 404 sans jeton, hors pages",
    "demo:courriels": "démonstration seulement (404 sans REUSSITE_DEMO_COURRIELS)",
    "oidc_authentication_init": "ProConnect : redirection vers le fournisseur",
    "oidc_authentication_callback": "ProConnect : retour du fournisseur, jetons signés",
    "parcours:charte": "texte de la charte : page fixe, sans donnée",
    "droits:dossier_pdf": "le dossier du droit d’accès produit depuis une demande : le travail "
    "de parcours:droit_acces_pdf, mesuré",
    "exports:fichier": "fichier déjà construit d’une demande d’export (lecture du stockage, "
    "mesurée par bench_stockage)",
    "parcours:document_fichier": "fichier déposé servi depuis le stockage (bench_stockage)",
    "parcours:consentement_fichier": "fichier déposé servi depuis le stockage (bench_stockage)",
    "partenaires:convention_document": "fichier déposé servi depuis le stockage (bench_stockage)",
}
EXCLUES_MOTIFS = [
    (
        re.compile(r"^admin:.*_(add|change|delete|history)$"),
        "administration : formulaire d’un seul objet (coût fixe) ; les listes sont mesurées",
    ),
    (
        re.compile(
            r"^admin:(auth_group|dsfr_|django_celery_beat_|otp_static_|axes_access(attempt|"
            r"failurelog))"
        ),
        "administration technique sans croissance avec la plateforme (quelques lignes)",
    ),
    (
        re.compile(
            r"^admin:(password_change|password_change_done|logout|login|jsi18n|"
            r"autocomplete|view_on_site|app_list|core_user_password_change)$"
        ),
        "administration : page fixe ou technique",
    ),
    (
        re.compile(r"^admin:otp_totp_totpdevice_(config|qrcode)$"),
        "administration : QR code d’un appareil TOTP (un objet, coût fixe)",
    ),
    (
        re.compile(r"^admin:.*_permissions(_manage_user|_manage_group)?$"),
        "administration de guardian : permissions d’un seul objet (coût fixe)",
    ),
    (re.compile(r"^None$"), "route sans nom (catch-all de l’administration)"),
]

# Query strings measured as pages of their own (a filtered list is not the same work).
PARAMETRES = {
    "parcours:liste": ["?statut=en_cours"],
    "admin:core_traceacces_changelist": ["?q=bench"],
    "admin:core_user_changelist": ["?q=pro1"],
    "admin:core_rappel_changelist": ["?q=revue"],
    # The one platform-wide list whose page cannot be as long at both scales: `city` holds one
    # programme, `national` 500 (a page of 100). Searched for programme 1, it shows one row at
    # both scales: the ratio at equal length.
    "admin:core_programme_changelist": ["?q=001"],
}


def _preuves(c) -> str:
    """A funder's evidence pack (issue 21): a party of a signed convention of programme 1, in
    the last year its convention covers up to now."""
    from datetime import date

    from partenaires.access import parties_engagees

    partie = parties_engagees(c.programme.pk).select_related("convention").order_by("pk").first()
    if partie is None:
        return ""
    annee = max(
        partie.convention.date_debut.year, min(partie.convention.date_fin.year, date.today().year)
    )
    return f"?programme={c.programme.pk}&structure={partie.structure_id}&annee={annee}"


# Query strings without which a page has nothing to show (its base URL).
REQUETES = {
    "parcours:preuves_dossier": _preuves,
    "juridique:notice_familles": lambda c: f"?programme={c.programme.pk}",
    "juridique:notice_familles_pdf": lambda c: f"?programme={c.programme.pk}",
}

# The API is requested as each user with a personal token (all scopes): its routes are
# measured with these clients, and the pages with the signed-in browsers.
SUFFIXE_API = " (API)"


def clients_api(utilisateurs: dict) -> dict:
    from django.test import Client

    from reussite.core.api import jeton_creer
    from reussite.core.models import PorteeJeton

    clients = {}
    for role, user in utilisateurs.items():
        _jeton, secret = jeton_creer(
            user=user, nom="Banc d’essai du site", portees=list(PorteeJeton.values), duree_jours=30
        )
        clients[role + SUFFIXE_API] = Client(headers={"Authorization": f"Bearer {secret}"})
    return clients


def exclusion(nom: str | None) -> str | None:
    if nom in EXCLUES:
        return EXCLUES[nom]
    for motif, raison in EXCLUES_MOTIFS:
        if motif.search(str(nom)):
            return raison
    return None


# --- The representative users and the ids ------------------------------------------------------


@dataclass
class Contexte:
    """What the pages are requested with: users by role, programme 1, the pathways."""

    utilisateurs: dict  # role -> User
    programme: object
    parcours: object  # a generated pathway (or the dossier's in the tests)
    dossier: object  # tests.acces.monde.Dossier


def _premier(qs):
    objet = qs.order_by("pk").first()
    return objet.pk if objet is not None else None


def _demande_droit(c):
    from parcours.models import DemandeDroit

    return _premier(DemandeDroit.objects.filter(programme=c.programme))


def _reunion(c):
    from django.utils import timezone

    from parcours.models import ReunionEPS

    # A meeting whose day has come: before it, its examinations' page sends back to the meeting.
    return _premier(
        ReunionEPS.objects.filter(
            programme=c.programme, examens__isnull=False, date__lte=timezone.now()
        )
    )


def _examen(c):
    from parcours.models import Examen

    return _premier(Examen.objects.filter(reunion_id=_reunion(c)))


def _structure(c):
    from partenaires.models import Structure

    return _premier(Structure.objects.filter(partenariat__programme=c.programme))


def _offre(c):
    from partenaires.models import Offre

    return _premier(Offre.objects.filter(programmes=c.programme))


def _import_reseau(c):
    """The programme's latest network import; without one, the dry run of the import's own
    template by its administrator (what an administrator sees first)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from partenaires.models import ImportReseau
    from partenaires.services.imports import COLONNES_RESEAU, import_reseau_analyser
    from partenaires.views.imports import EXEMPLES
    from reussite.core.imports.modeles import modele_csv

    identifiant = _premier(ImportReseau.objects.filter(programme=c.programme))
    if identifiant is None and "administration" in c.utilisateurs:
        fichier = SimpleUploadedFile("reseau.csv", modele_csv(COLONNES_RESEAU, EXEMPLES))
        identifiant = import_reseau_analyser(
            programme=c.programme, auteur=c.utilisateurs["administration"], fichier=fichier
        ).pk
    return identifiant


def _convention(c):
    from django.db.models import Case, When

    from partenaires.models import Convention, StatutConvention

    # A draft first: only a draft can be edited, and the edit page is measured too.
    conventions = Convention.objects.filter(programme=c.programme, parties__isnull=False)
    objet = conventions.order_by(
        Case(When(statut=StatutConvention.PROJET, then=0), default=1), "pk"
    ).first()
    return objet.pk if objet is not None else None


def _partie(c):
    from partenaires.models import PartieConvention

    return _premier(PartieConvention.objects.filter(convention_id=_convention(c)))


def _engagement(c):
    from partenaires.models import Engagement

    return _premier(Engagement.objects.filter(partie__convention_id=_convention(c)))


def _sollicitation_recue(c):
    """A request addressed to one of the benchmark's partners (their inbox's first row)."""
    from parcours.access import sollicitations_recues_par

    for role in ("partenaire", "partenaire médian", "partenaire le plus chargé"):
        user = c.utilisateurs.get(role)
        if user is not None:
            identifiant = _premier(sollicitations_recues_par(user))
            if identifiant is not None:
                return identifiant
    return None


# Ids of the routes the access sweep leaves to their own tests (HORS_BALAYAGE), by path prefix.
IDS_RESEAU = {
    # The partner's page of a request: the sweep's request is addressed to none of the
    # benchmark's users, so a request they received is taken instead.
    "parcours/sollicitations/": {"sollicitation_pk": _sollicitation_recue},
    "parcours/eps/": {"reunion_pk": _reunion, "examen_pk": _examen},
    "partenaires/conventions/": {
        "pk": _convention,
        "partie_pk": _partie,
        "engagement_pk": _engagement,
    },
    "partenaires/": {
        "structure_pk": _structure,
        "offre_pk": _offre,
        "import_reseau_pk": _import_reseau,
    },
    "programmes/": {"programme_pk": lambda c: c.programme.pk, "pk": _demande_droit},
}


# Pages of one pathway that need what the sweep's dossier holds and a generated pathway lacks:
# the hand-over sheet exists once a family's agreement is recorded (issue 21).
PARCOURS_DU_DOSSIER = {"parcours:transition_fiche_pdf"}


def ids_pour(route, contexte: Contexte) -> dict | None:
    """The path ids of `route`, or None when no source knows one of them."""
    from tests.acces.balayage import ids_de

    if not route.identifiants:
        return {}
    for prefixe, sources in IDS_RESEAU.items():
        if route.gabarit.startswith(prefixe):
            if not set(route.identifiants) <= set(sources):
                return None
            ids = {nom: sources[nom](contexte) for nom in route.identifiants}
            return None if None in ids.values() else ids
    if route.nom in PARCOURS_DU_DOSSIER and contexte.dossier is not None:
        return {"pk": contexte.dossier.parcours.pk}
    if route.identifiants == ("pk",):
        return {"pk": contexte.parcours.pk}
    ids = ids_de(contexte.dossier) if contexte.dossier is not None else {}
    if not set(route.identifiants) <= set(ids):
        return None
    return {nom: ids[nom] for nom in route.identifiants}


# --- The inventory: every route, measured, POST-only or excluded ------------------------------


@dataclass(frozen=True)
class Page:
    cle: str
    nom: str
    role: str
    url: str


def routes_du_site():
    from django.urls import get_resolver

    from tests.acces.balayage import _parcourir

    return list(_parcourir(get_resolver().url_patterns))


def _obtenir(client, url):
    reponse = client.get(url)
    if reponse.streaming:
        for _morceau in reponse.streaming_content:
            pass
    else:
        _ = reponse.content
    # Not reponse.close(): with the test client it ends the "request" and closes the connection.
    return reponse


def inventaire(routes, contexte: Contexte, clients: dict):
    """(pages, post_seulement, exclues, problemes) of `routes` for the users of `clients`."""
    from django.urls import reverse

    pages, post_seulement, exclues, problemes = [], [], {}, []
    for route in routes:
        raison = exclusion(route.nom)
        if raison is not None:
            exclues[str(route.nom)] = raison
            continue
        ids = ids_pour(route, contexte)
        if ids is None:
            problemes.append(
                f"{route.nom} ({route.gabarit}) : identifiant(s) {list(route.identifiants)} sans "
                "source ou sans objet : ajoutez-les à IDS_RESEAU (ou à IDENTIFIANTS du balayage), ou excluez "
                "la route dans EXCLUES avec sa raison"
            )
            continue
        base = reverse(route.nom, kwargs=ids)
        if route.nom in REQUETES:
            base += REQUETES[route.nom](contexte)
        api = route.gabarit.startswith("api/")
        statuts = {}
        for role, client in clients.items():
            if role.endswith(SUFFIXE_API) != api:
                continue
            try:
                statuts[role] = _obtenir(client, base).status_code
            except Exception as e:  # a page that fails is reported, not measured
                statuts[role] = repr(e)[:120]
            if statuts[role] == 200:
                for suffixe in ["", *PARAMETRES.get(route.nom, [])]:
                    pages.append(
                        Page(f"{route.nom}{suffixe} [{role}]", route.nom, role, base + suffixe)
                    )
        if set(statuts.values()) == {405}:
            post_seulement.append(route.nom)
        elif 200 not in statuts.values():
            problemes.append(
                f"{route.nom} ({base}) : aucun utilisateur n’obtient 200 en GET ({statuts}) : "
                "ajoutez ses paramètres à PARAMETRES ou excluez la route dans EXCLUES avec sa "
                "raison"
            )
    return pages, post_seulement, exclues, problemes


# --- In the measuring process ------------------------------------------------------------------


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reussite.settings.dev")
    os.environ["DEBUG"] = "False"
    os.environ.setdefault("CONN_MAX_AGE", "600")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    # The API's per-token throttle would answer 429 to the measuring loop: it times the response.
    os.environ.setdefault("API_DEBIT_JETON", "1000000/min")
    # Same for the open data·inclusion routes' per-address throttle (120/min by default).
    os.environ.setdefault("API_DEBIT_ANONYME", "1000000/min")
    import logging

    import django

    django.setup()
    # The inventory requests every route as every role: the refusals are expected.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)


def _client(user):
    from reussite.devtools.bench_pages import _client as client_verifie

    return client_verifie(user)


def _utilisateur_cree(email, *, personnel=False):
    from reussite.core.charte import CHARTE_VERSION
    from reussite.core.models import AcceptationCharte, User

    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None)
        user.first_name, user.last_name = "Banc", "Essai"
        user.is_staff = user.is_superuser = personnel
        user.save()
    AcceptationCharte.objects.get_or_create(user=user, version=CHARTE_VERSION)
    return user


def _dossier_du_balayage(programme, coordinateur, referent, partenaire):
    """The sweep's dossier (tests/acces/monde.py `_dossier`), built in programme 1 of the
    generated data: each run adds one pathway with one object of every kind (synthetic)."""
    import factory.random
    from django.db.models import Max

    from partenaires.models import Professionnel, Structure
    from reussite.core.models import User
    from tests.acces.monde import _dossier
    from tests.factories.core import UserFactory
    from tests.factories.partage import Pre

    factory.random.reseed_random(int(time.time()))
    # Unique emails across runs and concurrent measuring processes on one database.
    UserFactory.reset_sequence((User.objects.aggregate(m=Max("pk"))["m"] or 0) * 1000 + os.getpid())
    porteuse = Structure.objects.get(
        partenariat__programme=programme, partenariat__est_porteuse=True
    )
    pro_partenaire = Professionnel.objects.filter(user=partenaire).first()
    pro_referent = Professionnel.objects.filter(user=referent).first()
    dossier = _dossier(
        Pre(programme, porteuse, coordinateur),
        pro_partenaire.structure,
        referent=pro_referent,
        intervenant=pro_partenaire,
    )
    _solliciter(dossier, pro_partenaire, coordinateur)
    return dossier


def _solliciter(dossier, professionnel, auteur):
    """A request on the dossier's objective addressed to the benchmark's partner, so that
    their inbox and the partner's page of a request are measured (`_sollicitation_recue`)."""
    from datetime import timedelta

    from parcours.models import Parcours
    from parcours.services import sollicitation_creer

    sollicitation_creer(
        parcours=Parcours.objects.get(pk=dossier.parcours.pk),
        objectif=dossier.objectif,
        structure=professionnel.structure,
        professionnel=professionnel,
        demande="Une place à l’atelier du mercredi",
        motif="Socialisation",
        echeance=date.today() + timedelta(days=10),
        auteur=auteur,
    )


def contexte_genere() -> Contexte:
    """Programme 1's people in a generated data set (manage.py generer_donnees)."""
    from django.db.models import Count, Q

    from parcours.models import Parcours, Statut
    from partenaires.models import Professionnel
    from reussite.core.models import Programme, Role, User
    from reussite.core.services import role_attribuer

    programme = Programme.objects.order_by("pk").first()
    domaine = User.objects.get(email__startswith="coordination@").email.split("@")[1]
    coordinateur = User.objects.get(email=f"coordination@{domaine}")
    referent = User.objects.get(email=f"referent@{domaine}")
    # Partners (not the porteuse) of programme 1 with their number of permission rows: the
    # median and the heaviest of those who share at least one pathway.
    partenaires = list(
        User.objects.filter(
            professionnels__structure__partenariat__programme=programme,
            professionnels__structure__partenariat__est_porteuse=False,
        )
        .annotate(n=Count("parcoursuserobjectpermission", distinct=True))
        .filter(n__gt=0)
        .order_by("n", "pk")
    )
    median, lourd = partenaires[len(partenaires) // 2], partenaires[-1]
    pilote = _utilisateur_cree(f"pilotage@{domaine}")
    role_attribuer(user=pilote, programme=programme, role=Role.PILOTAGE)
    administrateur = _utilisateur_cree(f"administration@{domaine}")
    role_attribuer(user=administrateur, programme=programme, role=Role.ADMINISTRATEUR)
    personnel = _utilisateur_cree(f"personnel@{domaine}", personnel=True)
    delegue = _utilisateur_cree(f"dpo@{domaine}")
    role_attribuer(user=delegue, programme=programme, role=Role.DPO)
    visibles = Parcours.objects.visibles_par(median).filter(statut=Statut.EN_COURS)
    parcours = (
        Parcours.objects.filter(pk__in=visibles.values("pk"), programme=programme)
        .annotate(n=Count("notes"), r=Count("pk", filter=Q(referent__user=referent)))
        .order_by("-r", "-n", "pk")
        .first()
    )
    assert Professionnel.objects.filter(user=median).exists()
    dossier = _dossier_du_balayage(programme, coordinateur, referent, median)
    return Contexte(
        {
            "coordination": coordinateur,
            "référent": referent,
            "partenaire médian": median,
            "partenaire le plus chargé": lourd,
            "pilotage": pilote,
            "administration": administrateur,
            "personnel": personnel,
            "délégué à la protection des données": delegue,
        },
        programme,
        parcours,
        dossier,
    )
