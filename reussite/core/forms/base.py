from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBoundField
from dsfr.utils import dsfr_input_class_attr

from ..identifiants import normaliser_identifiant


class DsfrMixin:
    """DSFR rendering for any form (django-dsfr's DsfrBaseForm only covers plain forms).

    Optional fields are marked, as the DSFR now recommends, instead of required ones.
    """

    # django-dsfr's fields, with the error summary at the top (components/resume_erreurs.html).
    template_name = "components/formulaire.html"
    bound_field_class = DsfrBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)

    def get_context(self):
        context = super().get_context()
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context

    def full_clean(self):
        super().full_clean()
        # Re-apply aria attributes now that errors are known.
        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)


class FormulaireDsfr(DsfrMixin, forms.Form):
    pass


class ModeleFormulaireDsfr(DsfrMixin, forms.ModelForm):
    pass


class ConnexionForm(DsfrMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse électronique"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "Adresse électronique ou mot de passe incorrect. Le mot de passe tient compte des "
            "majuscules."
        ),
        "inactive": _("Ce compte est désactivé."),
    }

    def clean_username(self):
        # Before `authenticate`, hence before django-axes counts the attempt: one spelling only.
        return normaliser_identifiant(self.cleaned_data["username"])


class ReinitialisationForm(DsfrMixin, PasswordResetForm):
    def save(self, **kwargs):
        """Whether the address has an account or not, the request does the same thing: it
        enqueues the task that looks it up and sends the link (reussite.core.reinitialisation).
        """
        from ..tasks import reinitialisation_envoyer

        reinitialisation_envoyer.delay_on_commit(self.cleaned_data["email"])


class NouveauMotDePasseForm(DsfrMixin, SetPasswordForm):
    pass


class ChangementMotDePasseForm(DsfrMixin, PasswordChangeForm):
    pass


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def choix_soumis(queryset, valeur):
    """The row of `queryset` that a submitted value designates, or None.

    For choices that depend on another field of the same form (the programme's professionals,
    the structure's programmes): the value is validated exactly as a ModelChoiceField does, so
    that a value that is not an id (« abc », a NUL-free garbage string, a list) gives None and
    then a form error, never a raw value reaching a filter (ValueError, a 500).
    """
    try:
        return forms.ModelChoiceField(queryset=queryset, required=False).clean(valeur)
    except ValidationError:
        return None
