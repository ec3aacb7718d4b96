"""Phone numbers: *possible* French numbers (libphonenumber through `phonenumbers`).

Possible, not valid: the demo and the tests use the ranges ARCEP reserves for fiction
(06 39 98 xx xx, 01 99 00 xx xx), which `is_valid_number` rejects as unassigned. A number is
read as French unless it starts with its international prefix (+32…, a family's foreign number).
"""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REGION = "FR"


def valider_telephone(valeur: str) -> None:
    if not valeur:
        return
    try:
        numero = phonenumbers.parse(valeur, REGION)
    except phonenumbers.NumberParseException as erreur:
        raise ValidationError(
            _("Saisissez un numéro de téléphone, par exemple 06 12 34 56 78."), code="telephone"
        ) from erreur
    if not phonenumbers.is_possible_number(numero):
        raise ValidationError(
            _(
                "Ce numéro de téléphone n’a pas le bon nombre de chiffres (10 pour un numéro français)."
            ),
            code="telephone",
        )
