"""The API on pathways (issue 22): the same access module, forms and services as the pages.

Lists start from `visibles_par` (the pages' selector and filters); one pathway and its
sub-objects are fetched through `parcours.access`, which authorises and traces the read in the
access trail (a 404 for whoever may not see it, traced as a refusal). Writes bind the page's
form to the JSON body (same validation, same querysets limited to the programme, French
errors) and call the page's service, once per idempotency key.
"""

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from reussite.core.api import (
    EN_TETE_IDEMPOTENCE,
    PorteeRequise,
    SansConnexionMixin,
    creer_une_fois,
    messages_par_champ,
)
from reussite.core.charte import charte_acceptee
from reussite.core.models import PorteeJeton

from ..access import Capacite, action_pour, note_pour, parcours_pour
from ..filters import ParcoursFilter
from ..forms import ActionAvancementForm, ActionForm, NoteForm
from ..models import Action, Dispositif, Note, Objectif
from ..selectors import indicateurs_enquete, parcours_par_pk, parcours_pour_liste, perimetre_pour
from ..selectors.actions import offres_du_parcours
from ..selectors.journal import notes_lisibles
from ..services import action_avancer, action_creer, note_ajouter
from . import serializers as s

CLE = OpenApiParameter(
    EN_TETE_IDEMPOTENCE,
    OpenApiTypes.UUID,
    OpenApiParameter.HEADER,
    required=True,
    description=_(
        "Un UUID neuf par création : renvoyée avec la même clé, rien n’est créé deux fois."
    ),
)


class CharteAcceptee(BasePermission):
    """A child's data only after the confidentiality charter, as on the pages (the charter
    middleware leaves /api/ alone: the acceptance is checked here, on the token's user)."""

    message = _(
        "Acceptez la charte de confidentialité dans Réussite avant d’accéder aux données "
        "d’un enfant."
    )

    def has_permission(self, request, view):
        return charte_acceptee(request.user)


class ParPk(CursorPagination):
    ordering = "pk"
    page_size = 50
    max_page_size = 200
    page_size_query_param = "taille"


class _PageParIds:
    """What `CursorPagination.paginate_queryset` calls on its queryset (`order_by`, `filter`,
    a slice), with the slice deferred as in reussite.core.pagination.PaginationDifferee: the
    page's ids are sorted and limited on the base table alone, inside the query that joins what
    a row shows, so that the joins read the page's rows only. Still one query."""

    def __init__(self, queryset):
        self.queryset = queryset

    def order_by(self, *champs):
        return _PageParIds(self.queryset.order_by(*champs))

    def filter(self, *args, **kwargs):
        return _PageParIds(self.queryset.filter(*args, **kwargs))

    def __getitem__(self, tranche):
        ids = self.queryset.values("pk")[tranche]
        lignes = self.queryset.model._default_manager.filter(pk__dans_tableau=ids)
        lignes.query.select_related = self.queryset.query.select_related
        return lignes.order_by(*self.queryset.query.order_by)


class ParPkDifferee(ParPk):
    """`ParPk` for a list whose rows join several tables (issue 18): with `ORDER BY pk LIMIT`
    over the joined rows, PostgreSQL joined every row the user may see (3,004 for a
    coordinator) before sorting them, a hash join having lost the order of the ids."""

    def paginate_queryset(self, queryset, request, view=None):
        return super().paginate_queryset(_PageParIds(queryset), request, view)


class ApiParcours(SansConnexionMixin):
    permission_classes = [PorteeRequise, CharteAcceptee]
    portee = PorteeJeton.PARCOURS_LECTURE
    portee_ecriture = PorteeJeton.PARCOURS_ECRITURE


class FiltreParcoursApi(ParcoursFilter):
    """The list page's filters, without its sort (the cursor orders by id)."""

    tri = None


@extend_schema(tags=["parcours"])
class ParcoursListe(ApiParcours, generics.ListAPIView):
    """Les parcours que l’utilisateur du jeton peut voir (mêmes filtres que la liste)."""

    serializer_class = s.ParcoursSerializer
    pagination_class = ParPkDifferee
    filterset_class = FiltreParcoursApi

    def get_queryset(self):
        return parcours_par_pk(self.request.user)


@extend_schema(tags=["parcours"])
class ParcoursDetail(ApiParcours, generics.RetrieveAPIView):
    """Un parcours : 404 si l’utilisateur du jeton ne peut pas le voir (accès tracé)."""

    serializer_class = s.ParcoursSerializer

    def get_object(self):
        return parcours_pour(
            user=self.request.user,
            pk=self.kwargs["pk"],
            queryset=parcours_pour_liste(self.request.user),
        )


class _SousListe(ApiParcours, generics.ListAPIView):
    """A sub-list of one pathway: the pathway through the access module first."""

    pagination_class = ParPk
    capacite = Capacite.LECTURE

    def parcours(self):
        if not hasattr(self, "_parcours"):
            self._parcours = parcours_pour(
                user=self.request.user, pk=self.kwargs["pk"], capacite=self.capacite
            )
        return self._parcours


@extend_schema(tags=["parcours"])
class ObjectifsListe(_SousListe):
    """Les objectifs d’un parcours."""

    serializer_class = s.ObjectifSerializer
    queryset = Objectif.objects.none()  # the model, for the schema

    def get_queryset(self):
        return Objectif.objects.filter(parcours=self.parcours())


@extend_schema(tags=["parcours"])
class DispositifsListe(_SousListe):
    """Les autres dispositifs de l’enfant, comme sur la synthèse du parcours : les mesures
    d’AEMO, de placement ASE, de suivi CMP/CMPP et les PPS pour le référent et la
    coordination seulement."""

    serializer_class = s.DispositifSerializer
    queryset = Dispositif.objects.none()  # the model, for the schema

    def get_queryset(self):
        parcours = self.parcours()
        return Dispositif.objects.filter(parcours=parcours).lisibles(equipe=parcours.droits.equipe)


@extend_schema(tags=["parcours"])
class ActionsListe(_SousListe, generics.CreateAPIView):
    """Les actions d’un parcours ; en POST, ajouter une action (mêmes règles que la page)."""

    serializer_class = s.ActionSerializer
    queryset = Action.objects.none()  # the model, for the schema

    def get_queryset(self):
        return Action.objects.filter(parcours=self.parcours()).select_related("structure")

    @extend_schema(
        request=s.ActionCreationSerializer,
        responses={201: s.ActionSerializer, 200: s.ActionSerializer},
        parameters=[CLE],
    )
    def post(self, request, pk):
        parcours = parcours_pour(user=request.user, pk=pk, capacite=Capacite.MODIFICATION)
        corps = s.ActionCreationSerializer(data=request.data)
        corps.is_valid(raise_exception=True)
        form = ActionForm(
            _donnees(corps.validated_data),
            parcours=parcours,
            offres=offres_du_parcours(parcours),
            avec_confirmation=True,
        )
        _valider(form)
        donnees = form.donnees()
        return _creation(
            request,
            lambda: action_creer(
                parcours=parcours,
                donnees=donnees,
                auteur=request.user,
                capacite_confirmee=form.cleaned_data.get("confirmer_capacite", False),
            ),
            adresse=lambda action: reverse(
                "api:action", kwargs={"pk": parcours.pk, "action_pk": action.pk}
            ),
            lire=lambda pk_cree: (
                Action.objects.filter(parcours=parcours, pk=pk_cree)
                .select_related("structure")
                .first()
            ),
            serializer=s.ActionSerializer,
        )


@extend_schema(tags=["parcours"])
class ActionDetail(ApiParcours, generics.RetrieveAPIView):
    """Une action d’un parcours ; en PATCH, la faire avancer."""

    serializer_class = s.ActionSerializer

    def get_object(self):
        return action_pour(
            user=self.request.user,
            pk=self.kwargs["pk"],
            action_pk=self.kwargs["action_pk"],
            capacite=Capacite.LECTURE,
        )

    @extend_schema(request=s.ActionAvancementSerializer, responses={200: s.ActionSerializer})
    def patch(self, request, pk, action_pk):
        """Faire avancer une action (statut et résultat), comme la page : l’équipe et le
        professionnel qui la réalise. Le corps porte la `version` lue : une version périmée
        répond 409 et n’écrit rien."""
        action = action_pour(
            user=request.user, pk=pk, action_pk=action_pk, capacite=Capacite.SUIVI_ACTION
        )
        corps = s.ActionAvancementSerializer(data=request.data)
        corps.is_valid(raise_exception=True)
        valeurs = dict(corps.validated_data)
        version = valeurs.pop("version")
        form = ActionAvancementForm(_donnees(valeurs), instance=action)
        _valider(form)
        avancee = action_avancer(
            action=action,
            statut=form.cleaned_data["statut"],
            resultat=form.cleaned_data["resultat"],
            version=version,
            auteur=request.user,
        )
        return Response(s.ActionSerializer(avancee).data)


@extend_schema(tags=["parcours"])
class NotesListe(_SousListe, generics.CreateAPIView):
    """Les notes du journal que l’utilisateur du jeton peut lire ; en POST, écrire une note."""

    serializer_class = s.NoteSerializer
    queryset = Note.objects.none()  # the model, for the schema

    def get_queryset(self):
        parcours = self.parcours()
        return notes_lisibles(self.request.user, parcours, parcours.droits).prefetch_related(None)

    @extend_schema(
        request=s.NoteCreationSerializer,
        responses={201: s.NoteSerializer, 200: s.NoteSerializer},
        parameters=[CLE],
    )
    def post(self, request, pk):
        parcours = parcours_pour(user=request.user, pk=pk, capacite=Capacite.NOTE)
        corps = s.NoteCreationSerializer(data=request.data)
        corps.is_valid(raise_exception=True)
        form = NoteForm(corps.validated_data)
        _valider(form)
        return _creation(
            request,
            lambda: note_ajouter(parcours=parcours, auteur=request.user, **form.cleaned_data),
            adresse=lambda note: reverse(
                "api:note", kwargs={"pk": parcours.pk, "note_pk": note.pk}
            ),
            lire=lambda pk_cree: (
                notes_lisibles(request.user, parcours, parcours.droits).filter(pk=pk_cree).first()
            ),
            serializer=s.NoteSerializer,
        )


@extend_schema(tags=["parcours"])
class NoteDetail(ApiParcours, generics.RetrieveAPIView):
    """Une note du journal, si l’utilisateur du jeton peut la lire."""

    serializer_class = s.NoteSerializer

    def get_object(self):
        return note_pour(
            user=self.request.user,
            pk=self.kwargs["pk"],
            note_pk=self.kwargs["note_pk"],
            capacite=Capacite.LECTURE,
        )


def _donnees(valeurs: dict) -> dict:
    """The validated body as a form's data: None is an empty field."""
    return {cle: ("" if valeur is None else valeur) for cle, valeur in valeurs.items()}


def _valider(form) -> None:
    if not form.is_valid():
        raise serializers.ValidationError(messages_par_champ(form.errors))


def _creation(request, creer, *, adresse, lire, serializer):
    objet, suite, cree = creer_une_fois(request, creer, adresse=adresse)
    if not cree:
        # The same key again: what the first request created, never a second row.
        objet = lire(int(suite.rstrip("/").rsplit("/", 1)[-1]))
    reponse = Response(
        serializer(objet).data, status=status.HTTP_201_CREATED if cree else status.HTTP_200_OK
    )
    reponse["Location"] = suite
    return reponse


# --- Statistics ----------------------------------------------------------------------------


class ParametresStatistiques(serializers.Serializer):
    programme = serializers.CharField(required=False, help_text=_("Identifiant, ou « tous »."))
    annee = serializers.IntegerField(required=False, min_value=2000, max_value=2100)


@extend_schema(
    tags=["statistiques"],
    parameters=[ParametresStatistiques],
    responses=s.StatistiquesSerializer,
)
class Statistiques(SansConnexionMixin, APIView):
    """Les indicateurs de l’enquête nationale annuelle d’un programme (ou de tous, pour la
    vue nationale), avec le même masquage des petits effectifs que la page des statistiques."""

    portee = PorteeJeton.STATISTIQUES

    def get(self, request):
        parametres = ParametresStatistiques(data=request.query_params)
        parametres.is_valid(raise_exception=True)
        perimetre = perimetre_pour(request.user, parametres.validated_data.get("programme"))
        annee = parametres.validated_data.get("annee") or date.today().year
        lignes = indicateurs_enquete(perimetre, annee)
        return Response(
            {
                "programme": perimetre.libelle,
                "annee": annee,
                "indicateurs": [
                    {"rubrique": r, "indicateur": i, "valeur": str(v)} for r, i, v in lignes
                ],
            }
        )
