import contextlib
import os

import pytest
from django.test import Client

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property-based tests: a small profile (each example is a few requests against PostgreSQL).
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The access trail is written through its own connection ("trace" alias): every test that
# touches the database may use it.
BASES = ["default", "trace"]


_FIXTURES_DE_BASE = {"db", "transactional_db", "live_server", "django_db_serialized_rollback"}


def _sans_base(item) -> bool:
    return item.get_closest_marker("django_db") is None and not _FIXTURES_DE_BASE & set(
        getattr(item, "fixturenames", ())
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    for item in items:
        marqueur = item.get_closest_marker("django_db")
        if marqueur is not None and "databases" not in marqueur.kwargs:
            item.add_marker(
                pytest.mark.django_db(*marqueur.args, **{**marqueur.kwargs, "databases": BASES}),
                append=False,
            )
    # pytest-django orders the tests as Django does: in a transaction, then transactional, then
    # without the database. The last group holds `make run` (75 s), which thus ran alone at the
    # very end while the other worker sat idle. Tests without the database touch nothing the
    # others share: they go first (a stable sort; pytest-django's order holds within the rest).
    items.sort(key=lambda item: not _sans_base(item))


# Two database roles, as in production (reussite/core/privileges.py): the owner role
# (DATABASE_OWNER_URL; `make test` sets it) creates, migrates and drops the test databases and
# empties them between transactional tests (the `flush` command runs as the owner); the tests
# themselves, through every alias, connect as the application role (DATABASE_URL), with its
# rights. Without DATABASE_OWNER_URL one role does all, and the tests of those rights fail.
_proprietaire = contextlib.ExitStack()


@contextlib.contextmanager
def _bases_en_proprietaire():
    """Every alias names the owner role, in every thread, until the block ends: only while the
    test databases are created and migrated, and again when they are dropped."""
    from django.conf import settings as reglages_django
    from django.db import connections

    from reussite.core.privileges import proprietaire

    identifiants = proprietaire()
    if identifiants is None:
        yield
        return
    avant = {}
    for alias in BASES:
        connections[alias].close()
        reglages = reglages_django.DATABASES[alias]
        avant[alias] = {cle: reglages.get(cle) for cle in identifiants}
        reglages.update(identifiants)
    try:
        yield
    finally:
        for alias in BASES:
            connections[alias].close()
            reglages_django.DATABASES[alias].update(avant[alias])


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    _proprietaire.enter_context(_bases_en_proprietaire())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    # Created and migrated as the owner: from now on, the application role.
    _proprietaire.close()
    yield
    # The trace connection must be closed before the shared test database is dropped.
    from django.db import connections

    for alias in BASES:
        connections[alias].close()
    # A role may end its own sessions only: the application role's first, then the owner's,
    # which drops the database.
    _fermer_les_autres_sessions(connections["default"].settings_dict)
    _proprietaire.enter_context(_bases_en_proprietaire())
    _fermer_les_autres_sessions(connections["default"].settings_dict)


def _fermer_les_autres_sessions(reglages) -> None:
    """DROP DATABASE refuses while another session uses the test database: a browser journey's
    live-server request thread or an in-process worker may still hold one. End them all (the
    test connections are done by now; Django closes its own without error) from the maintenance
    database, and wait until they are gone. A role may end its own sessions only."""
    import time

    import psycopg2

    nom = reglages["NAME"]
    connexion = psycopg2.connect(
        dbname="postgres",
        user=reglages.get("USER") or None,
        password=reglages.get("PASSWORD") or None,
        host=reglages.get("HOST") or None,
        port=reglages.get("PORT") or None,
    )
    connexion.autocommit = True
    try:
        with connexion.cursor() as curseur:
            for _ in range(50):
                curseur.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid() AND usename = current_user",
                    [nom],
                )
                if curseur.fetchone()[0] == 0:
                    break
                time.sleep(0.1)
    finally:
        connexion.close()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _configuration_dsfr(request, django_db_blocker):
    """django-dsfr's site configuration is a data-migration row (core 0002): a transactional
    test's flush can remove it, and the DSFR context processor then falls back to a second query
    on every page, so that query budgets would depend on which tests ran before in the worker.
    Put it back before each database test."""
    if request.node.get_closest_marker("django_db") is None:
        return
    import importlib

    from django.apps import apps
    from dsfr.models import DsfrConfig

    with django_db_blocker.unblock():
        if not DsfrConfig.objects.filter(language="fr").exists():
            migration = importlib.import_module("reussite.core.migrations.0002_dsfr_config")
            migration.creer_config(apps, None)


@pytest.fixture(autouse=True)
def _caches_froids():
    """Start each test with Django's per-process content-type cache empty: whether an earlier
    test in the same worker warmed it must not change the queries a test counts."""
    from django.contrib.contenttypes.models import ContentType

    from reussite.core.context_processors import vider_config_dsfr

    ContentType.objects.clear_cache()
    # Same for the DSFR site configuration the pages read once a minute per process.
    vider_config_dsfr()


@pytest.fixture(autouse=True)
def _cache_partage_vide():
    """The shared cache is the real Redis (tests/settings): what a test puts there under this
    worker's key prefix is removed afterwards (never FLUSHDB: the broker may share the database)."""
    yield
    from django.conf import settings
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    cles = list(client.scan_iter(f"{settings.CACHES['default']['KEY_PREFIX']}:*", count=1000))
    if cles:
        client.delete(*cles)


@pytest.fixture
def client():
    return Client()


def appareil_totp(user):
    """The user's confirmed TOTP device (created once), as after a real enrolment."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test", confirmed=True)


def code_totp(device) -> str:
    """The code the user's authenticator app shows now; if this time step was already used
    (django-otp refuses a code twice), the next step's code, which its tolerance accepts."""
    import time

    from django_otp.oath import TOTP

    device.refresh_from_db()
    horloge = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    horloge.time = time.time()
    if device.last_t is not None and horloge.t() <= device.last_t:
        horloge.time = device.t0 + (device.last_t + 1) * device.step
    return f"{horloge.token():0{device.digits}d}"


def connecter(client: Client, user, *, verifie: bool = True) -> Client:
    """Log `user` in; by default the session is also verified with a second factor, exactly as
    `django_otp.login` leaves it after a correct code (the device key in the session)."""
    import django_otp

    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if verifie:
        session = client.session
        session[django_otp.DEVICE_ID_SESSION_KEY] = appareil_totp(user).persistent_id
        session.save()
    return client


# --- A real S3 server (SeaweedFS, tests/support/s3.py) -----------------------------------------


@pytest.fixture(scope="session")
def serveur_s3(tmp_path_factory):
    """One SeaweedFS server per pytest process, started when a test first needs it."""
    from tests.support.s3 import ServeurS3

    serveur = ServeurS3.demarrer(tmp_path_factory.mktemp("seaweedfs"))
    try:
        yield serveur
    finally:
        serveur.arreter()


@pytest.fixture
def stockage_s3(serveur_s3, settings):
    """The "default" and "exports" storages on a fresh bucket of the S3 server (settings as
    settings/base.py builds them with S3_BUCKET); returns (server, bucket name)."""
    bucket = serveur_s3.creer_bucket()
    settings.STORAGES = {**settings.STORAGES, **serveur_s3.stockages(bucket)}
    return serveur_s3, bucket
