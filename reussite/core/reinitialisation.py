"""Password reset: the e-mail leaves from a Celery task, never during the request.

Sent during the request, the mail made an existing account answer about 70 ms slower than an
unknown address, which told anyone whether an address has an account. The view now does the same
for every address (enqueue one task after commit); the task finds the account and sends the
link, or finds none and sends nothing.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.template import loader

SUJET = "registration/email/password_reset_subject.txt"
TEXTE = "registration/email/password_reset.txt"
HTML = "registration/email/password_reset.html"


class _Envoi(PasswordResetForm):
    """Django's form, except that a failed send raises (Django logs and forgets it), so that
    the task retries."""

    envoyes = 0

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        sujet = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        message = EmailMultiAlternatives(
            sujet, loader.render_to_string(email_template_name, context), from_email, [to_email]
        )
        if html_email_template_name is not None:
            message.attach_alternative(
                loader.render_to_string(html_email_template_name, context), "text/html"
            )
        message.send()
        self.envoyes += 1


def reinitialisation_envoyer(*, email: str) -> int:
    """Send the reset link to the active account with this address, if there is one; the
    number of mails sent (0 or 1). Links point to SITE_URL: a worker has no request."""
    formulaire = _Envoi(data={"email": email})
    if not formulaire.is_valid():
        return 0
    site = urlsplit(settings.SITE_URL)
    formulaire.save(
        domain_override=f"{site.netloc}{site.path}".rstrip("/"),
        use_https=site.scheme == "https",
        subject_template_name=SUJET,
        email_template_name=TEXTE,
        html_email_template_name=HTML,
    )
    return formulaire.envoyes
