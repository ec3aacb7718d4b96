"""« Mes jetons d’API »: personal access tokens, issued from the account after the second
factor (the 2FA middleware guards these pages like every other), shown once, revocable."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_http_methods

from ..api import jeton_creer, jeton_revoquer
from ..ecriture import ecrire
from ..forms import choix_soumis
from ..forms.jetons import JetonForm
from ..models import JetonAPI

SESSION_SECRET = "reussite_jeton_api"


@require_http_methods(["GET", "POST"])
def mes_jetons(request):
    form = JetonForm(request.POST if request.method == "POST" else None)

    def creer():
        jeton, secret = jeton_creer(
            user=request.user,
            nom=form.cleaned_data["nom"],
            portees=form.cleaned_data["portees"],
            duree_jours=form.cleaned_data["duree_jours"],
        )
        # Shown once, on the next page, then gone: only its digest is stored.
        request.session[SESSION_SECRET] = {"id": jeton.pk, "secret": secret}
        return jeton

    def page():
        nouveau = request.session.pop(SESSION_SECRET, None) if request.method == "GET" else None
        return render(
            request,
            "core/securite/mes_jetons.html",
            {
                "form": form,
                "jetons": JetonAPI.objects.filter(user=request.user),
                "nouveau": nouveau,
            },
        )

    return ecrire(
        request,
        form,
        creer,
        creation=True,
        succes=_t("Le jeton a été créé. Copiez-le maintenant : il ne sera plus affiché."),
        suite=reverse("securite:mes_jetons"),
        page=page,
    )


@require_http_methods(["POST"])
def jeton_revoquer_vue(request):
    """Revoke one of the user's tokens (the id in the body is looked up among theirs)."""
    jeton = choix_soumis(
        JetonAPI.objects.filter(user=request.user, revoque_le__isnull=True),
        request.POST.get("jeton"),
    )
    if jeton is None:
        raise Http404
    jeton_revoquer(jeton=jeton)
    messages.success(request, _t("Le jeton « %(nom)s » a été révoqué.") % {"nom": jeton.nom})
    return redirect("securite:mes_jetons")
