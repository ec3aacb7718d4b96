"""EPS meetings: planning with a proposed agenda, attendance, and one examination per pathway.

The PRE team (coordinators, professionals of the structure porteuse) plans meetings; every
pathway named on an agenda passes through `visibles_par` of whoever looks at it; decisions on a
pathway need the right to change it. The agenda is *proposed* (the reviews due), never filled by
itself: the coordinator confirms which pathways go on it. A meeting is held (attendance,
decisions) from its day on, not before. Each decision has an effect on the pathway, described by
`effets_decision` before it is recorded and applied by `examen_decider` (issue 15, point 14).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

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
    Decision,
    Examen,
    InvitationEPS,
    MotifSortie,
    Objectif,
    Parcours,
    ReunionEPS,
    Statut,
    StatutAction,
    StatutObjectif,
    StatutReunion,
)
from .actions import action_creer
from .base import _bloquer, _noter_activite, _sauver, parcours_changer_statut

__all__ = [
    "ActionOuverte",
    "Effet",
    "ObjectifOuvert",
    "effets_decision",
    "examen_decider",
    "ordre_du_jour_ajouter",
    "ordre_du_jour_confirmer",
    "ordre_du_jour_proposer",
    "ordre_du_jour_retirer",
    "presences_enregistrer",
    "professionnels_invitables",
    "reunion_peut_etre_tenue",
    "reunion_planifier",
    "revue_par_defaut",
]


def professionnels_invitables(programme: Programme):
    """Active professionals of the structures that work with the programme."""
    return (
        Professionnel.objects.actifs()
        .filter(structure__programmes=programme, user__is_active=True)
        .select_related("user", "structure")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def ordre_du_jour_proposer(
    *, programme: Programme, le: date, parmi=None, reunion: ReunionEPS | None = None
):
    """Open pathways whose review is due by the meeting day, or that were never examined, and
    that no upcoming meeting has on its agenda yet (nor `reunion`, the meeting the proposal is
    for). `parmi` limits the proposal to what the planner may see. A proposal only: nothing
    is put on an agenda until the coordinator confirms it (`ordre_du_jour_confirmer`)."""
    base = parmi if parmi is not None else Parcours.objects.all()
    a_venir = Q(reunion__statut=StatutReunion.PLANIFIEE, reunion__date__gte=timezone.now())
    if reunion is not None:
        a_venir |= Q(reunion=reunion)
    return (
        base.filter(programme=programme)
        .exclude(statut__in=[Statut.SORTI, Statut.REPERAGE])
        .annotate(
            deja_examine=Exists(Examen.objects.filter(parcours=OuterRef("pk"))),
            deja_inscrit=Exists(Examen.objects.filter(a_venir, parcours=OuterRef("pk"))),
        )
        .filter(
            Q(date_prochaine_revue__lte=le)
            | Q(date_prochaine_revue__isnull=True, deja_examine=False)
        )
        .filter(deja_inscrit=False)
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
    auteur: User,
    parcours=(),
) -> ReunionEPS:
    """Plan a meeting and invite professionals (each is told at once). Its agenda starts with
    `parcours` only, in the order given: the page plans with an empty agenda, then proposes."""
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
def ordre_du_jour_confirmer(*, reunion: ReunionEPS, parcours) -> list[Examen]:
    """Put the proposed pathways the coordinator ticked on the agenda, in the order given."""
    reunion = _verrouiller_reunion(reunion)
    if reunion.statut != StatutReunion.PLANIFIEE:
        raise ValidationError(_("Cette réunion a déjà été tenue : son ordre du jour est clos."))
    if not parcours:
        raise ValidationError(
            {"parcours": _("Cochez au moins un parcours à inscrire à l’ordre du jour.")}
        )
    return [_ajouter(reunion, un) for un in parcours]


@transaction.atomic
def ordre_du_jour_retirer(*, examen: Examen) -> None:
    _verrouiller_reunion(examen.reunion)
    if examen.decision:
        raise ValidationError(_("Une décision a été prise : ce parcours reste au relevé."))
    examen.delete()


def reunion_peut_etre_tenue(reunion: ReunionEPS) -> bool:
    """A meeting is held (attendance, decisions) on its day or later, never before."""
    return timezone.localtime(reunion.date).date() <= timezone.localdate()


def _exiger_jour_venu(reunion: ReunionEPS) -> None:
    if not reunion_peut_etre_tenue(reunion):
        raise ValidationError(
            _(
                "La réunion du %(date)s n’a pas encore eu lieu : les présences et les décisions "
                "s’enregistrent à partir de ce jour-là."
            )
            % {"date": timezone.localtime(reunion.date).strftime("%d/%m/%Y")}
        )


@transaction.atomic
def presences_enregistrer(
    *, reunion: ReunionEPS, presents: set[int], version: int | None
) -> ReunionEPS:
    """Record who attended (`presents`: invitation ids), on the attendance form read at the
    meeting's `version`; the meeting is then held, which it can be from its day on only."""
    reunion = _exiger_non_annulee(verrouiller(reunion, version))
    _exiger_jour_venu(reunion)
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


def revue_par_defaut(reunion: ReunionEPS) -> date:
    """The next review from the programme's interval between two reviews, counted from the
    meeting's day (from today when the decision is recorded so late that this has passed)."""
    delai = timedelta(days=reunion.programme.delai_revue_jours)
    revue = timezone.localtime(reunion.date).date() + delai
    return revue if revue > timezone.localdate() else timezone.localdate() + delai


def _etapes_entree(parcours: Parcours, consentement_valide: bool) -> list[str]:
    """The statuses « entrée validée » moves the pathway through, in order, along the
    lifecycle's transitions: to « diagnostic » once a valid consent exists (through « en
    attente de consentement » from « repérage »), to « en cours » after the diagnostic; a
    pathway already followed keeps its status."""
    if parcours.statut == Statut.DIAGNOSTIC:
        return [Statut.EN_COURS]
    etapes = []
    if parcours.statut == Statut.REPERAGE:
        etapes.append(Statut.EN_ATTENTE_CONSENTEMENT)
    if parcours.statut in (Statut.REPERAGE, Statut.EN_ATTENTE_CONSENTEMENT) and consentement_valide:
        etapes.append(Statut.DIAGNOSTIC)
    return etapes


def _consentement_valide(parcours: Parcours) -> bool:
    return any(c.est_valide() for c in parcours.consentements.all())


@dataclass
class Effet:
    """What one decision will do to the pathway, told before it is recorded."""

    decision: str
    texte: str
    statut: str | None = None  # the status the pathway ends in, when it moves
    revue: date | None = None  # the next review set when the form leaves the date empty
    sortie: bool = False  # the exit form opens next; the exit waits for its confirmation
    motif_sortie: str = ""
    objectifs: list[Objectif] = field(default_factory=list)  # the open objectives to revise


def effets_decision(examen: Examen) -> dict[str, Effet]:
    """Each decision's effect on the examined pathway, as `examen_decider` applies it."""
    parcours, reunion = examen.parcours, examen.reunion
    jour = timezone.localtime(reunion.date).strftime("%d/%m/%Y")
    revue = revue_par_defaut(reunion)
    delai = reunion.programme.delai_revue_jours
    etapes = _etapes_entree(parcours, _consentement_valide(parcours))
    if etapes and etapes[-1] != Statut.EN_ATTENTE_CONSENTEMENT:
        entree = Effet(
            Decision.ENTREE_VALIDEE,
            _("Le parcours passera de « %(de)s » à « %(vers)s ».")
            % {"de": parcours.get_statut_display(), "vers": Statut(etapes[-1]).label},
            statut=etapes[-1],
        )
    elif parcours.statut in (Statut.REPERAGE, Statut.EN_ATTENTE_CONSENTEMENT):
        entree = Effet(
            Decision.ENTREE_VALIDEE,
            _(
                "Sans consentement valide, le parcours reste « En attente de consentement », "
                "marqué « entrée validée par l’EPS le %(jour)s » ; il passera au diagnostic dès "
                "que le consentement sera enregistré."
            )
            % {"jour": jour},
            statut=Statut.EN_ATTENTE_CONSENTEMENT,
        )
    else:
        entree = Effet(
            Decision.ENTREE_VALIDEE,
            _("Le parcours est déjà « %(statut)s » : son statut ne change pas.")
            % {"statut": parcours.get_statut_display()},
        )
    a_revoir = list(
        parcours.objectifs.filter(statut=StatutObjectif.OUVERT).order_by("date_ouverture", "pk")
    )
    sortie = _(
        "La décision enregistrée, le formulaire de sortie s’ouvre%(motif)s : le parcours ne "
        "sort qu’une fois ce formulaire confirmé."
    )
    return {
        Decision.ENTREE_VALIDEE: entree,
        Decision.OBJECTIFS_REVUS: Effet(
            Decision.OBJECTIFS_REVUS,
            _(
                "La prochaine revue sera fixée à la date indiquée plus bas, ou à défaut au "
                "%(revue)s (délai du programme : %(delai)s jours) ; les objectifs ouverts sont "
                "à revoir."
            )
            % {"revue": revue.strftime("%d/%m/%Y"), "delai": delai},
            revue=revue,
            objectifs=a_revoir,
        ),
        Decision.MAINTIEN: Effet(
            Decision.MAINTIEN,
            _(
                "Le parcours continue ; la prochaine revue sera fixée au %(revue)s (délai du "
                "programme : %(delai)s jours), sauf autre date indiquée plus bas."
            )
            % {"revue": revue.strftime("%d/%m/%Y"), "delai": delai},
            revue=revue,
        ),
        Decision.REORIENTATION: Effet(
            Decision.REORIENTATION,
            sortie % {"motif": _(" avec le motif « réorientation » prérempli")},
            sortie=True,
            motif_sortie=MotifSortie.REORIENTATION,
        ),
        Decision.SORTIE: Effet(Decision.SORTIE, sortie % {"motif": ""}, sortie=True),
    }


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
    """Record the decision on one pathway, on a meeting whose day has come: its conclusions
    (read by the pathway's partners), the objectives and actions it opens, and its effect
    (`effets_decision`): « entrée validée » moves the pathway along its lifecycle (through
    the status service), « objectifs revus » and « maintien » set the next review (the
    programme's interval when none is given), « réorientation » and « sortie » leave the exit
    to its own confirmed form."""
    actuel = verrouiller(examen, version)
    parcours = _bloquer(actuel.parcours)
    if not parcours.est_ouvert:
        raise ValidationError(_("Ce parcours est sorti : la décision ne peut plus être modifiée."))
    reunion = _exiger_non_annulee(actuel.reunion)
    _exiger_jour_venu(reunion)
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choisissez une décision.")})
    if decision in (Decision.REORIENTATION, Decision.SORTIE):
        date_prochaine_revue = None  # the pathway is leaving: no review to plan
    elif date_prochaine_revue is None and decision in (Decision.OBJECTIFS_REVUS, Decision.MAINTIEN):
        date_prochaine_revue = revue_par_defaut(reunion)
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
    if decision == Decision.ENTREE_VALIDEE:
        commentaire = _("Entrée validée par l’EPS du %(jour)s.") % {
            "jour": timezone.localtime(reunion.date).strftime("%d/%m/%Y")
        }
        for statut in _etapes_entree(parcours, _consentement_valide(parcours)):
            parcours = parcours_changer_statut(
                parcours=parcours,
                statut=statut,
                auteur=auteur,
                version=parcours.version,
                commentaire=commentaire,
            )
    _noter_activite(parcours)
    if reunion.statut == StatutReunion.PLANIFIEE:
        reunion.statut = StatutReunion.TENUE
        reunion.save(update_fields=["statut"])
    return actuel
