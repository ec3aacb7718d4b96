from django import template

register = template.Library()


@register.inclusion_tag("components/pagination.html", takes_context=True)
def pagination(context, page):
    """The DSFR pagination of a list: previous, « Page N sur M », next; the links keep the
    request's other parameters (filters, tabs)."""
    parametres = context["request"].GET.copy()
    parametres.pop("page", None)
    return {"page": page, "parametres": parametres.urlencode()}
