"""Writes of the pathway's journal: notes and addenda, the information préoccupante record,
ruptures and documents. Every write stamps the pathway's activity; nothing here deletes."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reussite.core.ecriture import verrouiller
from reussite.core.models import User
from reussite.core.stockage import stockage_protege

from ..models import (
    Addendum,
    Document,
    InformationPreoccupante,
    Note,
    Parcours,
    Rupture,
    Visibilite,
)
from .base import _bloquer, _noter_activite, _sauver

__all__ = [
    "addendum_ajouter",
    "document_archiver",
    "document_deposer",
    "information_preoccupante_enregistrer",
    "note_ajouter",
    "note_est_modifiable",
    "note_modifier",
    "rupture_enregistrer",
    "rupture_repondre",
]


def _exiger_ouvert(parcours: Parcours) -> None:
    if not parcours.est_ouvert:
        raise ValidationError(_("Ce parcours est clos : il ne peut plus être complété."))


def note_est_modifiable(note: Note, *, user, maintenant=None) -> bool:
    """Only the author, and only within DELAI_MODIFICATION_NOTE of writing it."""
    maintenant = maintenant or timezone.now()
    return note.auteur_id == user.pk and maintenant < note.modifiable_jusqua()


@transaction.atomic
def note_ajouter(*, parcours: Parcours, auteur: User, texte: str, visibilite: str) -> Note:
    actuel = _bloquer(parcours)
    _exiger_ouvert(actuel)
    if not texte.strip():
        raise ValidationError({"texte": _("Écrivez le texte de la note.")})
    if visibilite not in Visibilite.values:
        raise ValidationError({"visibilite": _("Choisissez qui peut lire cette note.")})
    note = _sauver(Note(parcours=actuel, auteur=auteur, texte=texte, visibilite=visibilite))
    _noter_activite(actuel)
    return note


@transaction.atomic
def note_modifier(
    *, note: Note, auteur: User, texte: str, visibilite: str, version: int | None
) -> Note:
    """The author corrects their note within 24 hours. `version` is the note's version the
    form was opened on: a save based on an older one (or none) is a conflict, nothing is lost."""
    actuelle = verrouiller(note, version)
    parcours = _bloquer(actuelle.parcours)
    _exiger_ouvert(parcours)
    if actuelle.auteur_id != auteur.pk:
        raise ValidationError(_("Seul l’auteur d’une note peut la modifier."))
    if not note_est_modifiable(actuelle, user=auteur):
        raise ValidationError(
            _(
                "Cette note a plus de 24 heures : elle ne peut plus être modifiée, "
                "ajoutez-lui un addendum daté."
            )
        )
    if not texte.strip():
        raise ValidationError({"texte": _("Écrivez le texte de la note.")})
    actuelle.texte = texte
    actuelle.visibilite = visibilite
    actuelle.version += 1
    _sauver(actuelle)
    _noter_activite(parcours)
    return actuelle


@transaction.atomic
def addendum_ajouter(*, note: Note, auteur: User, texte: str) -> Addendum:
    """A dated amendment by the note's author, or by the référent / coordination (the team,
    as the access module answers it)."""
    from ..access import droits_sur_parcours

    parcours = _bloquer(note.parcours)
    _exiger_ouvert(parcours)
    if note.auteur_id != auteur.pk and not droits_sur_parcours(auteur, parcours).equipe:
        raise ValidationError(
            _("Seuls l’auteur, le référent et la coordination complètent une note.")
        )
    if not texte.strip():
        raise ValidationError({"texte": _("Écrivez le texte de l’addendum.")})
    addendum = _sauver(Addendum(note=note, auteur=auteur, texte=texte))
    _noter_activite(parcours)
    return addendum


@transaction.atomic
def information_preoccupante_enregistrer(
    *,
    parcours: Parcours,
    auteur: User,
    date_transmission: date,
    transmise_par: str,
    reference: str = "",
    commentaire: str = "",
) -> InformationPreoccupante:
    """Record that an information préoccupante went to the CRIP (DOMAIN.md, rule 7), and flag
    the pathway with the latest transmission date."""
    actuel = _bloquer(parcours)
    if date_transmission > date.today():
        raise ValidationError(
            {"date_transmission": _("La date de transmission ne peut pas être future.")}
        )
    ip = _sauver(
        InformationPreoccupante(
            parcours=actuel,
            date_transmission=date_transmission,
            transmise_par=transmise_par,
            reference=reference,
            commentaire=commentaire,
            enregistree_par=auteur,
        )
    )
    if (
        actuel.information_preoccupante_le is None
        or actuel.information_preoccupante_le < date_transmission
    ):
        actuel.information_preoccupante_le = date_transmission
        actuel.save(update_fields=["information_preoccupante_le"])
    _noter_activite(actuel)
    return ip


def _verifier_reponse(reponse: str, date_reponse: date | None, depuis: date) -> None:
    if bool(reponse.strip()) != (date_reponse is not None):
        raise ValidationError(
            {"date_reponse": _("Une réponse décidée est datée : indiquez la réponse et sa date.")}
        )
    if date_reponse is not None and date_reponse < depuis:
        raise ValidationError({"date_reponse": _("La réponse ne peut pas précéder la rupture.")})
    if date_reponse is not None and date_reponse > date.today():
        raise ValidationError({"date_reponse": _("La date de la réponse ne peut pas être future.")})


@transaction.atomic
def rupture_enregistrer(
    *,
    parcours: Parcours,
    auteur: User,
    type: str,
    date: date,
    description: str = "",
    reponse: str = "",
    date_reponse=None,
) -> Rupture:
    actuel = _bloquer(parcours)
    _exiger_ouvert(actuel)
    if date > timezone.localdate():
        raise ValidationError({"date": _("La date de la rupture ne peut pas être future.")})
    _verifier_reponse(reponse, date_reponse, date)
    rupture = _sauver(
        Rupture(
            parcours=actuel,
            type=type,
            date=date,
            description=description,
            reponse=reponse.strip(),
            date_reponse=date_reponse,
            enregistree_par=auteur,
        )
    )
    _noter_activite(actuel)
    return rupture


@transaction.atomic
def rupture_repondre(
    *, rupture: Rupture, auteur: User, reponse: str, date_reponse, version: int | None
) -> Rupture:
    """Add (or correct) the response decided to a rupture, on the form read at `version`."""
    actuelle = verrouiller(rupture, version)
    parcours = _bloquer(actuelle.parcours)
    _exiger_ouvert(parcours)
    if not reponse.strip() or date_reponse is None:
        raise ValidationError(_("Indiquez la réponse décidée et sa date."))
    _verifier_reponse(reponse, date_reponse, actuelle.date)
    actuelle.reponse = reponse.strip()
    actuelle.date_reponse = date_reponse
    actuelle.version += 1
    _sauver(actuelle)
    _noter_activite(parcours)
    return actuelle


@transaction.atomic
def document_deposer(*, parcours: Parcours, auteur: User, titre: str, fichier) -> Document:
    """Attach a file, checked by its content (PDF, JPEG, PNG, 10 MB), under a random name."""
    from reussite.core.fichiers import type_document

    actuel = _bloquer(parcours)
    _exiger_ouvert(actuel)
    if fichier is None:
        raise ValidationError({"fichier": _("Joignez un fichier (PDF, JPEG ou PNG).")})
    try:
        mime = type_document(fichier)
    except ValidationError as erreur:
        raise ValidationError({"fichier": erreur.messages}) from erreur
    document = Document(parcours=actuel, titre=titre, depose_par=auteur, type_mime=mime)
    document._fichier_mime = mime
    document.fichier = fichier
    with stockage_protege(champ="fichier"):
        _sauver(document)
    _noter_activite(actuel)
    return document


@transaction.atomic
def document_archiver(*, document: Document, auteur: User) -> Document:
    """Documents are archived, never deleted (DOMAIN.md, rule 4)."""
    actuel = Document.objects.select_for_update(of=("self",)).get(pk=document.pk)
    parcours = _bloquer(actuel.parcours)
    if actuel.archive_le is not None:
        raise ValidationError(_("Ce document est déjà archivé."))
    actuel.archive_le = timezone.now()
    actuel.save(update_fields=["archive_le"])
    _noter_activite(parcours)
    return actuel
