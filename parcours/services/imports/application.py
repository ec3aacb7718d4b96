"""Confirming a caseload import: the plan replayed in one transaction, the rows to update
through the per-row services, the rows to create in bulk (`import_appliquer`)."""

from datetime import date

import pghistory
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partenaires.models import Partenariat, Professionnel, Structure
from reussite.core.imports.flux import FluxImport, resultat_vide
from reussite.core.imports.valeurs import ErreurLigne, erreur_de_ligne
from reussite.core.models import Programme, User

from ...models import (
    ChangementStatut,
    Consentement,
    Enfant,
    Famille,
    Finalite,
    ImportParcours,
    Parcours,
    ResponsableLegal,
    Statut,
    StatutImport,
)
from ...permissions import parcours_permissions_recalculer, permissions_creer_en_masse
from ...text import normaliser
from ..base import _changer_statut, _sauver, _toucher, _verifier_referent, consentement_enregistrer
from .analyse import _parcours_courant
from .colonnes import COLONNES, SEUIL_ARRIERE_PLAN

__all__ = ["FLUX", "import_appliquer"]


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
            raise erreur_de_ligne(
                ligne["ligne"], _("Ces structures ne travaillent pas avec ce programme.")
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
        raise erreur_de_ligne(ligne["ligne"], message)


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
            raise erreur_de_ligne(ligne["ligne"], erreur) from erreur
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
    return FLUX.appliquer(import_id=import_id, ecrire=_ecrire)


def _ecrire(imp: ImportParcours) -> dict:
    """The plan's rows written, the import's row locked by the caller (`FluxImport.appliquer`)."""
    auteur = imp.auteur
    resultat = resultat_vide()
    enfants = {
        e.identifiant_externe: e
        for e in Enfant.objects.select_for_update(of=("self",))
        .filter(
            programme=imp.programme,
            identifiant_externe__in=[ligne["identifiant"] for ligne in imp.lignes],
        )
        .prefetch_related("parcours")
    }
    # The rows to create are written in bulk at the end (`_creer_en_masse`); the rows to
    # update go through the per-row services (few, each with its own checks).
    a_creer: list[dict] = []
    with pghistory.context(user=auteur.pk, **{"import": imp.pk}):
        for ligne in FLUX.parcourir(imp, imp.lignes):
            action, v = ligne["action"], ligne["valeurs"]
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
                raise erreur_de_ligne(ligne["ligne"], erreur) from erreur
            resultat["modifies"].append(ligne["ligne"])
        FLUX.noter_progression(imp, len(imp.lignes) - len(a_creer))
        _creer_en_masse(imp.programme, auteur, a_creer)
    return resultat


def _tache():
    from ...tasks import import_parcours_appliquer

    return import_parcours_appliquer


FLUX = FluxImport(
    modele=ImportParcours,
    statuts=StatutImport,
    colonnes=COLONNES,
    cle_progression="import-parcours",
    seuil_arriere_plan=SEUIL_ARRIERE_PLAN,
    service_appliquer=import_appliquer,
    tache=_tache,
    garder_les_donnees=True,
)
