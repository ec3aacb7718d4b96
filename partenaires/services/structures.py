from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Professionnel, SignatureCharte, Structure
from ..signals import adhesion_modifiee


@transaction.atomic
def professionnel_desactiver(*, professionnel: Professionnel) -> Professionnel:
    """End a membership: every access it gave ends in the same transaction."""
    professionnel.actif = False
    professionnel.full_clean()
    professionnel.save(update_fields=["actif"])
    adhesion_modifiee.send(sender=Professionnel, professionnel=professionnel)
    return professionnel


@transaction.atomic
def professionnel_reactiver(*, professionnel: Professionnel) -> Professionnel:
    professionnel.actif = True
    professionnel.save(update_fields=["actif"])
    adhesion_modifiee.send(sender=Professionnel, professionnel=professionnel)
    return professionnel


@transaction.atomic
def charte_signer(
    *, structure: Structure, version: str, date_signature: date, signataire: str, document=None
) -> SignatureCharte:
    if date_signature > date.today():
        raise ValidationError(
            {"date_signature": _("La date de signature ne peut pas être future.")}
        )
    signature = SignatureCharte(
        structure=structure,
        version=version,
        date_signature=date_signature,
        signataire=signataire,
    )
    if document is not None:
        signature.document = document
    signature.full_clean()
    signature.save()
    for professionnel in structure.professionnels.all():
        adhesion_modifiee.send(sender=Professionnel, professionnel=professionnel)
    return signature
