from django.urls import path

from . import views

app_name = "parcours"

urlpatterns = [
    path("", views.parcours_liste, name="liste"),
    path("nouveau/", views.parcours_creer, name="creer"),
    path("<int:pk>/", views.parcours_detail, name="detail"),
    path("<int:pk>/modifier/", views.parcours_modifier_vue, name="modifier"),
    path("<int:pk>/enfant/", views.enfant_modifier_vue, name="modifier_enfant"),
    path("<int:pk>/famille/", views.famille_modifier_vue, name="modifier_famille"),
    path("<int:pk>/statut/", views.parcours_changer_statut_vue, name="changer_statut"),
    path("<int:pk>/sortie/", views.parcours_sortir_vue, name="sortir"),
    path("<int:pk>/consentement/", views.consentement_ajouter_vue, name="consentement"),
]
