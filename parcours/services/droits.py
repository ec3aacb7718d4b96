"""The register of the families' rights requests (issue 19): record, handle, extend, answer.

The deadline is stored (`echeance`) so that the reminder scan selects the requests due with an
index; it follows the receipt date and the extension, never typed by hand. Answering an
erasure or an objection favourably ends the programme's processing of that child: an open
pathway exits with its own reason and the child's rows are anonymised at once, by the same path
as the retention's end (`_anonymiser_lot`), which keeps what statistics and the law need.
"""

from dataclasses import dataclass
from datetime import date

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reussite.core.ecriture import verrouiller
from reussite.core.models import Programme, User

from ..models import (
    DemandeDroit,
    GenreDemande,
    MotifSortie,
    Parcours,
    Statut,
    StatutDemande,
    echeance_legale,
)
from .base import parcours_sortir
from .protection import _anonymiser_lot

__all__ = [
    "DonneesDemande",
    "demande_droit_creer",
    "demande_droit_dossier_produit",
    "demande_droit_repondre",
]

# The answers that end the processing of the child's data.
EFFETS_SORTIE = {
    GenreDemande.EFFACEMENT: MotifSortie.EFFACEMENT,
    GenreDemande.OPPOSITION: MotifSortie.OPPOSITION,
}


@dataclass
class DonneesDemande:
    genre: str
    demandeur: str
    canal: str
    recue_le: date
    objet: str = ""
    parcours: Parcours | None = None
    suivie_par: User | None = None


def _verifier_parcours(parcours: Parcours | None, programme: Programme) -> None:
    if parcours is not None and parcours.programme_id != programme.pk:
        raise ValidationError({"parcours": _("Aucun parcours de ce programme ne porte ce numéro.")})


@transaction.atomic
def demande_droit_creer(
    *, programme: Programme, donnees: DonneesDemande, auteur: User
) -> DemandeDroit:
    if donnees.recue_le > timezone.localdate():
        raise ValidationError({"recue_le": _("Une demande ne peut pas être reçue dans le futur.")})
    _verifier_parcours(donnees.parcours, programme)
    demande = DemandeDroit(
        programme=programme,
        parcours=donnees.parcours,
        genre=donnees.genre,
        demandeur=donnees.demandeur,
        canal=donnees.canal,
        recue_le=donnees.recue_le,
        objet=donnees.objet,
        suivie_par=donnees.suivie_par or auteur,
        echeance=echeance_legale(donnees.recue_le, prolongee=False),
        cree_par=auteur,
    )
    demande.full_clean()
    demande.save()
    return demande


def _sortir_et_anonymiser(demande: DemandeDroit, auteur: User, le: date) -> None:
    """An accepted erasure or objection: the open pathway exits with the request's reason, then
    the child's rows and files of this programme are anonymised at once. Siblings are other
    children: their rows stay (the family's contacts stay while one of them is followed)."""
    parcours = Parcours.objects.select_related("enfant").get(pk=demande.parcours_id)
    if parcours.enfant.anonymise_le is not None:
        return
    autres_ouverts = (
        Parcours.objects.filter(enfant_id=parcours.enfant_id)
        .exclude(pk=parcours.pk)
        .exclude(statut=Statut.SORTI)
    )
    if autres_ouverts.exists():
        raise ValidationError(
            _(
                "L’enfant a un autre parcours ouvert dans le programme : sortez-le d’abord, "
                "puis enregistrez la réponse."
            )
        )
    if parcours.statut != Statut.SORTI:
        parcours_sortir(
            parcours=parcours,
            date_sortie=max(le, parcours.date_entree),
            motif_sortie=EFFETS_SORTIE[demande.genre],
            auteur=auteur,
            version=parcours.version,
            commentaire=_("Demande d’exercice des droits n° %(n)s") % {"n": demande.pk},
            _par_demande=True,
        )
    with pghistory.context(tache="anonymisation", demande_droit=demande.pk):
        _anonymiser_lot([parcours.enfant_id], timezone.now())


@transaction.atomic
def demande_droit_repondre(
    *,
    demande: DemandeDroit,
    version: int | None,
    auteur: User,
    statut: str,
    suivie_par: User | None,
    prolongee: bool,
    motif_prolongation: str,
    reponse: str,
    repondue_le: date | None,
    preuve: str,
) -> DemandeDroit:
    """Handle a request: who follows it, the extension (with its reason), then the answer.
    An answer is final: a closed request is not reopened (a new request is recorded)."""
    actuelle = verrouiller(demande, version)
    if not actuelle.ouverte:
        raise ValidationError(
            _("Cette demande a déjà reçu sa réponse : elle n’est plus modifiable.")
        )
    erreurs = {}
    motif_prolongation = motif_prolongation.strip()
    if prolongee and not motif_prolongation:
        erreurs["motif_prolongation"] = _(
            "Donnez le motif de la prolongation : la famille doit en être informée."
        )
    if actuelle.prolongee and not prolongee:
        erreurs["prolongee"] = _("Une prolongation annoncée à la famille ne se retire pas.")
    if prolongee and not actuelle.prolongee and timezone.localdate() > actuelle.echeance:
        erreurs["prolongee"] = _(
            "Le délai d’un mois est dépassé : la prolongation devait être annoncée avant le "
            "%(date)s."
        ) % {"date": actuelle.echeance.strftime("%d/%m/%Y")}
    repondue = statut in (StatutDemande.SATISFAITE, StatutDemande.REFUSEE)
    if repondue:
        if not reponse.strip():
            erreurs["reponse"] = _("Écrivez la réponse apportée à la famille.")
        if repondue_le is None:
            erreurs["repondue_le"] = _("Indiquez la date d’envoi de la réponse.")
        elif repondue_le < actuelle.recue_le:
            erreurs["repondue_le"] = _(
                "La réponse ne peut pas précéder la réception de la demande (%(date)s)."
            ) % {"date": actuelle.recue_le.strftime("%d/%m/%Y")}
        elif repondue_le > timezone.localdate():
            erreurs["repondue_le"] = _("La date d’envoi de la réponse ne peut pas être future.")
        if not preuve.strip():
            erreurs["preuve"] = _(
                "Gardez la preuve de la réponse : numéro de recommandé, date du courriel…"
            )
    if erreurs:
        raise ValidationError(erreurs)
    actuelle.statut = statut
    actuelle.suivie_par = suivie_par
    actuelle.prolongee = prolongee
    actuelle.motif_prolongation = motif_prolongation if prolongee else ""
    actuelle.echeance = echeance_legale(actuelle.recue_le, prolongee=prolongee)
    actuelle.reponse = reponse.strip()
    actuelle.repondue_le = repondue_le if repondue else None
    actuelle.preuve = preuve.strip()
    actuelle.version += 1
    actuelle.full_clean()
    actuelle.save()
    if (
        statut == StatutDemande.SATISFAITE
        and actuelle.genre in EFFETS_SORTIE
        and actuelle.parcours_id is not None
    ):
        _sortir_et_anonymiser(actuelle, auteur, repondue_le)
    return actuelle


def demande_droit_dossier_produit(*, demande: DemandeDroit) -> None:
    """The right-of-access file was produced from this request (the export is traced on its
    own): the register shows when, as part of the answer's proof."""
    DemandeDroit.objects.filter(pk=demande.pk).update(dossier_produit_le=timezone.now())
