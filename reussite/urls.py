from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from parcours.views import pages as parcours_views
from reussite.core import views as core_views

urlpatterns = [
    path("", parcours_views.tableau_de_bord, name="accueil"),
    path("connexion/", core_views.ConnexionView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/", include("reussite.core.urls_password")),
    path("notifications/", include("reussite.core.urls_notifications")),
    path("parcours/", include("parcours.urls")),
    path("programmes/", include("reussite.core.urls_programmes")),
    path("partenaires/", include("partenaires.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "reussite.core.views.page_introuvable"
