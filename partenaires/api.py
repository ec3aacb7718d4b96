"""The data·inclusion feed of the offers marked public (issue 22): open, without a token.

Each record is built and validated by the `data-inclusion-schema` models
(`partenaires.data_inclusion`); the lists are paginated like data·inclusion's own API
(`page`, `size`), and the export is one JSON file holding both record kinds."""

from django.http import JsonResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from reussite.core.api import AnonymeThrottle, SansConnexionMixin

from . import data_inclusion as di


class PagesDataInclusion(PageNumberPagination):
    page_size = 100
    page_size_query_param = "size"
    max_page_size = 1000


class _Ouvert(SansConnexionMixin):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonymeThrottle]
    pagination_class = PagesDataInclusion


class StructureDataInclusion(serializers.BaseSerializer):
    def to_representation(self, instance):
        return di.enregistrement(di.structure_de(instance))


class ServiceDataInclusion(serializers.BaseSerializer):
    def to_representation(self, instance):
        return di.enregistrement(di.service_de(instance))


@extend_schema(tags=["data·inclusion"], responses={200: OpenApiTypes.OBJECT})
class Structures(_Ouvert, generics.ListAPIView):
    """Les structures qui diffusent au moins une offre publique, au schéma data·inclusion
    (`structures`)."""

    serializer_class = StructureDataInclusion

    def get_queryset(self):
        return di.structures_diffusees()


@extend_schema(tags=["data·inclusion"], responses={200: OpenApiTypes.OBJECT})
class Services(_Ouvert, generics.ListAPIView):
    """Les offres publiques, au schéma data·inclusion (`services`)."""

    serializer_class = ServiceDataInclusion

    def get_queryset(self):
        return di.offres_diffusees()


@extend_schema(tags=["data·inclusion"], responses={200: OpenApiTypes.OBJECT})
class Export(_Ouvert, APIView):
    """Le fichier d’export : toutes les structures et tous les services, au schéma
    data·inclusion, en un document JSON."""

    def get(self, request):
        contenu = {
            "source": di.SOURCE,
            "date": timezone.localdate().isoformat(),
            "structures": [
                di.enregistrement(di.structure_de(x)) for x in di.structures_diffusees()
            ],
            "services": [di.enregistrement(di.service_de(x)) for x in di.offres_diffusees()],
        }
        reponse = JsonResponse(contenu, json_dumps_params={"ensure_ascii": False})
        reponse["Content-Disposition"] = (
            f'attachment; filename="reussite-data-inclusion-{contenu["date"]}.json"'
        )
        return reponse
