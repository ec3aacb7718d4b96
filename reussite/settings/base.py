"""Settings shared by every environment; everything that varies comes from the environment."""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    # dsfr before django.forms: its widget templates (radios, checkboxes, errors) must win.
    "dsfr",
    "django.forms",
    "widget_tweaks",
    "django_htmx",
    "csp",
    "django_filters",
    "django_celery_beat",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "pgtrigger",
    "pghistory",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "reussite.core",
    "partenaires",
    "parcours",
]

MIDDLEWARE = [
    # The request's id (X-Request-ID) in every log record and in the tasks it enqueues.
    "reussite.core.requete_id.RequeteIdMiddleware",
    # Prometheus: latency and SQL queries of the whole chain, per view name (reussite.core.metriques).
    "reussite.core.metriques.MetriquesMiddleware",
    # Health probes (/sante/vivant, /sante/pret) are answered here, before the host check, the
    # HTTPS redirect, the session and the login: a load balancer probes by address over HTTP.
    "reussite.core.sante.SanteMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Rectification history: the acting user and URL of every write (django-pghistory).
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Absolute session lifetime (REUSSITE_SESSION_DUREE_MAX), whatever the activity.
    "reussite.core.sessions.DureeSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # A NUL in any GET/POST value: the 400 page (with the headers above) before any view or
    # later middleware reads it (PostgreSQL refuses NUL in a text literal).
    "reussite.core.saisie.RefusOctetNulMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # After the login check: an authenticated session without a second factor reaches only
    # enrolment, verification and logout.
    "reussite.core.deux_facteurs.DeuxFacteursMiddleware",
    "reussite.core.trace.TraceMiddleware",
    "parcours.views.partage.CharteMiddleware",
    # AxesMiddleware must stay last: it turns lockouts into a response.
    "axes.middleware.AxesMiddleware",
]

# The health probes are never redirected to HTTPS (SanteMiddleware answers them first anyway).
SECURE_REDIRECT_EXEMPT = [r"^sante/(vivant|pret)$"]

ROOT_URLCONF = "reussite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # django-dsfr's site_config, without its query on every page.
                "reussite.core.context_processors.site_config",
                "reussite.core.context_processors.navigation",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "reussite.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default="postgres:///reussite")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A connection that died with a PostgreSQL restart is replaced, not reused (workers, beat).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A database that does not answer fails a request (and /sante/pret) within seconds instead of
# hanging a worker until the load balancer gives up.
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
    "DATABASE_CONNECT_TIMEOUT", default=5
)
# The access trail is written through its own connection, outside the request's transaction.
DATABASES["trace"] = {**DATABASES["default"], "ATOMIC_REQUESTS": False}
# The role that owns the schema (reussite/core/privileges.py): `migrate` and `flush` run as this
# role, which then grants the application role (DATABASE_URL's user) its rights, insert-only on
# the access trail. Only the migration step needs it; without it, one role does everything.
REUSSITE_BASE_PROPRIETAIRE = (
    env.db("DATABASE_OWNER_URL") if env("DATABASE_OWNER_URL", default="") else None
)
REUSSITE_ROLE_APPLICATION = DATABASES["default"].get("USER", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so that a locked-out attempt never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Guardian's, answering as the access modules do (expiry of the rows, programme roles).
    "reussite.core.backends.ObjectPermissionBackend",
]
# guardian.W001 looks for guardian's own backend by name: ours is its subclass that honours
# `expire_le` (reussite/core/backends.py), so the warning does not apply.
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "accueil"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after inactivity. The session is renewed (saved with a new expiry date) at most
# once every REUSSITE_SESSION_RENOUVELLEMENT seconds by reussite.core.sessions.DureeSessionMiddleware,
# not on every request: the timeout keeps sliding without three queries per page (issue 18).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
REUSSITE_SESSION_RENOUVELLEMENT = env.int("REUSSITE_SESSION_RENOUVELLEMENT", default=60)
# A programme's statistics (any period) are recomputed at most this often, in the shared cache:
# the same aggregates for every reader of the programme (parcours.selectors.statistiques_agregees).
REUSSITE_STATISTIQUES_CACHE_S = env.int("REUSSITE_STATISTIQUES_CACHE_S", default=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# Django's message storage, whose cookie is also deleted as Secure and HttpOnly (issue 18).
MESSAGE_STORAGE = "reussite.core.messages_cookie.StockageMessages"
# Absolute lifetime of a signed-in session, in seconds (default 12 hours).
REUSSITE_SESSION_DUREE_MAX = env.int("REUSSITE_SESSION_DUREE_MAX", default=12 * 3600)
# The inactivity warning shows this many seconds before the session expires.
REUSSITE_SESSION_ALERTE = env.int("REUSSITE_SESSION_ALERTE", default=120)
CSRF_COOKIE_HTTPONLY = True

# Two-factor authentication (django-otp): TOTP with static backup codes, for every account.
OTP_TOTP_ISSUER = "Réussite"
# Demo only (`make run`): no second factor. The production settings refuse to load with it.
REUSSITE_2FA_EXEMPTER_DEMO = env.bool("REUSSITE_2FA_EXEMPTER_DEMO", default=False)
REUSSITE_PRODUCTION = False

# ProConnect (OpenID Connect, mozilla-django-oidc): off unless PROCONNECT_ENABLED is true.
PROCONNECT_ENABLED = env.bool("PROCONNECT_ENABLED", default=False)
PROCONNECT_AMR_MFA = env.list("PROCONNECT_AMR_MFA", default=["mfa"])
PROCONNECT_ACR_MFA = env.list("PROCONNECT_ACR_MFA", default=["eidas2", "eidas3"])
if PROCONNECT_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.insert(1, "reussite.core.proconnect.ProConnectBackend")
    OIDC_RP_CLIENT_ID = env("PROCONNECT_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env("PROCONNECT_CLIENT_SECRET")
    _oidc = env("PROCONNECT_URL").rstrip("/")  # e.g. https://<provider>/api/v2
    OIDC_OP_AUTHORIZATION_ENDPOINT = env(
        "PROCONNECT_AUTHORIZATION_ENDPOINT", default=f"{_oidc}/authorize"
    )
    OIDC_OP_TOKEN_ENDPOINT = env("PROCONNECT_TOKEN_ENDPOINT", default=f"{_oidc}/token")
    OIDC_OP_USER_ENDPOINT = env("PROCONNECT_USERINFO_ENDPOINT", default=f"{_oidc}/userinfo")
    OIDC_OP_JWKS_ENDPOINT = env("PROCONNECT_JWKS_ENDPOINT", default=f"{_oidc}/jwks")
    OIDC_OP_LOGOUT_ENDPOINT = env("PROCONNECT_LOGOUT_ENDPOINT", default=f"{_oidc}/session/end")
    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_RP_SCOPES = env("PROCONNECT_SCOPES", default="openid email given_name usual_name")
    OIDC_CREATE_USER = False
    OIDC_USE_NONCE = True
    OIDC_STORE_ID_TOKEN = True
    OIDC_OP_LOGOUT_URL_METHOD = "reussite.core.proconnect.url_deconnexion"
    # ProConnect puts `amr` in the ID token only when asked for it; `acr_values` optional.
    OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"claims": '{"id_token":{"amr":null,"acr":null}}'}
    if env("PROCONNECT_ACR_VALUES", default=""):
        OIDC_AUTH_REQUEST_EXTRA_PARAMS["acr_values"] = env("PROCONNECT_ACR_VALUES")
    OIDC_TIMEOUT = env.int("PROCONNECT_TIMEOUT", default=10)

# Login throttling: lock an (account, address) pair, never a whole office.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_USERNAME_FORM_FIELD = "username"
# Attempts are counted on the normalised e-mail (stripped, lower case), as accounts are matched:
# `Agent@…` and `agent@…` share one counter and one lock.
AXES_USERNAME_CALLABLE = "reussite.core.identifiants.identifiant_axes"
# The client's address behind the trusted proxies, the same one the access trail records.
AXES_CLIENT_IP_CALLABLE = "reussite.core.adresses.adresse_client"
# How many reverse proxies (the TLS proxy) stand in front of the application: X-Forwarded-For
# is read through exactly this many of them, from the right; 0 ignores it (REMOTE_ADDR only).
REUSSITE_PROXIES_DE_CONFIANCE = env.int("REUSSITE_PROXIES_DE_CONFIANCE", default=0)
# A ProConnect callback carries no username: axes would count its failures against
# (no username, address) and lock ProConnect for a whole office. The provider authenticates.
AXES_WHITELIST_CALLABLE = "reussite.core.proconnect.tentative_proconnect"

# django-guardian: no anonymous user row, direct foreign-key permission tables only.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Stored files go through named storages (reussite.core.stockage): "default" for uploads (consent
# scans, documents, signed conventions and charters), "exports" for built background exports.
# They live outside the web root and leave only through permission-checked views. On the
# filesystem (MEDIA_ROOT, EXPORTS_ROOT) for `make run` and one machine; in one private bucket of
# an S3-compatible object store when S3_BUCKET is set, which several nodes need (no disk shared).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "exports": {"BACKEND": "reussite.core.stockage.ExportsSurDisque"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
S3_BUCKET = env("S3_BUCKET", default="")
if S3_BUCKET:
    _s3 = {
        "bucket_name": S3_BUCKET,
        # Empty: AWS itself; otherwise the provider's endpoint (https://s3.fr-par.example, …).
        "endpoint_url": env("S3_ENDPOINT_URL", default="") or None,
        "region_name": env("S3_REGION", default="") or None,
        # Empty: boto3's own chain (AWS_* variables, instance role).
        "access_key": env("S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env("S3_SECRET_ACCESS_KEY", default="") or None,
        "addressing_style": env("S3_ADDRESSING_STYLE", default="path"),
        # Seconds and attempts: an outage becomes the French storage error, not a hung request.
        "delai_connexion": env.int("S3_DELAI_CONNEXION", default=5),
        "delai_lecture": env.int("S3_DELAI_LECTURE", default=30),
        "tentatives": env.int("S3_TENTATIVES", default=3),
    }
    STORAGES["default"] = {
        "BACKEND": "reussite.core.stockage_s3.StockageObjets",
        "OPTIONS": {**_s3, "location": "media"},
    }
    STORAGES["exports"] = {
        "BACKEND": "reussite.core.stockage_s3.StockageObjets",
        "OPTIONS": {**_s3, "location": "exports"},
    }

# List exports: above this many rows a Celery task builds the file (exports flow). Built files
# live in the "exports" storage (EXPORTS_ROOT or the bucket, served by a requester-only view)
# until they expire.
EXPORTS_SEUIL_ARRIERE_PLAN = env.int("EXPORTS_SEUIL_ARRIERE_PLAN", default=5000)
EXPORTS_DUREE_JOURS = env.int("EXPORTS_DUREE_JOURS", default=7)
# Requests neither built nor failed after this many hours are closed as failed by the purge.
EXPORTS_ABANDON_HEURES = env.int("EXPORTS_ABANDON_HEURES", default=6)
EXPORTS_ROOT = env.path("EXPORTS_ROOT", default=BASE_DIR / "var" / "exports")
# The queue export tasks go to (None: Celery's default queue).
EXPORTS_FILE_CELERY = env("EXPORTS_FILE_CELERY", default=None)
# PDFs (reussite.core.pdf): a built document stays this many seconds in the shared cache, under
# the digest of its HTML, so that downloading it again does not lay it out again. It holds a
# child's data: keep it short; 0 turns the cache off.
PDF_CACHE_SECONDES = env.int("PDF_CACHE_SECONDES", default=600)
# A pathway's fiche whose HTML is longer than this many characters (about twelve pages) is built
# in the background, like a large export (parcours/exports_fiche.py); 0: always directly.
PDF_SEUIL_ARRIERE_PLAN = env.int("PDF_SEUIL_ARRIERE_PLAN", default=40000)

# Backups (`manage.py sauvegarder`, docs/exploitation.md): the folder new backups go to, and the
# bin folder of a PostgreSQL client of the server's major version when it is not found by itself
# (/usr/lib/postgresql/<major>/bin, the pgserver wheel of `make run`, the PATH).
REUSSITE_SAUVEGARDES_ROOT = env.path("SAUVEGARDES_ROOT", default=BASE_DIR / "var" / "sauvegardes")
REUSSITE_PG_BIN = env("PG_BIN", default="")

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Seconds an SMTP connection may wait for the server at each step: a hung server fails the
# attempt (retried by the task) instead of holding a worker until the task's time limit.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# Demo only (`make run`): outgoing mail is written to files in EMAIL_FILE_PATH (Django's file
# backend) instead of being sent, and the page /demo/courriels/ shows it to staff accounts.
REUSSITE_DEMO_COURRIELS = env.bool("REUSSITE_DEMO_COURRIELS", default=False)
if REUSSITE_DEMO_COURRIELS:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=BASE_DIR / "var" / "courriels")
# The address links in emails point to (required by the production settings).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Réussite <ne-pas-repondre@reussite.example>"
)

# The cache every node shares (Redis): anything kept across requests must be seen by all the web
# nodes and workers alike, never a per-process memory. Keys carry a prefix, so that the cache can
# share the broker's Redis database; nothing here may call cache.clear() (FLUSHDB would empty the
# broker's queues). Without REDIS_URL (`make run` with its filesystem broker), one folder shared by
# the local processes; the production settings require REDIS_URL.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_PREFIXE", default="reussite"),
            # A Redis outage must not hang a request: fail fast instead.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(BASE_DIR / "var" / "cache"),
        }
    }
# Login lockouts are kept in the database (axes' handler), which every node shares.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
# The broker redelivers an unacknowledged message after this delay (Redis); no countdown or
# ETA may exceed it, or the message would be delivered twice.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = Path(
        env("CELERY_FILESYSTEM_DIR", default=str(BASE_DIR / "var" / "celery-broker"))
    )
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
# Workers and beat wait for the broker to come back instead of exiting.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A task running when the broker connection drops is cancelled and redelivered (acks_late):
# every task here is idempotent, and Celery 6 makes this the default.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "rappels-scanner": {
        "task": "reussite.core.tasks.rappels_scanner",
        "schedule": crontab(hour=6, minute=30),
    },
    "rappels-reprendre": {
        # Picks up immediate reminders that never left (broker down at enqueue time).
        "task": "reussite.core.tasks.rappels_reprendre",
        "schedule": crontab(minute="*/15"),
    },
    "rappels-resume-quotidien": {
        "task": "reussite.core.tasks.resumes_quotidiens",
        "schedule": crontab(hour=17, minute=30),
    },
    "exports-purger": {
        # Built exports are deleted once expired (exports flow).
        "task": "reussite.core.tasks.exports_purger",
        "schedule": crontab(hour=3, minute=40),
    },
    "envois-purger": {
        # Creation forms' one-time tokens (reussite/core/ecriture.py) are kept a week.
        "task": "reussite.core.tasks.envois_purger",
        "schedule": crontab(hour=3, minute=50),
    },
    "permissions-recalculer-nuit": {
        "task": "parcours.tasks.permissions_recalculer_nuit",
        "schedule": crontab(hour=2, minute=15),
    },
    # Data-protection lifecycle (DOMAIN.md, rules 3 and 5).
    "parcours-anonymiser-nuit": {
        "task": "parcours.tasks.parcours_anonymiser_nuit",
        "schedule": crontab(hour=3, minute=15),
    },
    # Issue 18: the platform-wide statistics add up these yearly rows.
    "statistiques-rafraichir-nuit": {
        "task": "parcours.tasks.statistiques_rafraichir_nuit",
        "schedule": crontab(hour=4, minute=10),
    },
    "trace-purger-nuit": {
        "task": "reussite.core.tasks.trace_purger_nuit",
        "schedule": crontab(hour=3, minute=45),
    },
}

# For the run command's test only: every entry of the schedule fires every N seconds.
if _intervalle := env.int("REUSSITE_BEAT_INTERVALLE", default=0):
    from datetime import timedelta as _timedelta

    for _entree in CELERY_BEAT_SCHEDULE.values():
        _entree["schedule"] = _timedelta(seconds=_intervalle)

# Content-Security-Policy: only our own static files, inline scripts only with the nonce.
# 'report-sample' allows nothing more: a refusal's event (and report) carries the first 40
# characters of what was refused, which names the culprit.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, "'report-sample'"],
        "style-src": [SELF, "'report-sample'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
if PROCONNECT_ENABLED:
    # The ProConnect button and the logout form end in redirects to ProConnect (authorization,
    # end of session): browsers apply form-action to the redirects too.
    from urllib.parse import urlsplit as _urlsplit

    for _adresse in {OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_LOGOUT_ENDPOINT}:
        _origine = "{0.scheme}://{0.netloc}".format(_urlsplit(_adresse))
        if _origine not in CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"]:
            CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(_origine)

# Logs: one line per record on the standard error, with the request's id (X-Request-ID, also
# carried by the tasks it enqueues). LOG_JSON writes JSON lines (python-json-logger), the default
# of the production settings. Never a child's name in a message (tests/parcours/test_protection.py).
LOG_JSON = env.bool("LOG_JSON", default=False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"requete_id": {"()": "reussite.core.requete_id.RequeteIdFiltre"}},
    "formatters": {
        "simple": {
            "format": "{levelname} {asctime} {name} [{request_id}] {message}",
            "style": "{",
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_JSON else "simple",
            "filters": ["requete_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
# The worker keeps this configuration (JSON lines, request id) instead of Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Prometheus metrics at /metriques, for `Authorization: Bearer <METRIQUES_JETON>` only (404
# without it, and 404 for everyone while it is empty). Under gunicorn, PROMETHEUS_MULTIPROC_DIR
# (set by gunicorn.conf.py) gathers the workers' counters.
METRIQUES_JETON = env("METRIQUES_JETON", default="")
# A reminder still to send this many minutes after its creation counts as waiting too long.
METRIQUES_RAPPEL_RETARD_MINUTES = env.int("METRIQUES_RAPPEL_RETARD_MINUTES", default=60)

PAGINATION_PAR_PAGE = 25

# The REST API under /api/v1/ (issue 22, README « API »): personal access tokens only (never
# the session), French JSON errors, cursor pagination, throttling per token in the shared cache.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["reussite.core.api.JetonAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["reussite.core.api.PorteeRequise"],
    "DEFAULT_THROTTLE_CLASSES": ["reussite.core.api.JetonThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "jeton": env("API_DEBIT_JETON", default="600/min"),
        "anonyme": env("API_DEBIT_ANONYME", default="120/min"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "reussite.core.api.gestionnaire_erreurs",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Réussite",
    "DESCRIPTION": (
        "API de la plateforme Réussite (Programmes de Réussite Éducative). Authentification : "
        "jeton d’accès personnel (`Authorization: Bearer rsk_…`), créé sur la page « Jetons d’API ». "
        "Chaque appel suit les droits de l’utilisateur du jeton : un objet qu’il ne peut pas "
        "voir répond 404. Le flux data·inclusion des offres publiques est ouvert sans jeton."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI from drf-spectacular-sidecar's static files: no CDN, a strict CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `statut`: each choice set gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "StatutParcoursEnum": "parcours.models.base.Statut",
        "StatutObjectifEnum": "parcours.models.suivi.StatutObjectif",
        "StatutActionEnum": "parcours.models.suivi.StatutAction",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "reussite.core.api.erreurs_documentees",
    ],
}

# Rectification history (django-pghistory): a context (user, URL) only for requests that write.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Access-trail retention, in months: the nightly purge removes older entries (CNIL: 6 to 12
# months; `trace_purger` refuses less than 6).
REUSSITE_JOURNAL_CONSERVATION_MOIS = env.int("REUSSITE_JOURNAL_CONSERVATION_MOIS", default=12)
# Mark optional fields rather than required ones, as the DSFR now recommends.
DSFR_MARK_OPTIONAL_FIELDS = True

# Optional error reporting (sentry-sdk): off unless SENTRY_DSN is set. reussite.core.sentry strips
# request bodies, cookies, query strings and names before anything leaves.
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONNEMENT = env("SENTRY_ENVIRONNEMENT", default="production")
if SENTRY_DSN:
    from reussite.core.sentry import initialiser as _sentry_initialiser

    _sentry_initialiser(SENTRY_DSN, environnement=SENTRY_ENVIRONNEMENT)

# The national operator's identity for the legal notice (issue 19): who publishes the site and
# who hosts it. Each programme's own legal identity (data controller, DPO, legal bases,
# recipients) is its `CadreJuridique`, edited by its team; these are the platform's.
REUSSITE_OPERATEUR = {
    "nom": env("REUSSITE_OPERATEUR_NOM", default=""),
    "adresse": env("REUSSITE_OPERATEUR_ADRESSE", default=""),
    "contact": env("REUSSITE_OPERATEUR_CONTACT", default=""),
    "directeur_publication": env("REUSSITE_DIRECTEUR_PUBLICATION", default=""),
    "hebergeur_nom": env("REUSSITE_HEBERGEUR_NOM", default=""),
    "hebergeur_adresse": env("REUSSITE_HEBERGEUR_ADRESSE", default=""),
    "hebergeur_contact": env("REUSSITE_HEBERGEUR_CONTACT", default=""),
}
