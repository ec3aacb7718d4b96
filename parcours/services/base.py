"""Writes on children, families and pathways. Each service is atomic, validates first and
keeps derived state (permissions, history) true in the same transaction."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partenaires.models import Partenariat, Professionnel, Structure
from reussite.core.ecriture import verrouiller
from reussite.core.models import Programme, User
from reussite.core.rappels import rappel_signaler
from reussite.core.stockage import stockage_protege

from ..models import (
    ChangementStatut,
    Consentement,
    Decision,
    Enfant,
    Examen,
    Famille,
    Finalite,
    Intervenant,
    MotifSortie,
    Parcours,
    ResponsableLegal,
    Statut,
)
from ..permissions import parcours_permissions_recalculer

# The lifecycle: repérage → en attente de consentement → diagnostic → en cours ⇄ suspendu;
# exit ("sorti") is possible from every open status and handled by `parcours_sortir`.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Statut.REPERAGE: (Statut.EN_ATTENTE_CONSENTEMENT,),
    Statut.EN_ATTENTE_CONSENTEMENT: (Statut.DIAGNOSTIC,),
    Statut.DIAGNOSTIC: (Statut.EN_COURS,),
    Statut.EN_COURS: (Statut.SUSPENDU,),
    Statut.SUSPENDU: (Statut.EN_COURS,),
    Statut.SORTI: (),
}

AGE_MIN, AGE_MAX = 2, 16

# Exits recorded by a family's accepted request (issue 19), never chosen by hand.
MOTIFS_DEMANDE_DROIT = (MotifSortie.OPPOSITION, MotifSortie.EFFACEMENT)
MOTIFS_AUTOMATIQUES = (MotifSortie.TRANSFERT, *MOTIFS_DEMANDE_DROIT)


def age_a(date_naissance: date, le: date) -> int:
    return (
        le.year
        - date_naissance.year
        - ((le.month, le.day) < (date_naissance.month, date_naissance.day))
    )


def avertissement_age(*, date_naissance: date, date_entree: date) -> str | None:
    """A warning (not an error) when the child is outside the programme's 2–16 age range."""
    age = age_a(date_naissance, date_entree)
    if age < AGE_MIN or age > AGE_MAX:
        return _(
            "L’enfant aura %(age)s ans à la date d’entrée : le PRE accompagne des enfants de "
            "2 à 16 ans."
        ) % {"age": age}
    return None


@dataclass
class DonneesResponsable:
    nom: str
    lien: str
    prenom: str = ""
    autorite_parentale: bool = True
    telephone: str = ""
    email: str = ""


@dataclass
class DonneesCreation:
    enfant: dict
    parcours: dict
    famille: dict = field(default_factory=dict)
    responsables: list[DonneesResponsable] = field(default_factory=list)
    famille_existante: Famille | None = None


def _enregistrer_historique(parcours, *, ancien: str, auteur, commentaire: str = "") -> None:
    ChangementStatut.objects.create(
        parcours=parcours,
        ancien_statut=ancien,
        nouveau_statut=parcours.statut,
        auteur=auteur,
        commentaire=commentaire,
    )


def _verifier_affectation(
    professionnel: Professionnel, programme: Programme, parcours: Parcours | None, champ: str
) -> None:
    """Assigning a professional goes through the sharing rules: their structure works with the
    programme, and it is the structure porteuse (PRE team) or a valid consent names it."""
    if (
        not professionnel.actif
        or not professionnel.structure.programmes.filter(pk=programme.pk).exists()
    ):
        raise ValidationError({champ: _("Ce professionnel ne travaille pas avec ce programme.")})
    equipe_pre = Partenariat.objects.filter(
        programme=programme, structure_id=professionnel.structure_id, est_porteuse=True
    ).exists()
    if equipe_pre:
        return
    couvert = parcours is not None and any(
        c.est_valide()
        and c.autorise_le_partage
        and professionnel.structure_id in {s.pk for s in c.structures.all()}
        for c in parcours.consentements.all()
    )
    if not couvert:
        raise ValidationError(
            {
                champ: _(
                    "Le consentement de la famille ne couvre pas %(structure)s : enregistrez un "
                    "consentement qui nomme cette structure avant de lui confier le parcours."
                )
                % {"structure": professionnel.structure.nom}
            }
        )


def signaler_affectation(*, parcours: Parcours, professionnel: Professionnel) -> None:
    """The professional assigned learns it at once (an immediate reminder, sent after commit)."""
    rappel_signaler(genre_nom="affectation", objet=parcours, destinataire=professionnel.user)


def _verifier_referent(referent: Professionnel | None, programme: Programme, parcours=None) -> None:
    if referent is not None:
        _verifier_affectation(referent, programme, parcours, "referent")


def _sauver(instance, **kwargs):
    instance.full_clean(**kwargs)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:  # a concurrent insert beat full_clean's check
        raise ValidationError(
            _("Enregistrement impossible : %(erreur)s") % {"erreur": exc}
        ) from exc
    return instance


@transaction.atomic
def enfant_et_parcours_creer(
    *,
    programme: Programme,
    auteur: User,
    donnees: DonneesCreation,
    commentaire: str = "",
) -> Parcours:
    """Create the child, their family (or attach them to an existing one) and open a pathway.

    A sibling (`famille_existante`) joins the family as it is: its guardians and address are
    the family's, never copied, so nothing about the family may come with it. The family's
    row is locked, so that an anonymisation running meanwhile cannot leave a new child in a
    family whose identity it has just removed. The consent stays the pathway's own: the new
    pathway starts at « Repérage », without one (DOMAIN.md, rule 1)."""
    if donnees.famille_existante is not None:
        if donnees.famille_existante.programme_id != programme.pk:
            raise ValidationError(_("Cette famille appartient à un autre programme."))
        if donnees.famille or donnees.responsables:
            raise ValidationError(
                _("Un enfant rattaché à une famille existante reprend sa famille telle quelle.")
            )
        famille = Famille.objects.select_for_update(of=("self",)).get(
            pk=donnees.famille_existante.pk
        )
        if famille.anonymise_le is not None:
            raise ValidationError(
                _("Cette famille a été anonymisée : on ne peut plus lui rattacher un enfant.")
            )
    else:
        if not donnees.responsables:
            raise ValidationError(_("Indiquez au moins un responsable légal."))
        famille = _sauver(Famille(programme=programme, **donnees.famille))
        for responsable in donnees.responsables:
            _sauver(ResponsableLegal(famille=famille, **responsable.__dict__))

    enfant = _sauver(Enfant(programme=programme, famille=famille, **donnees.enfant))
    parcours = Parcours(
        programme=programme, enfant=enfant, statut=Statut.REPERAGE, **donnees.parcours
    )
    # No consent exists yet: only the PRE team can be named référent at creation.
    _verifier_referent(parcours.referent, programme)
    _sauver(parcours)
    _enregistrer_historique(
        parcours, ancien="", auteur=auteur, commentaire=commentaire or _("Création du parcours")
    )
    parcours_permissions_recalculer(parcours=parcours)
    if parcours.referent is not None:
        signaler_affectation(parcours=parcours, professionnel=parcours.referent)
    return parcours


@transaction.atomic
def enfant_modifier(*, enfant: Enfant, donnees: dict, version: int | None) -> Enfant:
    """Edit the child's record, read at `version` (a conflict if saved since)."""
    actuel = verrouiller(enfant, version)
    for nom, valeur in donnees.items():
        if nom == "niveau_scolaire":
            # The form shows the level moved on to this school year (`Enfant.niveau_actuel`):
            # saving it says what the child is in now, a repeated year included.
            actuel.noter_niveau(valeur)
        else:
            setattr(actuel, nom, valeur)
    actuel.version += 1
    return _sauver(actuel)


@transaction.atomic
def famille_modifier(
    *,
    famille: Famille,
    donnees: dict,
    version: int | None,
    responsables: list[tuple[ResponsableLegal, dict]] = (),
) -> Famille:
    """Edit the family's address and its legal guardians (new ones have no pk yet), read at
    `version`: the family's row versions its guardians too, edited on the same form."""
    famille = verrouiller(famille, version)
    for nom, valeur in donnees.items():
        setattr(famille, nom, valeur)
    famille.version += 1
    _sauver(famille)
    for responsable, valeurs in responsables:
        if responsable.pk is None:
            responsable.famille = famille
        elif responsable.famille_id != famille.pk:
            raise ValidationError(_("Ce responsable n’appartient pas à cette famille."))
        for nom, valeur in valeurs.items():
            setattr(responsable, nom, valeur)
        _sauver(responsable)
    return famille


def _bloquer(parcours: Parcours) -> Parcours:
    """Lock the pathway row: writes on one pathway (a note, an action, a consent) run one after
    the other. No version is checked: the form that leads here creates a row (its one-time
    token guards it) or edits another row, which `verrouiller` checks."""
    return Parcours.objects.select_for_update(of=("self",)).get(pk=parcours.pk)


def _noter_activite(parcours: Parcours) -> None:
    """Something was written on the pathway without changing its own fields."""
    _toucher(parcours)
    parcours.save(update_fields=["version", "derniere_activite", "modifie_le"])


def _changer_statut(actuel: Parcours, *, auteur: User, commentaire: str, ancien: str) -> Parcours:
    """Save a status change made on the locked row, with its history and derived access."""
    _toucher(actuel)
    _sauver(actuel)
    _enregistrer_historique(actuel, ancien=ancien, auteur=auteur, commentaire=commentaire)
    parcours_permissions_recalculer(parcours=actuel)
    return actuel


def _toucher(parcours: Parcours) -> None:
    parcours.version += 1
    parcours.derniere_activite = timezone.now()


@transaction.atomic
def parcours_modifier(
    *, parcours: Parcours, donnees: dict, version: int | None, auteur: User
) -> Parcours:
    actuel = verrouiller(parcours, version)
    ancien_referent = actuel.referent_id
    for nom, valeur in donnees.items():
        setattr(actuel, nom, valeur)
    if actuel.referent_id != ancien_referent:
        _verifier_referent(actuel.referent, actuel.programme, actuel)
    _toucher(actuel)
    _sauver(actuel)
    parcours_permissions_recalculer(parcours=actuel)
    if actuel.referent_id != ancien_referent and actuel.referent is not None:
        signaler_affectation(parcours=actuel, professionnel=actuel.referent)
    return actuel


def transitions_possibles(parcours: Parcours) -> tuple[str, ...]:
    return TRANSITIONS[parcours.statut]


@transaction.atomic
def parcours_changer_statut(
    *,
    parcours: Parcours,
    statut: str,
    auteur: User,
    version: int | None,
    commentaire: str = "",
) -> Parcours:
    """Move a pathway along its lifecycle (exit has its own service, `parcours_sortir`)."""
    actuel = verrouiller(parcours, version)
    if statut not in TRANSITIONS[actuel.statut]:
        raise ValidationError(
            _("Un parcours « %(de)s » ne peut pas passer à « %(vers)s ».")
            % {"de": actuel.get_statut_display(), "vers": Statut(statut).label}
        )
    if actuel.statut == Statut.EN_ATTENTE_CONSENTEMENT and not any(
        c.est_valide() for c in actuel.consentements.all()
    ):
        raise ValidationError(
            _("Enregistrez le consentement écrit de la famille avant de poursuivre le parcours.")
        )
    ancien = actuel.statut
    actuel.statut = statut
    return _changer_statut(actuel, auteur=auteur, commentaire=commentaire, ancien=ancien)


@transaction.atomic
def parcours_sortir(
    *,
    parcours: Parcours,
    date_sortie: date,
    motif_sortie: str,
    auteur: User,
    version: int | None,
    commentaire: str = "",
    _par_transfert: bool = False,
    _par_demande: bool = False,
) -> Parcours:
    actuel = verrouiller(parcours, version)
    if actuel.statut == Statut.SORTI:
        raise ValidationError(_("Ce parcours est déjà sorti."))
    if motif_sortie not in MotifSortie.values:
        raise ValidationError({"motif_sortie": _("Choisissez un motif de sortie.")})
    if motif_sortie == MotifSortie.TRANSFERT and not _par_transfert:
        raise ValidationError(
            {"motif_sortie": _("Un transfert se propose au programme qui accueille la famille.")}
        )
    if motif_sortie in MOTIFS_DEMANDE_DROIT and not _par_demande:
        raise ValidationError(
            {
                "motif_sortie": _(
                    "Cette sortie s’enregistre en répondant à la demande de la famille, dans le "
                    "registre des demandes d’exercice des droits."
                )
            }
        )
    if date_sortie < actuel.date_entree:
        raise ValidationError(
            {
                "date_sortie": _("La date de sortie ne peut pas précéder la date d’entrée (%(d)s).")
                % {"d": actuel.date_entree.strftime("%d/%m/%Y")}
            }
        )
    ancien = actuel.statut
    actuel.statut = Statut.SORTI
    actuel.date_sortie = date_sortie
    actuel.motif_sortie = motif_sortie
    actuel.date_prochaine_revue = None
    return _changer_statut(actuel, auteur=auteur, commentaire=commentaire, ancien=ancien)


@transaction.atomic
def consentement_enregistrer(
    *,
    parcours: Parcours,
    date_signature: date,
    date_expiration: date,
    signataires: list[ResponsableLegal],
    auteur: User,
    structures: list[Structure] = (),
    finalites: list[str] = (),
    fichier=None,
    renouvelle: Consentement | None = None,
) -> Consentement:
    """Record the family's written consent; sharing follows it in the same transaction."""
    actuel = _bloquer(parcours)
    famille_id = actuel.enfant.famille_id
    if not signataires:
        raise ValidationError({"signataires": _("Indiquez qui a signé le consentement.")})
    if any(s.famille_id != famille_id for s in signataires):
        raise ValidationError(
            {"signataires": _("Les signataires doivent être des responsables de l’enfant.")}
        )
    if actuel.programme.consentement_deux_signataires:
        titulaires = ResponsableLegal.objects.filter(
            famille_id=famille_id, autorite_parentale=True
        ).count()
        if titulaires >= 2 and len({s.pk for s in signataires}) < 2:
            raise ValidationError(
                {
                    "signataires": _(
                        "Ce programme demande la signature des deux titulaires de l’autorité parentale."
                    )
                }
            )
    if date_signature > date.today():
        raise ValidationError(
            {"date_signature": _("La date de signature ne peut pas être future.")}
        )
    if structures and Finalite.PARTAGE not in finalites:
        raise ValidationError(
            {
                "finalites": _(
                    "Pour partager avec des structures, la famille doit avoir accepté la "
                    "finalité « Partage d’informations avec les partenaires désignés »."
                )
            }
        )
    partenaires = set(actuel.programme.structures.values_list("pk", flat=True))
    if any(s.pk not in partenaires for s in structures):
        raise ValidationError(
            {"structures": _("Ces structures ne travaillent pas avec ce programme.")}
        )
    if renouvelle is not None and renouvelle.parcours_id != actuel.pk:
        raise ValidationError(_("Ce consentement appartient à un autre parcours."))
    consentement = Consentement(
        parcours=actuel,
        date_signature=date_signature,
        date_expiration=date_expiration,
        finalites=list(finalites),
        renouvelle=renouvelle,
        enregistre_par=auteur,
    )
    if fichier is not None:
        from reussite.core.fichiers import type_document

        consentement._fichier_mime = type_document(fichier)
        consentement.fichier = fichier
    with stockage_protege(champ="fichier"):
        _sauver(consentement)
    consentement.signataires.set(signataires)
    consentement.structures.set(structures)
    _noter_activite(actuel)
    parcours_permissions_recalculer(parcours=actuel)
    validee_le = entree_validee_le(actuel)
    if (
        actuel.statut == Statut.EN_ATTENTE_CONSENTEMENT
        and validee_le is not None
        and consentement.est_valide()
    ):
        # The EPS validated the entry while the consent was missing: the pathway was waiting
        # for this consent only (issue 15, point 14).
        parcours_changer_statut(
            parcours=actuel,
            statut=Statut.DIAGNOSTIC,
            auteur=auteur,
            version=actuel.version,
            commentaire=_("Entrée validée par l’EPS le %(jour)s ; consentement enregistré.")
            % {"jour": validee_le.strftime("%d/%m/%Y")},
        )
    return consentement


def entree_validee_le(parcours: Parcours) -> date | None:
    """The day of the last EPS meeting that validated the pathway's entry, if any."""
    le = (
        Examen.objects.filter(parcours=parcours, decision=Decision.ENTREE_VALIDEE)
        .order_by("-reunion__date")
        .values_list("reunion__date", flat=True)
        .first()
    )
    return timezone.localtime(le).date() if le is not None else None


@transaction.atomic
def consentement_retirer(
    *, consentement: Consentement, date_retrait: date, motif: str, auteur: User
) -> Consentement:
    """The family withdraws its consent: every partner's access ends at once."""
    consentement = Consentement.objects.select_for_update(of=("self",)).get(pk=consentement.pk)
    if consentement.date_retrait is not None:
        raise ValidationError(_("Ce consentement a déjà été retiré."))
    if date_retrait > date.today():
        raise ValidationError({"date_retrait": _("La date de retrait ne peut pas être future.")})
    if date_retrait < consentement.date_signature:
        raise ValidationError({"date_retrait": _("Le retrait ne peut pas précéder la signature.")})
    if not motif.strip():
        raise ValidationError({"motif_retrait": _("Indiquez le motif du retrait.")})
    consentement.date_retrait = date_retrait
    consentement.motif_retrait = motif
    _sauver(consentement)
    parcours = _bloquer(consentement.parcours)
    _noter_activite(parcours)
    parcours_permissions_recalculer(parcours=parcours)
    return consentement


@transaction.atomic
def intervenant_ajouter(
    *, parcours: Parcours, professionnel: Professionnel, auteur: User
) -> Intervenant:
    actuel = _bloquer(parcours)
    if not actuel.est_ouvert:
        raise ValidationError(_("Ce parcours est sorti."))
    _verifier_affectation(professionnel, actuel.programme, actuel, "professionnel")
    intervenant = _sauver(
        Intervenant(parcours=actuel, professionnel=professionnel, ajoute_par=auteur)
    )
    _noter_activite(actuel)
    parcours_permissions_recalculer(parcours=actuel)
    signaler_affectation(parcours=actuel, professionnel=professionnel)
    return intervenant


@transaction.atomic
def intervenant_retirer(*, intervenant: Intervenant, auteur: User) -> None:
    intervenant.actif = False
    intervenant.save(update_fields=["actif"])
    parcours_permissions_recalculer(parcours=intervenant.parcours)


@transaction.atomic
def portefeuille_passer(
    *, programme: Programme, ancien: Professionnel, nouveau: Professionnel, auteur: User
) -> int:
    """Hand a référent's whole caseload in this programme over to another référent."""
    if ancien.pk == nouveau.pk:
        raise ValidationError({"nouveau": _("Choisissez un autre référent.")})
    a_transferer = list(
        Parcours.objects.select_for_update(of=("self",))
        .filter(programme=programme, referent=ancien)
        .exclude(statut=Statut.SORTI)
        .order_by("pk")
    )
    for parcours in a_transferer:
        _verifier_referent(nouveau, programme, parcours)
    for parcours in a_transferer:
        parcours.referent = nouveau
        _toucher(parcours)
        parcours.save(update_fields=["referent", "version", "derniere_activite", "modifie_le"])
        parcours_permissions_recalculer(parcours=parcours)
        signaler_affectation(parcours=parcours, professionnel=nouveau)
    return len(a_transferer)


def fin_annee_scolaire(le: date) -> date:
    """Default consent expiry: the end of the current school year (5 July)."""
    fin = date(le.year, 7, 5)
    return fin if le < fin else date(le.year + 1, 7, 5)
