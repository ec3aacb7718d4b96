"""Writes on the directory: an administrator invites a professional by email."""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from ..models import Professionnel, Structure

__all__ = [
    "invitation_envoyer",
    "lien_definir_mot_de_passe",
    "professionnel_creer",
    "professionnel_inviter",
]


def lien_definir_mot_de_passe(user) -> str:
    """Path of the one-time link: the token changes once a password is set."""
    return reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


@transaction.atomic
def professionnel_creer(
    *, structure: Structure, email: str, prenom: str, nom: str, fonction: str, auteur
) -> Professionnel:
    """Create the account (no usable password) and the membership; no e-mail. The invitation
    form and the network import share it: the same checks, the same refusal of an e-mail
    that already has an account."""
    from ..access import structure_administree_par

    if not structure_administree_par(auteur, structure):
        raise PermissionDenied
    User = get_user_model()
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": _("Un compte existe déjà avec cette adresse électronique.")}
        )
    user = User(email=email, first_name=prenom, last_name=nom)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    professionnel = Professionnel(user=user, structure=structure, fonction=fonction)
    professionnel.full_clean()
    professionnel.save()
    return professionnel


def invitation_envoyer(*, professionnel: Professionnel, auteur, base_url: str) -> None:
    """E-mail a one-time link to set a password. The e-mail names only the structure and the
    platform."""
    user = professionnel.user
    contexte = {
        "user": user,
        "structure": professionnel.structure,
        "auteur": auteur,
        "lien": base_url.rstrip("/") + lien_definir_mot_de_passe(user),
    }
    send_mail(
        subject=_("Votre accès à Réussite"),
        message=render_to_string("partenaires/annuaire/email_invitation.txt", contexte),
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def professionnel_inviter(
    *,
    structure: Structure,
    email: str,
    prenom: str,
    nom: str,
    fonction: str,
    auteur,
    base_url: str,
) -> Professionnel:
    """Create the account and the membership, then e-mail the one-time link."""
    professionnel = professionnel_creer(
        structure=structure, email=email, prenom=prenom, nom=nom, fonction=fonction, auteur=auteur
    )
    invitation_envoyer(professionnel=professionnel, auteur=auteur, base_url=base_url)
    return professionnel
