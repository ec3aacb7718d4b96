"""Two-factor enrolment and verification pages (TOTP with a QR code, static backup codes)."""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..deux_facteurs import avec_suivante, marquer_verifie, url_suivante
from ..forms import choix_soumis
from ..forms.securite import CodeForm
from ..services.deux_facteurs import (
    appareil_a_confirmer,
    appareil_confirmer,
    code_verifier,
    codes_secours_creer,
)

SESSION_CODES = "reussite_codes_secours"
TROP_DE_CODES = _("Trop de codes incorrects : patientez quelques instants avant de réessayer.")


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def _secret_lisible(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_http_methods(["GET", "POST"])
def inscription(request):
    """Enrol a TOTP device: scan the QR code (or type the secret), confirm with a code."""
    if user_has_device(request.user):
        return redirect(avec_suivante(_url("securite:verification"), url_suivante(request)))
    device = appareil_a_confirmer(user=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        autorise = device.verify_is_allowed()[0]
        codes = appareil_confirmer(device=device, code=form.cleaned_data["code"])
        if codes is not None:
            marquer_verifie(request, device)
            request.session[SESSION_CODES] = codes
            return redirect(avec_suivante(_url("securite:codes_secours"), url_suivante(request)))
        if not autorise:
            form.add_error("code", TROP_DE_CODES)
        else:
            form.add_error(
                "code", _t("Code incorrect ou expiré. Saisissez le code affiché maintenant.")
            )
    return render(
        request,
        "core/securite/inscription.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": _secret_lisible(device),
            "next": url_suivante(request),
        },
    )


@require_http_methods(["GET", "POST"])
def verification(request):
    """Second step of the sign-in: a TOTP code or a backup code. Throttled by django-otp."""
    if not user_has_device(request.user):
        return redirect(avec_suivante(_url("securite:inscription"), url_suivante(request)))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        resultat = code_verifier(user=request.user, code=form.cleaned_data["code"])
        if resultat.appareil is not None:
            marquer_verifie(request, resultat.appareil)
            return redirect(url_suivante(request))
        if resultat.freine:
            form.add_error("code", TROP_DE_CODES)
        else:
            form.add_error("code", _t("Code incorrect ou expiré."))
    return render(
        request, "core/securite/verification.html", {"form": form, "next": url_suivante(request)}
    )


@require_http_methods(["GET"])
def codes_secours(request):
    """The backup codes, shown once right after enrolment (or regeneration)."""
    codes = request.session.pop(SESSION_CODES, None)
    if not codes:
        messages.info(request, _t("Les codes de secours ne sont affichés qu'une seule fois."))
        return redirect(url_suivante(request))
    return render(
        request, "core/securite/codes_secours.html", {"codes": codes, "next": url_suivante(request)}
    )


@require_http_methods(["POST"])
def codes_secours_regenerer(request):
    request.session[SESSION_CODES] = codes_secours_creer(user=request.user)
    return redirect("securite:codes_secours")


def _url(nom: str) -> str:
    from django.urls import reverse

    return reverse(nom)


@require_http_methods(["GET"])
def mes_sessions(request):
    """The user's open sessions: opened, last activity, browser, address."""
    from ..selectors.securite import sessions_de

    return render(
        request,
        "core/securite/mes_sessions.html",
        {"sessions": sessions_de(request.user, courante=request.session.session_key)},
    )


@require_http_methods(["POST"])
def session_terminer(request):
    """End one of the user's other sessions (the id in the body is looked up among theirs)."""
    from ..models import SessionUtilisateur
    from ..sessions import sessions_terminer

    ligne = choix_soumis(
        SessionUtilisateur.objects.filter(user=request.user).exclude(
            session_key=request.session.session_key
        ),
        request.POST.get("session"),
    )
    if ligne is None:
        from django.http import Http404

        raise Http404
    sessions_terminer(user=request.user, cle=ligne.session_key)
    messages.success(request, _t("La session a été terminée."))
    return redirect("securite:mes_sessions")


@require_http_methods(["GET"])
def session_maintenir(request):
    """Keep-alive for the expiry warning (« Rester connecté »): renews the session now, whatever
    the renewal step, and says how long it has left."""
    from django.http import JsonResponse

    from ..sessions import expire_dans, renouveler

    renouveler(request.session)
    return JsonResponse({"expire_dans": expire_dans(request.session)})
