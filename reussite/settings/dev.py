from .base import *  # noqa: F403
from .base import env

# The demo (`make run`) behaves like production: the product's own 404 and 500 pages, static
# files served by whitenoise. What it needs beyond that hangs on explicit demo settings
# (REUSSITE_DEMO_COURRIELS, REUSSITE_2FA_EXEMPTER_DEMO), which the run command sets.
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A fictional operator for the demo and the tests (production reads REUSSITE_OPERATEUR_* and a
# system check warns when they are empty).
REUSSITE_OPERATEUR = {
    **{
        "nom": "Opérateur national de démonstration",
        "adresse": "1 rue de l’Exemple, 75000 Paris",
        "contact": "contact@operateur.exemple.test",
        "directeur_publication": "La directrice de l’opérateur de démonstration",
        "hebergeur_nom": "Hébergeur de démonstration",
        "hebergeur_adresse": "2 avenue du Nuage, 59000 Lille",
        "hebergeur_contact": "support@hebergeur.exemple.test",
    },
    **{cle: valeur for cle, valeur in REUSSITE_OPERATEUR.items() if valeur},  # noqa: F405
}
