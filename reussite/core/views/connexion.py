from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator

from ..forms import ConnexionForm


@method_decorator(login_not_required, name="dispatch")
class ConnexionView(auth_views.LoginView):
    form_class = ConnexionForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, proconnect=settings.PROCONNECT_ENABLED)


class DeconnexionView(auth_views.LogoutView):
    """Ends the session here; after a ProConnect sign-in, also sends the browser to ProConnect's
    end-session endpoint (RP-initiated logout), which comes back to the login page."""

    def post(self, request, *args, **kwargs):
        from ..proconnect import session_proconnect, url_deconnexion

        fournisseur = url_deconnexion(request) if session_proconnect(request) else None
        reponse = super().post(request, *args, **kwargs)
        return redirect(fournisseur) if fournisseur else reponse


@login_not_required
def page_introuvable(request, exception=None):
    if request.path.startswith("/api/"):
        # An address that is no route of the API: the API's own JSON 404, not the page.
        from django.http import JsonResponse
        from django.utils.translation import gettext

        return JsonResponse({"detail": gettext("Introuvable.")}, status=404)
    return render(request, "404.html", status=404)
