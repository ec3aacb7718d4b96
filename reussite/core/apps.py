from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "reussite.core"
    label = "core"
    verbose_name = _("Cœur de la plateforme")

    def ready(self):
        # context_processors: its receivers keep the cached DSFR site configuration fresh.
        from . import (  # noqa: F401
            checks,
            context_processors,
            deux_facteurs,
            lookups,
            metriques,
            requete_id,
            sessions,
            signals,
        )

        sessions.brancher_appareils()
        metriques.brancher()
        requete_id.brancher_celery()
        # After every migrate (as the owner), the application role gets its rights.
        from .privileges import accorder_droits_application

        post_migrate.connect(accorder_droits_application, sender=self)
