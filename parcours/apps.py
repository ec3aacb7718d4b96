from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParcoursConfig(AppConfig):
    name = "parcours"
    verbose_name = _("Parcours")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from partenaires.signals import adhesion_modifiee

        from .exports import enregistrer_les_exports
        from .exports_documents import enregistrer_documents
        from .exports_preuves import enregistrer_preuves
        from .permissions import recalculer_apres_adhesion
        from .rappels import enregistrer_les_genres
        from .selectors.statistiques import noter_acces_statistiques
        from .selectors.transitions import noter_acces_transitions

        # A membership, a charter or a partnership decides who sees which pathway: `partenaires`
        # says it changed, this layer recomputes the permission rows in the same transaction.
        adhesion_modifiee.connect(
            recalculer_apres_adhesion, dispatch_uid="recalculer_apres_adhesion"
        )
        enregistrer_les_genres()
        enregistrer_les_exports()
        enregistrer_preuves()
        enregistrer_documents()
        user_logged_in.connect(noter_acces_statistiques, dispatch_uid="noter_acces_statistiques")
        user_logged_in.connect(noter_acces_transitions, dispatch_uid="noter_acces_transitions")
        # The DPO's console shows the logins of the people assigned to the programme's pathways.
        from reussite.core.selectors.console_dpo import PERSONNES_DU_PROGRAMME

        from .permissions import affectes_du_programme

        if affectes_du_programme not in PERSONNES_DU_PROGRAMME:
            PERSONNES_DU_PROGRAMME.append(affectes_du_programme)
        # The DPO's anomaly views: what an assignment to a pathway is.
        from reussite.core.selectors.anomalies import AFFECTATIONS

        from .permissions import affecte_au_parcours

        if affecte_au_parcours not in AFFECTATIONS:
            AFFECTATIONS.append(affecte_au_parcours)
