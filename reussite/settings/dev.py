from .base import *  # noqa: F403
from .base import env

# The demo (`make run`) behaves like production: the product's own 404 and 500 pages, static
# files served by whitenoise. What it needs beyond that hangs on explicit demo settings
# (REUSSITE_DEMO_COURRIELS, REUSSITE_2FA_EXEMPTER_DEMO), which the run command sets.
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
