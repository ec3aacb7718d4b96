"""`make test-fast` (issue 16, step 5): a PostgreSQL cluster kept under var/ between runs, so that
pytest's `--reuse-db` finds its databases, and a selection without the slow parts."""

import ast
import re
from pathlib import Path

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


# What drives or reads a browser page: the journeys leave it to their page objects.
PILOTAGE_DE_PAGE = {
    "goto", "go_back", "reload", "locator", "keyboard", "mouse", "evaluate", "content", "url",
    "set_viewport_size", "emulate_media", "wait_for_url", "wait_for_load_state",
    "wait_for_timeout", "expect_download", "set_input_files", "click", "fill",
}  # fmt: skip
PAGE_PLAYWRIGHT = re.compile(r"^(page|page_\w+|\w+_page)$")


def test_les_parcours_du_navigateur_passent_par_leurs_objets_de_page():
    """Issue 16, step 5: a journey (tests/e2e/test_*.py) never drives the page itself; the
    steps live in tests/e2e/pages*.py, one object per page, which checks the page it reaches."""
    ecarts = []
    for fichier in sorted((Path(__file__).parents[1] / "e2e").glob("test_*.py")):
        for noeud in ast.walk(ast.parse(fichier.read_text())):
            if (
                isinstance(noeud, ast.Attribute)
                and isinstance(noeud.value, ast.Name)
                and PAGE_PLAYWRIGHT.match(noeud.value.id)
                and (noeud.attr in PILOTAGE_DE_PAGE or noeud.attr.startswith("get_by_"))
            ):
                ecarts.append(f"{fichier.name}:{noeud.lineno} {noeud.value.id}.{noeud.attr}")
    assert ecarts == []
