"""Importing a programme's partner network: a dry run first, then everything or nothing.

One file, one row per thing, its kind in the column `nature`: a structure, a professional of a
structure, or an offer of a structure. Every row names its structure the same way (`structure_nom`
and `structure_commune`, or `structure_siret`), so that a professional's or an offer's row finds
the structure a row above creates, or one already in the network.

Matching, so that re-importing the same file changes nothing and a corrected file updates:
- a structure by its SIRET when the row has one, otherwise by its name and commune
  (accent- and case-insensitive); a structure found in the network but not yet working with
  the programme is attached to it. Structures are shared between programmes: one that also
  works with another programme is attached, never edited from here (its own administrators,
  or its other programmes', would see their rows change);
- a professional by their e-mail within the structure; an e-mail that already has an account
  elsewhere is refused, as the invitation form refuses it;
- an offer by its title within the structure, edited only when the administrator may edit it
  (published to their programme alone, as on the offer's page).

The dry run stores, for each row, the fingerprint of what it would change; confirming refuses
and lists the rows changed in the application since (the concurrency rule of the write
pattern). Confirming writes in one transaction through the same validations as the forms
(`full_clean`, the offer service's rules); an error rolls the whole file back. Invitation
e-mails, when asked for, leave after the commit.
"""

import hashlib
import json
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reussite.core.imports.flux import FluxImport, resultat_vide
from reussite.core.imports.modeles import Colonne, libelles
from reussite.core.imports.valeurs import ErreurLigne, erreur_de_ligne, lire_choix, verifier
from reussite.core.models import Programme, User
from reussite.core.texte import normaliser

from ..models import (
    Domaine,
    Fonction,
    ImportReseau,
    Offre,
    Partenariat,
    Professionnel,
    StatutImportReseau,
    Structure,
    TypeService,
    TypeStructure,
    UniteCapacite,
)
from .offres import CHAMPS_OFFRE, _valider

__all__ = [
    "COLONNES_RESEAU",
    "FLUX_RESEAU",
    "SEUIL_ARRIERE_PLAN_RESEAU",
    "import_reseau_analyser",
    "import_reseau_appliquer",
]

SEUIL_ARRIERE_PLAN_RESEAU = 300


class Nature:
    STRUCTURE = "structure"
    PROFESSIONNEL = "professionnel"
    OFFRE = "offre"
    CHOIX = [
        (STRUCTURE, gettext_lazy("Structure")),
        (PROFESSIONNEL, gettext_lazy("Professionnel")),
        (OFFRE, gettext_lazy("Offre")),
    ]


COLONNES_RESEAU = [
    Colonne(
        "nature",
        gettext_lazy("structure, professionnel ou offre : ce que la ligne décrit"),
        True,
        ("Structure", "Professionnel", "Offre"),
    ),
    Colonne("structure_nom", gettext_lazy("nom de la structure, sur chaque ligne"), True),
    Colonne("structure_commune", gettext_lazy("commune de la structure, sur chaque ligne")),
    Colonne(
        "structure_siret",
        gettext_lazy("SIRET (14 chiffres) : identifie la structure s’il est donné"),
    ),
    Colonne(
        "structure_type",
        gettext_lazy("type de la structure (lignes « structure »)"),
        # The programme's structure porteuse is set up with the programme, never imported.
        choix=tuple(
            libelle for code, libelle in TypeStructure.choices if code != TypeStructure.PORTEUSE
        ),
    ),
    Colonne("structure_uai", gettext_lazy("UAI d’une école ou d’un collège")),
    Colonne("structure_adresse", gettext_lazy("adresse")),
    Colonne("structure_telephone", gettext_lazy("téléphone de la structure")),
    Colonne("structure_email", gettext_lazy("adresse électronique de la structure")),
    Colonne("professionnel_email", gettext_lazy("adresse électronique (lignes « professionnel »)")),
    Colonne("professionnel_prenom", gettext_lazy("prénom")),
    Colonne("professionnel_nom", gettext_lazy("nom")),
    Colonne("professionnel_fonction", gettext_lazy("fonction"), choix=libelles(Fonction)),
    Colonne("offre_intitule", gettext_lazy("intitulé de l’offre (lignes « offre »)")),
    Colonne("offre_type_service", gettext_lazy("type de service"), choix=libelles(TypeService)),
    Colonne("offre_domaine", gettext_lazy("domaine"), choix=libelles(Domaine)),
    Colonne("offre_age_min", gettext_lazy("âge minimum (2 par défaut)")),
    Colonne("offre_age_max", gettext_lazy("âge maximum (16 par défaut)")),
    Colonne("offre_capacite", gettext_lazy("capacité, vide si elle n’est pas limitée")),
    Colonne(
        "offre_unite_capacite",
        gettext_lazy("places ou heures"),
        choix=libelles(UniteCapacite),
    ),
    Colonne("offre_territoire", gettext_lazy("commune ou quartier desservi")),
    Colonne("offre_description", gettext_lazy("description")),
    Colonne("offre_conditions_acces", gettext_lazy("conditions d’accès")),
    Colonne("offre_cout", gettext_lazy("coût par enfant en euros, vide si gratuit")),
    Colonne("offre_contact_nom", gettext_lazy("contact de l’offre")),
    Colonne("offre_contact_email", gettext_lazy("adresse électronique du contact")),
    Colonne("offre_contact_telephone", gettext_lazy("téléphone du contact")),
]
OBLIGATOIRES = [c.cle for c in COLONNES_RESEAU if c.obligatoire]

CHAMPS_STRUCTURE = ["nom", "commune", "siret", "type", "uai", "adresse", "telephone", "email"]


def _entier(valeur: str, colonne: str) -> int | None:
    if not valeur:
        return None
    try:
        return int(valeur)
    except ValueError:
        raise ErreurLigne(
            colonne, _("« %(v)s » n’est pas un nombre entier.") % {"v": valeur}
        ) from None


def _montant(valeur: str, colonne: str) -> Decimal | None:
    if not valeur:
        return None
    try:
        return Decimal(valeur.replace("€", "").replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise ErreurLigne(colonne, _("« %(v)s » n’est pas un montant.") % {"v": valeur}) from None


def _cle_structure(ligne: dict) -> str:
    """The row's way of naming its structure: its SIRET, or its name and commune."""
    siret = ligne.get("structure_siret", "").replace(" ", "")
    if siret:
        return f"siret:{siret}"
    return f"nom:{normaliser(ligne.get('structure_nom', ''))}|{normaliser(ligne.get('structure_commune', ''))}"


def _empreinte(valeurs) -> str:
    return hashlib.sha256(json.dumps(valeurs, sort_keys=True, default=str).encode()).hexdigest()[
        :16
    ]


def _empreinte_structure(structure: Structure) -> str:
    return _empreinte(
        [
            [getattr(structure, c) for c in CHAMPS_STRUCTURE],
            sorted(structure.programmes.values_list("pk", flat=True)),
        ]
    )


def _empreinte_professionnel(pro: Professionnel) -> str:
    return _empreinte([pro.fonction, pro.actif, pro.user.first_name, pro.user.last_name])


class _Reseau:
    """What the rows are checked against, read once for the whole file."""

    def __init__(self, programme: Programme):
        self.programme = programme
        self.par_siret, self.par_nom = {}, {}
        for s in Structure.objects.prefetch_related("programmes"):
            if s.siret:
                self.par_siret[s.siret] = s
            self.par_nom.setdefault(f"{normaliser(s.nom)}|{normaliser(s.commune)}", s)

    def trouver(self, cle: str) -> Structure | None:
        genre, valeur = cle.split(":", 1)
        return (self.par_siret if genre == "siret" else self.par_nom).get(valeur)


def _valeurs_structure(ligne: dict) -> tuple[dict, list]:
    erreurs = []
    v = {
        "nom": ligne.get("structure_nom", "")[:200],
        "commune": ligne.get("structure_commune", "")[:100],
        "siret": ligne.get("structure_siret", "").replace(" ", ""),
        "uai": ligne.get("structure_uai", "").upper(),
        "adresse": ligne.get("structure_adresse", "")[:300],
        "telephone": ligne.get("structure_telephone", ""),
        "email": ligne.get("structure_email", ""),
        "type": "",
    }
    if not ligne.get("structure_type"):
        erreurs.append(("structure_type", _("valeur obligatoire pour une structure.")))
    else:
        v["type"] = verifier(
            erreurs,
            lambda: lire_choix(ligne["structure_type"], TypeStructure.choices, "structure_type"),
            "",
        )
    if v["type"] == TypeStructure.PORTEUSE:
        erreurs.append(
            ("structure_type", _("la structure porteuse du programme ne s’importe pas."))
        )
    if v["siret"] and (not v["siret"].isdigit() or len(v["siret"]) != 14):
        erreurs.append(("structure_siret", _("un SIRET compte 14 chiffres.")))
    try:
        Structure(**v).clean_fields(exclude=["type"] if not v["type"] else [])
    except ValidationError as erreur:
        for champ, messages in erreur.message_dict.items():
            erreurs.append((f"structure_{champ}", " ".join(messages)))
    return v, erreurs


def _valeurs_professionnel(ligne: dict) -> tuple[dict, list]:
    erreurs = []
    v = {
        "email": get_user_model()
        .objects.normalize_email(ligne.get("professionnel_email", ""))
        .lower(),
        "prenom": ligne.get("professionnel_prenom", "")[:150],
        "nom": ligne.get("professionnel_nom", "")[:150],
        "fonction": "",
    }
    for cle in (
        "professionnel_email",
        "professionnel_prenom",
        "professionnel_nom",
        "professionnel_fonction",
    ):
        if not ligne.get(cle):
            erreurs.append((cle, _("valeur obligatoire pour un professionnel.")))
    if v["email"]:
        try:
            validate_email(v["email"])
        except ValidationError:
            erreurs.append(("professionnel_email", _("adresse électronique invalide.")))
    if ligne.get("professionnel_fonction"):
        v["fonction"] = verifier(
            erreurs,
            lambda: lire_choix(
                ligne["professionnel_fonction"], Fonction.choices, "professionnel_fonction"
            ),
            "",
        )
    return v, erreurs


def _valeurs_offre(ligne: dict) -> tuple[dict, list]:
    erreurs = []
    v: dict = {
        "intitule": ligne.get("offre_intitule", "")[:200],
        "description": ligne.get("offre_description", ""),
        "territoire": ligne.get("offre_territoire", "")[:100],
        "conditions_acces": ligne.get("offre_conditions_acces", ""),
        "contact_nom": ligne.get("offre_contact_nom", "")[:200],
        "contact_email": ligne.get("offre_contact_email", ""),
        "contact_telephone": ligne.get("offre_contact_telephone", ""),
        "unite_capacite": UniteCapacite.PLACES,
    }
    for cle in ("offre_intitule", "offre_type_service", "offre_domaine"):
        if not ligne.get(cle):
            erreurs.append((cle, _("valeur obligatoire pour une offre.")))

    if ligne.get("offre_type_service"):
        v["type_service"] = verifier(
            erreurs,
            lambda: lire_choix(
                ligne["offre_type_service"], TypeService.choices, "offre_type_service"
            ),
        )
    if ligne.get("offre_domaine"):
        v["domaine"] = verifier(
            erreurs,
            lambda: lire_choix(ligne["offre_domaine"], Domaine.choices, "offre_domaine"),
        )
    if ligne.get("offre_unite_capacite"):
        v["unite_capacite"] = verifier(
            erreurs,
            lambda: lire_choix(
                ligne["offre_unite_capacite"], UniteCapacite.choices, "offre_unite_capacite"
            ),
            UniteCapacite.PLACES,
        )
    minimum = verifier(erreurs, lambda: _entier(ligne.get("offre_age_min", ""), "offre_age_min"))
    maximum = verifier(erreurs, lambda: _entier(ligne.get("offre_age_max", ""), "offre_age_max"))
    v["age_min"] = 2 if minimum is None else minimum
    v["age_max"] = 16 if maximum is None else maximum
    v["capacite"] = verifier(
        erreurs, lambda: _entier(ligne.get("offre_capacite", ""), "offre_capacite")
    )
    cout = verifier(erreurs, lambda: _montant(ligne.get("offre_cout", ""), "offre_cout"))
    if not erreurs:
        # The offer service's own rules (ages, capacity, cost), then the model's fields.
        try:
            _valider({**v, "cout": cout})
        except ValidationError as erreur:
            for champ, messages in erreur.message_dict.items():
                erreurs.append((f"offre_{champ}", " ".join(messages)))
        try:
            Offre(structure_id=0, **v, cout=cout).clean_fields(exclude=["structure", "cree_par"])
        except ValidationError as erreur:
            for champ, messages in erreur.message_dict.items():
                erreurs.append((f"offre_{champ}", " ".join(messages)))
    v["cout"] = str(cout) if cout is not None else None
    return v, erreurs


def _offre_actuelle(offre: Offre) -> dict:
    return {
        **{
            c: getattr(offre, c)
            for c in CHAMPS_OFFRE
            if c not in ("disponible_du", "disponible_au", "diffusion_publique", "contact_public")
        },
        "cout": str(offre.cout) if offre.cout is not None else None,
    }


def _analyser_lignes(programme: Programme, auteur: User, donnees: list[dict]) -> list[dict]:
    from ..access import offre_modifiable_par

    reseau = _Reseau(programme)
    User_ = get_user_model()
    declarees: dict[str, int] = {}  # structure key → the file line that declares it
    plan = []
    # Structures first: a professional's or an offer's row may come before its structure's.
    ordre = sorted(donnees, key=lambda d: normaliser(d.get("nature", "")) != Nature.STRUCTURE)
    emails = {d.get("professionnel_email", "").strip().lower() for d in donnees}
    comptes = {u.email.lower(): u for u in User_.objects.filter(email__in=[e for e in emails if e])}
    vus: dict[tuple, int] = {}
    for d in ordre:
        numero = d.pop("_ligne")
        entree = {
            "ligne": numero,
            "nature": "",
            "valeurs": {},
            "erreurs": [],
            "empreinte": None,
            "rattacher": False,
            "champs": [],
            "avertissement": "",
            "offre": None,
        }
        erreurs = [
            (cle, _("valeur obligatoire manquante.")) for cle in OBLIGATOIRES if not d.get(cle)
        ]
        nature = None
        if not erreurs:
            nature = verifier(erreurs, lambda d=d: lire_choix(d["nature"], Nature.CHOIX, "nature"))
        entree["nature"] = nature or ""
        cle = _cle_structure(d)
        entree["structure"] = cle
        existante = reseau.trouver(cle)
        action = "rejet"
        if nature == Nature.STRUCTURE:
            v, erreurs_v = _valeurs_structure(d)
            erreurs += erreurs_v
            entree["valeurs"] = v
            if cle in declarees:
                erreurs.append(
                    (
                        "structure_nom",
                        _("structure déjà décrite ligne %(n)s.") % {"n": declarees[cle]},
                    )
                )
            if not erreurs:
                declarees[cle] = numero
                if existante is None:
                    action = "creer"
                else:
                    entree["empreinte"] = _empreinte_structure(existante)
                    programmes = {p.pk for p in existante.programmes.all()}
                    rattacher = programme.pk not in programmes
                    partagee = bool(programmes - {programme.pk})
                    differe = [
                        c for c in CHAMPS_STRUCTURE if v[c] and v[c] != getattr(existante, c)
                    ]
                    entree["rattacher"] = rattacher
                    entree["champs"] = [] if partagee else differe
                    action = "modifier" if rattacher or entree["champs"] else "inchange"
                    if partagee and differe:
                        entree["avertissement"] = _(
                            "structure partagée avec d’autres programmes : ses informations ne "
                            "sont pas modifiées par l’import."
                        )
        elif nature in (Nature.PROFESSIONNEL, Nature.OFFRE):
            travaille = existante is not None and any(
                p.pk == programme.pk for p in existante.programmes.all()
            )
            if cle not in declarees and not travaille:
                erreurs.append(
                    (
                        "structure_nom",
                        _(
                            "structure inconnue du réseau du programme : décrivez-la sur une ligne « structure »."
                        ),
                    )
                )
            if nature == Nature.PROFESSIONNEL:
                v, erreurs_v = _valeurs_professionnel(d)
                erreurs += erreurs_v
                entree["valeurs"] = v
                doublon = (cle, v["email"])
                if not erreurs and doublon in vus:
                    erreurs.append(
                        (
                            "professionnel_email",
                            _("professionnel déjà présent ligne %(n)s.") % {"n": vus[doublon]},
                        )
                    )
                vus.setdefault(doublon, numero)
                if not erreurs:
                    compte = comptes.get(v["email"])
                    membre = (
                        Professionnel.objects.select_related("user")
                        .filter(user=compte, structure=existante)
                        .first()
                        if compte is not None and existante is not None
                        else None
                    )
                    if compte is not None and membre is None:
                        erreurs.append(
                            (
                                "professionnel_email",
                                _(
                                    "un compte existe déjà avec cette adresse électronique, hors de cette structure."
                                ),
                            )
                        )
                    elif membre is None:
                        action = "creer"
                    else:
                        entree["empreinte"] = _empreinte_professionnel(membre)
                        differe = membre.fonction != v["fonction"] or not membre.actif
                        action = "modifier" if differe else "inchange"
            else:
                v, erreurs_v = _valeurs_offre(d)
                erreurs += erreurs_v
                entree["valeurs"] = v
                doublon = (cle, normaliser(v["intitule"]))
                if not erreurs and doublon in vus:
                    erreurs.append(
                        (
                            "offre_intitule",
                            _("offre déjà présente ligne %(n)s.") % {"n": vus[doublon]},
                        )
                    )
                vus.setdefault(doublon, numero)
                if not erreurs:
                    offre = None
                    if existante is not None:
                        offre = next(
                            (
                                o
                                for o in existante.offres.prefetch_related("programmes")
                                if normaliser(o.intitule) == normaliser(v["intitule"])
                            ),
                            None,
                        )
                    if offre is None:
                        action = "creer"
                    elif not offre_modifiable_par(auteur, offre):
                        erreurs.append(
                            (
                                "offre_intitule",
                                _(
                                    "cette offre est publiée à d’autres programmes : seule sa structure la modifie."
                                ),
                            )
                        )
                    else:
                        entree["empreinte"] = offre.version
                        entree["offre"] = offre.pk
                        action = (
                            "modifier"
                            if _offre_actuelle(offre) != {**_offre_actuelle(offre), **v}
                            else "inchange"
                        )
        if erreurs:
            action = "rejet"
        entree["action"] = action
        entree["erreurs"] = [[c, m] for c, m in erreurs]
        plan.append(entree)
    # Shown in the file's order.
    return sorted(plan, key=lambda e: e["ligne"])


@transaction.atomic
def import_reseau_analyser(
    *, programme: Programme, auteur: User, fichier, inviter: bool = False
) -> ImportReseau:
    """The dry run: read and check the file, store its plan. Writes only the import's row."""
    return FLUX_RESEAU.analyser(
        programme=programme,
        auteur=auteur,
        fichier=fichier,
        planifier=lambda donnees: _analyser_lignes(programme, auteur, donnees),
        inviter=inviter,
    )


def import_reseau_appliquer(*, import_id: int) -> ImportReseau:
    """Confirm a dry run: write its plan in one transaction, or nothing. Safe to run twice."""
    return FLUX_RESEAU.appliquer(import_id=import_id, ecrire=_ecrire)


def _ecrire(imp: ImportReseau) -> dict:
    """The plan's rows written, the import's row locked by the caller (`FluxImport.appliquer`);
    the invitations asked for leave after the commit."""
    from ..access import offre_modifiable_par
    from .annuaire import professionnel_creer
    from .offres import offre_creer, offre_modifier

    invitations: list[int] = []
    programme, auteur = imp.programme, imp.auteur
    resultat = resultat_vide()
    reseau = _Reseau(programme)
    structures: dict[str, Structure] = {}
    ordre = sorted(imp.lignes, key=lambda e: e["nature"] != Nature.STRUCTURE)
    for ligne in FLUX_RESEAU.parcourir(imp, ordre):
        action, v, numero = ligne["action"], ligne["valeurs"], ligne["ligne"]
        if action == "rejet":
            resultat["rejetes"].append(numero)
            continue
        cle = ligne["structure"]
        if cle not in structures:
            trouvee = reseau.trouver(cle)
            if trouvee is not None:
                structures[cle] = trouvee
        structure = structures.get(cle)
        try:
            if ligne["nature"] == Nature.STRUCTURE:
                if action == "creer":
                    if structure is not None:  # created in the application since
                        resultat["perimes"].append(numero)
                        continue
                    structure = Structure(**v)
                    structure.full_clean()
                    structure.save()
                    Partenariat.objects.create(
                        structure=structure, programme=programme, depuis=date.today()
                    )
                    structures[cle] = structure
                elif structure is None or _empreinte_structure(structure) != ligne["empreinte"]:
                    resultat["perimes"].append(numero)
                    continue
                elif action == "modifier":
                    for champ in ligne.get("champs", []):
                        setattr(structure, champ, v[champ])
                    structure.full_clean()
                    structure.save()
                    if ligne.get("rattacher"):
                        Partenariat.objects.get_or_create(
                            structure=structure,
                            programme=programme,
                            defaults={"depuis": date.today()},
                        )
            elif ligne["nature"] == Nature.PROFESSIONNEL:
                if structure is None:
                    raise ValidationError(_("structure introuvable."))
                membre = (
                    Professionnel.objects.select_related("user")
                    .select_for_update(of=("self",))
                    .filter(user__email__iexact=v["email"], structure=structure)
                    .first()
                )
                if action == "creer":
                    if membre is not None:
                        resultat["perimes"].append(numero)
                        continue
                    membre = professionnel_creer(
                        structure=structure,
                        email=v["email"],
                        prenom=v["prenom"],
                        nom=v["nom"],
                        fonction=v["fonction"],
                        auteur=auteur,
                    )
                    if imp.inviter:
                        invitations.append(membre.pk)
                elif membre is None or _empreinte_professionnel(membre) != ligne["empreinte"]:
                    resultat["perimes"].append(numero)
                    continue
                elif action == "modifier":
                    from .structures import professionnel_reactiver

                    membre.fonction = v["fonction"]
                    membre.full_clean()
                    membre.save(update_fields=["fonction"])
                    if not membre.actif:
                        professionnel_reactiver(professionnel=membre)
            else:
                if structure is None:
                    raise ValidationError(_("structure introuvable."))
                donnees = {c: v[c] for c in v if c != "cout"}
                donnees["cout"] = Decimal(v["cout"]) if v["cout"] is not None else None
                if action == "creer":
                    if any(
                        normaliser(o.intitule) == normaliser(v["intitule"])
                        for o in structure.offres.all()
                    ):
                        resultat["perimes"].append(numero)
                        continue
                    offre_creer(
                        structure=structure,
                        donnees=donnees,
                        programmes=[programme],
                        auteur=auteur,
                    )
                else:
                    offre = Offre.objects.filter(pk=ligne["offre"]).first()
                    if offre is None or offre.version != ligne["empreinte"]:
                        resultat["perimes"].append(numero)
                        continue
                    if action == "modifier":
                        if not offre_modifiable_par(auteur, offre):
                            raise ValidationError(_("vous ne pouvez plus modifier cette offre."))
                        offre_modifier(
                            offre=offre,
                            donnees=donnees,
                            programmes=list(offre.programmes.all()),
                            version=offre.version,
                            auteur=auteur,
                        )
        except ValidationError as erreur:
            raise erreur_de_ligne(numero, erreur) from erreur
        cible = {"creer": "crees", "modifier": "modifies", "inchange": "inchanges"}[action]
        resultat[cible].append(numero)
    for cible in resultat.values():
        cible.sort()
    if invitations:
        from ..tasks import invitations_envoyer

        ids = list(invitations)
        transaction.on_commit(lambda: invitations_envoyer.delay(ids, auteur.pk))
    return {**resultat, "invitations": len(invitations)}


def _tache():
    from ..tasks import import_reseau_appliquer

    return import_reseau_appliquer


FLUX_RESEAU = FluxImport(
    modele=ImportReseau,
    statuts=StatutImportReseau,
    colonnes=COLONNES_RESEAU,
    cle_progression="import-reseau",
    seuil_arriere_plan=SEUIL_ARRIERE_PLAN_RESEAU,
    service_appliquer=import_reseau_appliquer,
    tache=_tache,
)
