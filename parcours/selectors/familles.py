"""Reads about a family: its page, the siblings of a child to add, and the existing families a
new child's guardians may already belong to (issue 15, point 18)."""

import re

from django.db.models import CharField, Exists, F, Func, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Lower, Right, Trim
from django.utils.translation import gettext as _

from reussite.core.noms import nom_complet_texte

from ..models import Enfant, Famille, Parcours, ResponsableLegal
from ..text import normaliser

__all__ = ["enfant_initial", "famille_detail", "familles_correspondantes", "titre_famille"]

# `normaliser` (parcours/text.py) in SQL, for the letters French names carry: there is no
# `unaccent` extension in the database, and the guardians have no stored search key.
_ACCENTS = "àáâãäåāçćčèéêëēěìíîïīñńòóôõöōùúûüūýÿžšś"
_SANS_ACCENTS = "aaaaaaaccceeeeeeiiiiinnoooooouuuuuyyzss"
assert len(_ACCENTS) == len(_SANS_ACCENTS)


def _normalise(champ: str):
    """Lower-case, accent-free, hyphens and apostrophes as spaces, single-spaced."""
    sans_accents = Func(
        Lower(F(champ)), Value(_ACCENTS), Value(_SANS_ACCENTS), function="translate"
    )
    espaces = Func(
        sans_accents,
        Value(r"[\s'’-]+"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=CharField(),
    )
    return Trim(espaces)


def _chiffres_du_telephone(champ: str):
    """The last nine digits: « 06 39 98 00 01 » and « +33 6 39 98 00 01 » are one number."""
    chiffres = Func(F(champ), Value(r"\D"), Value(""), Value("g"), function="regexp_replace")
    return Right(chiffres, 9, output_field=CharField())


def _neuf_chiffres(telephone: str) -> str:
    chiffres = re.sub(r"\D", "", telephone or "")
    return chiffres[-9:] if len(chiffres) >= 9 else ""


def _familles_vues_par(user):
    """Families the user reads: the team of one of their children's pathways (`famille_pour`)."""
    equipe = Parcours.objects.equipe_de(user).filter(enfant__famille_id=OuterRef("pk"))
    return Famille.objects.filter(Exists(equipe))


def familles_correspondantes(*, user, programme, responsables: list[dict], limite: int = 5):
    """Families of `programme` that the user sees and that probably are the family of the child
    being created: one of their guardians has the typed guardian's family name (accents and
    case aside) and the same first name, phone number or e-mail. A name alone is too common to
    say anything. Anonymised families are left out: nothing can be attached to them."""
    condition = Q()
    for responsable in responsables:
        nom = normaliser(responsable.get("nom", ""))
        if not nom:
            continue
        precise = Q()
        if prenom := normaliser(responsable.get("prenom", "")):
            precise |= Q(prenom_normalise=prenom)
        if telephone := _neuf_chiffres(responsable.get("telephone", "")):
            precise |= Q(telephone_chiffres=telephone)
        if email := (responsable.get("email") or "").strip():
            precise |= Q(email__iexact=email)
        if precise:
            condition |= Q(nom_normalise=nom) & precise
    if not condition:
        return []
    correspondants = (
        ResponsableLegal.objects.filter(famille__programme=programme)
        .annotate(
            nom_normalise=_normalise("nom"),
            prenom_normalise=_normalise("prenom"),
            telephone_chiffres=_chiffres_du_telephone("telephone"),
        )
        .filter(condition)
    )
    enfants_visibles = Enfant.objects.filter(
        Exists(Parcours.objects.visibles_par(user).filter(enfant_id=OuterRef("pk")))
    ).order_by("date_naissance", "pk")
    return list(
        _familles_vues_par(user)
        .filter(
            programme=programme,
            anonymise_le__isnull=True,
            pk__in=correspondants.values("famille_id"),
        )
        .prefetch_related(
            Prefetch("responsables", queryset=ResponsableLegal.objects.order_by("pk")),
            Prefetch("enfants", queryset=enfants_visibles, to_attr="enfants_visibles"),
        )
        .order_by("-cree_le", "-pk")[:limite]
    )


def titre_famille(responsables: list[ResponsableLegal]) -> str:
    """« Famille de Prénom NOM », after its first guardian."""
    if not responsables:
        return _("Famille")
    return _("Famille de %(nom)s") % {"nom": nom_complet_texte(responsables[0])}


def famille_detail(user, famille: Famille) -> dict:
    """The family page: its guardians, and its children's pathways the user may open (the
    others are not named), eldest first. Two queries, however many children."""
    parcours = (
        Parcours.objects.visibles_par(user)
        .filter(enfant__famille_id=famille.pk)
        .select_related("enfant", "referent__user")
        .order_by("enfant__date_naissance", "enfant_id", "-date_entree", "-pk")
    )
    responsables = list(famille.responsables.order_by("pk"))
    return {
        "famille": famille,
        "titre_famille": titre_famille(responsables),
        "responsables": responsables,
        "parcours_de_la_famille": list(parcours),
        "peut_ajouter_enfant": famille.droits.ajouter_enfant,
    }


def enfant_initial(user, famille: Famille) -> dict:
    """What a new sibling most likely shares with the last child recorded in the family: the
    family name and the neighbourhood (read from a pathway the user may see)."""
    dernier = (
        Parcours.objects.visibles_par(user)
        .filter(enfant__famille_id=famille.pk, enfant__anonymise_le__isnull=True)
        .select_related("enfant")
        .order_by("-enfant__cree_le", "-enfant_id")
        .first()
    )
    if dernier is None:
        return {}
    enfant = dernier.enfant
    return {"nom": enfant.nom, "quartier": enfant.quartier, "qpv": enfant.qpv}
