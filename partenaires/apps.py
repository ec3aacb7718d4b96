from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartenairesConfig(AppConfig):
    name = "partenaires"
    verbose_name = _("Partenaires")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .exports import enregistrer_les_exports
        from .rappels import enregistrer_les_genres
        from .selectors.conventions import noter_acces_conventions

        enregistrer_les_genres()
        enregistrer_les_exports()

        user_logged_in.connect(noter_acces_conventions, dispatch_uid="noter_acces_conventions")
