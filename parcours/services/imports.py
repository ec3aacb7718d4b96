"""Importing an existing caseload: a dry run first, then everything or nothing.

`import_analyser` reads the file (`reussite.core.imports.lecture`), checks every row with the same
rules as the forms and services (dates in their plausible ranges, choices, the référent, the
consent a status requires, duplicates) and stores the plan: for each row, create, update,
unchanged or rejected, with French errors naming the row and the column, and the versions of
the rows an update would change. Nothing is written to the children's tables.

`import_appliquer` replays the plan in one transaction, through the services: a row changed in
the application since the dry run is rejected and listed (the concurrency rule of the write
pattern), and any error rolls the whole file back. Every row written is in the change history
as an import by its author (pghistory context `user` and `import`). Re-importing the same file
finds every row unchanged and writes nothing; a corrected file updates the children by their
external identifier, never duplicates them.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

import pghistory
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partenaires.models import Partenariat, Professionnel, Structure, TypeStructure
from reussite.core.dates import PlageDates
from reussite.core.imports.lecture import lignes_du_fichier
from reussite.core.imports.modeles import Colonne, libelles
from reussite.core.models import Programme, User

from ..models import (
    ChangementStatut,
    Consentement,
    Enfant,
    Famille,
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
    StatutImport,
)
from ..permissions import parcours_permissions_recalculer, permissions_creer_en_masse
from ..text import normaliser
from .base import (
    _changer_statut,
    _sauver,
    _toucher,
    _verifier_referent,
    consentement_enregistrer,
)

__all__ = [
    "COLONNES",
    "SEUIL_ARRIERE_PLAN",
    "import_analyser",
    "import_appliquer",
    "progression_import",
]

# Above this many rows, confirming runs in a background task with its progress shown.
SEUIL_ARRIERE_PLAN = 300


COLONNES = [
    Colonne("identifiant", _("identifiant de l’enfant dans votre outil actuel (réimports)"), True),
    Colonne("nom", _("nom de l’enfant"), True),
    Colonne("prenom", _("prénom de l’enfant"), True),
    Colonne("date_naissance", _("date de naissance (JJ/MM/AAAA)"), True),
    Colonne("sexe", _("Fille ou Garçon (ou F, M)"), True, libelles(Sexe)),
    Colonne("etablissement", _("école ou collège du réseau (nom ou UAI)")),
    Colonne("niveau_scolaire", _("CP, CE1, 6e…"), choix=libelles(NiveauScolaire)),
    Colonne("commune", _("commune de la famille")),
    Colonne("adresse", _("adresse de la famille")),
    Colonne("responsable_nom", _("nom du responsable légal"), True),
    Colonne("responsable_prenom", _("prénom du responsable légal")),
    Colonne(
        "responsable_lien",
        _("mère, père, tuteur·rice, institution ou autre"),
        True,
        libelles(LienResponsable),
    ),
    Colonne("responsable_telephone", _("téléphone du responsable")),
    Colonne("responsable_email", _("adresse électronique du responsable")),
    Colonne(
        "statut",
        _("repérage, en attente de consentement, diagnostic, en cours…"),
        True,
        libelles(Statut),
    ),
    Colonne("date_entree", _("date d’entrée dans le parcours"), True),
    Colonne("date_sortie", _("date de sortie (parcours sortis)")),
    Colonne("motif_sortie", _("motif de sortie (parcours sortis)"), choix=libelles(MotifSortie)),
    Colonne("referent_email", _("adresse électronique du référent, compte existant")),
    Colonne("orienteur", _("école, PMI, service social, famille…"), True, libelles(Orienteur)),
    Colonne("motifs", _("motifs d’orientation séparés par « | »"), True),
    Colonne("consentement_date_signature", _("date de signature du consentement")),
    Colonne("consentement_date_expiration", _("date d’expiration du consentement")),
    Colonne("consentement_finalites", _("finalités séparées par « | »")),
    Colonne("consentement_structures", _("structures nommées, séparées par « | »")),
]
OBLIGATOIRES = [c.cle for c in COLONNES if c.obligatoire]
LIBELLES = {c.cle: c.cle for c in COLONNES}

# Statuses that come after the family's written consent (DOMAIN.md, rule 1).
STATUTS_APRES_CONSENTEMENT = {Statut.DIAGNOSTIC, Statut.EN_COURS, Statut.SUSPENDU}


class ErreurLigne(Exception):
    def __init__(self, colonne: str, message: str):
        super().__init__(message)
        self.colonne, self.message = colonne, str(message)


def _choix(valeur: str, choix, colonne: str) -> str:
    cle = normaliser(valeur)
    for code, libelle in choix:
        if cle in (normaliser(str(code)), normaliser(str(libelle))):
            return code
    raise ErreurLigne(
        colonne,
        _("« %(v)s » n’est pas une valeur possible (%(possibles)s).")
        % {"v": valeur, "possibles": ", ".join(str(libelle) for _c, libelle in choix)},
    )


def _date(valeur: str, colonne: str, plage: str) -> date:
    for format_ in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            jour = datetime.strptime(valeur, format_).date()
            break
        except ValueError:
            continue
    else:
        raise ErreurLigne(colonne, _("« %(v)s » n’est pas une date (JJ/MM/AAAA).") % {"v": valeur})
    try:
        PlageDates(plage)(jour)
    except ValidationError as erreur:
        raise ErreurLigne(colonne, " ".join(erreur.messages)) from None
    return jour


def _liste(valeur: str) -> list[str]:
    return [v.strip() for v in valeur.replace(";", "|").split("|") if v.strip()]


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

    def verifier(colonne, fonction):
        try:
            return fonction()
        except ErreurLigne as e:
            erreurs.append((e.colonne, e.message))
            return None

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
        "date_naissance", lambda: _date(ligne["date_naissance"], "date_naissance", "naissance")
    )
    v["date_naissance"] = naissance.isoformat() if naissance else None
    v["sexe"] = verifier("sexe", lambda: _choix(ligne["sexe"], Sexe.choices, "sexe"))
    v["etablissement"] = None
    if ligne.get("etablissement"):
        v["etablissement"] = ctx.ecoles.get(normaliser(ligne["etablissement"]))
        if v["etablissement"] is None:
            erreurs.append(("etablissement", _("école inconnue du réseau du programme.")))
    v["niveau_scolaire"] = (
        verifier(
            "niveau_scolaire",
            lambda: _choix(ligne["niveau_scolaire"], NiveauScolaire.choices, "niveau_scolaire"),
        )
        if ligne.get("niveau_scolaire")
        else ""
    )
    v["commune"], v["adresse"] = ligne.get("commune", "")[:100], ligne.get("adresse", "")[:300]
    v["responsable"] = {
        "nom": ligne["responsable_nom"][:150],
        "prenom": ligne.get("responsable_prenom", "")[:150],
        "lien": verifier(
            "responsable_lien",
            lambda: _choix(ligne["responsable_lien"], LienResponsable.choices, "responsable_lien"),
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
    statut = verifier("statut", lambda: _choix(ligne["statut"], Statut.choices, "statut"))
    v["statut"] = statut
    entree = verifier("date_entree", lambda: _date(ligne["date_entree"], "date_entree", "entree"))
    v["date_entree"] = entree.isoformat() if entree else None
    v["date_sortie"], v["motif_sortie"] = None, ""
    if statut == Statut.SORTI:
        if not ligne.get("date_sortie") or not ligne.get("motif_sortie"):
            erreurs.append(
                ("date_sortie", _("un parcours sorti a une date et un motif de sortie."))
            )
        else:
            sortie = verifier(
                "date_sortie", lambda: _date(ligne["date_sortie"], "date_sortie", "sortie")
            )
            if sortie and entree and sortie < entree:
                erreurs.append(("date_sortie", _("la sortie précède l’entrée.")))
            v["date_sortie"] = sortie.isoformat() if sortie else None
            v["motif_sortie"] = verifier(
                "motif_sortie",
                lambda: _choix(ligne["motif_sortie"], MotifSortie.choices, "motif_sortie"),
            )
    v["orienteur"] = verifier(
        "orienteur", lambda: _choix(ligne["orienteur"], Orienteur.choices, "orienteur")
    )
    v["motifs"] = [
        m
        for m in (
            verifier("motifs", lambda x=x: _choix(x, MotifOrientation.choices, "motifs"))
            for x in _liste(ligne["motifs"])
        )
        if m
    ]
    # Consent: required for the statuses that follow it.
    v["consentement"] = None
    signature_brute = ligne.get("consentement_date_signature", "")
    if signature_brute:
        signature = verifier(
            "consentement_date_signature",
            lambda: _date(signature_brute, "consentement_date_signature", "consentement_signature"),
        )
        brute = ligne.get("consentement_date_expiration", "")
        expiration = (
            verifier(
                "consentement_date_expiration",
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
                    "consentement_finalites",
                    lambda x=x: _choix(x, Finalite.choices, "consentement_finalites"),
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
    fichier.seek(0)
    empreinte = hashlib.sha256(fichier.read()).hexdigest()
    donnees = lignes_du_fichier(fichier, COLONNES)
    brutes = [dict(d) for d in donnees]
    plan = _analyser_lignes(programme, donnees)
    return ImportParcours.objects.create(
        programme=programme,
        auteur=auteur,
        nom_fichier=(getattr(fichier, "name", "") or "")[:200],
        empreinte=empreinte,
        donnees=brutes,
        lignes=plan,
    )


def progression_import(import_id: int) -> int | None:
    return cache.get(f"import-parcours-{import_id}")


def _completer(parcours: Parcours, auteur, v) -> None:
    """Consent, référent and status of an imported pathway, in that order (the référent may
    be a partner the consent names; the status may need the consent)."""
    c = v["consentement"]
    if (
        c
        and not Consentement.objects.filter(
            parcours=parcours, date_signature=date.fromisoformat(c["date_signature"])
        ).exists()
    ):
        consentement_enregistrer(
            parcours=parcours,
            date_signature=date.fromisoformat(c["date_signature"]),
            date_expiration=date.fromisoformat(c["date_expiration"]),
            signataires=list(parcours.enfant.famille.responsables.all()[:1]),
            structures=list(Structure.objects.filter(pk__in=c["structures"])),
            finalites=c["finalites"],
            auteur=auteur,
        )
    actuel = Parcours.objects.select_for_update(of=("self",)).get(pk=parcours.pk)
    if actuel.referent_id != v["referent"]:
        actuel.referent = Professionnel.objects.filter(pk=v["referent"]).first()
        _verifier_referent(actuel.referent, actuel.programme, actuel)
        _toucher(actuel)
        _sauver(actuel)
    if actuel.statut != v["statut"]:
        ancien = actuel.statut
        actuel.statut = v["statut"]
        if v["statut"] == Statut.SORTI:
            actuel.date_sortie = date.fromisoformat(v["date_sortie"])
            actuel.motif_sortie = v["motif_sortie"]
        else:
            actuel.date_sortie, actuel.motif_sortie = None, ""
        _changer_statut(actuel, auteur=auteur, commentaire=_("Import de fichier"), ancien=ancien)
    parcours_permissions_recalculer(parcours=actuel)


def _modifier(enfant: Enfant, auteur, v) -> None:
    for champ in ("nom", "prenom", "sexe"):
        setattr(enfant, champ, v[champ])
    enfant.noter_niveau(v["niveau_scolaire"])  # the file says the level of this school year
    enfant.date_naissance = date.fromisoformat(v["date_naissance"])
    enfant.etablissement_id = v["etablissement"]
    enfant.version += 1
    _sauver(enfant)
    parcours = _parcours_courant(enfant)
    parcours = Parcours.objects.select_for_update(of=("self",)).get(pk=parcours.pk)
    parcours.orienteur = v["orienteur"]
    parcours.motifs_orientation = v["motifs"]
    parcours.date_entree = date.fromisoformat(v["date_entree"])
    _toucher(parcours)
    _sauver(parcours)
    _completer(parcours, auteur, v)


def _sans_relations(modele) -> list[str]:
    # ForeignKey.validate reads the database: the ids come from this file's own rows or were
    # checked just above, and the database's constraints stand behind them.
    return [f.name for f in modele._meta.fields if f.is_relation]


def _valider_objet(objet) -> None:
    objet.clean_fields(exclude=_sans_relations(type(objet)))
    objet.clean()


def _verifier_referents(programme: Programme, lignes: list[dict]) -> None:
    """The sharing rule of `_verifier_affectation`, for every référent of the rows at once: an
    active member of a structure working with the programme, of its structure porteuse or of
    a structure the row's consent names (valid, allowing sharing). Facts may have changed
    since the dry run (a référent who left): the file then fails, naming the row."""
    ids = {ligne["valeurs"]["referent"] for ligne in lignes if ligne["valeurs"]["referent"]}
    pros = {p.pk: p for p in Professionnel.objects.filter(pk__in=ids)}
    partenaires = set(
        Partenariat.objects.filter(programme=programme).values_list("structure_id", flat=True)
    )
    porteuses = set(
        Partenariat.objects.filter(programme=programme, est_porteuse=True).values_list(
            "structure_id", flat=True
        )
    )
    aujourdhui = date.today()
    for ligne in lignes:
        v = ligne["valeurs"]
        c = v["consentement"]
        if c and any(s not in partenaires for s in c["structures"]):
            raise ErreurLigne(
                "",
                _("ligne %(n)s : %(e)s")
                % {
                    "n": ligne["ligne"],
                    "e": _("Ces structures ne travaillent pas avec ce programme."),
                },
            )
        if not v["referent"]:
            continue
        pro = pros.get(v["referent"])
        if pro is None or not pro.actif or pro.structure_id not in partenaires:
            message = _("Ce professionnel ne travaille pas avec ce programme.")
        elif pro.structure_id in porteuses or (
            c
            and Finalite.PARTAGE in c["finalites"]
            and pro.structure_id in c["structures"]
            and date.fromisoformat(c["date_signature"])
            <= aujourdhui
            < date.fromisoformat(c["date_expiration"])
        ):
            continue
        else:
            message = _("Le consentement de la famille ne couvre pas la structure du référent.")
        raise ErreurLigne("", _("ligne %(n)s : %(e)s") % {"n": ligne["ligne"], "e": message})


def _creer_en_masse(programme: Programme, auteur: User, lignes: list[dict]) -> None:
    """The rows to create, written in bulk with what the per-row services write: the family,
    its guardian, the child, the pathway at its imported status with the history rows the
    pages read (« création », then the status reached by the import), the consent with its
    signatory and structures, and the derived permissions. The dry run validated each row
    with the services' rules; what may have changed since is checked again here
    (`_verifier_referents`), and every object's fields are validated before the inserts. The
    change history (pghistory's triggers) records each insert with the import's context."""
    if not lignes:
        return
    _verifier_referents(programme, lignes)
    maintenant = timezone.now()
    familles, responsables, enfants, parcours_ = [], [], [], []
    for ligne in lignes:
        v = ligne["valeurs"]
        famille = Famille(programme=programme, commune=v["commune"], adresse=v["adresse"])
        responsable = ResponsableLegal(famille=famille, **v["responsable"])
        enfant = Enfant(
            programme=programme,
            famille=famille,
            nom=v["nom"],
            prenom=v["prenom"],
            date_naissance=date.fromisoformat(v["date_naissance"]),
            sexe=v["sexe"],
            etablissement_id=v["etablissement"],
            niveau_scolaire=v["niveau_scolaire"],
            identifiant_externe=v["identifiant"],
        )
        enfant.recherche = normaliser(f"{enfant.nom} {enfant.prenom}")  # Enfant.save's work
        sorti = v["statut"] == Statut.SORTI
        parcours = Parcours(
            programme=programme,
            enfant=enfant,
            statut=v["statut"],
            orienteur=v["orienteur"],
            motifs_orientation=v["motifs"],
            date_entree=date.fromisoformat(v["date_entree"]),
            date_sortie=date.fromisoformat(v["date_sortie"]) if sorti else None,
            motif_sortie=v["motif_sortie"] if sorti else "",
            referent_id=v["referent"],
            derniere_activite=maintenant,
        )
        try:
            for objet in (famille, responsable, enfant, parcours):
                _valider_objet(objet)
        except ValidationError as erreur:
            raise ErreurLigne(
                "", _("ligne %(n)s : %(e)s") % {"n": ligne["ligne"], "e": " ".join(erreur.messages)}
            ) from erreur
        familles.append(famille)
        responsables.append(responsable)
        enfants.append(enfant)
        parcours_.append(parcours)
    try:
        with transaction.atomic():
            Famille.objects.bulk_create(familles, batch_size=500)
            for responsable, enfant in zip(responsables, enfants, strict=True):
                responsable.famille = responsable.famille  # the family's new id
                enfant.famille = enfant.famille
            ResponsableLegal.objects.bulk_create(responsables, batch_size=500)
            Enfant.objects.bulk_create(enfants, batch_size=500)
            for parcours in parcours_:
                parcours.enfant = parcours.enfant
            Parcours.objects.bulk_create(parcours_, batch_size=500)
    except IntegrityError as erreur:
        raise ErreurLigne("", _("Enregistrement impossible : %(e)s") % {"e": erreur}) from erreur

    creation = _("Création par import de fichier")
    historique = []
    consentements, signataires, structures = [], [], []
    for ligne, parcours, responsable in zip(lignes, parcours_, responsables, strict=True):
        historique.append(
            ChangementStatut(
                parcours=parcours,
                ancien_statut="",
                nouveau_statut=Statut.REPERAGE,
                auteur=auteur,
                commentaire=creation,
            )
        )
        if parcours.statut != Statut.REPERAGE:
            historique.append(
                ChangementStatut(
                    parcours=parcours,
                    ancien_statut=Statut.REPERAGE,
                    nouveau_statut=parcours.statut,
                    auteur=auteur,
                    commentaire=_("Import de fichier"),
                )
            )
        c = ligne["valeurs"]["consentement"]
        if c:
            consentement = Consentement(
                parcours=parcours,
                date_signature=date.fromisoformat(c["date_signature"]),
                date_expiration=date.fromisoformat(c["date_expiration"]),
                finalites=list(c["finalites"]),
                enregistre_par=auteur,
            )
            _valider_objet(consentement)
            consentements.append(consentement)
            signataires.append((consentement, responsable))
            structures.append((consentement, c["structures"]))
    ChangementStatut.objects.bulk_create(historique, batch_size=1000)
    Consentement.objects.bulk_create(consentements, batch_size=500)
    Consentement.signataires.through.objects.bulk_create(
        Consentement.signataires.through(consentement_id=c.pk, responsablelegal_id=r.pk)
        for c, r in signataires
    )
    Consentement.structures.through.objects.bulk_create(
        Consentement.structures.through(consentement_id=c.pk, structure_id=s)
        for c, ids in structures
        for s in ids
    )
    permissions_creer_en_masse(parcours_ids=[p.pk for p in parcours_])


def import_appliquer(*, import_id: int, auteur: User | None = None) -> ImportParcours:
    """Confirm a dry run: write its plan in one transaction, or nothing. Safe to run twice:
    only an import still « analysé » or « en cours » (a worker that died) is applied."""
    try:
        with transaction.atomic():
            imp = (
                ImportParcours.objects.select_for_update(of=("self",))
                .select_related("programme", "auteur")
                .get(pk=import_id)
            )
            if imp.statut not in (StatutImport.ANALYSE, StatutImport.EN_COURS):
                return imp
            auteur = imp.auteur
            resultat = {"crees": [], "modifies": [], "inchanges": [], "rejetes": [], "perimes": []}
            enfants = {
                e.identifiant_externe: e
                for e in Enfant.objects.select_for_update(of=("self",))
                .filter(
                    programme=imp.programme,
                    identifiant_externe__in=[ligne["identifiant"] for ligne in imp.lignes],
                )
                .prefetch_related("parcours")
            }
            # The rows to create are written in bulk at the end (`_creer_en_masse`); the rows
            # to update go through the per-row services (few, each with its own checks).
            a_creer: list[dict] = []
            with pghistory.context(user=auteur.pk, **{"import": imp.pk}):
                for rang, ligne in enumerate(imp.lignes, start=1):
                    action, v = ligne["action"], ligne["valeurs"]
                    if rang % 50 == 0:
                        cache.set(f"import-parcours-{imp.pk}", rang, 3600)
                    if action == "rejet":
                        resultat["rejetes"].append(ligne["ligne"])
                        continue
                    if action == "inchange":
                        resultat["inchanges"].append(ligne["ligne"])
                        continue
                    enfant = enfants.get(v["identifiant"])
                    if action == "creer":
                        if enfant is not None:  # created in the application since the dry run
                            resultat["perimes"].append(ligne["ligne"])
                            continue
                        a_creer.append(ligne)
                        resultat["crees"].append(ligne["ligne"])
                        continue
                    parcours = _parcours_courant(enfant) if enfant else None
                    versions = {
                        "enfant": enfant.version if enfant else None,
                        "parcours": parcours.version if parcours else None,
                    }
                    if versions != ligne["versions"]:
                        resultat["perimes"].append(ligne["ligne"])
                        continue
                    try:
                        _modifier(enfant, auteur, v)
                    except ValidationError as erreur:
                        raise ErreurLigne(
                            "",
                            _("ligne %(n)s : %(e)s")
                            % {"n": ligne["ligne"], "e": " ".join(erreur.messages)},
                        ) from erreur
                    resultat["modifies"].append(ligne["ligne"])
                cache.set(f"import-parcours-{imp.pk}", len(imp.lignes) - len(a_creer), 3600)
                _creer_en_masse(imp.programme, auteur, a_creer)
            imp.statut = StatutImport.TERMINE
            imp.resultat = resultat
            imp.termine_le = timezone.now()
            imp.version += 1
            imp.save(update_fields=["statut", "resultat", "termine_le", "version"])
            return imp
    except ErreurLigne as erreur:
        ImportParcours.objects.filter(pk=import_id).update(
            statut=StatutImport.ECHEC,
            resultat={"erreur": erreur.message},
            termine_le=timezone.now(),
        )
        return ImportParcours.objects.get(pk=import_id)
