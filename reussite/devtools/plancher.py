"""The fixed cost of a page (issue 18, point 3, « Lower the floor »): p50/p95 of the pathway
page (Synthèse tab) and of the filtered pathway list, measured with the test client under the
production settings, and where their Python time goes (cProfile).

    python -m reussite.devtools.plancher [--requetes 50] [--profil 30] [--tri tottime]

It reads the database of DATABASE_URL (the demo data: `manage.py demo_data --force`), signs in
the demo coordinator (second factor verified, as after a real login) and picks the open pathway
of their programme with the most notes, actions and history. Requests go through the whole
middleware chain as behind the production proxy (`X-Forwarded-Proto: https`). The figures are
server-side (no network), one process, persistent connection, after a warm-up.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import time
from pathlib import Path


def _setup():
    # The production settings, with what they require and nothing of the deployment's secrets.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reussite.settings.prod")
    os.environ.setdefault("SECRET_KEY", "plancher-" + "x" * 60)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SITE_URL", "https://testserver")
    os.environ.setdefault("LOG_JSON", "false")
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)


def _client(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(headers={"X-Forwarded-Proto": "https"})
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    appareil = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if appareil is None:
        appareil = TOTPDevice.objects.create(user=user, name="Plancher", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = appareil.persistent_id
    session.save()
    client.get("/", secure=True)  # the charter and the navigation flags land in the session
    return client


def _pages():
    from django.db.models import Count
    from django.urls import reverse

    from parcours.models import Parcours, Statut
    from reussite.core.models import User

    user = User.objects.get(email__startswith="coordination@")
    parcours = (
        Parcours.objects.filter(statut=Statut.EN_COURS)
        .annotate(poids=Count("notes", distinct=True) + Count("actions", distinct=True))
        .order_by("-poids", "pk")
        .first()
    )
    return user, [
        ("Fiche parcours, Synthèse", reverse("parcours:detail", args=[parcours.pk])),
        ("Liste des parcours (filtrée)", reverse("parcours:liste") + "?statut=en_cours"),
    ]


def _centile(valeurs, q):
    valeurs = sorted(valeurs)
    return valeurs[min(len(valeurs) - 1, round(q * (len(valeurs) - 1)))]


def _requetes(client, url) -> dict[str, int]:
    from django.db import connections

    comptes = {}

    def compter(alias):
        def enveloppe(execute, sql, params, many, context):
            comptes[alias] = comptes.get(alias, 0) + 1
            return execute(sql, params, many, context)

        return enveloppe

    with (
        connections["default"].execute_wrapper(compter("default")),
        connections["trace"].execute_wrapper(compter("trace")),
    ):
        assert client.get(url, secure=True).status_code == 200
    return comptes


def mesurer(client, url, n: int) -> dict:
    for _ in range(5):
        assert client.get(url, secure=True).status_code == 200, url
    durees, cpu = [], []
    for _ in range(n):
        debut, debut_cpu = time.perf_counter(), time.process_time()
        reponse = client.get(url, secure=True)
        durees.append((time.perf_counter() - debut) * 1000)
        cpu.append((time.process_time() - debut_cpu) * 1000)
        assert reponse.status_code == 200, url
    return {
        "durees": durees,
        "cpu": cpu,
        "p50": statistics.median(durees),
        "p95": _centile(durees, 0.95),
        # The Python process's own CPU time: what the floor is made of, and less sensitive than
        # the wall-clock time to a machine shared with other processes.
        "cpu_p50": statistics.median(cpu),
        "requetes": _requetes(client, url),
    }


def profiler(client, url, n: int, tri: str, lignes: int) -> str:
    profil = cProfile.Profile()
    profil.enable()
    for _ in range(n):
        client.get(url, secure=True)
    profil.disable()
    sortie = io.StringIO()
    pstats.Stats(profil, stream=sortie).sort_stats(tri).print_stats(lignes)
    return sortie.getvalue()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requetes", type=int, default=50)
    parser.add_argument("--profil", type=int, default=0, help="requests profiled per page")
    parser.add_argument("--tri", default="cumulative")
    parser.add_argument("--lignes", type=int, default=60)
    parser.add_argument("--json", help="also write the raw durations (ms) to this file")
    args = parser.parse_args(argv)
    _setup()
    from django.template import engines

    user, pages = _pages()
    client = _client(user)
    chargeurs = engines["django"].engine.template_loaders
    print(f"Chargeurs de gabarits : {[type(c).__module__ for c in chargeurs]}")
    brut = {}
    for nom, url in pages:
        r = mesurer(client, url, args.requetes)
        brut[nom] = {"durees": r["durees"], "cpu": r["cpu"], "requetes": r["requetes"]}
        print(
            f"{nom} ({url}) : p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, "
            f"CPU Python p50 {r['cpu_p50']:.1f} ms, "
            f"requêtes {r['requetes']}, sur {args.requetes} requêtes"
        )
        if args.profil:
            print(profiler(client, url, args.profil, args.tri, args.lignes))
    if args.json:
        Path(args.json).write_text(json.dumps(brut))


if __name__ == "__main__":
    main()
