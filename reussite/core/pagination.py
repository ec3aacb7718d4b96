def parametres_sans_page(requete) -> str:
    """The request's query string without `page`: what a list's other links (pagination,
    exports) carry so that they keep its filters."""
    parametres = requete.GET.copy()
    parametres.pop("page", None)
    return parametres.urlencode()
