"""The core's one URL file: one pattern list per flow, each mounted by reussite/urls.py under
its prefix and namespace (`include((securite_urls, "securite"))`). URL names and paths are those the
pages have always had."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path, reverse_lazy

from .forms import ChangementMotDePasseForm, NouveauMotDePasseForm, ReinitialisationForm
from .proconnect import ProConnectDebutView, ProConnectRetourView
from .views import (
    anomalies,
    cadre,
    comptes_service,
    console_dpo,
    demo,
    juridique,
    notifications,
    programmes,
)
from .views import exports as v
from .views import jetons as views_jetons
from .views import securite as vues

securite_urls = [
    path("double-authentification/activer/", vues.inscription, name="inscription"),
    path("double-authentification/verifier/", vues.verification, name="verification"),
    path("double-authentification/codes-de-secours/", vues.codes_secours, name="codes_secours"),
    path(
        "double-authentification/codes-de-secours/regenerer/",
        vues.codes_secours_regenerer,
        name="codes_secours_regenerer",
    ),
    path("sessions/", vues.mes_sessions, name="mes_sessions"),
    path("sessions/terminer/", vues.session_terminer, name="session_terminer"),
    path("sessions/maintenir/", vues.session_maintenir, name="session_maintenir"),
    path("jetons/", views_jetons.mes_jetons, name="mes_jetons"),
    path("jetons/revoquer/", views_jetons.jeton_revoquer_vue, name="jeton_revoquer"),
]


password_urls = [
    path(
        "oubli/",
        login_not_required(
            # The form enqueues the mail (reussite.core.reinitialisation holds its templates).
            auth_views.PasswordResetView.as_view(form_class=ReinitialisationForm)
        ),
        name="password_reset",
    ),
    path(
        "oubli/envoye/",
        login_not_required(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "reinitialiser/<uidb64>/<token>/",
        login_not_required(
            auth_views.PasswordResetConfirmView.as_view(form_class=NouveauMotDePasseForm)
        ),
        name="password_reset_confirm",
    ),
    path(
        "reinitialiser/termine/",
        login_not_required(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path(
        "changer/",
        auth_views.PasswordChangeView.as_view(
            form_class=ChangementMotDePasseForm, success_url=reverse_lazy("password_change_done")
        ),
        name="password_change",
    ),
    path(
        "changer/termine/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
]


notifications_urls = [
    path("", notifications.notifications, name="liste"),
    path("compteur/", notifications.compteur, name="compteur"),
    path("tout-lire/", notifications.notifications_tout_lire, name="tout_lire"),
    path("preferences/", notifications.preferences, name="preferences"),
    path("<int:rappel_pk>/ouvrir/", notifications.notification_ouvrir, name="ouvrir"),
    path("<int:rappel_pk>/lu/", notifications.notification_lue, name="lue"),
    path("echecs/", notifications.echecs, name="echecs"),
    path("echecs/<int:rappel_pk>/renvoyer/", notifications.echec_renvoyer, name="renvoyer"),
]


# Background exports (included by reussite/urls.py under `exports/`).
exports_urls = [
    path("demander/", v.demander, name="demander"),
    path("<int:demande_pk>/", v.demande_detail, name="demande"),
    path("<int:demande_pk>/fichier/", v.demande_fichier, name="fichier"),
]


programmes_urls = [
    path("<int:programme_pk>/parametres/", programmes.parametres, name="parametres"),
    # The legal frame (issue 19): the programme's management and its DPO.
    path("protection-des-donnees/", cadre.protection_des_donnees, name="protection"),
    path("<int:programme_pk>/cadre-juridique/", cadre.cadre_juridique, name="cadre_juridique"),
    path("<int:programme_pk>/registre/", cadre.registre, name="registre"),
    path("<int:programme_pk>/registre.pdf", cadre.registre_pdf, name="registre_pdf"),
    path("<int:programme_pk>/aipd/", cadre.aipd, name="aipd"),
    path("<int:programme_pk>/journal/", console_dpo.console, name="journal"),
    path("<int:programme_pk>/journal.csv", console_dpo.console_export, name="journal_export"),
    path("<int:programme_pk>/anomalies/", anomalies.anomalies, name="anomalies"),
    path(
        "<int:programme_pk>/comptes-de-service/",
        comptes_service.comptes_de_service,
        name="comptes_de_service",
    ),
    path(
        "<int:programme_pk>/comptes-de-service/desactiver/",
        comptes_service.compte_de_service_desactiver_vue,
        name="compte_de_service_desactiver",
    ),
]


# The public legal pages (issue 19), linked from the footer of every page.
juridique_urls = [
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


# Demo-only pages: they answer 404 unless REUSSITE_DEMO_COURRIELS is set (`make run`).
demo_urls = [
    path("courriels/", demo.courriels, name="courriels"),
]


# ProConnect's routes (included under /oidc/ when PROCONNECT_ENABLED): the sign-in start and
# the redirect URI to register at ProConnect (`<site>/oidc/callback/`). Logout is the ordinary
# `logout` view, which also ends the ProConnect session of a ProConnect sign-in.
proconnect_urls = [
    path("authenticate/", ProConnectDebutView.as_view(), name="oidc_authentication_init"),
    path("callback/", ProConnectRetourView.as_view(), name="oidc_authentication_callback"),
]
