"""`make test-fast` (issue 16, step 5): a PostgreSQL cluster kept under var/ between runs, so that
pytest's `--reuse-db` finds its databases, and a selection without the slow parts."""

import psycopg2

from reussite.devtools import test as commande
from reussite.devtools.services import POSTGRES_TEST_SETTINGS, start_postgres


def _executer(instance, sql: str):
    connexion = psycopg2.connect(instance.url)
    connexion.autocommit = True
    try:
        with connexion.cursor() as curseur:
            curseur.execute(sql)
            return curseur.fetchall() if curseur.description else None
    finally:
        connexion.close()


def test_le_cluster_persistant_garde_ses_bases_d_un_lancement_a_l_autre(tmp_path):
    # As in a checkout: a folder of the project's user, whatever its parents' permissions.
    dossier = tmp_path / "var" / "test-postgres"
    premier = start_postgres(extra_settings=POSTGRES_TEST_SETTINGS, persistent_dir=dossier)
    try:
        _executer(premier, "CREATE DATABASE test_reussite")
    finally:
        premier.stop()
    assert (dossier / "data" / "PG_VERSION").exists()

    second = start_postgres(extra_settings=POSTGRES_TEST_SETTINGS, persistent_dir=dossier)
    try:
        bases = _executer(second, "SELECT datname FROM pg_database")
    finally:
        second.stop()
    assert ("test_reussite",) in bases


def test_un_cluster_jetable_disparait_a_l_arret():
    instance = start_postgres(extra_settings=POSTGRES_TEST_SETTINGS)
    dossier = instance.base_dir
    instance.stop()
    assert not dossier.exists()


def test_le_lancement_rapide_reutilise_les_bases_et_laisse_le_navigateur_a_la_ci():
    (lint, pytest) = commande.fast_steps(["--lf"])

    assert lint.name == "ruff check"
    assert "--reuse-db" in pytest.args
    options = pytest.args[pytest.args.index("pytest") + 1 :]
    assert options[options.index("-m") + 1] == "not e2e and not lent"
    # The caller's arguments come last, so that they win.
    assert pytest.args[-1] == "--lf"
    # The full run (CI) keeps everything: no selection, fresh databases.
    complet = commande.steps([], {})[-1]
    options = complet.args[complet.args.index("pytest") + 1 :]
    assert "-m" not in options
    assert "--reuse-db" not in options
