"""Browser journeys in Chromium (pytest-playwright) against pytest-django's live server.

Guard-rails for every test under tests/e2e:
- marked `e2e` (run them alone with `-m e2e`, leave them out with `-m "not e2e"`);
- a real, committed database per test (the live server answers from another thread), flushed
  afterwards, with the rows created by migrations (the DSFR site configuration) restored;
- `controle.page_verifiee(étape)` on each page reached: a full-page screenshot in
  test-results/screenshots/ and axe-core, failing on any "serious" or "critical" violation;
- a screenshot `<test>-echec.png` when a test fails, and no uncaught JavaScript error.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.factories.core import MOT_DE_PASSE

from .pages import PageConnexion, PageTableauDeBord
from .verifications import Controle, slug

# The sync Playwright API runs an event loop in the test's thread; the ORM calls the test makes
# (factories, assertions) stay synchronous and safe there.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ICI = Path(__file__).parent

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # French date inputs (jj/mm/aaaa) as users see them, once the chromium-l10n package is
    # installed (without it Chromium only has en-US and shows mm/dd/yyyy).
    "--lang=fr-FR",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.path)).is_relative_to(ICI):
            item.add_marker(pytest.mark.e2e)
            # The live server writes the access trail through its own connection.
            item.add_marker(
                pytest.mark.django_db(transaction=True, databases=["default", "trace"]),
                append=False,
            )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "fr-FR",
        "timezone_id": "Europe/Paris",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture(scope="session")
def _donnees_des_migrations(django_db_setup) -> dict[str, str]:
    """What pytest-django serialized after migrating (for `django_db_serialized_rollback`), read
    before Playwright starts."""
    from django.db import connections

    return {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }


@pytest.fixture(scope="session")
def playwright(_donnees_des_migrations, playwright):
    """Once Playwright's sync API runs, an event loop is running in this thread, and asgiref
    then keeps Django's connections per context instead of per thread: the test gets a new
    connection object that lacks `_test_serialized_contents`. Serialized rollback would then be
    skipped silently: after each test's flush, the rows created by migrations (the DSFR site
    configuration) would be gone, and the permissions too after a flush by a test that ran
    before Playwright started. Hand the serialized data to the new connections."""
    from django.db import connections

    for alias, contenu in _donnees_des_migrations.items():
        connections[alias]._test_serialized_contents = contenu
    return playwright


@pytest.fixture
def serveur(live_server, transactional_db, django_db_serialized_rollback) -> str:
    """The live server's root URL."""
    return live_server.url


# Every page of every journey: what the site's CSP refused, with its source and a sample
# ('report-sample'), written to the console so that the test can name the culprit.
PREFIXE_CSP = "CSP refusé :"
ESPION_CSP = (
    "document.addEventListener('securitypolicyviolation', (e) => console.error("
    f"'{PREFIXE_CSP} ' + e.effectiveDirective + ' ' + e.blockedURI + ' depuis ' + e.sourceFile"
    " + ':' + e.lineNumber + ':' + e.columnNumber + ' « ' + e.sample + ' » sur ' + e.documentURI));"
)


@pytest.fixture
def controle(request, page: Page, pytestconfig):
    # pytest-playwright empties test-results/ (its --output) when any pytest session starts.
    dossier = Path(
        os.environ.get(
            "E2E_SCREENSHOTS_DIR", pytestconfig.rootpath / "test-results" / "screenshots"
        )
    )
    dossier.mkdir(parents=True, exist_ok=True)
    verif = Controle(page=page, nom_test=slug(request.node.originalname), dossier=dossier)
    page.on("pageerror", lambda erreur: verif.erreurs_js.append(str(erreur)))
    page.context.add_init_script(ESPION_CSP)
    page.on(
        "console",
        lambda m: verif.violations_csp.append(m.text) if m.text.startswith(PREFIXE_CSP) else None,
    )
    yield verif
    verif.ecrire_remarques()
    rapport = getattr(request.node, "rep_call", None)  # set by pytest-playwright's hook
    if rapport is not None and rapport.failed and not page.is_closed():
        page.screenshot(
            path=dossier / f"{verif.nom_test}-echec.png", full_page=True, caret="initial"
        )
    if rapport is not None and rapport.passed:
        assert not verif.erreurs_js, f"Erreurs JavaScript dans la page : {verif.erreurs_js}"
        assert not verif.violations_csp, f"Refusé par la CSP : {verif.violations_csp}"


@pytest.fixture
def connecter(page: Page, serveur, controle):
    """Log a user in through the real login page; returns the dashboard's page object."""

    def _connecter(user, mot_de_passe: str = MOT_DE_PASSE) -> PageTableauDeBord:
        return (
            PageConnexion(page, serveur, controle).ouvrir().se_connecter(user.email, mot_de_passe)
        )

    return _connecter
