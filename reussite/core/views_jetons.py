"""« Mes jetons d’API »: personal access tokens, issued from the account after the second
factor (the 2FA middleware guards these pages like every other), shown once, revocable."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from .api import DUREES_JOURS, jeton_creer, jeton_revoquer
from .ecriture import ecrire
from .forms import FormulaireDsfr, choix_soumis
from .models import JetonAPI, PorteeJeton

SESSION_SECRET = "reussite_jeton_api"


class JetonForm(FormulaireDsfr):
    nom = forms.CharField(
        label=_("Nom du jeton"),
        help_text=_("Pour le reconnaître : le logiciel ou le script qui l’utilise."),
        max_length=100,
    )
    portees = forms.MultipleChoiceField(
        label=_("Autorisations"),
        help_text=_(
            "Le jeton ne donne jamais plus que vos propres droits : il ne lit que les parcours "
            "auxquels vous avez accès."
        ),
        choices=PorteeJeton.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    duree_jours = forms.TypedChoiceField(
        label=_("Durée de validité"),
        choices=[(d, _("%(jours)s jours") % {"jours": d}) for d in DUREES_JOURS],
        coerce=int,
        initial=90,
    )


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
