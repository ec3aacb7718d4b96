import time

from django.db.models.signals import post_delete, post_save
from dsfr.models import DsfrConfig

from . import roles
from .sessions import expire_dans

# django-dsfr's site configuration (title, brand, notice, mourning) changes a few times a year,
# through the administration, yet its context processor reads it with one or two queries on
# every page (issue 18, point 3). It is kept here per process and language: a save or a delete
# in this process empties it at once, the other processes and nodes read it again within
# DUREE_CONFIG_DSFR seconds.
DUREE_CONFIG_DSFR = 60
_config_dsfr: dict[str, tuple[float, DsfrConfig | None]] = {}


def vider_config_dsfr(**kwargs) -> None:
    _config_dsfr.clear()


post_save.connect(vider_config_dsfr, sender=DsfrConfig, dispatch_uid="vider_config_dsfr_save")
post_delete.connect(vider_config_dsfr, sender=DsfrConfig, dispatch_uid="vider_config_dsfr_delete")


def site_config(request):
    """What `dsfr.context_processors.site_config` gives the templates (the configuration in the
    current language, else the first one), read at most once a minute per process."""
    from django.utils.translation import get_language

    langue = get_language()
    maintenant = time.time()
    trouvee = _config_dsfr.get(langue)
    if trouvee is None or trouvee[0] < maintenant:
        config = DsfrConfig.objects.filter(language=langue).first() or DsfrConfig.objects.first()
        trouvee = _config_dsfr[langue] = (maintenant + DUREE_CONFIG_DSFR, config)
    return {"SITE_CONFIG": trouvee[1]}


def navigation(request):
    """Role flags for the header menu, computed lazily so that pages that do not show them
    pay no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def programmes_coordonnes():
        return list(roles.programmes_coordonnes(user))

    from django.conf import settings

    def session_verifiee() -> bool:
        # Installed by DeuxFacteursMiddleware; absent when a page is rendered without it.
        est_verifie = getattr(user, "is_verified", None)
        return est_verifie() if callable(est_verifie) else True

    return {
        "nav_programmes_coordonnes": programmes_coordonnes,
        # Before the second factor, the bell's fragment is refused (403): do not ask for it.
        "session_verifiee": session_verifiee,
        "session_alerte": settings.REUSSITE_SESSION_ALERTE,
        # Counted from the last renewal: the session is not renewed on every request.
        "session_expire_dans": lambda: expire_dans(request.session),
    }
