"""/api/v1/: the versioned API (issue 22). A later version gets its own module and prefix."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path
from django.utils import translation
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView, SpectacularSwaggerSplitView

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


# The rendered schema per (lang parameter, active language, version, media type): bytes,
# Content-Type, Content-Disposition. It only changes with the code, so a process keeps it until
# it ends (a deployment starts new processes). Bounded: `lang` and `version` come from the query
# string, and an unknown value must not grow the dict forever.
_SCHEMAS: dict[tuple, tuple[bytes, str, str]] = {}
_SCHEMAS_MAX = 32


class Schema(SpectacularAPIView):
    """The OpenAPI schema, generated once per process and kind of request (issue 18: generating
    and rendering it took 35 ms of CPU on every request, 250 ms on a process's first). It is
    public and generated for an anonymous request (no authentication here), so it depends on the
    code, the language and the version asked for, not on who asks."""

    authentication_classes = []
    permission_classes = []

    @extend_schema(**SCHEMA_KWARGS)  # as the parent's: the schema is not in the schema
    def get(self, request, *args, **kwargs):
        cle = (
            request.GET.get("lang") if settings.USE_I18N else None,
            translation.get_language(),
            self.api_version or request.version or self._get_version_parameter(request),
            request.accepted_media_type,
        )
        rendu = _SCHEMAS.get(cle)
        if rendu is None:
            reponse = super().get(request, *args, **kwargs)
            # Rendered here as DRF would render it after the view (same renderer, same context,
            # outside the `lang` override, as DRF's own rendering is).
            reponse.accepted_renderer = request.accepted_renderer
            reponse.accepted_media_type = request.accepted_media_type
            reponse.renderer_context = self.get_renderer_context()
            reponse.render()
            rendu = (
                reponse.content,
                reponse["Content-Type"],
                reponse["Content-Disposition"],
            )
            if len(_SCHEMAS) >= _SCHEMAS_MAX:
                _SCHEMAS.clear()
            _SCHEMAS[cle] = rendu
        contenu, type_contenu, disposition = rendu
        return HttpResponse(
            contenu, content_type=type_contenu, headers={"Content-Disposition": disposition}
        )


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
