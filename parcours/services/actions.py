"""Objectives and actions on a pathway, and collective actions (issue 4 "On a pathway", issue 5
"use from a pathway").

Every write locks the pathway (or the edited row), checks its version where a form was loaded,
stamps the pathway's activity and keeps the derived permissions true: the professional who
delivers a planned or ongoing action becomes an intervenant (`parcours.permissions`).
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partenaires.models import Offre, Structure
from reussite.core.ecriture import verrouiller
from reussite.core.models import Programme, User

from ..models import (
    Action,
    ActionCollective,
    Objectif,
    Parcours,
    StatutAction,
    StatutObjectif,
)
from ..permissions import parcours_permissions_recalculer, structures_couvertes
from ..selectors.mutualisation import offres_avec_utilisation
from .base import (
    _bloquer,
    _noter_activite,
    _sauver,
    _verifier_affectation,
    signaler_affectation,
)

__all__ = [
    "CHAMPS_ACTION",
    "CHAMPS_OBJECTIF",
    "TRANSITIONS_ACTION",
    "action_avancer",
    "action_collective_creer",
    "action_collective_inscrire",
    "action_creer",
    "action_modifier",
    "avertissement_capacite",
    "avertissement_hors_consentement",
    "objectif_creer",
    "objectif_modifier",
]

CHAMPS_OBJECTIF = ("domaine", "intitule", "statut", "commentaire_resultat")
CHAMPS_ACTION = (
    "objectif",
    "intitule",
    "offre",
    "structure",
    "professionnel",
    "date_debut",
    "date_fin",
    "statut",
    "resultat",
    "cout",
    "heures",
    "convention",
)

# An action moves forward only: once done or abandoned it is history, and a new action is
# planned instead of reopening it (the statistics count actions by their final status).
TRANSITIONS_ACTION: dict[str, tuple[str, ...]] = {
    StatutAction.PREVUE: (StatutAction.EN_COURS, StatutAction.REALISEE, StatutAction.ABANDONNEE),
    StatutAction.EN_COURS: (StatutAction.REALISEE, StatutAction.ABANDONNEE),
    StatutAction.REALISEE: (),
    StatutAction.ABANDONNEE: (),
}


def _pathway_ouvert(parcours: Parcours) -> None:
    if not parcours.est_ouvert:
        raise ValidationError(_("Ce parcours est sorti : il ne peut plus être modifié."))


# --- Objectives ---------------------------------------------------------------------------------


def _appliquer_statut_objectif(objectif: Objectif, ancien_statut: str | None) -> None:
    """Closing sets the closing date, reopening clears it; a closed objective says its outcome."""
    if objectif.statut == StatutObjectif.OUVERT:
        objectif.date_cloture = None
        return
    if not objectif.commentaire_resultat.strip():
        raise ValidationError(
            {"commentaire_resultat": _("Indiquez le résultat pour clore cet objectif.")}
        )
    if ancien_statut != objectif.statut or objectif.date_cloture is None:
        objectif.date_cloture = date.today()


@transaction.atomic
def objectif_creer(*, parcours: Parcours, donnees: dict, auteur: User) -> Objectif:
    actuel = _bloquer(parcours)
    _pathway_ouvert(actuel)
    objectif = Objectif(parcours=actuel, cree_par=auteur)
    for nom in CHAMPS_OBJECTIF:
        if nom in donnees:
            setattr(objectif, nom, donnees[nom])
    _appliquer_statut_objectif(objectif, None)
    _sauver(objectif)
    _noter_activite(actuel)
    return objectif


@transaction.atomic
def objectif_modifier(
    *, objectif: Objectif, donnees: dict, version: int | None, auteur: User
) -> Objectif:
    """Edit an objective; a conflict (`ConflitDeModification`) if it was saved since `version`."""
    parcours = _bloquer(objectif.parcours)
    _pathway_ouvert(parcours)
    actuel = verrouiller(objectif, version)
    ancien_statut = actuel.statut
    for nom in CHAMPS_OBJECTIF:
        if nom in donnees:
            setattr(actuel, nom, donnees[nom])
    _appliquer_statut_objectif(actuel, ancien_statut)
    actuel.version += 1
    _sauver(actuel)
    _noter_activite(parcours)
    return actuel


# --- Actions ------------------------------------------------------------------------------------


def avertissement_capacite(offre: Offre | None) -> str | None:
    """A warning when the offer has no place (or hour) left: one more action goes beyond it."""
    if offre is None:
        return None
    restant = getattr(offre, "restant", "?")
    if restant == "?":
        restant = offres_avec_utilisation(Offre.objects.filter(pk=offre.pk)).get().restant
    if restant is None or restant > 0:
        return None
    return _(
        "L’offre « %(offre)s » a atteint sa capacité (%(capacite)s %(unite)s %(periode)s) : "
        "une action de plus la dépasse. Vérifiez avec %(structure)s qu’une place reste possible."
    ) % {
        "offre": offre.intitule,
        "capacite": offre.capacite,
        "unite": offre.get_unite_capacite_display(),
        "periode": offre.get_periode_capacite_display(),
        "structure": offre.structure.nom,
    }


def avertissement_hors_consentement(parcours: Parcours, structure: Structure | None) -> str | None:
    """A warning when the structure delivering an action is neither the PRE team nor named by
    a valid consent of the family: its professionals will not see the child (the consent
    decides who sees, not the action). None when there is nothing to say."""
    if structure is None or structure.pk in structures_couvertes(parcours):
        return None
    return _(
        "Le consentement de la famille ne nomme pas %(structure)s : les professionnels de cette "
        "structure ne verront pas l’enfant ni son parcours. Faites signer un consentement qui la "
        "nomme, ou confirmez que l’action se fait sans partage d’information."
    ) % {"structure": structure.nom}


def _verifier_action(action: Action, parcours: Parcours, *, ancien: Action | None) -> None:
    """The rules of an action, on the values about to be saved (`ancien`: before the edit)."""
    programme = parcours.programme
    if action.objectif_id is not None:
        if action.objectif.parcours_id != parcours.pk:
            raise ValidationError({"objectif": _("Cet objectif appartient à un autre parcours.")})
        nouvel_objectif = ancien is None or ancien.objectif_id != action.objectif_id
        if nouvel_objectif and action.objectif.statut != StatutObjectif.OUVERT:
            raise ValidationError(
                {"objectif": _("Cet objectif est clos : rouvrez-le ou choisissez-en un autre.")}
            )
    if (
        action.offre_id is not None
        and (ancien is None or ancien.offre_id != action.offre_id)
        and not Offre.objects.publiees_pour([programme]).filter(pk=action.offre_id).exists()
    ):
        raise ValidationError({"offre": _("Cette offre n’est pas publiée pour ce programme.")})
    if action.convention_id is not None and action.convention.programme_id != programme.pk:
        raise ValidationError(
            {"convention": _("Cette convention appartient à un autre programme.")}
        )
    if action.professionnel_id is not None:
        if action.structure_id is None:
            action.structure = action.professionnel.structure
        elif action.structure_id != action.professionnel.structure_id:
            raise ValidationError(
                {
                    "professionnel": _(
                        "Ce professionnel ne travaille pas dans la structure qui réalise l’action."
                    )
                }
            )
        if ancien is None or ancien.professionnel_id != action.professionnel_id:
            # The sharing rules: consent must cover the professional's structure.
            _verifier_affectation(action.professionnel, programme, parcours, "professionnel")
    if (
        action.structure_id is not None
        and (ancien is None or ancien.structure_id != action.structure_id)
        and not Structure.objects.filter(pk=action.structure_id, programmes=programme).exists()
    ):
        raise ValidationError(
            {"structure": _("Cette structure ne travaille pas avec ce programme.")}
        )
    aujourdhui = date.today()
    if (
        ancien is not None
        and action.statut != ancien.statut
        and action.statut not in TRANSITIONS_ACTION[ancien.statut]
    ):
        raise ValidationError(
            {
                "statut": _("Une action « %(de)s » ne peut pas passer à « %(vers)s ».")
                % {"de": ancien.get_statut_display(), "vers": StatutAction(action.statut).label}
            }
        )
    if action.statut in (StatutAction.EN_COURS, StatutAction.REALISEE) and (
        action.date_debut and action.date_debut > aujourdhui
    ):
        raise ValidationError(
            {
                "statut": _(
                    "Une action qui commence le %(date)s ne peut pas être déjà en cours ou "
                    "réalisée."
                )
                % {"date": action.date_debut.strftime("%d/%m/%Y")}
            }
        )
    if action.date_debut and action.date_fin and action.date_fin < action.date_debut:
        raise ValidationError({"date_fin": _("La date de fin précède la date de début.")})
    if action.cout is not None and action.cout < Decimal("0"):
        raise ValidationError({"cout": _("Le coût ne peut pas être négatif.")})


@transaction.atomic
def action_creer(
    *,
    parcours: Parcours,
    donnees: dict,
    auteur: User,
    capacite_confirmee: bool = False,
    hors_consentement_confirme: bool = False,
) -> Action:
    """Plan an action (ad hoc, or using an offer). An offer at capacity, or a structure that
    the family's consent does not name, needs an explicit confirmation; the delivering
    professional becomes an intervenant."""
    actuel = _bloquer(parcours)
    _pathway_ouvert(actuel)
    action = Action(parcours=actuel, cree_par=auteur)
    for nom in CHAMPS_ACTION:
        if nom in donnees:
            setattr(action, nom, donnees[nom])
    _verifier_action(action, actuel, ancien=None)
    if action.offre_id is not None and action.statut in (
        StatutAction.PREVUE,
        StatutAction.EN_COURS,
    ):
        # Serialise the offer's capacity check with other actions being added to it.
        Offre.objects.select_for_update(of=("self",)).filter(pk=action.offre_id).first()
        avertissement = avertissement_capacite(
            offres_avec_utilisation(Offre.objects.filter(pk=action.offre_id))
            .select_related("structure")
            .get()
        )
        if avertissement and not capacite_confirmee:
            raise ValidationError({"confirmer_capacite": avertissement})
    if not hors_consentement_confirme:
        # Read under the pathway's lock: a consent recorded meanwhile is seen.
        avertissement = avertissement_hors_consentement(actuel, action.structure)
        if avertissement:
            raise ValidationError({"confirmer_consentement": avertissement})
    _sauver(action)
    _noter_activite(actuel)
    parcours_permissions_recalculer(parcours=actuel)
    if action.professionnel is not None:
        signaler_affectation(parcours=actuel, professionnel=action.professionnel)
    return action


def _verrouiller_action(action: Action, version: int | None) -> tuple[Parcours, Action]:
    parcours = _bloquer(action.parcours)
    _pathway_ouvert(parcours)
    actuel = verrouiller(
        action,
        version,
        queryset=Action.objects.select_related(
            "objectif", "professionnel__structure", "convention"
        ),
    )
    return parcours, actuel


def _enregistrer_action(parcours: Parcours, action: Action, ancien: Action) -> Action:
    _verifier_action(action, parcours, ancien=ancien)
    action.version += 1
    _sauver(action)
    _noter_activite(parcours)
    if (action.professionnel_id, action.statut) != (ancien.professionnel_id, ancien.statut):
        parcours_permissions_recalculer(parcours=parcours)
    if action.professionnel is not None and action.professionnel_id != ancien.professionnel_id:
        signaler_affectation(parcours=parcours, professionnel=action.professionnel)
    return action


@transaction.atomic
def action_modifier(*, action: Action, donnees: dict, version: int | None, auteur: User) -> Action:
    """The pathway's team edits every field of an action."""
    parcours, actuel = _verrouiller_action(action, version)
    ancien = Action.objects.select_related("objectif").get(pk=actuel.pk)
    for nom in CHAMPS_ACTION:
        if nom in donnees:
            setattr(actuel, nom, donnees[nom])
    return _enregistrer_action(parcours, actuel, ancien)


@transaction.atomic
def action_avancer(
    *, action: Action, statut: str, resultat: str, version: int | None, auteur: User
) -> Action:
    """The professional who delivers an action records its progress: status and outcome only."""
    parcours, actuel = _verrouiller_action(action, version)
    ancien = Action.objects.get(pk=actuel.pk)
    actuel.statut = statut
    actuel.resultat = resultat
    return _enregistrer_action(parcours, actuel, ancien)


# --- Collective actions -------------------------------------------------------------------------


@transaction.atomic
def action_collective_creer(
    *, programme: Programme, donnees: dict, auteur: User
) -> ActionCollective:
    collective = ActionCollective(programme=programme, cree_par=auteur, **donnees)
    if collective.offre_id is not None:
        if not Offre.objects.publiees_pour([programme]).filter(pk=collective.offre_id).exists():
            raise ValidationError({"offre": _("Cette offre n’est pas publiée pour ce programme.")})
        if collective.structure_id is None:
            collective.structure = collective.offre.structure
    if collective.professionnel_id is not None:
        if collective.structure_id is None:
            collective.structure = collective.professionnel.structure
        elif collective.professionnel.structure_id != collective.structure_id:
            raise ValidationError(
                {
                    "professionnel": _(
                        "Ce professionnel ne travaille pas dans la structure qui réalise l’action."
                    )
                }
            )
    if (
        collective.structure_id is not None
        and not Structure.objects.filter(pk=collective.structure_id, programmes=programme).exists()
    ):
        raise ValidationError(
            {"structure": _("Cette structure ne travaille pas avec ce programme.")}
        )
    if collective.convention_id is not None and collective.convention.programme_id != programme.pk:
        raise ValidationError(
            {"convention": _("Cette convention appartient à un autre programme.")}
        )
    return _sauver(collective)


@transaction.atomic
def action_collective_inscrire(
    *,
    collective: ActionCollective,
    parcours: Parcours,
    auteur: User,
    objectif: Objectif | None = None,
) -> Action:
    """A child takes part: one action on their pathway, linked to the collective action. The
    caller has checked that `auteur` may write on `parcours`."""
    actuel = _bloquer(parcours)
    _pathway_ouvert(actuel)
    if actuel.programme_id != collective.programme_id:
        raise ValidationError({"parcours": _("Ce parcours appartient à un autre programme.")})
    if Action.objects.filter(parcours=actuel, collective=collective).exists():
        raise ValidationError(
            {"parcours": _("Cet enfant participe déjà à cette action collective.")}
        )
    action = Action(
        parcours=actuel,
        collective=collective,
        objectif=objectif,
        intitule=collective.intitule,
        offre=collective.offre,
        structure=collective.structure,
        professionnel=collective.professionnel,
        date_debut=collective.date_debut,
        date_fin=collective.date_fin,
        convention=collective.convention,
        statut=StatutAction.PREVUE,
        cree_par=auteur,
    )
    if action.professionnel_id is not None:
        try:
            _verifier_affectation(action.professionnel, actuel.programme, actuel, "professionnel")
        except ValidationError as erreur:
            raise ValidationError({"parcours": erreur.message_dict["professionnel"]}) from erreur
    if objectif is not None and objectif.parcours_id != actuel.pk:
        raise ValidationError({"objectif": _("Cet objectif appartient à un autre parcours.")})
    _sauver(action)
    _noter_activite(actuel)
    parcours_permissions_recalculer(parcours=actuel)
    if action.professionnel is not None:
        signaler_affectation(parcours=actuel, professionnel=action.professionnel)
    return action
