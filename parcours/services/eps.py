"""EPS meetings: planning with a proposed agenda, attendance, and one examination per pathway.

The PRE team (coordinators, professionals of the structure porteuse) plans meetings; every
pathway named on an agenda passes through `visibles_par` of whoever looks at it; decisions on a
pathway need the right to change it. A decision stamps the pathway's activity and sets its
next review date.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from partenaires.models import Domaine, Professionnel, Structure
from reussite.core.ecriture import verrouiller
from reussite.core.models import Programme, User
from reussite.core.rappels import rappel_signaler

from ..models import (
    Action,
    Examen,
    InvitationEPS,
    Objectif,
    Parcours,
    ReunionEPS,
    Statut,
    StatutAction,
    StatutReunion,
)
from .actions import action_creer
from .base import _bloquer, _noter_activite, _sauver

__all__ = [
    "ActionOuverte",
    "ObjectifOuvert",
    "examen_decider",
    "ordre_du_jour_ajouter",
    "ordre_du_jour_proposer",
    "ordre_du_jour_retirer",
    "presences_enregistrer",
    "professionnels_invitables",
    "reunion_planifier",
]


def professionnels_invitables(programme: Programme):
    """Active professionals of the structures that work with the programme."""
    return (
        Professionnel.objects.actifs()
        .filter(structure__programmes=programme, user__is_active=True)
        .select_related("user", "structure")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def ordre_du_jour_proposer(*, programme: Programme, le: date, parmi=None):
    """Open pathways whose review is due by the meeting day, or that were never examined.
    `parmi` limits the proposal to what the planner may see."""
    base = parmi if parmi is not None else Parcours.objects.all()
    return (
        base.filter(programme=programme)
        .exclude(statut__in=[Statut.SORTI, Statut.REPERAGE])
        .annotate(deja_examine=Exists(Examen.objects.filter(parcours=OuterRef("pk"))))
        .filter(
            Q(date_prochaine_revue__lte=le)
            | Q(date_prochaine_revue__isnull=True, deja_examine=False)
        )
        .order_by("date_prochaine_revue", "pk")
    )


def _inviter(reunion: ReunionEPS, professionnels) -> None:
    permis = set(professionnels_invitables(reunion.programme).values_list("pk", flat=True))
    for professionnel in professionnels:
        if professionnel.pk not in permis:
            raise ValidationError(
                {
                    "invites": _("%(nom)s ne travaille pas avec ce programme.")
                    % {"nom": professionnel}
                }
            )
        _sauver(InvitationEPS(reunion=reunion, professionnel=professionnel))
        rappel_signaler(
            genre_nom="eps_invitation",
            objet=reunion,
            destinataire=professionnel.user,
            echeance=timezone.localtime(reunion.date).date(),
        )


@transaction.atomic
def reunion_planifier(
    *,
    programme: Programme,
    date_heure: datetime,
    lieu: str,
    invites,
    parcours,
    auteur: User,
) -> ReunionEPS:
    """Plan a meeting, invite professionals (each is told at once) and put pathways on its
    agenda, in the order given."""
    if date_heure < timezone.now():
        raise ValidationError({"date": _("La réunion ne peut pas être planifiée dans le passé.")})
    reunion = _sauver(ReunionEPS(programme=programme, date=date_heure, lieu=lieu, cree_par=auteur))
    _inviter(reunion, invites)
    for parcours_un in parcours:
        _ajouter(reunion, parcours_un)
    return reunion


def _ajouter(reunion: ReunionEPS, parcours: Parcours) -> Examen:
    if parcours.programme_id != reunion.programme_id:
        raise ValidationError(_("Ce parcours appartient à un autre programme."))
    if not parcours.est_ouvert:
        raise ValidationError(_("Ce parcours est sorti."))
    dernier = reunion.examens.order_by("-ordre").values_list("ordre", flat=True).first()
    examen = Examen(reunion=reunion, parcours=parcours, ordre=(dernier or 0) + 1)
    # Nobody has decided yet: `decide_par` is empty until the decision.
    return _sauver(examen, exclude=["decide_par"])


def _verrouiller_reunion(reunion: ReunionEPS) -> ReunionEPS:
    reunion = ReunionEPS.objects.select_for_update(of=("self",)).get(pk=reunion.pk)
    return _exiger_non_annulee(reunion)


def _exiger_non_annulee(reunion: ReunionEPS) -> ReunionEPS:
    if reunion.statut == StatutReunion.ANNULEE:
        raise ValidationError(_("Cette réunion est annulée."))
    return reunion


@transaction.atomic
def ordre_du_jour_ajouter(*, reunion: ReunionEPS, parcours: Parcours) -> Examen:
    return _ajouter(_verrouiller_reunion(reunion), parcours)


@transaction.atomic
def ordre_du_jour_retirer(*, examen: Examen) -> None:
    _verrouiller_reunion(examen.reunion)
    if examen.decision:
        raise ValidationError(_("Une décision a été prise : ce parcours reste au relevé."))
    examen.delete()


@transaction.atomic
def presences_enregistrer(
    *, reunion: ReunionEPS, presents: set[int], version: int | None
) -> ReunionEPS:
    """Record who attended (`presents`: invitation ids), on the attendance form read at the
    meeting's `version`; the meeting is then held."""
    reunion = _exiger_non_annulee(verrouiller(reunion, version))
    for invitation in reunion.invitations.all():
        invitation.present = invitation.pk in presents
        invitation.save(update_fields=["present"])
    reunion.statut = StatutReunion.TENUE
    reunion.version += 1
    reunion.save(update_fields=["statut", "version"])
    return reunion


@dataclass
class ObjectifOuvert:
    domaine: str
    intitule: str


@dataclass
class ActionOuverte:
    intitule: str
    structure: Structure
    date_debut: date


@transaction.atomic
def examen_decider(
    *,
    examen: Examen,
    decision: str,
    releve_conclusions: str,
    date_prochaine_revue: date | None,
    objectifs: list[ObjectifOuvert],
    version: int | None,
    auteur: User,
    actions: list[ActionOuverte] = (),
) -> Examen:
    """Record the decision on one pathway: its conclusions (read by the pathway's partners),
    the next review date (set on the pathway), and the objectives and actions it opens."""
    actuel = verrouiller(examen, version)
    parcours = _bloquer(actuel.parcours)
    if not parcours.est_ouvert:
        raise ValidationError(_("Ce parcours est sorti : la décision ne peut plus être modifiée."))
    if date_prochaine_revue is not None and date_prochaine_revue <= timezone.localdate():
        raise ValidationError(
            {"date_prochaine_revue": _("La prochaine revue doit être postérieure à aujourd’hui.")}
        )
    actuel.decision = decision
    actuel.releve_conclusions = releve_conclusions
    actuel.date_prochaine_revue = date_prochaine_revue
    actuel.decide_le = timezone.now()
    actuel.decide_par = auteur
    actuel.version += 1
    _sauver(actuel)
    for objectif in objectifs:
        if objectif.domaine not in Domaine.values:
            raise ValidationError(_("Domaine inconnu."))
        _sauver(
            Objectif(
                parcours=parcours,
                domaine=objectif.domaine,
                intitule=objectif.intitule,
                examen=actuel,
                cree_par=auteur,
            )
        )
    for ouverte in actions:
        # Through the actions' own service: the same rules as an action planned on the page.
        action = action_creer(
            parcours=parcours,
            donnees={
                "intitule": ouverte.intitule,
                "structure": ouverte.structure,
                "date_debut": ouverte.date_debut,
                "statut": StatutAction.PREVUE,
            },
            auteur=auteur,
            # Decided by the EPS together; the pathway page then says which structures do not
            # see the child (the confirmation is asked on the pathway's own action form).
            hors_consentement_confirme=True,
        )
        Action.objects.filter(pk=action.pk).update(examen=actuel)
        parcours.refresh_from_db()
    if date_prochaine_revue is not None:
        parcours.date_prochaine_revue = date_prochaine_revue
        parcours.save(update_fields=["date_prochaine_revue"])
    _noter_activite(parcours)
    reunion = actuel.reunion
    if reunion.statut == StatutReunion.PLANIFIEE:
        reunion.statut = StatutReunion.TENUE
        reunion.save(update_fields=["statut"])
    return actuel
