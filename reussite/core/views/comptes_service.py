"""Service accounts (issue 22): a programme's machine clients, such as the steering's
statistics system. A service account is a user holding one programme role (steering: the
statistics, never a child's identity), with no usable password, so that it never signs in;
the programme's coordinators and administrators create it and issue its tokens. The API then
treats it like any user: every call goes through its access."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_http_methods

from ..ecriture import ecrire
from ..forms import choix_soumis
from ..forms.comptes_service import CompteServiceForm
from ..roles import programmes_de_gestion
from ..selectors.comptes_service import comptes_du_programme
from ..services.comptes_service import compte_de_service_creer, compte_de_service_desactiver

SESSION_SECRET = "reussite_compte_service_secret"


@require_http_methods(["GET", "POST"])
def comptes_de_service(request, programme_pk):
    programme = get_object_or_404(programmes_de_gestion(request.user), pk=programme_pk)
    form = CompteServiceForm(request.POST if request.method == "POST" else None)

    def creer():
        user, secret = compte_de_service_creer(programme=programme, nom=form.cleaned_data["nom"])
        request.session[SESSION_SECRET] = secret
        return user

    def page():
        return render(
            request,
            "core/comptes_service.html",
            {
                "programme": programme,
                "form": form,
                "comptes": comptes_du_programme(programme),
                "secret": request.session.pop(SESSION_SECRET, None)
                if request.method == "GET"
                else None,
            },
        )

    return ecrire(
        request,
        form,
        creer,
        creation=True,
        succes=_t("Le compte de service a été créé. Copiez son jeton maintenant."),
        suite=reverse("programmes:comptes_de_service", args=[programme.pk]),
        page=page,
    )


@require_http_methods(["POST"])
def compte_de_service_desactiver_vue(request, programme_pk):
    programme = get_object_or_404(programmes_de_gestion(request.user), pk=programme_pk)
    compte = choix_soumis(
        comptes_du_programme(programme).filter(is_active=True), request.POST.get("compte")
    )
    if compte is None:
        raise Http404
    compte_de_service_desactiver(user=compte)
    messages.success(request, _t("Le compte de service est désactivé : ses jetons ne valent plus."))
    return redirect("programmes:comptes_de_service", programme_pk=programme.pk)
