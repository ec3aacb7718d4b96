from django.urls import include, path

app_name = "partenaires"

urlpatterns = [
    path("", include("partenaires.urls_exports")),
    path("", include("partenaires.urls_annuaire")),
    path("conventions/", include("partenaires.urls_conventions")),
]
