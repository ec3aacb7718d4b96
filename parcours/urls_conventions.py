"""URLs of the conventions pages (included by parcours/urls_reseau.py, in the `partenaires`
namespace, under /partenaires/conventions/)."""

from django.urls import path

from .views import conventions as v

urlpatterns = [
    path("", v.convention_liste, name="convention_liste"),
    path("nouvelle/", v.convention_creer, name="convention_creer"),
    path("<int:pk>/", v.convention_detail, name="convention_detail"),
    path("<int:pk>/modifier/", v.convention_modifier, name="convention_modifier"),
    path("<int:pk>/parties/", v.convention_partie_ajouter, name="convention_partie_ajouter"),
    path(
        "<int:pk>/parties/<int:partie_pk>/signataire/",
        v.convention_partie_modifier,
        name="convention_partie_modifier",
    ),
    path(
        "<int:pk>/parties/<int:partie_pk>/retirer/",
        v.convention_partie_retirer,
        name="convention_partie_retirer",
    ),
    path(
        "<int:pk>/parties/<int:partie_pk>/engagements/",
        v.convention_engagement_ajouter,
        name="convention_engagement_ajouter",
    ),
    path(
        "<int:pk>/engagements/<int:engagement_pk>/retirer/",
        v.convention_engagement_retirer,
        name="convention_engagement_retirer",
    ),
    path("<int:pk>/document/", v.convention_document, name="convention_document"),
    path(
        "<int:pk>/document/deposer/",
        v.convention_document_deposer,
        name="convention_document_deposer",
    ),
    path("<int:pk>/signer/", v.convention_signer, name="convention_signer"),
    path("<int:pk>/en-vigueur/", v.convention_mettre_en_vigueur, name="convention_en_vigueur"),
    path("<int:pk>/expirer/", v.convention_expirer, name="convention_expirer"),
    path("<int:pk>/resilier/", v.convention_resilier, name="convention_resilier"),
    path("<int:pk>/renouveler/", v.convention_renouveler, name="convention_renouveler"),
]
