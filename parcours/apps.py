from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParcoursConfig(AppConfig):
    name = "parcours"
    verbose_name = _("Parcours")

    def ready(self):
        from partenaires.hooks import enregistrer_apres_changement_adhesion, fournir

        from .permissions import permissions_recalculer_pour_professionnel
        from .rappels import enregistrer_les_genres
        from .selectors.mutualisation import consommation_conventions, offres_avec_utilisation

        enregistrer_apres_changement_adhesion(permissions_recalculer_pour_professionnel)
        fournir("offres_avec_utilisation", offres_avec_utilisation)
        fournir("consommation_conventions", consommation_conventions)
        enregistrer_les_genres()
