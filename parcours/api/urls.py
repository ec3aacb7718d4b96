"""/api/v1/: the versioned API (issue 22). A later version gets its own module and prefix."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from partenaires import api as reseau

from . import vues

app_name = "api"


class JetonSchema(OpenApiAuthenticationExtension):
    """The personal access token, in the schema (Swagger UI's « Authorize »)."""

    target_class = "reussite.core.api.JetonAuthentication"
    name = "jeton"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Jeton d’accès personnel (rsk_…), créé sur la page « Jetons d’API ».",
        }


class Schema(SpectacularAPIView):
    authentication_classes = []
    permission_classes = []


class Documentation(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's static files, its init script served as a
    file (`?script`): the page runs under the site's CSP without 'unsafe-inline'."""

    authentication_classes = []
    permission_classes = []
    url_name = "api:schema"


urlpatterns = [
    path("schema/", login_not_required(Schema.as_view()), name="schema"),
    path("documentation/", login_not_required(Documentation.as_view()), name="documentation"),
    # data·inclusion: open data, no token.
    path(
        "data-inclusion/structures/",
        reseau.Structures.as_view(),
        name="data_inclusion_structures",
    ),
    path("data-inclusion/services/", reseau.Services.as_view(), name="data_inclusion_services"),
    path("data-inclusion/export/", reseau.Export.as_view(), name="data_inclusion_export"),
    # Pathways: a token, the user's access.
    path("parcours/", vues.ParcoursListe.as_view(), name="parcours"),
    path("parcours/<int:pk>/", vues.ParcoursDetail.as_view(), name="parcours_detail"),
    path("parcours/<int:pk>/objectifs/", vues.ObjectifsListe.as_view(), name="objectifs"),
    path("parcours/<int:pk>/actions/", vues.ActionsListe.as_view(), name="actions"),
    path("parcours/<int:pk>/dispositifs/", vues.DispositifsListe.as_view(), name="dispositifs"),
    path(
        "parcours/<int:pk>/actions/<int:action_pk>/",
        vues.ActionDetail.as_view(),
        name="action",
    ),
    path("parcours/<int:pk>/notes/", vues.NotesListe.as_view(), name="notes"),
    path("parcours/<int:pk>/notes/<int:note_pk>/", vues.NoteDetail.as_view(), name="note"),
    # Statistics: the steering role (and the programme's coordination).
    path("statistiques/", vues.Statistiques.as_view(), name="statistiques"),
]
