"""The form of a programme's settings."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy

from ..models import Programme
from ..services.programmes import (
    CONSERVATION,
    CONSERVATION_MAX,
    CONSERVATION_MIN,
    JOURS_MAX,
    PARAMETRES,
    TRANSITIONS,
)
from .base import ModeleFormulaireDsfr


class ParametresForm(ModeleFormulaireDsfr):
    class Meta:
        model = Programme
        fields = [*PARAMETRES, CONSERVATION, *TRANSITIONS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for nom in PARAMETRES[:-1]:
            champ = self.fields[nom]
            champ.validators += [
                MinValueValidator(1, gettext_lazy("Indiquez au moins 1 jour.")),
                MaxValueValidator(
                    JOURS_MAX, gettext_lazy("Indiquez au plus %(limit_value)s jours.")
                ),
            ]
            champ.widget.attrs.update(min=1, max=JOURS_MAX)
        champ = self.fields[CONSERVATION]
        champ.validators += [
            MinValueValidator(
                CONSERVATION_MIN, gettext_lazy("Indiquez au moins %(limit_value)s mois.")
            ),
            MaxValueValidator(
                CONSERVATION_MAX, gettext_lazy("Indiquez au plus %(limit_value)s mois.")
            ),
        ]
        champ.widget.attrs.update(min=CONSERVATION_MIN, max=CONSERVATION_MAX)
