from django.urls import path

from . import notifications

app_name = "notifications"

urlpatterns = [
    path("", notifications.notifications, name="liste"),
    path("compteur/", notifications.compteur, name="compteur"),
    path("tout-lire/", notifications.notifications_tout_lire, name="tout_lire"),
    path("preferences/", notifications.preferences, name="preferences"),
    path("<int:rappel_pk>/ouvrir/", notifications.notification_ouvrir, name="ouvrir"),
    path("<int:rappel_pk>/lu/", notifications.notification_lue, name="lue"),
    path("echecs/", notifications.echecs, name="echecs"),
    path("echecs/<int:rappel_pk>/renvoyer/", notifications.echec_renvoyer, name="renvoyer"),
]
