"""Writes on children, families and pathways. Each service is atomic, validates first and
keeps derived state (permissions, history) true in the same transaction."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partenaires.models import Professionnel
from reussite.core.models import Programme, User

from .models import (
    ChangementStatut,
    Consentement,
    Enfant,
    Famille,
    MotifSortie,
    Parcours,
    ResponsableLegal,
    Statut,
)
from .permissions import parcours_permissions_recalculer

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


class ConflitDeModification(Exception):
    """Raised when a pathway changed since the user loaded the form they are saving."""

    def __init__(self, actuel):
        super().__init__("Concurrent modification")
        self.actuel = actuel


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


def _verifier_referent(referent: Professionnel | None, programme: Programme) -> None:
    if referent is None:
        return
    if not referent.actif or not referent.structure.programmes.filter(pk=programme.pk).exists():
        raise ValidationError(
            {"referent": _("Ce professionnel ne travaille pas avec ce programme.")}
        )


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
    *, programme: Programme, auteur: User, donnees: DonneesCreation
) -> Parcours:
    """Create the child, their family (or attach them to an existing one) and open a pathway."""
    if donnees.famille_existante is not None:
        if donnees.famille_existante.programme_id != programme.pk:
            raise ValidationError(_("Cette famille appartient à un autre programme."))
        famille = donnees.famille_existante
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
    _verifier_referent(parcours.referent, programme)
    _sauver(parcours)
    _enregistrer_historique(
        parcours, ancien="", auteur=auteur, commentaire=_("Création du parcours")
    )
    parcours_permissions_recalculer(parcours=parcours)
    return parcours


@transaction.atomic
def enfant_modifier(*, enfant: Enfant, donnees: dict) -> Enfant:
    for nom, valeur in donnees.items():
        setattr(enfant, nom, valeur)
    return _sauver(enfant)


@transaction.atomic
def famille_modifier(
    *, famille: Famille, donnees: dict, responsables: list[tuple[ResponsableLegal, dict]] = ()
) -> Famille:
    """Edit the family's address and its legal guardians (new ones have no pk yet)."""
    for nom, valeur in donnees.items():
        setattr(famille, nom, valeur)
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


def _verrouiller(parcours: Parcours, version: int | None) -> Parcours:
    """Lock the pathway row and refuse the write if someone saved it since `version` was read."""
    actuel = Parcours.objects.select_for_update(of=("self",)).get(pk=parcours.pk)
    if version is not None and actuel.version != version:
        raise ConflitDeModification(actuel)
    return actuel


def _toucher(parcours: Parcours) -> None:
    parcours.version += 1
    parcours.derniere_activite = timezone.now()


@transaction.atomic
def parcours_modifier(
    *, parcours: Parcours, donnees: dict, version: int | None, auteur: User
) -> Parcours:
    actuel = _verrouiller(parcours, version)
    for nom, valeur in donnees.items():
        setattr(actuel, nom, valeur)
    _verifier_referent(actuel.referent, actuel.programme)
    _toucher(actuel)
    _sauver(actuel)
    parcours_permissions_recalculer(parcours=actuel)
    return actuel


def transitions_possibles(parcours: Parcours) -> tuple[str, ...]:
    return TRANSITIONS[parcours.statut]


@transaction.atomic
def parcours_changer_statut(
    *,
    parcours: Parcours,
    statut: str,
    auteur: User,
    commentaire: str = "",
    version: int | None = None,
) -> Parcours:
    """Move a pathway along its lifecycle (exit has its own service, `parcours_sortir`)."""
    actuel = _verrouiller(parcours, version)
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
    _toucher(actuel)
    _sauver(actuel)
    _enregistrer_historique(actuel, ancien=ancien, auteur=auteur, commentaire=commentaire)
    parcours_permissions_recalculer(parcours=actuel)
    return actuel


@transaction.atomic
def parcours_sortir(
    *,
    parcours: Parcours,
    date_sortie: date,
    motif_sortie: str,
    auteur: User,
    commentaire: str = "",
    version: int | None = None,
) -> Parcours:
    actuel = _verrouiller(parcours, version)
    if actuel.statut == Statut.SORTI:
        raise ValidationError(_("Ce parcours est déjà sorti."))
    if motif_sortie not in MotifSortie.values:
        raise ValidationError({"motif_sortie": _("Choisissez un motif de sortie.")})
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
    _toucher(actuel)
    _sauver(actuel)
    _enregistrer_historique(actuel, ancien=ancien, auteur=auteur, commentaire=commentaire)
    parcours_permissions_recalculer(parcours=actuel)
    return actuel


@transaction.atomic
def consentement_enregistrer(
    *,
    parcours: Parcours,
    date_signature: date,
    date_expiration: date,
    signataires: list[ResponsableLegal],
    auteur: User,
) -> Consentement:
    if not signataires:
        raise ValidationError({"signataires": _("Indiquez qui a signé le consentement.")})
    if any(s.famille_id != parcours.enfant.famille_id for s in signataires):
        raise ValidationError(
            {"signataires": _("Les signataires doivent être des responsables de l’enfant.")}
        )
    if date_signature > date.today():
        raise ValidationError(
            {"date_signature": _("La date de signature ne peut pas être future.")}
        )
    actuel = _verrouiller(parcours, None)
    consentement = _sauver(
        Consentement(
            parcours=actuel,
            date_signature=date_signature,
            date_expiration=date_expiration,
            enregistre_par=auteur,
        )
    )
    consentement.signataires.set(signataires)
    _toucher(actuel)
    actuel.save(update_fields=["version", "derniere_activite", "modifie_le"])
    parcours_permissions_recalculer(parcours=actuel)
    return consentement


def fin_annee_scolaire(le: date) -> date:
    """Default consent expiry: the end of the current school year (5 July)."""
    fin = date(le.year, 7, 5)
    return fin if le < fin else date(le.year + 1, 7, 5)
