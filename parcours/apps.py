from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParcoursConfig(AppConfig):
    name = "parcours"
    verbose_name = _("Parcours")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from partenaires.hooks import enregistrer_apres_changement_adhesion, fournir

        from .exports import enregistrer_les_exports
        from .permissions import permissions_recalculer_pour_professionnel
        from .rappels import enregistrer_les_genres
        from .selectors.mutualisation import consommation_conventions, offres_avec_utilisation
        from .selectors.statistiques import noter_acces_statistiques

        enregistrer_apres_changement_adhesion(permissions_recalculer_pour_professionnel)
        fournir("offres_avec_utilisation", offres_avec_utilisation)
        fournir("consommation_conventions", consommation_conventions)
        enregistrer_les_genres()
        enregistrer_les_exports()
        user_logged_in.connect(noter_acces_statistiques, dispatch_uid="noter_acces_statistiques")
