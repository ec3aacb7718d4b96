import os

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, LOGGING, TEMPLATES, env

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["trace"]["TEST"] = {"DEPENDENCIES": []}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The worker tests run a real worker process with a file backend (tests/support/courriel.py).
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# From the environment too: the multi-node test gives each node its own empty folders.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "test-media")
EXPORTS_ROOT = env.path("EXPORTS_ROOT", default=BASE_DIR / "var" / "test-exports")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://")
# The tests use the real Redis for the shared cache (make test starts one): one key prefix per
# pytest-xdist worker, emptied after each test by tests/conftest.py (never FLUSHDB: the broker may
# share the database).
if not CACHES["default"]["BACKEND"].endswith("RedisCache"):  # noqa: F405
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("The tests need REDIS_URL (a real Redis for the shared cache).")
# CACHE_PREFIXE in the environment: one prefix for several processes (the multi-node test's
# nodes share their cache, as production nodes do).
CACHES["default"]["KEY_PREFIX"] = os.environ.get("CACHE_PREFIXE") or "test-{}-{}".format(  # noqa: F405
    os.environ.get("PYTEST_XDIST_WORKER", "main"), os.getpid()
)
CELERY_TASK_ALWAYS_EAGER = False
# One broker queue per pytest-xdist worker: the two test processes share the Redis broker, and a
# Celery worker started by a test in one of them must never take a task sent by the other.
# Letters only (gw0 -> gwa): the queue's name is a metrics label, which carries no number.
CELERY_TASK_DEFAULT_QUEUE = "test-" + os.environ.get("PYTEST_XDIST_WORKER", "main").translate(
    str.maketrans("0123456789", "abcdefghij")
)
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)


class UnknownTemplateVariable(str):
    """Guard-rail: a variable that one of *our* templates uses but the context lacks fails the
    test instead of rendering "".

    Third-party templates (django-dsfr) rely on the silent default and on filters such as
    `|default:` being applied to it, which Django only does when `string_if_invalid` is falsy:
    so the value is falsy outside our templates, and raises inside them.
    """

    def __bool__(self):
        return _template_du_projet() is not None

    def __contains__(self, item):
        return item == "%s"

    def __mod__(self, variable):
        raise NameError(f"Unknown variable {variable!r} in {_template_du_projet()}")


def _template_du_projet() -> str | None:
    import inspect

    from django.template.base import Node

    dossier = str(BASE_DIR / "templates")
    cadre = inspect.currentframe()
    while cadre is not None:
        noeud = cadre.f_locals.get("self")
        if isinstance(noeud, Node) and getattr(noeud, "origin", None) is not None:
            nom = str(noeud.origin.name)
            return nom if nom.startswith(dossier) else None
        cadre = cadre.f_back
    return None


TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = UnknownTemplateVariable("")

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
LOGGING["root"]["level"] = "WARNING"
LOGGING["loggers"]["axes"] = {"level": "WARNING"}

# The OpenID Connect provider the ProConnect tests sign in against (django-oauth-toolkit in its
# OIDC mode, tests/support/fournisseur_oidc.py): only the test settings install it, and only the
# test URLconf tests/support/urls_proconnect.py mounts it (under /fournisseur-test/).
INSTALLED_APPS = [*INSTALLED_APPS, "oauth2_provider"]  # noqa: F405
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "tests" / "support" / "templates"]

# A fictional operator for the demo and the tests (production reads REUSSITE_OPERATEUR_* and a
# system check warns when they are empty).
REUSSITE_OPERATEUR = {
    **{
        "nom": "Opérateur national de démonstration",
        "adresse": "1 rue de l’Exemple, 75000 Paris",
        "contact": "contact@operateur.exemple.test",
        "directeur_publication": "La directrice de l’opérateur de démonstration",
        "hebergeur_nom": "Hébergeur de démonstration",
        "hebergeur_adresse": "2 avenue du Nuage, 59000 Lille",
        "hebergeur_contact": "support@hebergeur.exemple.test",
    },
    **{cle: valeur for cle, valeur in REUSSITE_OPERATEUR.items() if valeur},  # noqa: F405
}
