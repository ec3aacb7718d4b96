# ruff: noqa: S603, S608 - local benchmark: subprocesses and SQL built from constants
"""The page benchmark of issue 7: the same pages, the same users, at `city` and `national` scale.

    python -m reussite.devtools.bench_pages [--city gen_city] [--national gen_national_full]
        [--requetes 50] [--charge 20] [--sortie docs/performance.md]

Both databases come from `manage.py generer_donnees` (same seed; `--depuis-dump` restores a kept
dump). Programme 1 has the same shape at both scales, so its coordinator and its partner see the
same amount of their own data in both: only the size of the rest of the platform differs.

For each key page it measures, in a fresh process per database, the server-side time of the
Django request (test client, `DEBUG=False`, persistent connection) over `--requetes` requests
(p50, p95), the queries issued, the peak Python memory of one request (tracemalloc), and looks
for sequential scans on tables of more than 10,000 rows in the plans of those queries (EXPLAIN).
It then compares the partner's pathway list filtered through guardian's generic permission
table (`get_objects_for_user` as most Django projects use it) with ours, times the daily reminder
scan, and runs a short concurrent load against gunicorn (2 workers, loopback) for throughput and
error rate. It prints one table and writes it, with the date and the machine, to `--sortie`.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from datetime import date
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

RACINE = Path(__file__).resolve().parents[2]
SEUIL_LIGNES = 10_000
ECHAUFFEMENT_S = 5


# --- In the measuring process ------------------------------------------------------------------


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reussite.settings.dev")
    os.environ["DEBUG"] = "False"
    os.environ.setdefault("CONN_MAX_AGE", "600")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()


def _pages():
    """(label, user email prefix, url) of every key page, for programme 1's people."""
    from django.urls import reverse

    from parcours.models import Parcours, ReunionEPS, Statut
    from reussite.core.models import Programme

    programme = Programme.objects.order_by("pk").first()
    parcours = (
        Parcours.objects.filter(programme=programme, statut=Statut.EN_COURS).order_by("pk").first()
    )
    reunion = ReunionEPS.objects.filter(programme=programme).order_by("-date").first()
    return programme, [
        (
            "Liste des parcours (filtrée)",
            "coordination",
            reverse("parcours:liste") + "?statut=en_cours",
        ),
        ("Mes suivis (partenaire)", "partenaire", reverse("parcours:mes_suivis")),
        (
            "Fiche parcours + chronologie",
            "coordination",
            reverse("parcours:detail", args=[parcours.pk]),
        ),
        ("Ordre du jour EPS", "coordination", reverse("parcours:eps_reunion", args=[reunion.pk])),
        ("Tableau de bord", "coordination", reverse("accueil")),
        ("Catalogue des offres", "coordination", reverse("partenaires:offres")),
        ("Liste des conventions", "coordination", reverse("partenaires:convention_liste")),
        ("Carte des compétences", "coordination", reverse("parcours:carte_competences")),
        # The API's list endpoints (issue 22), with a token of the same people.
        (
            "API : liste des parcours (filtrée)",
            "api:coordination",
            reverse("api:parcours") + "?statut=en_cours",
        ),
        ("API : parcours du partenaire", "api:partenaire", reverse("api:parcours")),
        (
            "API : actions d’un parcours",
            "api:coordination",
            reverse("api:actions", args=[parcours.pk]),
        ),
        ("API : services data·inclusion", "anonyme", reverse("api:data_inclusion_services")),
    ]


def _utilisateur(prefixe: str, programme):
    from reussite.core.models import User

    return User.objects.filter(email__startswith=f"{prefixe}@").order_by("pk").first()


def _appareil(user):
    """The second factor of the user, as after an enrolment: pages need a verified session."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Banc d’essai", confirmed=True)


def _client(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = _appareil(user).persistent_id
    session.save()
    client.get("/")  # the session remembers the charter and the navigation flags
    return client


def _grandes_tables() -> dict[str, float]:
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' AND reltuples > %s",
            [SEUIL_LIGNES],
        )
        return dict(c.fetchall())


def _parcours_scans(plan, grandes, trouves):
    if isinstance(plan, dict):
        if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in grandes:
            trouves.add(plan["Relation Name"])
        for valeur in plan.values():
            _parcours_scans(valeur, grandes, trouves)
    elif isinstance(plan, list):
        for valeur in plan:
            _parcours_scans(valeur, grandes, trouves)


def _scans_sequentiels(requetes, grandes) -> list[str]:
    from django.db import connection

    trouves: set[str] = set()
    with connection.cursor() as c:
        for sql, params in requetes:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            c.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            _parcours_scans(c.fetchone()[0], grandes, trouves)
    return sorted(trouves)


def _centile(valeurs, q):
    valeurs = sorted(valeurs)
    return valeurs[min(len(valeurs) - 1, round(q * (len(valeurs) - 1)))]


def _client_pour(qui: str, programme):
    """A signed-in browser, an API client with a token of the same person (`api:<prefix>`),
    or an anonymous client (the open data feed)."""
    from django.test import Client

    if qui == "anonyme":
        return Client()
    if qui.startswith("api:"):
        from reussite.core.api import jeton_creer
        from reussite.core.models import PorteeJeton

        _jeton, secret = jeton_creer(
            user=_utilisateur(qui.removeprefix("api:"), programme),
            nom="Banc d’essai",
            portees=[PorteeJeton.PARCOURS_LECTURE],
            duree_jours=30,
        )
        return Client(headers={"Authorization": f"Bearer {secret}"})
    return _client(_utilisateur(qui, programme))


def _mesurer_page(client, url, n, grandes):
    from django.db import connection

    for _ in range(3):
        assert client.get(url).status_code == 200, url
    durees = []
    for _ in range(n):
        debut = time.perf_counter()
        reponse = client.get(url)
        durees.append((time.perf_counter() - debut) * 1000)
        assert reponse.status_code == 200, url
    # An execute wrapper sees every query, whatever resets the debug query log.
    requetes = []

    def noter(execute, sql, params, many, context):
        requetes.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(noter):
        client.get(url)
    tracemalloc.start()
    client.get(url)
    _courant, pic = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "p50": statistics.median(durees),
        "p95": _centile(durees, 0.95),
        "requetes": len(requetes),
        "memoire_kio": pic // 1024,
        "scans": _scans_sequentiels(requetes, grandes),
    }


def _comparer_guardian(partenaire, n):
    """The partner's visible pathways of programme 1 (first page and count), through guardian's
    generic table as most projects use it, against our direct-FK `Exists` filter. The generic
    rows are copied from ours inside a transaction that is rolled back."""
    import guardian.shortcuts
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from guardian.models import UserObjectPermission

    from parcours.models import Parcours

    class _Annuler(Exception):
        pass

    def chronometrer(requete):
        durees = []
        for _ in range(n):
            debut = time.perf_counter()
            page = list(requete()[:25])
            total = requete().count()
            durees.append((time.perf_counter() - debut) * 1000)
        # Compared row by row (issue 18: a count of two empty lists proved nothing).
        return statistics.median(durees), ([p.pk for p in page], total)

    resultat = {}
    try:
        with transaction.atomic():
            ct = ContentType.objects.get_for_model(Parcours)
            with connection.cursor() as c:
                c.execute(
                    f"""
                    INSERT INTO {UserObjectPermission._meta.db_table}
                        (object_pk, content_type_id, permission_id, user_id)
                    SELECT content_object_id::text, %s, permission_id, user_id
                    FROM parcours_parcoursuserobjectpermission
                    WHERE expire_le IS NULL OR expire_le > now()""",
                    [ct.pk],
                )
                resultat["lignes_generiques"] = c.rowcount
                c.execute(f"ANALYZE {UserObjectPermission._meta.db_table}")
            original = guardian.shortcuts.get_user_obj_perms_model
            guardian.shortcuts.get_user_obj_perms_model = lambda obj=None: UserObjectPermission
            try:
                resultat["guardian_generique_ms"], vus_g = chronometrer(
                    lambda: guardian.shortcuts.get_objects_for_user(
                        partenaire,
                        "parcours.view_parcours",
                        klass=Parcours.objects.order_by("pk"),
                        accept_global_perms=False,
                    )
                )
            finally:
                guardian.shortcuts.get_user_obj_perms_model = original
            resultat["nos_ms"], vus_n = chronometrer(
                lambda: Parcours.objects.visibles_par(partenaire).order_by("pk")
            )
            resultat["memes_resultats"] = vus_g == vus_n and vus_n[1] > 0
            resultat["lignes_partenaire"] = vus_n[1]
            raise _Annuler
    except _Annuler:
        pass
    resultat["rapport"] = resultat["guardian_generique_ms"] / resultat["nos_ms"]
    return resultat


def _export_csv() -> dict:
    """Peak Python memory of the pathway list's CSV export (the streaming response the list's
    « Exporter » link returns) for its first 1,000 and 10,000 rows. A coordinator of enough
    programmes to see 10,000 pathways is made inside a transaction that is rolled back."""
    import itertools

    from django.db import transaction
    from django.db.models import Count
    from django.http import QueryDict
    from guardian.shortcuts import assign_perm

    from reussite.core.exports import genre_export, reponse_csv
    from reussite.core.models import Programme, Role, User

    class _Annuler(Exception):
        pass

    resultat = {}
    try:
        with transaction.atomic():
            user = User.objects.create_user(email="bench-export@exemple.invalid", password=None)
            vus = 0
            programmes = Programme.objects.annotate(n=Count("parcours")).order_by("pk")
            for programme in programmes.iterator():
                if vus >= 10_000:
                    break
                assign_perm(Role.COORDINATEUR.value, user, programme)
                vus += programme.n
            resultat["lignes_visibles"] = vus
            genre = genre_export("parcours")
            for lignes in (1_000, 10_000):
                if lignes > vus:
                    continue

                def ecrire(n=lignes):
                    # The list's « Exporter » response, consumed as the server would send it.
                    tableau = genre.construire(user, QueryDict(""))
                    lignes_ = tableau.lignes()
                    reponse = reponse_csv("bench", tableau.entetes, lignes_)
                    try:
                        flux = itertools.islice(reponse.streaming_content, n + 1)
                        return sum(len(morceau) for morceau in flux)
                    finally:
                        # Not reponse.close(): that ends the "request" and closes the
                        # connection; closing the rows closes their server-side cursor.
                        lignes_.close()

                debut = time.perf_counter()
                octets = ecrire()
                duree = time.perf_counter() - debut
                tracemalloc.start()  # a second pass: tracing slows Python several times
                ecrire()
                _courant, pic = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                resultat[str(lignes)] = {
                    "pic_kio": pic // 1024,
                    "secondes": round(duree, 2),
                    "kio": octets // 1024,
                }
            raise _Annuler
    except _Annuler:
        pass
    return resultat


def mesurer(n: int) -> dict:
    _setup()
    from django.db import connection

    from parcours.models import Parcours

    programme, pages = _pages()
    grandes = _grandes_tables()
    clients = {}
    resultats = {}
    for label, qui, url in pages:
        if qui not in clients:
            clients[qui] = _client_pour(qui, programme)
        resultats[label] = _mesurer_page(clients[qui], url, n, grandes)
        print(f"  {label}: {resultats[label]}", file=sys.stderr)
    # The partner of programme 1 who shares the most pathways (`partenaire@` has none: its
    # structure signed no charter in the generated set, issue 18).
    from django.db.models import Count

    from reussite.core.models import User

    partenaire = (
        User.objects.filter(professionnels__structure__partenariat__programme=programme)
        .exclude(professionnels__structure__partenariat__est_porteuse=True)
        .annotate(n=Count("parcoursuserobjectpermission", distinct=True))
        .order_by("-n", "pk")
        .first()
    )
    return {
        "base": connection.settings_dict["NAME"],
        "parcours": Parcours.objects.count(),
        "grandes_tables": len(grandes),
        "pages": resultats,
        "guardian": _comparer_guardian(partenaire, n),
        "export_csv": _export_csv(),
    }


def session_pour(prefixe: str) -> str:
    """A session cookie value for the load test (the user of programme 1 with this prefix)."""
    _setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    from reussite.core.charte import CHARTE_VERSION
    from reussite.core.sessions import SESSION_ACTIVITE, SESSION_CONNEXION

    user = _utilisateur(prefixe, None)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["charte_acceptee"] = CHARTE_VERSION
    session[DEVICE_ID_SESSION_KEY] = _appareil(user).persistent_id
    # As a real login leaves it (reussite.core.sessions): the session is then renewed once a
    # minute during the load test, as a real user's, instead of never.
    session[SESSION_CONNEXION] = session[SESSION_ACTIVITE] = time.time()
    session.create()
    return session.session_key


# --- In the parent process ---------------------------------------------------------------------


def _url_base(nom: str) -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:55432/postgres")
    morceaux = urlsplit(url)
    return urlunsplit(morceaux._replace(path="/" + nom))


def _sous_processus(base: str, *args) -> dict:
    env = {**os.environ, "DATABASE_URL": _url_base(base)}
    sortie = subprocess.run(
        [sys.executable, "-m", "reussite.devtools.bench_pages", *args],
        env=env,
        cwd=RACINE,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return json.loads(sortie.strip().splitlines()[-1])


def _scan(base: str) -> dict:
    env = {**os.environ, "DATABASE_URL": _url_base(base), "DEBUG": "False"}
    code = (
        "import json, reussite.devtools.bench_rappels as b; r = b.main(); "
        "print(json.dumps(r['premier scan']))"
    )
    sortie = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=RACINE,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    duree, requetes, crees = json.loads(sortie.strip().splitlines()[-1])
    return {"secondes": duree, "requetes": requetes, "crees": crees}


def _charge(base: str, urls: list[tuple[str, str]], secondes: int, fils: int = 8) -> dict:
    """gunicorn with 2 workers on loopback; `fils` clients request the pages in turn."""
    port = 8765
    env = {
        **os.environ,
        "DATABASE_URL": _url_base(base),
        "DEBUG": "False",
        "DJANGO_SETTINGS_MODULE": "reussite.settings.dev",
        "CONN_MAX_AGE": "600",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    cookies = {qui: _sous_processus(base, "--session", qui)["cle"] for qui in {q for q, _ in urls}}
    serveur = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "reussite.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=RACINE,
    )
    try:
        for _ in range(100):
            try:
                HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/connexion/")
                break
            except OSError:
                time.sleep(0.2)
        # Each worker first loads its code, templates and connection: a few seconds of warm-up
        # are run but not counted, as a server in service is warm.
        debut_mesure = time.monotonic() + ECHAUFFEMENT_S
        fin = debut_mesure + secondes
        compteurs = {"ok": 0, "erreurs": 0}
        durees: list[float] = []
        verrou = threading.Lock()

        def client(decalage):
            conn = HTTPConnection("127.0.0.1", port, timeout=30)
            i = decalage
            while time.monotonic() < fin:
                qui, url = urls[i % len(urls)]
                i += 1
                debut = time.monotonic()
                try:
                    conn.request("GET", url, headers={"Cookie": f"sessionid={cookies[qui]}"})
                    reponse = conn.getresponse()
                    reponse.read()
                    ok = reponse.status == 200
                except OSError:
                    conn = HTTPConnection("127.0.0.1", port, timeout=30)
                    ok = False
                if debut < debut_mesure:
                    continue
                with verrou:
                    compteurs["ok" if ok else "erreurs"] += 1
                    durees.append((time.monotonic() - debut) * 1000)

        threads = [threading.Thread(target=client, args=(k,)) for k in range(fils)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        serveur.terminate()
        serveur.wait(timeout=30)
    total = compteurs["ok"] + compteurs["erreurs"]
    return {
        "requetes": total,
        "par_seconde": total / secondes,
        "taux_erreur": compteurs["erreurs"] / total if total else 1.0,
        "p50_ms": statistics.median(durees) if durees else None,
        "p95_ms": _centile(durees, 0.95) if durees else None,
        "fils": fils,
        "secondes": secondes,
    }


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


def _n(nombre: int) -> str:
    return f"{nombre:,}".replace(",", "\u202f")


# Read when the module is loaded, before the measures load the machine themselves.
_charge_machine = " / ".join(f"{x:.1f}" for x in os.getloadavg())


def _tableau(city: dict, national: dict, scans: dict, charge: dict | None) -> str:
    lignes = [
        f"Mesuré le {date.today().isoformat()} sur {_machine()}.",
        f"`city` : {_n(city['parcours'])} parcours ; `national` : {_n(national['parcours'])} "
        "parcours (même programme 1, même coordinatrice, même partenaire). Charge moyenne de la "
        f"machine au départ : {_charge_machine}.",
        "",
        "| Page | requêtes city | requêtes national | p50 city (ms) | p50 national (ms) "
        "| rapport p50 | p95 national (ms) | mémoire (Kio) | scans séquentiels > 10 000 lignes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for label, c in city["pages"].items():
        n = national["pages"][label]
        lignes.append(
            f"| {label} | {c['requetes']} | {n['requetes']} | {c['p50']:.1f} | {n['p50']:.1f} "
            f"| {n['p50'] / c['p50']:.2f} | {n['p95']:.1f} | {n['memoire_kio']} "
            f"| {', '.join(n['scans']) or 'aucun'} |"
        )
    g = national["guardian"]
    lignes += [
        "",
        f"Liste du partenaire (national, {_n(g['lignes_generiques'])} lignes génériques) : "
        f"guardian générique + `get_objects_for_user` {g['guardian_generique_ms']:.1f} ms, "
        f"nos permissions directes + `Exists` {g['nos_ms']:.1f} ms, rapport {g['rapport']:.1f} "
        f"(partenaire le plus chargé du programme 1, {g['lignes_partenaire']} parcours ; mêmes "
        f"résultats ligne à ligne : {'oui' if g['memes_resultats'] else 'NON'}).",
        "",
    ]
    e = national["export_csv"]
    if "10000" in e:
        lignes += [
            "| Export CSV de la liste des parcours (national) | lignes | pic mémoire (Kio) "
            "| secondes | taille (Kio) |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for n_lignes in ("1000", "10000"):
            m = e[n_lignes]
            lignes.append(
                f"| réponse en flux | {_n(int(n_lignes))} | {m['pic_kio']} | {m['secondes']:.2f} "
                f"| {m['kio']} |"
            )
    lignes += [
        "",
        "| Scan quotidien des rappels | secondes | requêtes | rappels créés |",
        "| --- | ---: | ---: | ---: |",
    ]
    for nom, s in scans.items():
        lignes.append(f"| {nom} | {s['secondes']:.1f} | {s['requetes']} | {_n(s['crees'])} |")
    if charge:
        lignes += [
            "",
            f"Charge (national, gunicorn 2 workers, {charge['fils']} clients, "
            f"{charge['secondes']} s) : {charge['requetes']} requêtes, "
            f"{charge['par_seconde']:.1f} req/s, erreurs {charge['taux_erreur']:.1%}, "
            f"p50 {charge['p50_ms']:.0f} ms, p95 {charge['p95_ms']:.0f} ms (côté client, "
            f"après {ECHAUFFEMENT_S} s d’échauffement non comptées).",
        ]
    return "\n".join(lignes) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--city", default="gen_city")
    parser.add_argument("--national", default="gen_national_full")
    parser.add_argument("--requetes", type=int, default=50)
    parser.add_argument("--charge", type=int, default=20, help="secondes de charge, 0 : aucune")
    parser.add_argument("--sortie", default="docs/performance.md")
    parser.add_argument("--mesurer", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--session", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.mesurer:
        print(json.dumps(mesurer(args.requetes)))
        return
    if args.session:
        print(json.dumps({"cle": session_pour(args.session)}))
        return

    city = _sous_processus(args.city, "--mesurer", "--requetes", str(args.requetes))
    national = _sous_processus(args.national, "--mesurer", "--requetes", str(args.requetes))
    scans = {args.city: _scan(args.city), args.national: _scan(args.national)}
    charge = None
    if args.charge:
        urls = [(qui, url) for qui, url in _urls_de_charge()]
        charge = _charge(args.national, urls, args.charge)
    tableau = _tableau(city, national, scans, charge)
    print(tableau)
    sortie = RACINE / args.sortie
    sortie.parent.mkdir(parents=True, exist_ok=True)
    sortie.write_text("# Performance\n\n" + tableau, encoding="utf-8")
    readme = RACINE / "README.md"
    texte = readme.read_text(encoding="utf-8")
    debut, fin = "<!-- performance:debut -->\n", "<!-- performance:fin -->"
    if debut in texte and fin in texte:
        avant, reste = texte.split(debut, 1)
        readme.write_text(avant + debut + tableau + fin + reste.split(fin, 1)[1], encoding="utf-8")
    print(f"Écrit : {sortie} et la section Performance du README")


def _urls_de_charge() -> list[tuple[str, str]]:
    return [
        ("coordination", "/parcours/?statut=en_cours"),
        ("partenaire", "/parcours/mes-suivis/"),
        ("coordination", "/"),
        ("coordination", "/partenaires/offres/"),
    ]


if __name__ == "__main__":
    main()
