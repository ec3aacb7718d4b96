"""Transfers: a pathway follows the family to another programme of the platform.

The sending coordination proposes (with the family's consent for that purpose); the receiving
coordination sees only what it needs to decide (`Transfert.resume`: age, school level, motives,
objectives in summary — never a name, never a note) and accepts or declines. On acceptance the
child and the family are copied into the receiving programme, a new pathway opens there « en
attente de consentement » (a new controller needs the family's own consent) with the
objectives, the actions' summary and, if the family agreed, the team-visible notes; never an
author-only note, never the information préoccupante record (only the flag that one was
transmitted). The sending pathway exits with the reason « transfert ».
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reussite.core.ecriture import verrouiller
from reussite.core.models import Programme, Role, User
from reussite.core.rappels import rappel_signaler
from reussite.core.roles import titulaires

from ..models import (
    ChangementStatut,
    Enfant,
    Famille,
    Finalite,
    MotifSortie,
    Note,
    Objectif,
    Orienteur,
    Parcours,
    ResponsableLegal,
    Statut,
    StatutTransfert,
    Transfert,
    Visibilite,
)
from ..permissions import parcours_permissions_recalculer
from .base import _bloquer, _changer_statut, _sauver
from .droits import demandes_droits_informer_apres_transfert

__all__ = ["transfert_accepter", "transfert_proposer", "transfert_refuser"]


def _signaler(transfert: Transfert, programme_id: int, genre: str) -> None:
    ids = {u for _p, u in titulaires([programme_id], Role.COORDINATEUR)}
    for destinataire in User.objects.filter(pk__in=ids).order_by("pk"):
        rappel_signaler(genre_nom=genre, objet=transfert, destinataire=destinataire)


def _resume(parcours: Parcours) -> dict:
    enfant = parcours.enfant
    return {
        "age": enfant.age(),
        "niveau_scolaire": enfant.get_niveau_scolaire_display(),
        "motifs": [str(m) for m in parcours.get_motifs_orientation_display()],
        "objectifs": [
            f"{o.get_domaine_display()} : {o.intitule}"
            for o in parcours.objectifs.all().order_by("pk")
        ],
        "date_entree": parcours.date_entree.isoformat(),
        "statut": parcours.get_statut_display(),
    }


@transaction.atomic
def transfert_proposer(
    *,
    parcours: Parcours,
    programme_destination: Programme,
    auteur: User,
    avec_notes_equipe: bool = False,
) -> Transfert:
    actuel = _bloquer(parcours)
    if not actuel.est_ouvert:
        raise ValidationError(_("Ce parcours est sorti."))
    if programme_destination.pk == actuel.programme_id:
        raise ValidationError(
            {"programme_destination": _("Choisissez un autre programme que le vôtre.")}
        )
    if not any(
        c.est_valide() and Finalite.TRANSFERT in c.finalites for c in actuel.consentements.all()
    ):
        raise ValidationError(
            _(
                "La famille n’a pas consenti au transfert vers un autre programme : enregistrez "
                "un consentement avec la finalité « transfert vers un autre programme »."
            )
        )
    if Transfert.objects.filter(parcours_origine=actuel, statut=StatutTransfert.PROPOSE).exists():
        raise ValidationError(_("Un transfert est déjà proposé pour ce parcours."))
    transfert = _sauver(
        Transfert(
            parcours_origine=actuel,
            programme_origine_id=actuel.programme_id,
            programme_destination=programme_destination,
            resume=_resume(actuel),
            avec_notes_equipe=avec_notes_equipe,
            propose_par=auteur,
        )
    )
    _signaler(transfert, programme_destination.pk, "transfert_propose")
    return transfert


def _verrouiller_propose(transfert: Transfert, version: int | None) -> Transfert:
    actuel = verrouiller(transfert, version)
    if actuel.statut != StatutTransfert.PROPOSE:
        raise ValidationError(_("Ce transfert a déjà reçu une réponse."))
    return actuel


@transaction.atomic
def transfert_refuser(
    *, transfert: Transfert, auteur: User, motif: str, version: int | None
) -> Transfert:
    actuel = _verrouiller_propose(transfert, version)
    if not motif.strip():
        raise ValidationError({"motif_refus": _("Indiquez le motif du refus.")})
    actuel.statut = StatutTransfert.REFUSE
    actuel.motif_refus = motif.strip()
    actuel.decide_par, actuel.decide_le = auteur, timezone.now()
    actuel.version += 1
    _sauver(actuel)
    _signaler(actuel, actuel.programme_origine_id, "transfert_decide")
    return actuel


def _copier(origine: Parcours, transfert: Transfert, auteur: User) -> Parcours:
    """The receiving programme's own rows: family, guardians, child, pathway, objectives."""
    destination = transfert.programme_destination
    enfant_origine = origine.enfant
    famille_origine = enfant_origine.famille
    famille = _sauver(
        Famille(
            programme=destination,
            adresse="",  # the family moved: its new address is asked again
            commune="",
            langue_parlee=famille_origine.langue_parlee,
        )
    )
    for r in famille_origine.responsables.all():
        _sauver(
            ResponsableLegal(
                famille=famille,
                nom=r.nom,
                prenom=r.prenom,
                lien=r.lien,
                autorite_parentale=r.autorite_parentale,
                telephone=r.telephone,
                email=r.email,
            )
        )
    enfant = _sauver(
        Enfant(
            programme=destination,
            famille=famille,
            nom=enfant_origine.nom,
            prenom=enfant_origine.prenom,
            date_naissance=enfant_origine.date_naissance,
            sexe=enfant_origine.sexe,
            niveau_scolaire=enfant_origine.niveau_scolaire,
            niveau_scolaire_annee=enfant_origine.niveau_scolaire_annee,
        )
    )
    parcours = _sauver(
        Parcours(
            programme=destination,
            enfant=enfant,
            statut=Statut.EN_ATTENTE_CONSENTEMENT,
            orienteur=Orienteur.AUTRE,
            motifs_orientation=list(origine.motifs_orientation),
            profil_accompagnement=origine.profil_accompagnement,
            date_entree=timezone.localdate(),
        )
    )
    if origine.information_preoccupante_le is not None:
        # The fact only, for the coordination and the référent: never the record itself.
        Parcours.objects.filter(pk=parcours.pk).update(
            information_preoccupante_le=origine.information_preoccupante_le
        )
    ChangementStatut.objects.create(
        parcours=parcours,
        ancien_statut="",
        nouveau_statut=parcours.statut,
        auteur=auteur,
        commentaire=_("Transfert depuis %(p)s") % {"p": transfert.programme_origine.nom},
    )
    for objectif in origine.objectifs.all().order_by("pk"):
        Objectif.objects.create(
            parcours=parcours,
            domaine=objectif.domaine,
            intitule=objectif.intitule,
            statut=objectif.statut,
            commentaire_resultat=objectif.commentaire_resultat,
            date_ouverture=objectif.date_ouverture,
            date_cloture=objectif.date_cloture,
            cree_par=auteur,
        )
    actions = [
        f"– {a.intitule} ({a.get_statut_display()}, {a.date_debut:%d/%m/%Y})"
        for a in origine.actions.all().order_by("date_debut", "pk")
    ]
    if actions:
        Note.objects.create(
            parcours=parcours,
            auteur=auteur,
            visibilite=Visibilite.EQUIPE,
            texte=_("Actions menées dans le programme %(p)s :")
            % {"p": transfert.programme_origine.nom}
            + "\n"
            + "\n".join(actions),
        )
    if transfert.avec_notes_equipe:
        for note in (
            origine.notes.filter(visibilite=Visibilite.EQUIPE)
            .select_related("auteur")
            .order_by("cree_le", "pk")
        ):
            Note.objects.create(
                parcours=parcours,
                auteur=auteur,
                visibilite=Visibilite.EQUIPE,
                texte=_("Note reprise du programme %(p)s (%(le)s) :")
                % {"p": transfert.programme_origine.nom, "le": f"{note.cree_le:%d/%m/%Y}"}
                + "\n"
                + note.texte,
            )
    parcours_permissions_recalculer(parcours=parcours)
    return parcours


@transaction.atomic
def transfert_accepter(*, transfert: Transfert, auteur: User, version: int | None) -> Transfert:
    actuel = _verrouiller_propose(transfert, version)
    origine = _bloquer(actuel.parcours_origine)
    if not origine.est_ouvert:
        raise ValidationError(_("Le parcours d’origine est sorti entre-temps."))
    destination = _copier(origine, actuel, auteur)
    # The sending pathway exits: its partners lose access at once (permissions recomputed).
    ancien = origine.statut
    origine.statut = Statut.SORTI
    origine.date_sortie = max(date.today(), origine.date_entree)
    origine.motif_sortie = MotifSortie.TRANSFERT
    origine.date_prochaine_revue = None
    _changer_statut(
        origine,
        auteur=auteur,
        commentaire=_("Transfert vers %(p)s") % {"p": actuel.programme_destination.nom},
        ancien=ancien,
    )
    actuel.statut = StatutTransfert.ACCEPTE
    actuel.parcours_destination = destination
    actuel.decide_par, actuel.decide_le = auteur, timezone.now()
    actuel.version += 1
    _sauver(actuel)
    _signaler(actuel, actuel.programme_origine_id, "transfert_decide")
    # A family's request still open in the sending programme now concerns the receiving one.
    demandes_droits_informer_apres_transfert(transfert=actuel)
    return actuel
