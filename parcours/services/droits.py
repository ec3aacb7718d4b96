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
from reussite.core.models import Programme, Role, User
from reussite.core.rappels import rappel_signaler
from reussite.core.roles import titulaires

from ..models import (
    DemandeDroit,
    GenreDemande,
    InformationTransfert,
    MotifSortie,
    Parcours,
    Statut,
    StatutDemande,
    StatutTransfert,
    Transfert,
    echeance_legale,
)
from .base import parcours_sortir
from .protection import _anonymiser_lot

__all__ = [
    "DonneesDemande",
    "demande_droit_creer",
    "demande_droit_dossier_produit",
    "demande_droit_repondre",
    "demandes_droits_informer_apres_transfert",
]

# The reminder kind that tells a transfer's receiving programme of a request (parcours/rappels/droits.py).
GENRE_INFORMATION = "demande_droit_parcours_transfere"
# Who is told in the receiving programme: those who keep its register of requests.
ROLES_INFORMES = (Role.COORDINATEUR, Role.DPO)
# A pathway is transferred a few times at most; the bound only guards against a loop.
TRANSFERTS_MAX = 20

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
    _informer_les_programmes_destinataires(demande)
    return demande


def _transferts_en_aval(parcours_id: int | None) -> list[Transfert]:
    """The accepted transfers the pathway went through, in order: A's pathway to B, then B's
    pathway to C… Each receiving programme is the controller of its own copy."""
    chaine: list[Transfert] = []
    vus: set[int] = set()
    while parcours_id is not None and parcours_id not in vus and len(chaine) < TRANSFERTS_MAX:
        vus.add(parcours_id)
        transfert = Transfert.objects.filter(
            parcours_origine_id=parcours_id, statut=StatutTransfert.ACCEPTE
        ).first()
        if transfert is None:
            break
        chaine.append(transfert)
        parcours_id = transfert.parcours_destination_id
    return chaine


def _parcours_en_amont(parcours_id: int) -> list[int]:
    """The pathway and those it was transferred from, back to the first programme."""
    ids = [parcours_id]
    while len(ids) <= TRANSFERTS_MAX:
        precedent = (
            Transfert.objects.filter(
                parcours_destination_id=ids[-1], statut=StatutTransfert.ACCEPTE
            )
            .values_list("parcours_origine_id", flat=True)
            .first()
        )
        if precedent is None or precedent in ids:
            break
        ids.append(precedent)
    return ids


def _informer_les_programmes_destinataires(demande: DemandeDroit) -> list[InformationTransfert]:
    """Tell each programme the request's pathway was transferred to, once: its coordinators
    and its DPO get an immediate reminder (in-app, and by email as each chose), sent after
    commit. The reminder names the request and the programme's own pathway by number, never
    the child. Runs inside the caller's transaction."""
    nouvelles = []
    for transfert in _transferts_en_aval(demande.parcours_id):
        programme_id = transfert.programme_destination_id
        information, creee = InformationTransfert.objects.get_or_create(
            demande=demande, programme_id=programme_id, defaults={"transfert": transfert}
        )
        if not creee:
            continue
        ids = set()
        for role in ROLES_INFORMES:
            ids |= {u for _p, u in titulaires([programme_id], role)}
        destinataires = list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))
        for destinataire in destinataires:
            rappel_signaler(
                genre_nom=GENRE_INFORMATION, objet=information, destinataire=destinataire
            )
        information.personnes_prevenues = len(destinataires)
        information.save(update_fields=["personnes_prevenues"])
        nouvelles.append(information)
    return nouvelles


def demandes_droits_informer_apres_transfert(*, transfert: Transfert) -> None:
    """A transfer was just accepted: the requests still open about the sending pathway, or
    about a pathway it came from, now concern the receiving programme too. Call it inside the
    transfer's transaction."""
    for demande in DemandeDroit.objects.ouvertes().filter(
        parcours_id__in=_parcours_en_amont(transfert.parcours_origine_id)
    ):
        _informer_les_programmes_destinataires(demande)


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
