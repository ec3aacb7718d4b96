from django.urls import path

from . import programmes

app_name = "programmes"

urlpatterns = [
    path("<int:programme_pk>/parametres/", programmes.parametres, name="parametres"),
]
