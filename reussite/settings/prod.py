from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    CACHES,
    DATABASES,
    LOGGING,
    REUSSITE_2FA_EXEMPTER_DEMO,
    REUSSITE_DEMO_COURRIELS,
    env,
)

DEBUG = False
REUSSITE_PRODUCTION = True
# Refused here, when the settings load, and not only by the system check (reussite.E001):
# gunicorn and the Celery worker never run the checks.
if REUSSITE_2FA_EXEMPTER_DEMO:
    raise ImproperlyConfigured(
        "REUSSITE_2FA_EXEMPTER_DEMO must not be set in production: every account needs a "
        "second factor (the exemption is for the local demo only)."
    )
if REUSSITE_DEMO_COURRIELS:
    raise ImproperlyConfigured(
        "REUSSITE_DEMO_COURRIELS must not be set in production: mail would be written to files "
        "instead of being sent (the setting is for the local demo only)."
    )
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set (50 characters at least) in production.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS", default=[f"https://{h}" for h in ALLOWED_HOSTS]
)
# E-mail links (reminders, password reset) point here; there is no request to take it from.
SITE_URL = env("SITE_URL", default="")
if urlsplit(SITE_URL).scheme not in {"https", "http"} or not urlsplit(SITE_URL).netloc:
    raise ImproperlyConfigured(
        "SITE_URL must be set in production to the site's address, e.g. https://reussite.example.fr"
    )
# The deployment puts a TLS proxy in front of gunicorn: the client's address is read through it.
REUSSITE_PROXIES_DE_CONFIANCE = env.int("REUSSITE_PROXIES_DE_CONFIANCE", default=1)

# No SECURE_PROXY_SSL_HEADER: Django would then believe X-Forwarded-Proto from any client that
# reaches gunicorn. gunicorn already decides whom to believe (--forwarded-allow-ips, the TLS
# proxy's address only) and sets the request's scheme to https for that proxy alone, which is
# what request.is_secure() reads (tests/core/test_deploiement.py starts gunicorn to prove it).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
# Several nodes share one cache (reussite.settings.base): a per-node cache would split it.
if not CACHES["default"]["BACKEND"].endswith("RedisCache"):
    raise ImproperlyConfigured(
        "REDIS_URL must be set in production (the cache every node shares), e.g. redis://redis:6379/0"
    )
# JSON log lines unless LOG_JSON=false.
LOG_JSON = env.bool("LOG_JSON", default=True)
LOGGING["handlers"]["console"]["formatter"] = "json" if LOG_JSON else "simple"
if not env("DATABASE_URL", default=""):
    raise ImproperlyConfigured("DATABASE_URL must be set in production.")
# base.py's connection settings (health checks, connect timeout, the trail's own alias), with
# persistent connections by default.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["trace"] = {**DATABASES["default"], "ATOMIC_REQUESTS": False}
