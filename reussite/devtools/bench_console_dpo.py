"""Time the DPO console and its CSV export on one generated database (issue 18).

    DATABASE_URL=postgres://postgres@127.0.0.1:<port>/echelle_nat \\
        python -m reussite.devtools.bench_console_dpo [--programme 1] [--requetes 10]

`bench_site` builds its sweep's dossier with the current models and needs a database migrated to
them; this script only signs in the programme's DPO (the test client, `DEBUG=False`, as
`bench_site`) and requests the console and the export: p50/p95 of the console, its queries, and
for the export the time to the first chunk, the total time and the rows.
"""

import argparse
import statistics
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programme", type=int, default=1)
    parser.add_argument("--requetes", type=int, default=10)
    args = parser.parse_args()

    from reussite.devtools.bench_site import _setup

    _setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from reussite.core.models import ProgrammeUserObjectPermission, User
    from reussite.core.roles import programmes_dpo
    from reussite.devtools.bench_pages import _client

    ids = ProgrammeUserObjectPermission.objects.filter(
        content_object_id=args.programme
    ).values_list("user_id", flat=True)
    dpo = next(
        u
        for u in User.objects.filter(pk__in=ids)
        if programmes_dpo(u).filter(pk=args.programme).exists()
    )
    client = _client(dpo)
    base = connection.settings_dict["NAME"]

    url = reverse("programmes:journal", args=[args.programme])
    for _i in range(2):  # warm-up
        client.get(url)
    durees = []
    for _i in range(args.requetes):
        debut = time.perf_counter()
        assert client.get(url).status_code == 200
        durees.append((time.perf_counter() - debut) * 1000)
    durees.sort()
    with CaptureQueriesContext(connection) as requetes:
        client.get(url)
    p95 = durees[min(len(durees) - 1, round(0.95 * (len(durees) - 1)))]
    print(
        f"{base} programmes:journal: p50 {statistics.median(durees):.0f} ms, "
        f"p95 {p95:.0f} ms, {len(requetes)} requêtes"
    )

    url = reverse("programmes:journal_export", args=[args.programme])
    for _i in range(2):
        debut = time.perf_counter()
        reponse = client.get(url)
        morceaux = iter(reponse.streaming_content)
        premier = next(morceaux)
        premier_octet = (time.perf_counter() - debut) * 1000
        lignes = premier.count(b"\n") + sum(m.count(b"\n") for m in morceaux) - 1
        total = (time.perf_counter() - debut) * 1000
        print(
            f"{base} programmes:journal_export: premier octet {premier_octet:.0f} ms, "
            f"total {total:.0f} ms, {lignes} lignes"
        )


if __name__ == "__main__":
    main()
