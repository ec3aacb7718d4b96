"""The whole-site page benchmark of issue 18: every GET page, as every role that reaches it.

    python -m reussite.devtools.bench_site [--city bench_city] [--national bench_nat]
        [--requetes 20] [--tours 4] [--pages REGEX] [--sortie docs/performance.md]

Which pages: the URL resolver is walked (as the access sweep of tests/acces/test_acces_urls.py walks
it). Every route is either excluded here with its reason (`EXCLUES`, `EXCLUES_MOTIFS`), answers
405 to GET (a POST-only view: listed, not measured), or is requested with GET by every
representative user; each (route, role) answering 200 is a page measured. The ids of a path come
from the sweep: routes reading only a pathway id are measured on a generated pathway of programme
1 (a realistic history); routes reading a sub-object id on the sweep's own dossier, built in
programme 1 by the sweep's factory (`_dossier`), so a new kind of id added to the sweep's
`IDENTIFIANTS` is measured with no change here; routes outside the sweep (EPS, network,
conventions, programme settings, admin) take their ids from `IDS_RESEAU`. A route that no user
reaches and that is not excluded makes tests/core/test_bench_site.py fail: adding a page to the
benchmark is at most one line (an id in `IDS_RESEAU`, a query string in `PARAMETRES`).

How: one measuring process per database (`--travailleur`, test client, `DEBUG=False`,
persistent connections), driven over stdin/stdout. For each page the two processes are measured
in alternating rounds (`--tours`), so that a change of machine load hits both scales alike and
the national/city ratio holds under noise. Per page: p50 and p95 of the server-side time of
`--requetes` requests, the queries on both connections (`default` and `trace`, the access
trail), and the sequential scans on tables of more than 10,000 rows in their EXPLAIN plans.
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

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


def _grandes_tables() -> dict[str, float]:
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' AND reltuples > %s",
            [SEUIL_LIGNES],
        )
        return dict(c.fetchall())


class Travailleur:
    """The measuring process's side: one database, its users and clients, its pages."""

    def __init__(self):
        _setup()
        from django.db import connection

        self.contexte = contexte_genere()
        self.clients = {role: _client(u) for role, u in self.contexte.utilisateurs.items()}
        self.clients |= clients_api(self.contexte.utilisateurs)
        self.grandes = _grandes_tables()
        self.base = connection.settings_dict["NAME"]

    def inventaire(self):
        from parcours.models import Parcours

        pages, post, exclues, problemes = inventaire(routes_du_site(), self.contexte, self.clients)
        self.pages = {p.cle: p for p in pages}
        return {
            "base": self.base,
            "parcours": Parcours.objects.count(),
            "pages": [asdict(p) for p in pages],
            "post_seulement": post,
            "exclues": exclues,
            "problemes": problemes,
            "utilisateurs": {
                role: {"pk": u.pk, "droits": u.parcoursuserobjectpermission_set.count()}
                for role, u in self.contexte.utilisateurs.items()
            },
        }

    def mesurer(self, cle, n):
        page = self.pages[cle]
        client = self.clients[page.role]
        durees = []
        for _ in range(n):
            debut = time.perf_counter()
            reponse = _obtenir(client, page.url)
            durees.append((time.perf_counter() - debut) * 1000)
            assert reponse.status_code == 200, (cle, reponse.status_code)
        return {"durees": durees}

    def requetes(self, cle):
        """Queries of one request on both connections, and the seq scans of their plans.

        The steady state: of two consecutive requests, the one with fewer queries. A page costs
        one to two more queries once a minute per session and process (the session renewed at
        most once a minute, the DSFR configuration re-read once a minute): counting whichever
        request happened to fall on that minute made the same page differ by one between the
        two scales."""
        from django.db import connections

        page = self.pages[cle]
        essais = []
        for _ in range(2):
            notees = {"default": [], "trace": []}

            def noter_pour(alias, notees=notees):
                def noter(execute, sql, params, many, context):
                    notees[alias].append((sql, params))
                    return execute(sql, params, many, context)

                return noter

            with (
                connections["default"].execute_wrapper(noter_pour("default")),
                connections["trace"].execute_wrapper(noter_pour("trace")),
            ):
                _obtenir(self.clients[page.role], page.url)
            essais.append(notees)
        notees = min(essais, key=lambda n: len(n["default"]) + len(n["trace"]))
        scans = set()
        for alias, requetes in notees.items():
            with connections[alias].cursor() as c:
                for sql, params in requetes:
                    if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                        continue
                    c.execute("EXPLAIN (FORMAT JSON) " + sql, params)
                    _scans(c.fetchone()[0], self.grandes, scans)
        return {
            "default": len(notees["default"]),
            "trace": len(notees["trace"]),
            "scans": sorted(scans),
        }

    def servir(self):
        for ligne in sys.stdin:
            ordre = json.loads(ligne)
            commande = ordre.pop("commande")
            if commande == "fin":
                return
            try:
                resultat = getattr(self, commande)(**ordre)
            except Exception as e:  # reported to the parent, which goes on
                import traceback

                traceback.print_exc()
                resultat = {"erreur": repr(e)}
            print(json.dumps(resultat), flush=True)


def _scans(plan, grandes, trouves):
    if isinstance(plan, dict):
        if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in grandes:
            trouves.add(plan["Relation Name"])
        for valeur in plan.values():
            _scans(valeur, grandes, trouves)
    elif isinstance(plan, list):
        for valeur in plan:
            _scans(valeur, grandes, trouves)


# --- In the parent process ---------------------------------------------------------------------


def _url_base(nom: str) -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:55432/postgres")
    return urlunsplit(urlsplit(url)._replace(path="/" + nom))


class Processus:
    def __init__(self, base):
        env = {**os.environ, "DATABASE_URL": _url_base(base)}
        env.setdefault("BENCH_SETTINGS", "reussite.settings.dev")
        env["DJANGO_SETTINGS_MODULE"] = env["BENCH_SETTINGS"]
        self.p = subprocess.Popen(
            [sys.executable, "-m", "reussite.devtools.bench_site", "--travailleur"],
            env=env,
            cwd=RACINE,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def __call__(self, commande, **ordre):
        self.p.stdin.write(json.dumps({"commande": commande, **ordre}) + "\n")
        self.p.stdin.flush()
        while True:
            ligne = self.p.stdout.readline()
            if not ligne:
                raise RuntimeError("le processus de mesure s’est arrêté")
            if ligne.startswith("{"):
                return json.loads(ligne)

    def fermer(self):
        try:
            self.p.stdin.write(json.dumps({"commande": "fin"}) + "\n")
            self.p.stdin.flush()
            self.p.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.p.kill()


def _centile(valeurs, q):
    valeurs = sorted(valeurs)
    return valeurs[min(len(valeurs) - 1, round(q * (len(valeurs) - 1)))]


def mesurer_tout(city, national, n, tours, filtre):
    inv = {"city": city("inventaire"), "national": national("inventaire")}
    cles = [p["cle"] for p in inv["national"]["pages"]]
    cles_city = {p["cle"] for p in inv["city"]["pages"]}
    if filtre:
        cles = [c for c in cles if re.search(filtre, c)]
    resultats = {}
    par_tour = max(1, n // tours)
    for cle in cles:
        if cle not in cles_city:
            resultats[cle] = {"erreur": "absente à l’échelle city"}
            continue
        durees = {"city": [], "national": []}
        erreur = None
        for processus in (city, national):  # warm-up: templates, caches, plans
            r = processus("mesurer", cle=cle, n=2)
            erreur = erreur or r.get("erreur")
        for tour in range(tours):
            ordre = [("city", city), ("national", national)]
            for nom, processus in ordre if tour % 2 == 0 else ordre[::-1]:
                r = processus("mesurer", cle=cle, n=par_tour)
                erreur = erreur or r.get("erreur")
                durees[nom] += r.get("durees", [])
        if erreur:
            resultats[cle] = {"erreur": erreur}
            continue
        q = {"city": city("requetes", cle=cle), "national": national("requetes", cle=cle)}
        resultats[cle] = {
            echelle: {
                "p50": statistics.median(durees[echelle]),
                "p95": _centile(durees[echelle], 0.95),
                **q[echelle],
            }
            for echelle in ("city", "national")
        }
        c, nat = resultats[cle]["city"], resultats[cle]["national"]
        print(
            f"  {cle}: p50 {c['p50']:.0f}/{nat['p50']:.0f} ms, p95 national {nat['p95']:.0f}, "
            f"requêtes {c['default']}+{c['trace']}/{nat['default']}+{nat['trace']}"
            f"{', scans ' + ', '.join(nat['scans']) if nat['scans'] else ''}",
            file=sys.stderr,
            flush=True,
        )
    return inv, resultats


def _machine() -> str:
    try:
        modele = next(
            ligne.split(":", 1)[1].strip()
            for ligne in Path("/proc/cpuinfo").read_text().splitlines()
            if ligne.startswith("model name")
        )
    except (OSError, StopIteration):
        modele = platform.processor()
    return f"{os.cpu_count()} cœurs, {modele}, Python {platform.python_version()}"


def _charge() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def tableau(inv, resultats, n, tours, charge_debut, charge_fin, duree) -> str:
    c, nat = inv["city"], inv["national"]
    lignes = [
        f"Mesuré le {date.today().isoformat()} sur {_machine()}, en {duree / 60:.0f} min. "
        f"`city` : base `{c['base']}`, {c['parcours']:,} parcours ; `national` : base "
        f"`{nat['base']}`, {nat['parcours']:,} parcours (même programme 1, mêmes rôles). "
        f"{n} requêtes par page et par échelle, en {tours} tours alternés city/national. Charge "
        f"moyenne de la machine (1/5/15 min) au début : {charge_debut} ; à la fin : {charge_fin}.",
        "",
        "Utilisateurs (lignes de permission de parcours, national) : "
        + ", ".join(f"{role} {u['droits']}" for role, u in nat["utilisateurs"].items())
        + ".",
        "",
        "| Page [rôle] | requêtes city (défaut+trace) | requêtes national | p50 city (ms) "
        "| p50 national (ms) | rapport p50 | p95 national (ms) | scans séquentiels > 10 000 "
        "lignes (national) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for cle, r in resultats.items():
        if "erreur" in r:
            lignes.append(f"| {cle} | erreur : {r['erreur']} | | | | | | |")
            continue
        a, b = r["city"], r["national"]
        lignes.append(
            f"| {cle} | {a['default']}+{a['trace']} | {b['default']}+{b['trace']} "
            f"| {a['p50']:.0f} | {b['p50']:.0f} | {b['p50'] / a['p50']:.2f} | {b['p95']:.0f} "
            f"| {', '.join(b['scans']) or 'aucun'} |"
        )
    lignes += [
        "",
        f"Vues POST seulement (405 en GET, non mesurées) : {', '.join(sorted(nat['post_seulement']))}.",
        "",
        f"Routes exclues : {len(nat['exclues'])} (liste et raisons : `EXCLUES` et "
        "`EXCLUES_MOTIFS` de reussite/devtools/bench_site.py).",
    ]
    if nat["problemes"] or c["problemes"]:
        lignes += ["", "Problèmes d’inventaire :", *(f"- {p}" for p in nat["problemes"])]
    return "\n".join(lignes) + "\n"


DEBUT, FIN = "<!-- bench_site:debut -->\n", "<!-- bench_site:fin -->"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--city", default="bench_city")
    parser.add_argument("--national", default="bench_nat")
    parser.add_argument("--requetes", type=int, default=20)
    parser.add_argument("--tours", type=int, default=4)
    parser.add_argument("--pages", help="expression régulière sur « route [rôle] »")
    parser.add_argument("--sortie", default="docs/performance.md")
    parser.add_argument("--travailleur", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.travailleur:
        Travailleur().servir()
        return

    debut, charge_debut = time.monotonic(), _charge()
    city, national = Processus(args.city), Processus(args.national)
    try:
        inv, resultats = mesurer_tout(city, national, args.requetes, args.tours, args.pages)
    finally:
        city.fermer()
        national.fermer()
    texte = tableau(
        inv, resultats, args.requetes, args.tours, charge_debut, _charge(), time.monotonic() - debut
    )
    print(texte)
    if args.pages:
        return  # a partial run does not replace the table
    sortie = RACINE / args.sortie
    contenu = sortie.read_text(encoding="utf-8") if sortie.exists() else "# Performance\n\n"
    bloc = DEBUT + texte + FIN
    if DEBUT in contenu and FIN in contenu:
        avant, reste = contenu.split(DEBUT, 1)
        contenu = avant + bloc + reste.split(FIN, 1)[1]
    else:
        contenu += "\n## Toutes les pages (issue 18)\n\n" + bloc + "\n"
    sortie.write_text(contenu, encoding="utf-8")
    print(f"Écrit : {sortie}")


if __name__ == "__main__":
    main()
