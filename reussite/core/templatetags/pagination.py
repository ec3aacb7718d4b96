from django import template

from ..pagination import parametres_sans_page

register = template.Library()


@register.inclusion_tag("components/pagination.html", takes_context=True)
def pagination(context, page):
    """The DSFR pagination of a list: previous, « Page N sur M », next; the links keep the
    request's other parameters (filters, tabs)."""
    return {"page": page, "parametres": parametres_sans_page(context["request"])}


@register.filter
def compte_estime(cl) -> bool:
    """An admin list whose count is the planner's estimate (`PaginationEstimee`), not a count:
    admin/pagination.html says « environ »."""
    return getattr(cl.paginator, "estime", False)
