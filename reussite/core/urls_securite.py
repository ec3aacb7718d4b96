from django.urls import path

from . import views_jetons
from . import views_securite as vues

app_name = "securite"

urlpatterns = [
    path("double-authentification/activer/", vues.inscription, name="inscription"),
    path("double-authentification/verifier/", vues.verification, name="verification"),
    path("double-authentification/codes-de-secours/", vues.codes_secours, name="codes_secours"),
    path(
        "double-authentification/codes-de-secours/regenerer/",
        vues.codes_secours_regenerer,
        name="codes_secours_regenerer",
    ),
    path("sessions/", vues.mes_sessions, name="mes_sessions"),
    path("sessions/terminer/", vues.session_terminer, name="session_terminer"),
    path("sessions/maintenir/", vues.session_maintenir, name="session_maintenir"),
    path("jetons/", views_jetons.mes_jetons, name="mes_jetons"),
    path("jetons/revoquer/", views_jetons.jeton_revoquer_vue, name="jeton_revoquer"),
]
