"""EPS meetings, mounted at /parcours/eps/."""

from django.urls import path

from .views import eps

urlpatterns = [
    path("", eps.eps_liste, name="eps_liste"),
    path("planifier/", eps.eps_planifier, name="eps_planifier"),
    path("<int:reunion_pk>/", eps.eps_reunion, name="eps_reunion"),
    path("<int:reunion_pk>/ajouter/", eps.eps_ajouter, name="eps_ajouter"),
    path("<int:reunion_pk>/proposes/", eps.eps_confirmer, name="eps_confirmer"),
    path("<int:reunion_pk>/presences/", eps.eps_presences, name="eps_presences"),
    path(
        "<int:reunion_pk>/examens/<int:examen_pk>/",
        eps.eps_examen,
        name="eps_examen",
    ),
    path(
        "<int:reunion_pk>/examens/<int:examen_pk>/retirer/",
        eps.eps_retirer,
        name="eps_retirer",
    ),
    path(
        "<int:reunion_pk>/ordre-du-jour/",
        eps.eps_imprimer,
        {"document": "ordre_du_jour"},
        name="eps_ordre_du_jour",
    ),
    path(
        "<int:reunion_pk>/releve/",
        eps.eps_imprimer,
        {"document": "releve"},
        name="eps_releve",
    ),
]
