from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "reussite.core"
    label = "core"
    verbose_name = _("Cœur de la plateforme")

    def ready(self):
        from . import checks, deux_facteurs, metriques, requete_id, sessions, signals  # noqa: F401

        sessions.brancher_appareils()
        metriques.brancher()
        requete_id.brancher_celery()
