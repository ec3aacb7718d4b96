import os

import pytest
from django.test import Client

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The access trail is written through its own connection ("journal" alias): every test that
# touches the database may use it.
BASES = ["default", "journal"]


def pytest_collection_modifyitems(items):
    for item in items:
        marqueur = item.get_closest_marker("django_db")
        if marqueur is not None and "databases" not in marqueur.kwargs:
            item.add_marker(
                pytest.mark.django_db(*marqueur.args, **{**marqueur.kwargs, "databases": BASES}),
                append=False,
            )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    yield
    # The journal connection must be closed before the shared test database is dropped.
    from django.db import connections

    connections["journal"].close()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _caches_froids():
    """Start each test with Django's per-process content-type cache empty: whether an earlier
    test in the same worker warmed it must not change the queries a test counts."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture
def client():
    return Client()


def connecter(client: Client, user) -> Client:
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
