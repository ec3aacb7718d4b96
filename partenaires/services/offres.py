"""Writes on the offer catalogue: publish, edit and unpublish an offer (optimistic locking)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reussite.core.ecriture import verrouiller

from ..models import Offre, Structure

__all__ = [
    "CHAMPS_OFFRE",
    "offre_creer",
    "offre_depublier",
    "offre_modifier",
]

CHAMPS_OFFRE = [
    "intitule",
    "description",
    "type_service",
    "domaine",
    "age_min",
    "age_max",
    "capacite",
    "unite_capacite",
    "periode_capacite",
    "territoire",
    "conditions_acces",
    "cout",
    "contact_nom",
    "contact_email",
    "contact_telephone",
    "disponible_du",
    "disponible_au",
    "diffusion_publique",
    "contact_public",
]


def _valider(donnees: dict) -> None:
    erreurs = {}
    age_min, age_max = donnees.get("age_min"), donnees.get("age_max")
    for champ, age in (("age_min", age_min), ("age_max", age_max)):
        if age is not None and not 0 <= age <= 25:
            erreurs[champ] = _("L’âge doit être compris entre 0 et 25 ans.")
    if age_min is not None and age_max is not None and age_min > age_max and not erreurs:
        erreurs["age_max"] = _("L’âge maximum doit être supérieur ou égal à l’âge minimum.")
    du, au = donnees.get("disponible_du"), donnees.get("disponible_au")
    if du and au and au < du:
        erreurs["disponible_au"] = _("La fin de disponibilité doit suivre son début.")
    capacite = donnees.get("capacite")
    if capacite is not None and capacite <= 0:
        erreurs["capacite"] = _(
            "La capacité doit être supérieure à zéro, ou laissée vide si elle n’est pas limitée."
        )
    cout = donnees.get("cout")
    if cout is not None:
        if not isinstance(cout, Decimal):
            erreurs["cout"] = _("Le coût doit être un montant exact en euros.")
        elif cout < 0:
            erreurs["cout"] = _("Le coût ne peut pas être négatif.")
    if erreurs:
        raise ValidationError(erreurs)


def _programmes_valides(structure: Structure, programmes) -> list:
    programmes = list(programmes)
    if not programmes:
        raise ValidationError(
            {"programmes": _("Choisissez au moins un programme auquel publier l’offre.")}
        )
    permis = set(structure.programmes.values_list("pk", flat=True))
    if any(p.pk not in permis for p in programmes):
        raise ValidationError(
            {
                "programmes": _(
                    "Une offre n’est publiée qu’aux programmes avec lesquels sa structure "
                    "travaille."
                )
            }
        )
    return programmes


@transaction.atomic
def offre_creer(*, structure: Structure, donnees: dict, programmes, auteur) -> Offre:
    _valider(donnees)
    programmes = _programmes_valides(structure, programmes)
    offre = Offre(structure=structure, cree_par=auteur)
    for champ in CHAMPS_OFFRE:
        if champ in donnees:
            setattr(offre, champ, donnees[champ])
    offre.full_clean()
    offre.save()
    offre.programmes.set(programmes)
    return offre


@transaction.atomic
def offre_modifier(
    *, offre: Offre, donnees: dict, programmes, version: int | None, auteur
) -> Offre:
    """Edit an offer; the caller checked `offre_modifiable_par`. A coordinator who is not of
    the structure keeps the offer published to their programme alone."""
    from ..access import offre_modifiable_par

    _valider(donnees)
    actuel = verrouiller(offre, version)
    programmes = _programmes_valides(actuel.structure, programmes)
    if not offre_modifiable_par(auteur, actuel):
        raise PermissionDenied
    for champ in CHAMPS_OFFRE:
        if champ in donnees:
            setattr(actuel, champ, donnees[champ])
    actuel.version += 1
    actuel.full_clean()
    actuel.save()
    anciens = set(actuel.programmes.values_list("pk", flat=True))
    actuel.programmes.set(programmes)
    if not offre_modifiable_par(auteur, actuel):
        # Publishing to other programmes would take the offer out of the editor's hands.
        actuel.programmes.set(anciens)
        raise ValidationError(
            {
                "programmes": _(
                    "Seule la structure de l’offre peut la publier à d’autres programmes que "
                    "le vôtre."
                )
            }
        )
    return actuel


@transaction.atomic
def offre_depublier(*, offre: Offre, version: int | None, auteur) -> Offre:
    from ..access import offre_modifiable_par

    actuel = verrouiller(offre, version)
    if not offre_modifiable_par(auteur, actuel):
        raise PermissionDenied
    actuel.active = False
    actuel.version += 1
    actuel.save(update_fields=["active", "version", "modifie_le"])
    return actuel
