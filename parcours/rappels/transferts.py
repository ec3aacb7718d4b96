"""Reminders about transfers between programmes: proposed to the receiving coordination,
decided for the sending one."""

from datetime import date

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reussite.core.models import Rappel
from reussite.core.rappels import Genre, Rendu

from ..models import StatutTransfert, Transfert
from .base import COORDINATION, coordinateurs


def _transferts_en_cours(le: date, *, cote: str, statuts):
    lien = f"{cote}__programmeuserobjectpermission"
    return (
        Transfert.objects.filter(
            statut__in=statuts, **{f"{lien}__permission__codename": COORDINATION}
        )
        .annotate(r_objet=F("pk"), r_destinataire=F(f"{lien}__user_id"))
        .order_by()
        .values("r_objet", "r_destinataire")
    )


def _transferts_valables(rappels: list[Rappel], le: date, *, cote: str, statuts) -> set[int]:
    transferts = dict(
        Transfert.objects.filter(
            pk__in={r.object_id for r in rappels}, statut__in=statuts
        ).values_list("pk", f"{cote}_id")
    )
    coordination = coordinateurs(set(transferts.values()))
    return {
        r.pk
        for r in rappels
        if r.object_id in transferts
        and (transferts[r.object_id], r.destinataire_id) in coordination
    }


def _rendre_transferts(rappels: list[Rappel], *, propose: bool) -> dict[int, Rendu]:
    transferts = Transfert.objects.select_related(
        "programme_origine", "programme_destination"
    ).in_bulk({r.object_id for r in rappels})
    rendus = {}
    for r in rappels:
        t = transferts.get(r.object_id)
        if t is None:
            continue
        contexte = {
            "numero": t.pk,
            "origine": t.programme_origine.nom,
            "destination": t.programme_destination.nom,
            "statut": t.get_statut_display(),
        }
        if propose:
            titre = _("Transfert proposé par %(origine)s") % contexte
            texte = (
                _(
                    "Une famille suivie par %(origine)s s’installe sur votre territoire : le "
                    "transfert n° %(numero)s attend votre réponse."
                )
                % contexte
            )
        else:
            titre = _("Transfert n° %(numero)s : %(statut)s") % contexte
            texte = (
                _("%(destination)s a répondu au transfert n° %(numero)s : %(statut)s.") % contexte
            )
        rendus[r.pk] = Rendu(
            titre=titre, texte=texte, lien=reverse("parcours:transfert", args=[t.pk])
        )
    return rendus


_DECIDES = (StatutTransfert.ACCEPTE, StatutTransfert.REFUSE)


TRANSFERT_PROPOSE = Genre(
    nom="transfert_propose",
    libelle=gettext_lazy("Transfert proposé"),
    modele=Transfert,
    candidats=None,
    encore_dus=lambda le: _transferts_en_cours(
        le, cote="programme_destination", statuts=[StatutTransfert.PROPOSE]
    ),
    valables=lambda rappels, le: _transferts_valables(
        rappels, le, cote="programme_destination", statuts=[StatutTransfert.PROPOSE]
    ),
    rendre=lambda rappels: _rendre_transferts(rappels, propose=True),
)


TRANSFERT_DECIDE = Genre(
    nom="transfert_decide",
    libelle=gettext_lazy("Réponse à un transfert"),
    modele=Transfert,
    candidats=None,
    encore_dus=lambda le: _transferts_en_cours(le, cote="programme_origine", statuts=_DECIDES),
    valables=lambda rappels, le: _transferts_valables(
        rappels, le, cote="programme_origine", statuts=_DECIDES
    ),
    rendre=lambda rappels: _rendre_transferts(rappels, propose=False),
)
