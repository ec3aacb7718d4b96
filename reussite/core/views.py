from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.decorators import method_decorator

from .forms import ConnexionForm


@method_decorator(login_not_required, name="dispatch")
class ConnexionView(auth_views.LoginView):
    form_class = ConnexionForm
    redirect_authenticated_user = True


@login_not_required
def page_introuvable(request, exception=None):
    return render(request, "404.html", status=404)
