"""The dry run of a caseload import: every row checked against the programme's network, its
children and the rules of the forms and services, and the plan stored (`import_analyser`)."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partenaires.models import Partenariat, Professionnel, Structure, TypeStructure
from reussite.core.imports.valeurs import ErreurLigne, lire_choix, verifier
from reussite.core.models import Programme, User

from ...models import (
    Enfant,
    Finalite,
    ImportParcours,
    LienResponsable,
    MotifOrientation,
    MotifSortie,
    NiveauScolaire,
    Orienteur,
    Parcours,
    ResponsableLegal,
    Sexe,
    Statut,
)
from ...text import normaliser
from .colonnes import OBLIGATOIRES, STATUTS_APRES_CONSENTEMENT, _date, _liste

__all__ = ["import_analyser"]


@dataclass
class Contexte:
    """What the rows are checked against, read once for the whole file."""

    programme: Programme
    ecoles: dict[str, int]
    structures: dict[str, int]
    professionnels: dict[str, tuple[int, int]]  # e-mail → (professional id, structure id)
    porteuses: set[int]
    par_identifiant: dict[str, Enfant]
    par_identite: dict[tuple[str, date], list[Enfant]]


def _contexte(programme: Programme, identifiants: list[str]) -> Contexte:
    structures = Structure.objects.filter(programmes=programme).distinct()
    ecoles, toutes = {}, {}
    for s in structures:
        for cle in (s.nom, s.uai, s.siret):
            if cle:
                toutes[normaliser(cle)] = s.pk
                if s.type == TypeStructure.ECOLE:
                    ecoles[normaliser(cle)] = s.pk
    professionnels = {
        p.user.email.lower(): (p.pk, p.structure_id)
        for p in Professionnel.objects.actifs()
        .filter(structure__programmes=programme)
        .select_related("user")
    }
    porteuses = set(
        Partenariat.objects.filter(programme=programme, est_porteuse=True).values_list(
            "structure_id", flat=True
        )
    )
    enfants = Enfant.objects.filter(programme=programme).prefetch_related("parcours")
    par_identifiant = {
        e.identifiant_externe: e
        for e in enfants.filter(identifiant_externe__in=[i for i in identifiants if i])
    }
    return Contexte(programme, ecoles, toutes, professionnels, porteuses, par_identifiant, {})


def _valeurs(ligne: dict, ctx: Contexte) -> tuple[dict, list[tuple[str, str]]]:
    """The row's cleaned values (JSON-able), and its errors as (column, message)."""
    erreurs: list[tuple[str, str]] = []
    v: dict = {}

    # Shown on the preview even for a rejected row.
    v["nom"], v["prenom"] = ligne.get("nom", "")[:150], ligne.get("prenom", "")[:150]
    for cle in OBLIGATOIRES:
        if not ligne.get(cle):
            erreurs.append((cle, _("valeur obligatoire manquante.")))
    if erreurs:
        return v, erreurs
    v["identifiant"] = ligne["identifiant"][:100]
    v["nom"], v["prenom"] = ligne["nom"][:150], ligne["prenom"][:150]
    naissance = verifier(
        erreurs, lambda: _date(ligne["date_naissance"], "date_naissance", "naissance")
    )
    v["date_naissance"] = naissance.isoformat() if naissance else None
    v["sexe"] = verifier(erreurs, lambda: lire_choix(ligne["sexe"], Sexe.choices, "sexe"))
    v["etablissement"] = None
    if ligne.get("etablissement"):
        v["etablissement"] = ctx.ecoles.get(normaliser(ligne["etablissement"]))
        if v["etablissement"] is None:
            erreurs.append(("etablissement", _("école inconnue du réseau du programme.")))
    v["niveau_scolaire"] = (
        verifier(
            erreurs,
            lambda: lire_choix(ligne["niveau_scolaire"], NiveauScolaire.choices, "niveau_scolaire"),
        )
        if ligne.get("niveau_scolaire")
        else ""
    )
    v["commune"], v["adresse"] = ligne.get("commune", "")[:100], ligne.get("adresse", "")[:300]
    v["responsable"] = {
        "nom": ligne["responsable_nom"][:150],
        "prenom": ligne.get("responsable_prenom", "")[:150],
        "lien": verifier(
            erreurs,
            lambda: lire_choix(
                ligne["responsable_lien"], LienResponsable.choices, "responsable_lien"
            ),
        ),
        "telephone": ligne.get("responsable_telephone", ""),
        "email": ligne.get("responsable_email", ""),
    }
    responsable = ResponsableLegal(famille_id=0, **v["responsable"])
    try:
        responsable.clean_fields(exclude=["famille", "lien"])
    except ValidationError as erreur:
        for champ, messages in erreur.message_dict.items():
            erreurs.append((f"responsable_{champ}", " ".join(messages)))
    statut = verifier(erreurs, lambda: lire_choix(ligne["statut"], Statut.choices, "statut"))
    v["statut"] = statut
    entree = verifier(erreurs, lambda: _date(ligne["date_entree"], "date_entree", "entree"))
    v["date_entree"] = entree.isoformat() if entree else None
    v["date_sortie"], v["motif_sortie"] = None, ""
    if statut == Statut.SORTI:
        if not ligne.get("date_sortie") or not ligne.get("motif_sortie"):
            erreurs.append(
                ("date_sortie", _("un parcours sorti a une date et un motif de sortie."))
            )
        else:
            sortie = verifier(erreurs, lambda: _date(ligne["date_sortie"], "date_sortie", "sortie"))
            if sortie and entree and sortie < entree:
                erreurs.append(("date_sortie", _("la sortie précède l’entrée.")))
            v["date_sortie"] = sortie.isoformat() if sortie else None
            v["motif_sortie"] = verifier(
                erreurs,
                lambda: lire_choix(ligne["motif_sortie"], MotifSortie.choices, "motif_sortie"),
            )
    v["orienteur"] = verifier(
        erreurs, lambda: lire_choix(ligne["orienteur"], Orienteur.choices, "orienteur")
    )
    v["motifs"] = [
        m
        for m in (
            verifier(erreurs, lambda x=x: lire_choix(x, MotifOrientation.choices, "motifs"))
            for x in _liste(ligne["motifs"])
        )
        if m
    ]
    # Consent: required for the statuses that follow it.
    v["consentement"] = None
    signature_brute = ligne.get("consentement_date_signature", "")
    if signature_brute:
        signature = verifier(
            erreurs,
            lambda: _date(signature_brute, "consentement_date_signature", "consentement_signature"),
        )
        brute = ligne.get("consentement_date_expiration", "")
        expiration = (
            verifier(
                erreurs,
                lambda: _date(brute, "consentement_date_expiration", "consentement_expiration"),
            )
            if brute
            else None
        )
        if not brute:
            erreurs.append(
                ("consentement_date_expiration", _("date d’expiration du consentement manquante."))
            )
        elif signature and expiration and expiration <= signature:
            erreurs.append(
                ("consentement_date_expiration", _("l’expiration doit suivre la signature."))
            )
        finalites = [
            f
            for f in (
                verifier(
                    erreurs,
                    lambda x=x: lire_choix(x, Finalite.choices, "consentement_finalites"),
                )
                for x in _liste(ligne.get("consentement_finalites", ""))
            )
            if f
        ] or [Finalite.ACCOMPAGNEMENT]
        structures = []
        for nom in _liste(ligne.get("consentement_structures", "")):
            pk = ctx.structures.get(normaliser(nom))
            if pk is None:
                erreurs.append(
                    (
                        "consentement_structures",
                        _("« %(s)s » ne travaille pas avec ce programme.") % {"s": nom},
                    )
                )
            else:
                structures.append(pk)
        if structures and Finalite.PARTAGE not in finalites:
            erreurs.append(
                (
                    "consentement_finalites",
                    _("partager avec des structures demande la finalité « partage »."),
                )
            )
        v["consentement"] = {
            "date_signature": signature.isoformat() if signature else None,
            "date_expiration": expiration.isoformat() if expiration else None,
            "finalites": finalites,
            "structures": structures,
        }
    elif statut in STATUTS_APRES_CONSENTEMENT:
        erreurs.append(
            (
                "consentement_date_signature",
                _(
                    "le statut « %(s)s » demande le consentement écrit de la famille (date de signature, expiration)."
                )
                % {"s": Statut(statut).label},
            )
        )
    v["referent"] = None
    if ligne.get("referent_email"):
        trouve = ctx.professionnels.get(ligne["referent_email"].strip().lower())
        if trouve is None:
            erreurs.append(
                (
                    "referent_email",
                    _(
                        "référent inconnu : aucun professionnel actif du programme n’a cette adresse."
                    ),
                )
            )
        else:
            pro, structure = trouve
            couvert = structure in ctx.porteuses or (
                v["consentement"] is not None and structure in v["consentement"]["structures"]
            )
            if not couvert:
                erreurs.append(
                    (
                        "referent_email",
                        _(
                            "ce référent n’est pas de l’équipe du PRE et le consentement ne nomme pas sa structure."
                        ),
                    )
                )
            v["referent"] = pro
    return v, erreurs


def _identite(v: dict) -> tuple[str, str]:
    return normaliser(f"{v['nom']} {v['prenom']}"), v["date_naissance"]


def _ce_qui_change(enfant: Enfant, v: dict) -> bool:
    parcours = _parcours_courant(enfant)
    actuel = {
        "nom": enfant.nom,
        "prenom": enfant.prenom,
        "date_naissance": enfant.date_naissance.isoformat(),
        "sexe": enfant.sexe,
        "etablissement": enfant.etablissement_id,
        "niveau_scolaire": enfant.niveau_scolaire,
        "statut": parcours.statut if parcours else None,
        "date_entree": parcours.date_entree.isoformat() if parcours else None,
        "orienteur": parcours.orienteur if parcours else None,
        "motifs": list(parcours.motifs_orientation) if parcours else None,
        "referent": parcours.referent_id if parcours else None,
    }
    return any(actuel[cle] != v[cle] for cle in actuel)


def _parcours_courant(enfant: Enfant) -> Parcours | None:
    tous = sorted(
        enfant.parcours.all(), key=lambda p: (p.statut != Statut.SORTI, p.date_entree, p.pk)
    )
    return tous[-1] if tous else None


def _analyser_lignes(programme: Programme, donnees: list[dict]) -> list[dict]:
    ctx = _contexte(programme, [d.get("identifiant", "") for d in donnees])
    # Probable duplicates: the programme's children with the same names and birth date.
    dates = set()
    for d in donnees:
        try:
            dates.add(_date(d.get("date_naissance", ""), "date_naissance", "naissance"))
        except ErreurLigne:
            continue
    existants: dict[tuple[str, str], list[Enfant]] = {}
    for e in Enfant.objects.filter(programme=programme, date_naissance__in=dates):
        existants.setdefault((e.recherche, e.date_naissance.isoformat()), []).append(e)
    vus_id: dict[str, int] = {}
    vus_identite: dict[tuple[str, str], int] = {}
    plan = []
    for d in donnees:
        numero = d.pop("_ligne")
        v, erreurs = _valeurs(d, ctx)
        entree = {
            "ligne": numero,
            "identifiant": d.get("identifiant", ""),
            "valeurs": v,
            "versions": {},
            "erreurs": [],
        }
        identifiant = d.get("identifiant", "")
        if identifiant and identifiant in vus_id:
            erreurs = [
                (
                    "identifiant",
                    _("identifiant déjà présent ligne %(n)s.") % {"n": vus_id[identifiant]},
                )
            ]
        elif identifiant:
            vus_id[identifiant] = numero
        if not erreurs:
            identite = _identite(v)
            if identite in vus_identite:
                erreurs.append(
                    (
                        "nom",
                        _("même enfant que ligne %(n)s (nom, prénom, date de naissance).")
                        % {"n": vus_identite[identite]},
                    )
                )
            vus_identite.setdefault(identite, numero)
            enfant = ctx.par_identifiant.get(identifiant)
            if enfant is None:
                doublons = [
                    e for e in existants.get(identite, []) if e.identifiant_externe != identifiant
                ]
                if doublons:
                    erreurs.append(
                        (
                            "nom",
                            _(
                                "doublon probable : un enfant du programme porte déjà ces nom, prénom et date de naissance."
                            ),
                        )
                    )
        if erreurs:
            entree["action"] = "rejet"
            entree["erreurs"] = [[c, m] for c, m in erreurs]
        elif enfant is None:
            entree["action"] = "creer"
        else:
            parcours = _parcours_courant(enfant)
            entree["versions"] = {
                "enfant": enfant.version,
                "parcours": parcours.version if parcours else None,
            }
            entree["action"] = "modifier" if _ce_qui_change(enfant, v) else "inchange"
        plan.append(entree)
    return plan


@transaction.atomic
def import_analyser(*, programme: Programme, auteur: User, fichier) -> ImportParcours:
    """The dry run: read and check the file, store its plan. Writes only the import's row."""
    from .application import FLUX

    return FLUX.analyser(
        programme=programme,
        auteur=auteur,
        fichier=fichier,
        planifier=lambda donnees: _analyser_lignes(programme, donnees),
    )
