"""Service accounts (issue 22): a programme's machine clients, such as the steering's
statistics system. A service account is a user holding one programme role (steering: the
statistics, never a child's identity), with no usable password, so that it never signs in;
the programme's coordinators and administrators create it and issue its tokens. The API then
treats it like any user: every call goes through its access."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from .api import jeton_creer
from .ecriture import ecrire
from .forms import FormulaireDsfr, choix_soumis
from .models import PorteeJeton, Programme, Role, User
from .roles import programmes_de_gestion
from .services import role_attribuer

# The roles a service account may hold: the steering's statistics only. A machine holding a
# role that opens children's files would escape the charter and the need-to-know rules.
ROLES_SERVICE = {Role.PILOTAGE: [PorteeJeton.STATISTIQUES]}
DOMAINE = "comptes-de-service.invalid"  # reserved (RFC 2606): no mail ever leaves for it
SESSION_SECRET = "reussite_compte_service_secret"


@transaction.atomic
def compte_de_service_creer(
    *, programme: Programme, nom: str, role: Role = Role.PILOTAGE, duree_jours: int = 365
) -> tuple[User, str]:
    """A service account of `programme` holding `role`, and its first token (the secret)."""
    nom = (nom or "").strip()
    if not nom:
        raise ValidationError({"nom": _t("Donnez un nom au compte : le logiciel qui l’utilise.")})
    if role not in ROLES_SERVICE:
        raise ValidationError({"role": _t("Un compte de service ne peut tenir que le pilotage.")})
    user = User(
        email=f"service-{get_random_string(12).lower()}@{DOMAINE}",
        first_name=nom[:150],
        last_name=_t("compte de service"),
        compte_de_service=True,
        frequence_courriels="aucun",
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    role_attribuer(user=user, programme=programme, role=role)
    _jeton, secret = jeton_creer(
        user=user, nom=nom, portees=ROLES_SERVICE[role], duree_jours=duree_jours
    )
    return user, secret


@transaction.atomic
def compte_de_service_desactiver(*, user: User) -> User:
    """Its tokens answer 401 from the next call (an inactive user never authenticates)."""
    User.objects.filter(pk=user.pk, compte_de_service=True).update(is_active=False)
    user.refresh_from_db(fields=["is_active"])
    return user


def comptes_du_programme(programme: Programme):
    from guardian.shortcuts import get_users_with_perms

    return (
        get_users_with_perms(programme, only_with_perms_in=[Role.PILOTAGE.value])
        .filter(compte_de_service=True)
        .prefetch_related("jetons_api")
        .order_by("first_name", "pk")
    )


class CompteServiceForm(FormulaireDsfr):
    nom = forms.CharField(
        label=_("Nom du compte"),
        help_text=_("Le logiciel qui l’utilisera, par exemple « Tableau de bord de la ville »."),
        max_length=150,
    )


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
