from . import roles


def navigation(request):
    """Role flags for the header menu, computed lazily so that pages that do not show them
    pay no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def programmes_coordonnes():
        return list(roles.programmes_coordonnes(user))

    from django.conf import settings

    return {
        "nav_programmes_coordonnes": programmes_coordonnes,
        "session_alerte": settings.REUSSITE_SESSION_ALERTE,
    }
