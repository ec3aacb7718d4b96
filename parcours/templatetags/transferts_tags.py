"""The transfer label of a pathway's page (issue 17, point 3): where it comes from, where it
went, and the link to propose one. One small include in the pathway's page."""

from django import template
from django.core.exceptions import ObjectDoesNotExist

from ..models import MotifSortie, StatutTransfert, Transfert

register = template.Library()


@register.inclusion_tag("parcours/includes/_transfert_etiquette.html", takes_context=True)
def transfert_du_parcours(context):
    parcours, droits = context["parcours"], context["droits"]
    try:
        entrant = parcours.transfert_entrant  # select_related by the page's queryset
    except ObjectDoesNotExist:
        entrant = None
    sortant = None
    if parcours.motif_sortie == MotifSortie.TRANSFERT:
        # Only for a pathway that left by a transfer: the common page pays no query.
        sortant = (
            Transfert.objects.filter(parcours_origine=parcours, statut=StatutTransfert.ACCEPTE)
            .select_related("programme_destination")
            .first()
        )
    return {
        "parcours": parcours,
        "entrant": entrant,
        "sortant": sortant,
        "peut_proposer": droits.coordinateur and parcours.est_ouvert,
        # Each side's coordination opens the transfer's page; others read the label only.
        "lien_transfert": droits.coordinateur,
    }
