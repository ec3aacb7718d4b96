from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path, reverse_lazy

from .forms import ChangementMotDePasseForm, NouveauMotDePasseForm, ReinitialisationForm

urlpatterns = [
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
