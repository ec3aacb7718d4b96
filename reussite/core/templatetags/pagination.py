from django import template
from django.utils.formats import localize
from django.utils.translation import gettext as _

from ..pagination import parametres_sans_page

register = template.Library()


@register.inclusion_tag("components/pagination.html", takes_context=True)
def pagination(context, page):
    """The DSFR pagination of a list: previous, « Page N sur M », next; the links keep the
    request's other parameters (filters, tabs)."""
    return {"page": page, "parametres": parametres_sans_page(context["request"])}


@register.filter
def nombre_resultats(cl) -> str:
    """An admin list's number of rows as admin/pagination.html shows it: « environ N » when
    `PaginationEstimee` read it from the planner's statistics, « plus de N » when it stopped
    counting at its cap."""
    paginateur = cl.paginator
    if getattr(paginateur, "plafonne", False):
        return _("plus de %(nombre)s") % {"nombre": localize(paginateur.PLAFOND)}
    if getattr(paginateur, "estime", False):
        return _("environ %(nombre)s") % {"nombre": localize(cl.result_count)}
    return localize(cl.result_count)
