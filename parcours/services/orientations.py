"""Referrals: a partner professional refers a child, the coordination decides.

Each decision is a step of the referral's thread (`EchangeOrientation`) and notifies the
referrer through the reminder machinery (in-app, and e-mail as they chose). Accepting opens the
pathway « en repérage » through the same service as the creation form; the referrer never gets
access to it from the referral (DOMAIN.md, rule 1).
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partenaires.models import Partenariat, Professionnel, Structure, TypeStructure
from reussite.core.ecriture import verrouiller
from reussite.core.models import Programme, Role, User
from reussite.core.rappels import rappel_signaler
from reussite.core.roles import titulaires
from reussite.core.stockage import stockage_protege

from ..models import (
    STATUTS_ORIENTATION_OUVERTS,
    EchangeOrientation,
    Enfant,
    GenreEchange,
    Orientation,
    Parcours,
    StatutOrientation,
    orienteur_de_structure,
)
from ..text import normaliser
from .base import DonneesCreation, DonneesResponsable, _sauver, enfant_et_parcours_creer

__all__ = [
    "DecisionOrientation",
    "orientation_decider",
    "orientation_deposer",
    "orientation_repondre",
    "programme_de_la_commune",
    "programmes_orientables",
]

# The fields a referral form fills (the referrer, programme, file and statuses are the service's).
CHAMPS_DEPOT = (
    "nom",
    "prenom",
    "date_naissance",
    "sexe",
    "etablissement",
    "niveau_scolaire",
    "commune",
    "contact_nom",
    "contact_prenom",
    "contact_lien",
    "contact_telephone",
    "contact_email",
    "motifs",
    "deja_tente",
    "famille_informee",
    "famille_accepte_contact",
    "rappel_nom",
    "rappel_telephone",
    "rappel_email",
)


def programmes_orientables(professionnel: Professionnel):
    """The programmes a member of this structure may refer a child to: those the structure
    works with."""
    return Programme.objects.filter(
        pk__in=Partenariat.objects.filter(structure_id=professionnel.structure_id).values(
            "programme_id"
        )
    )


def programme_de_la_commune(programmes, commune: str) -> Programme | None:
    """The one programme among `programmes` whose territory names `commune`, if exactly one."""
    cle = normaliser(commune)
    trouves = [p for p in programmes if cle in {normaliser(c) for c in p.communes}]
    return trouves[0] if len(trouves) == 1 else None


def _signaler_orienteur(echange: EchangeOrientation) -> None:
    """The referrer learns every step of their referral (once per step)."""
    rappel_signaler(
        genre_nom="orientation_suivi", objet=echange, destinataire=echange.orientation.auteur.user
    )


def _signaler_coordination(echange: EchangeOrientation) -> None:
    """A new referral, or the referrer's answer: the programme's coordinators have to act."""
    ids = {
        user_id for _p, user_id in titulaires([echange.orientation.programme_id], Role.COORDINATEUR)
    }
    for destinataire in User.objects.filter(pk__in=ids).order_by("pk"):
        rappel_signaler(genre_nom="orientation_a_traiter", objet=echange, destinataire=destinataire)


def _echange(orientation, *, genre: str, auteur, texte: str = "") -> EchangeOrientation:
    return EchangeOrientation.objects.create(
        orientation=orientation, genre=genre, statut=orientation.statut, texte=texte, auteur=auteur
    )


@transaction.atomic
def orientation_deposer(
    *,
    auteur: Professionnel,
    user: User,
    donnees: dict,
    programme: Programme | None = None,
    fichier=None,
) -> Orientation:
    """A partner professional refers a child. The programme is the one chosen, or else the
    one of the structure's programmes whose territory names the child's commune."""
    if auteur.user_id != user.pk or not auteur.actif or not user.is_active:
        raise ValidationError(_("Vous n’êtes pas membre actif de cette structure."))
    possibles = list(programmes_orientables(auteur))
    if not possibles:
        raise ValidationError(_("Votre structure ne travaille avec aucun programme."))
    if programme is None:
        programme = (
            possibles[0]
            if len(possibles) == 1
            else programme_de_la_commune(possibles, donnees.get("commune", ""))
        )
        if programme is None:
            raise ValidationError(
                {
                    "programme": _(
                        "Votre structure travaille avec plusieurs programmes et aucun ne couvre "
                        "cette commune à lui seul : choisissez le programme."
                    )
                }
            )
    elif programme.pk not in {p.pk for p in possibles}:
        raise ValidationError(
            {"programme": _("Votre structure ne travaille pas avec ce programme.")}
        )
    if not (donnees.get("famille_informee") and donnees.get("famille_accepte_contact")):
        raise ValidationError(
            {
                "famille_accepte_contact": _(
                    "Une orientation se fait avec l’accord de la famille : informez-la et "
                    "recueillez son accord pour être contactée avant d’envoyer."
                )
            }
        )
    etablissement = donnees.get("etablissement")
    if (
        etablissement is not None
        and not Structure.objects.filter(
            pk=etablissement.pk, type=TypeStructure.ECOLE, programmes=programme
        ).exists()
    ):
        raise ValidationError(
            {"etablissement": _("Cet établissement ne travaille pas avec ce programme.")}
        )
    if not (donnees.get("contact_telephone") or donnees.get("contact_email")):
        raise ValidationError(
            {
                "contact_telephone": _(
                    "Indiquez un téléphone ou une adresse pour joindre la famille."
                )
            }
        )
    orientation = Orientation(
        programme=programme,
        auteur=auteur,
        structure_id=auteur.structure_id,
        **{nom: donnees[nom] for nom in CHAMPS_DEPOT if nom in donnees},
    )
    if fichier is not None:
        from reussite.core.fichiers import type_document

        try:
            mime = type_document(fichier)
        except ValidationError as erreur:
            raise ValidationError({"document": erreur.messages}) from erreur
        orientation._fichier_mime = mime
        orientation.document_type_mime = mime
        orientation.document = fichier
    with stockage_protege(champ="document"):
        _sauver(orientation)
    echange = _echange(orientation, genre=GenreEchange.DEPOT, auteur=user)
    _signaler_coordination(echange)
    return orientation


@transaction.atomic
def orientation_repondre(*, orientation: Orientation, auteur: User, texte: str) -> Orientation:
    """The referrer answers the coordination's question: the referral goes back to study."""
    actuelle = Orientation.objects.select_for_update(of=("self",)).get(pk=orientation.pk)
    if actuelle.auteur.user_id != auteur.pk:
        raise ValidationError(_("Seul l’orienteur répond à cette demande."))
    if actuelle.statut != StatutOrientation.COMPLEMENT:
        raise ValidationError(_("Aucun complément n’est demandé sur cette orientation."))
    if not texte.strip():
        raise ValidationError({"texte": _("Écrivez votre réponse.")})
    actuelle.statut = StatutOrientation.EN_ETUDE
    actuelle.version += 1
    actuelle.save(update_fields=["statut", "version", "modifie_le"])
    echange = _echange(actuelle, genre=GenreEchange.REPONSE, auteur=auteur, texte=texte.strip())
    _signaler_coordination(echange)
    return actuelle


@dataclass
class DecisionOrientation:
    """What the coordination decides. `decision` is a `GenreEchange` among ETUDE, QUESTION,
    ACCEPTATION, REORIENTATION, REFUS."""

    decision: str
    message: str = ""
    service: str = ""
    referent: Professionnel | None = None
    date_entree: date | None = None
    confirmer_doublon: bool = False


_STATUT_DE_LA_DECISION = {
    GenreEchange.ETUDE: StatutOrientation.EN_ETUDE,
    GenreEchange.QUESTION: StatutOrientation.COMPLEMENT,
    GenreEchange.ACCEPTATION: StatutOrientation.ACCEPTEE,
    GenreEchange.REORIENTATION: StatutOrientation.REORIENTEE,
    GenreEchange.REFUS: StatutOrientation.REFUSEE,
}


def doublons_de(orientation: Orientation):
    """The programme's children with the same names and birth date (accent- and
    case-insensitive): a probable duplicate."""
    return Enfant.objects.filter(
        programme_id=orientation.programme_id,
        date_naissance=orientation.date_naissance,
        recherche=normaliser(f"{orientation.nom} {orientation.prenom}"),
    )


def _ouvrir_parcours(orientation: Orientation, decision: DecisionOrientation, auteur) -> Parcours:
    if doublons_de(orientation).exists() and not decision.confirmer_doublon:
        raise ValidationError(
            {
                "confirmer_doublon": _(
                    "Un enfant du programme porte les mêmes nom, prénom et date de naissance : "
                    "vérifiez qu’il ne s’agit pas du même enfant, puis confirmez."
                )
            }
        )
    structure = orientation.structure
    return enfant_et_parcours_creer(
        programme=orientation.programme,
        auteur=auteur,
        donnees=DonneesCreation(
            enfant={
                "nom": orientation.nom,
                "prenom": orientation.prenom,
                "date_naissance": orientation.date_naissance,
                "sexe": orientation.sexe,
                "etablissement": orientation.etablissement,
                "niveau_scolaire": orientation.niveau_scolaire,
            },
            famille={"commune": orientation.commune},
            responsables=[
                DonneesResponsable(
                    nom=orientation.contact_nom,
                    prenom=orientation.contact_prenom,
                    lien=orientation.contact_lien,
                    telephone=orientation.contact_telephone,
                    email=orientation.contact_email,
                )
            ],
            parcours={
                "orienteur": orienteur_de_structure(structure.type),
                "orienteur_structure": structure,
                "motifs_orientation": list(orientation.motifs),
                "referent": decision.referent,
                "date_entree": decision.date_entree or timezone.localdate(),
            },
        ),
        commentaire=_("Ouvert à partir de l’orientation n° %(n)s") % {"n": orientation.pk},
    )


@transaction.atomic
def orientation_decider(
    *, orientation: Orientation, decision: DecisionOrientation, version: int | None, auteur: User
) -> Orientation:
    """Study, question, accept, redirect or refuse a referral still waiting for a decision."""
    actuelle = verrouiller(orientation, version)
    if decision.decision not in _STATUT_DE_LA_DECISION:
        raise ValidationError({"decision": _("Choisissez une décision.")})
    if actuelle.statut not in STATUTS_ORIENTATION_OUVERTS:
        raise ValidationError(_("Cette orientation a déjà reçu une décision."))
    message = decision.message.strip()
    if decision.decision == GenreEchange.ETUDE and actuelle.statut != StatutOrientation.RECUE:
        raise ValidationError({"decision": _("Cette orientation est déjà à l’étude.")})
    if decision.decision == GenreEchange.QUESTION and not message:
        raise ValidationError({"message": _("Écrivez la question à poser à l’orienteur.")})
    if decision.decision == GenreEchange.REORIENTATION and not decision.service.strip():
        raise ValidationError({"service": _("Nommez le service vers lequel vous réorientez.")})
    if decision.decision in (GenreEchange.REORIENTATION, GenreEchange.REFUS) and not message:
        raise ValidationError({"message": _("Indiquez le motif, que l’orienteur recevra.")})
    actuelle.statut = _STATUT_DE_LA_DECISION[decision.decision]
    if decision.decision == GenreEchange.ACCEPTATION:
        actuelle.parcours = _ouvrir_parcours(actuelle, decision, auteur)
    if actuelle.statut not in STATUTS_ORIENTATION_OUVERTS:
        actuelle.decidee_le = timezone.now()
        actuelle.motif_decision = message
        actuelle.service_reorientation = decision.service.strip()
    actuelle.version += 1
    _sauver(actuelle)
    texte = message
    if decision.decision == GenreEchange.REORIENTATION:
        texte = f"{decision.service.strip()} : {message}"
    echange = _echange(actuelle, genre=decision.decision, auteur=auteur, texte=texte)
    _signaler_orienteur(echange)
    return actuelle
