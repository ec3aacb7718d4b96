"""The data·inclusion feed of the offers marked public (issue 22): open, without a token.

Each record is built and validated by the `data-inclusion-schema` models
(`partenaires.data_inclusion`); the lists are paginated like data·inclusion's own API
(`page`, `size`), and the export is one JSON file holding both record kinds, streamed."""

import json
from collections.abc import Iterator
from itertools import islice

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
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
        jour = timezone.localdate().isoformat()
        reponse = StreamingHttpResponse(_export_json(jour), content_type="application/json")
        reponse["Content-Disposition"] = (
            f'attachment; filename="reussite-data-inclusion-{jour}.json"'
        )
        return reponse


LOT = 500


def _json(valeur) -> str:
    return json.dumps(valeur, ensure_ascii=False, cls=DjangoJSONEncoder)


def _enregistrements(lignes, en_modele) -> Iterator[str]:
    """The records of `lignes` as JSON, comma-separated, `LOT` at a time: the rows are read
    through a server-side cursor and each batch leaves before the next is built."""
    lignes = iter(lignes)
    premier = True
    while lot := list(islice(lignes, LOT)):
        texte = ",".join(_json(di.enregistrement(en_modele(x))) for x in lot)
        yield texte if premier else "," + texte
        premier = False


def _export_json(jour: str) -> Iterator[str]:
    """The whole feed as one JSON document, sent as it is built (issue 18: every public offer
    of the platform, thousands at national scale, the first byte at once): the same document
    as `{"source", "date", "structures": [...], "services": [...]}` built in memory."""
    yield f'{{"source": {_json(di.SOURCE)}, "date": {_json(jour)}, "structures": ['
    yield from _enregistrements(di.structures_diffusees().iterator(LOT), di.structure_de)
    yield '], "services": ['
    yield from _enregistrements(di.offres_diffusees().iterator(LOT), di.service_de)
    yield "]}"
