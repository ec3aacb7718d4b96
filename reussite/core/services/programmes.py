"""A programme's own settings (the service): thresholds, consent rule, retention."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Programme

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
