"""Reminders about families' rights requests (issue 19): a request whose legal deadline
approaches, and a request about a pathway transferred to another programme.

The first goes to the programme's coordinators and to the person following the request, from
`RAPPEL_JOURS` days before the deadline until the answer is recorded. The deadline is the
reminder's due date: an extension moves it, so the old reminder loses its reason (cancelled
by the scan) and a new one is due before the new deadline.
"""

from datetime import date, timedelta

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reussite.core.models import Rappel
from reussite.core.rappels import Genre, Rendu
from reussite.core.roles import titulaires

from ..models import DemandeDroit, InformationTransfert
from ..services.droits import GENRE_INFORMATION, ROLES_INFORMES
from .base import coordinateurs, en_colonnes, pour_coordination

GENRE = "demande_droit_echeance"
# Enough to write and send an answer, or to tell the family of an extension.
RAPPEL_JOURS = 7


def _ouvertes_proches(le: date):
    return DemandeDroit.objects.ouvertes().filter(echeance__lte=le + timedelta(days=RAPPEL_JOURS))


def _candidats(le: date):
    base = _ouvertes_proches(le)
    colonnes = {"objet": "pk", "programme": "programme_id", "echeance": F("echeance")}
    suivies = base.filter(suivie_par__isnull=False).annotate(r_destinataire=F("suivie_par_id"))
    return en_colonnes(pour_coordination(base), **colonnes).union(en_colonnes(suivies, **colonnes))


def _valables(rappels: list[Rappel], le: date) -> set[int]:
    demandes = _ouvertes_proches(le).in_bulk({r.object_id for r in rappels})
    coordination = coordinateurs({d.programme_id for d in demandes.values()})
    return {
        r.pk
        for r in rappels
        if (d := demandes.get(r.object_id)) is not None
        and d.echeance == r.echeance
        and (
            r.destinataire_id == d.suivie_par_id
            or (d.programme_id, r.destinataire_id) in coordination
        )
    }


def _rendre(rappels: list[Rappel]) -> dict[int, Rendu]:
    demandes = DemandeDroit.objects.in_bulk({r.object_id for r in rappels})
    rendus = {}
    for r in rappels:
        d = demandes.get(r.object_id)
        if d is None:
            continue
        contexte = {
            "numero": d.pk,
            "genre": d.get_genre_display(),
            "date": d.echeance.strftime("%d/%m/%Y"),
        }
        rendus[r.pk] = Rendu(
            titre=_("Demande n° %(numero)s : réponse due le %(date)s") % contexte,
            texte=_(
                "La famille attend la réponse à sa demande d’exercice d’un droit (%(genre)s) "
                "au plus tard le %(date)s : répondez, ou prolongez le délai en lui en donnant "
                "le motif."
            )
            % contexte,
            lien=reverse("droits:demande", args=[d.programme_id, d.pk]),
        )
    return rendus


# --- A request about a pathway transferred to another programme ---------------------------------


def _informations_dues(le: date):
    """(information, person) pairs whose reason holds: the person still keeps the informed
    programme's register (coordinator or DPO)."""
    lien = "programme__programmeuserobjectpermission"
    return (
        InformationTransfert.objects.filter(
            **{f"{lien}__permission__codename__in": [r.value for r in ROLES_INFORMES]}
        )
        .annotate(r_objet=F("pk"), r_destinataire=F(f"{lien}__user_id"))
        .order_by()
        .values("r_objet", "r_destinataire")
    )


def _informations_valables(rappels: list[Rappel], le: date) -> set[int]:
    programmes = dict(
        InformationTransfert.objects.filter(pk__in={r.object_id for r in rappels}).values_list(
            "pk", "programme_id"
        )
    )
    tenants = set()
    for role in ROLES_INFORMES:
        tenants |= titulaires(set(programmes.values()), role)
    return {
        r.pk
        for r in rappels
        if r.object_id in programmes and (programmes[r.object_id], r.destinataire_id) in tenants
    }


def _rendre_informations(rappels: list[Rappel]) -> dict[int, Rendu]:
    informations = InformationTransfert.objects.select_related(
        "demande__programme", "transfert"
    ).in_bulk({r.object_id for r in rappels})
    rendus = {}
    for r in rappels:
        info = informations.get(r.object_id)
        if info is None:
            continue
        demande = info.demande
        contexte = {
            "origine": demande.programme.nom,
            "numero": demande.pk,
            "genre": demande.get_genre_display(),
            "recue": demande.recue_le.strftime("%d/%m/%Y"),
            "echeance": demande.echeance.strftime("%d/%m/%Y"),
            "transfert": info.transfert_id,
            "parcours": info.transfert.parcours_destination_id,
        }
        lien = reverse("droits:creer", args=[info.programme_id]) + f"?genre={demande.genre}"
        texte = _(
            "%(origine)s a reçu le %(recue)s une demande d’exercice d’un droit (%(genre)s, "
            "sa demande n° %(numero)s) au sujet d’un parcours qu’il vous a transféré "
            "(transfert n° %(transfert)s). Vous êtes responsable du traitement de ce parcours "
            "depuis le transfert : enregistrez la demande dans votre registre et répondez pour "
            "votre part ; %(origine)s répond au plus tard le %(echeance)s."
        )
        if contexte["parcours"] is not None:
            texte += " " + _("Votre parcours : n° %(parcours)s.")
            lien += f"&parcours={contexte['parcours']}"
        rendus[r.pk] = Rendu(
            titre=_("Demande d’une famille sur un parcours transféré par %(origine)s") % contexte,
            texte=texte % contexte,
            lien=lien,
        )
    return rendus


INFORMATION_TRANSFERT = Genre(
    nom=GENRE_INFORMATION,
    libelle=gettext_lazy("Demande d’une famille sur un parcours qui vous a été transféré"),
    modele=InformationTransfert,
    candidats=None,
    encore_dus=_informations_dues,
    valables=_informations_valables,
    rendre=_rendre_informations,
)


DEMANDE_ECHEANCE = Genre(
    nom=GENRE,
    libelle=gettext_lazy("Demande d’une famille à traiter avant son délai légal"),
    modele=DemandeDroit,
    candidats=_candidats,
    valables=_valables,
    rendre=_rendre,
)
