from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, TEMPLATES, env

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["journal"]["TEST"] = {"DEPENDENCIES": []}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://")
CELERY_TASK_ALWAYS_EAGER = False
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)


class UnknownTemplateVariable(str):
    """Guard-rail: a variable that one of *our* templates uses but the context lacks fails the
    test instead of rendering "". Third-party templates (django-dsfr) rely on the silent
    default, so the check looks up which template the failing node comes from."""

    def __contains__(self, item):
        return item == "%s"

    def __mod__(self, variable):
        import inspect

        from django.template.base import Node

        frame = inspect.currentframe().f_back
        while frame is not None:
            node = frame.f_locals.get("self")
            if isinstance(node, Node) and getattr(node, "origin", None) is not None:
                if str(node.origin.name).startswith(str(BASE_DIR / "templates")):
                    raise NameError(f"Unknown variable {variable!r} in {node.origin.name}")
                return ""
            frame = frame.f_back
        return ""


TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = UnknownTemplateVariable("%s")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
