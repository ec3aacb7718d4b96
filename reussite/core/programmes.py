"""A programme's own settings, for its coordinators and administrators: the thresholds of the
reminders and of the "parcours à risque" list, the consent rule (DOMAIN.md, rule 6) and the
retention period before anonymisation (rule 5)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms import ModeleFormulaireDsfr
from .models import Programme, User
from .roles import programmes_de_gestion

# The settings a programme's team may change; everything else is the platform's.
PARAMETRES = [
    "delai_revue_jours",
    "rappel_revue_jours",
    "rappel_consentement_jours",
    "delai_inactivite_jours",
    "rappel_besoin_jours",
    "delai_orientation_jours",
    "consentement_deux_signataires",
]
# A year and a half: beyond it a threshold no longer reminds anyone of anything.
JOURS_MAX = 540
# Retention after the exit, in months (DOMAIN.md, rule 5): at least 6 months, so that a family
# coming back soon finds its pathway, and at most 5 years, beyond what the purpose needs.
CONSERVATION = "conservation_mois"
CONSERVATION_MIN, CONSERVATION_MAX = 6, 60
# School transitions (issue 21): months, January to August (a choice list on the model).
TRANSITIONS = ["transitions_debut_mois", "transitions_alerte_mois"]


def programmes_parametrables(user: User):
    return programmes_de_gestion(user)


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


@transaction.atomic
def programme_parametrer(*, programme: Programme, donnees: dict) -> Programme:
    """Save a programme's settings; a reminder lead time must be shorter than the interval
    it announces, or the reminder would come before the previous review."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    for nom in PARAMETRES:
        setattr(programme, nom, donnees[nom])
    if CONSERVATION in donnees:
        programme.conservation_mois = donnees[CONSERVATION]
    for nom in TRANSITIONS:
        if nom in donnees:
            setattr(programme, nom, int(donnees[nom]))
    erreurs = {}
    if not CONSERVATION_MIN <= programme.conservation_mois <= CONSERVATION_MAX:
        erreurs[CONSERVATION] = _("Indiquez une durée entre %(min)s et %(max)s mois.") % {
            "min": CONSERVATION_MIN,
            "max": CONSERVATION_MAX,
        }
    for nom in PARAMETRES[:-1]:
        if not 1 <= getattr(programme, nom) <= JOURS_MAX:
            erreurs[nom] = _("Indiquez un nombre de jours entre 1 et %(max)s.") % {"max": JOURS_MAX}
    if not erreurs and programme.rappel_revue_jours >= programme.delai_revue_jours:
        erreurs["rappel_revue_jours"] = _(
            "Le rappel d’une revue doit venir moins de %(delai)s jours avant elle, le délai "
            "entre deux revues."
        ) % {"delai": programme.delai_revue_jours}
    if programme.transitions_alerte_mois < programme.transitions_debut_mois:
        erreurs["transitions_alerte_mois"] = _(
            "Un passage ne peut être signalé sans plan avant d’être listé : choisissez un mois "
            "après celui où les passages sont listés."
        )
    if erreurs:
        raise ValidationError(erreurs)
    programme.full_clean()
    programme.save(update_fields=[*PARAMETRES, CONSERVATION, *TRANSITIONS])
    return programme


def parametres(request, programme_pk):
    programme = get_object_or_404(programmes_parametrables(request.user), pk=programme_pk)
    form = ParametresForm(request.POST or None, instance=Programme.objects.get(pk=programme.pk))
    if request.method == "POST" and form.is_valid():
        try:
            programme_parametrer(programme=programme, donnees=form.cleaned_data)
        except ValidationError as erreur:
            for champ, messages_champ in erreur.message_dict.items():
                for message in messages_champ:
                    form.add_error(champ if champ in form.fields else None, message)
        else:
            messages.success(request, _("Les paramètres du programme sont enregistrés."))
            return redirect("programmes:parametres", programme_pk=programme.pk)
    return render(
        request,
        "core/programme_parametres.html",
        {"programme": programme, "form": form},
    )
