"""Time the daily reminder scan on a generated database (issue 6, "Performance").

    DATABASE_URL=postgres://.../gen_city python -m reussite.devtools.bench_rappels [AAAA-MM-JJ]

Build the database first with `manage.py generer_donnees` (or restore its dump). The scan runs
in a transaction that is rolled back, so the database can be measured again; it prints the wall
time, the number of queries and the reminders created, with the number of pathways.
"""

import os
import sys
import time
from datetime import date


class _Annuler(Exception):
    pass


def main(le: date | None = None) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reussite.settings.dev")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from parcours.models import Parcours
    from reussite.core.rappels import rappels_scanner

    resultat = {}
    try:
        with transaction.atomic():
            nombre = Parcours.objects.count()
            for passage in ("premier scan", "second scan (rien de nouveau)"):
                with CaptureQueriesContext(connection) as requetes:
                    debut = time.perf_counter()
                    bilan = rappels_scanner(le=le)
                    duree = time.perf_counter() - debut
                resultat[passage] = (duree, len(requetes), sum(bilan.crees.values()))
                print(
                    f"{connection.settings_dict['NAME']}: {nombre} parcours, {passage} : "
                    f"{duree:.2f} s, {len(requetes)} requêtes, "
                    f"{sum(bilan.crees.values())} rappels créés, {bilan.annules} annulés "
                    f"{bilan.crees}"
                )
            raise _Annuler
    except _Annuler:
        pass
    return resultat


if __name__ == "__main__":
    main(date.fromisoformat(sys.argv[1]) if len(sys.argv) > 1 else None)
