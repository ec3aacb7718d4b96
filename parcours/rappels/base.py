"""What the kinds of reminder about pathways share: the recipients (référent, coordinators of
the programme), the columns the core's scan reads, and the wording of a pathway's reminder."""

from django.db.models import F
from django.urls import reverse

from reussite.core.models import Rappel, Role
from reussite.core.rappels import Rendu

from ..models import Parcours

COORDINATION = Role.COORDINATEUR.value


def pour_referent(qs, prefixe: str = ""):
    return qs.filter(**{f"{prefixe}referent__isnull": False}).annotate(
        r_destinataire=F(f"{prefixe}referent__user_id")
    )


def pour_coordination(qs, prefixe: str = ""):
    # filter() then annotate() on the same multi-valued relation: one join, one row per
    # coordinator of the pathway's programme.
    lien = f"{prefixe}programme__programmeuserobjectpermission"
    return qs.filter(**{f"{lien}__permission__codename": COORDINATION}).annotate(
        r_destinataire=F(f"{lien}__user_id")
    )


def en_colonnes(qs, *, objet: str, programme: str, echeance):
    return (
        qs.annotate(r_objet=F(objet), r_programme=F(programme), r_echeance=echeance)
        .order_by()
        .values("r_objet", "r_destinataire", "r_programme", "r_echeance")
    )


def union_referent_coordination(base):
    colonnes = {"objet": "pk", "programme": "programme_id", "echeance": F("date_prochaine_revue")}
    return en_colonnes(pour_referent(base), **colonnes).union(
        en_colonnes(pour_coordination(base), **colonnes)
    )


def destinataires_valables(rappels, parcours_valables: dict[int, Parcours], coordination):
    """Reminders whose pathway still qualifies and whose recipient is still its référent or
    one of its programme's coordinators."""
    valables = set()
    for r in rappels:
        p = parcours_valables.get(r.object_id)
        if p is None:
            continue
        referent = p.referent.user_id if p.referent_id else None
        if r.destinataire_id == referent or (p.programme_id, r.destinataire_id) in coordination:
            valables.add(r.pk)
    return valables


def coordinateurs(programmes: set[int]) -> set[tuple[int, int]]:
    from reussite.core.roles import titulaires

    return titulaires(programmes, Role.COORDINATEUR)


def rendre_parcours(rappels: list[Rappel], titre: str, texte: str) -> dict[int, Rendu]:
    parcours = Parcours.objects.select_related("enfant").in_bulk({r.object_id for r in rappels})
    rendus = {}
    for r in rappels:
        p = parcours.get(r.object_id)
        if p is None:
            continue
        contexte = {
            "enfant": f"{p.enfant.prenom} {p.enfant.nom[:1]}.",
            "date": r.echeance.strftime("%d/%m/%Y"),
        }
        rendus[r.pk] = Rendu(
            titre=titre % contexte,
            texte=texte % contexte,
            lien=reverse("parcours:detail", args=[p.pk]),
        )
    return rendus
