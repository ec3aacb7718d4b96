"""The public legal pages (issue 19), linked from the footer of every page."""

from django.urls import path

from . import juridique

app_name = "juridique"

urlpatterns = [
    path("mentions-legales/", juridique.mentions_legales, name="mentions_legales"),
    path("donnees-personnelles/", juridique.donnees_personnelles, name="donnees_personnelles"),
    path(
        "donnees-personnelles/notice-familles/",
        juridique.notice_familles,
        name="notice_familles",
    ),
    path(
        "donnees-personnelles/notice-familles.pdf",
        juridique.notice_familles_pdf,
        name="notice_familles_pdf",
    ),
    path("gestion-des-cookies/", juridique.cookies, name="cookies"),
    path("plan-du-site/", juridique.plan_du_site, name="plan_du_site"),
    path("accessibilite/", juridique.accessibilite, name="accessibilite"),
]
