"""Requests to partners (issue 21): send, answer, withdraw, and turn an accepted request into
an action of the pathway.

The answer follows the one concurrency rule: the form carries the version it was read at, so
the first answer wins and a second concurrent one is a conflict. A request withdrawn, or whose
pathway has exited, is refused with a French message *before* the version is compared, so that
the partner learns why rather than seeing a conflict page.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partenaires.models import Professionnel, Structure
from reussite.core.ecriture import verrouiller
from reussite.core.models import User
from reussite.core.rappels import rappel_signaler

from ..models import (
    Action,
    MotifRefus,
    Objectif,
    Parcours,
    Sollicitation,
    StatutAction,
    StatutObjectif,
    StatutSollicitation,
)
from ..permissions import structures_couvertes
from .actions import action_creer
from .base import _bloquer, _noter_activite, _sauver

__all__ = [
    "avertissement_sollicitation",
    "destinataires_sollicitation",
    "sollicitation_creer",
    "sollicitation_en_action",
    "sollicitation_reorienter",
    "sollicitation_repondre",
    "sollicitation_retirer",
]

CHAMPS_REPONSE = (
    "statut",
    "date_rdv",
    "delai_semaines",
    "motif_refus",
    "structure_conseillee",
    "commentaire_reponse",
)

HORS_RESEAU = _("Cette structure ne fait pas partie du réseau de ce programme.")


def destinataires_sollicitation(sollicitation: Sollicitation) -> list[User]:
    """Who answers: the named professional, or else every active member of the structure."""
    if sollicitation.professionnel_id is not None:
        pro = sollicitation.professionnel
        return [pro.user] if pro.actif and pro.user.is_active else []
    return [
        p.user
        for p in Professionnel.objects.filter(
            structure_id=sollicitation.structure_id, actif=True, user__is_active=True
        ).select_related("user")
    ]


@transaction.atomic
def sollicitation_creer(
    *,
    parcours: Parcours,
    objectif: Objectif,
    structure: Structure,
    professionnel: Professionnel | None,
    demande: str,
    motif: str,
    echeance: date,
    auteur: User,
    origine: Sollicitation | None = None,
) -> Sollicitation:
    """Ask a structure of the programme's network (optionally one of its professionals) to act
    on an open objective of an open pathway. The caller holds the change right on `parcours`."""
    actuel = _bloquer(parcours)
    if not actuel.est_ouvert:
        raise ValidationError(_("Ce parcours est sorti : il ne peut plus être modifié."))
    if objectif.parcours_id != actuel.pk:
        raise ValidationError({"objectif": _("Cet objectif appartient à un autre parcours.")})
    if objectif.statut != StatutObjectif.OUVERT:
        raise ValidationError({"objectif": _("Cet objectif est clos.")})
    if not Structure.objects.filter(pk=structure.pk, programmes=actuel.programme_id).exists():
        raise ValidationError({"structure": HORS_RESEAU})
    if professionnel is not None and (
        professionnel.structure_id != structure.pk or not professionnel.actif
    ):
        raise ValidationError(
            {"professionnel": _("Ce professionnel n’est pas un membre actif de cette structure.")}
        )
    if echeance < date.today():
        raise ValidationError({"echeance": _("L’échéance ne peut pas être dans le passé.")})
    sollicitation = Sollicitation(
        programme_id=actuel.programme_id,
        parcours=actuel,
        objectif=objectif,
        domaine=objectif.domaine,
        structure=structure,
        professionnel=professionnel,
        demande=demande,
        motif=motif,
        echeance=echeance,
        auteur=auteur,
        envoyee_le=timezone.now(),
        origine=origine,
    )
    _sauver(sollicitation)
    _noter_activite(actuel)
    for destinataire in destinataires_sollicitation(sollicitation):
        rappel_signaler(
            genre_nom="sollicitation_recue", objet=sollicitation, destinataire=destinataire
        )
    return sollicitation


def _verrouiller_ouverte(sollicitation: Sollicitation, version: int | None) -> Sollicitation:
    """Lock the request, refuse (French message) when it was withdrawn or its pathway exited,
    then compare the version: a concurrent answer is a conflict."""
    ligne = (
        Sollicitation.objects.select_for_update(of=("self",))
        .select_related("parcours")
        .get(pk=sollicitation.pk)
    )
    if ligne.statut == StatutSollicitation.RETIREE:
        raise ValidationError(
            _("Cette sollicitation a été retirée par l’équipe du parcours : rien n’a été changé.")
        )
    if not ligne.parcours.est_ouvert:
        raise ValidationError(
            _("Le parcours concerné est clos : cette sollicitation n’attend plus de réponse.")
        )
    return verrouiller(ligne, version, queryset=Sollicitation.objects.select_related("parcours"))


@transaction.atomic
def sollicitation_repondre(
    *, sollicitation: Sollicitation, donnees: dict, version: int | None, auteur: User
) -> Sollicitation:
    """The partner's answer. The caller fetched the request through
    `sollicitation_pour(..., capacite=REPONSE)`: `auteur` may answer it."""
    actuel = _verrouiller_ouverte(sollicitation, version)
    if actuel.statut != StatutSollicitation.ENVOYEE:
        raise ValidationError(_("Cette sollicitation a déjà reçu une réponse."))
    for nom in CHAMPS_REPONSE:
        if nom in donnees:
            setattr(actuel, nom, donnees[nom] if donnees[nom] is not None else None)
    statut = actuel.statut
    erreurs = {}
    if statut not in (
        StatutSollicitation.ACCEPTEE,
        StatutSollicitation.ATTENTE,
        StatutSollicitation.REFUSEE,
        StatutSollicitation.REDIRIGEE,
    ):
        erreurs["statut"] = _("Choisissez une réponse.")
    if statut == StatutSollicitation.ACCEPTEE and actuel.date_rdv is None:
        erreurs["date_rdv"] = _("Indiquez la date de début ou du rendez-vous.")
    if statut == StatutSollicitation.ATTENTE and not actuel.delai_semaines:
        erreurs["delai_semaines"] = _("Indiquez le délai d’attente estimé.")
    if statut == StatutSollicitation.REFUSEE and actuel.motif_refus not in MotifRefus.values:
        erreurs["motif_refus"] = _("Indiquez le motif du refus.")
    if statut == StatutSollicitation.REDIRIGEE:
        conseillee = actuel.structure_conseillee
        if conseillee is None:
            erreurs["structure_conseillee"] = _("Indiquez vers quelle structure vous réorientez.")
        elif conseillee.pk == actuel.structure_id:
            erreurs["structure_conseillee"] = _("Réorientez vers une autre structure que la vôtre.")
        elif not Structure.objects.filter(
            pk=conseillee.pk, programmes=actuel.programme_id
        ).exists():
            erreurs["structure_conseillee"] = HORS_RESEAU
    if erreurs:
        raise ValidationError(erreurs)
    # Only the fields of the answer given are kept.
    if statut != StatutSollicitation.ACCEPTEE:
        actuel.date_rdv = None
    if statut != StatutSollicitation.ATTENTE:
        actuel.delai_semaines = None
    if statut != StatutSollicitation.REFUSEE:
        actuel.motif_refus = ""
    if statut != StatutSollicitation.REDIRIGEE:
        actuel.structure_conseillee = None
    actuel.redirigee_vers = ""
    actuel.repondu_par = auteur
    actuel.repondu_le = timezone.now()
    actuel.version += 1
    _sauver(actuel)
    if actuel.auteur_id is not None:
        rappel_signaler(
            genre_nom="sollicitation_repondue", objet=actuel, destinataire=actuel.auteur
        )
    return actuel


@transaction.atomic
def sollicitation_retirer(
    *, sollicitation: Sollicitation, version: int | None, auteur: User
) -> Sollicitation:
    """The pathway's team withdraws a request that has not been answered."""
    actuel = _verrouiller_ouverte(sollicitation, version)
    if actuel.statut != StatutSollicitation.ENVOYEE:
        raise ValidationError(_("Une sollicitation qui a reçu une réponse ne se retire plus."))
    actuel.statut = StatutSollicitation.RETIREE
    actuel.retiree_le = timezone.now()
    actuel.version += 1
    _sauver(actuel)
    return actuel


def avertissement_sollicitation(sollicitation: Sollicitation) -> bool:
    """Whether the structure is not covered by the family's consent (the action will then be
    delivered without sharing, after the same confirmation as any action)."""
    return sollicitation.structure_id not in structures_couvertes(sollicitation.parcours)


@transaction.atomic
def sollicitation_en_action(
    *,
    sollicitation: Sollicitation,
    version: int | None,
    auteur: User,
    hors_consentement_confirme: bool = False,
) -> Action:
    """An accepted request becomes a planned action of the pathway in one step: same objective,
    structure, start date. The named professional is kept only when the consent covers their
    structure (otherwise the action names the structure alone, after the consent warning that
    `action_creer` raises as `confirmer_consentement`)."""
    actuel = _verrouiller_ouverte(sollicitation, version)
    if actuel.statut != StatutSollicitation.ACCEPTEE:
        raise ValidationError(_("Seule une sollicitation acceptée devient une action."))
    if actuel.action_id is not None:
        raise ValidationError(_("Cette sollicitation est déjà devenue une action."))
    parcours = actuel.parcours
    couvert = actuel.structure_id in structures_couvertes(parcours)
    objectif = actuel.objectif if actuel.objectif.statut == StatutObjectif.OUVERT else None
    action = action_creer(
        parcours=parcours,
        donnees={
            "objectif": objectif,
            "intitule": actuel.demande[:200],
            "structure": actuel.structure,
            "professionnel": actuel.professionnel if couvert else None,
            "date_debut": actuel.date_rdv,
            "statut": StatutAction.PREVUE,
        },
        auteur=auteur,
        hors_consentement_confirme=hors_consentement_confirme,
    )
    actuel.action = action
    actuel.version += 1
    _sauver(actuel)
    return action


@transaction.atomic
def sollicitation_reorienter(
    *, sollicitation: Sollicitation, version: int | None, auteur: User, echeance: date
) -> Sollicitation:
    """The team confirms a « réorientée » answer: in one step the same request (objective,
    what is asked, why) goes to the suggested structure, linked to the first one (`origine`),
    so that each thread shows the other. The first request is read at `version`: a second
    confirmation, or one after the answer changed, is a conflict; one follow-up at most."""
    actuel = _verrouiller_ouverte(sollicitation, version)
    if actuel.statut != StatutSollicitation.REDIRIGEE or actuel.structure_conseillee_id is None:
        raise ValidationError(
            _("Seule une sollicitation réorientée vers une structure du réseau se transmet.")
        )
    if Sollicitation.objects.filter(origine=actuel).exists():
        raise ValidationError(
            _("Cette sollicitation a déjà été transmise à la structure conseillée.")
        )
    suite = sollicitation_creer(
        parcours=actuel.parcours,
        objectif=actuel.objectif,
        structure=actuel.structure_conseillee,
        professionnel=None,
        demande=actuel.demande,
        motif=actuel.motif,
        echeance=echeance,
        auteur=auteur,
        origine=actuel,
    )
    actuel.version += 1
    _sauver(actuel)
    return suite
