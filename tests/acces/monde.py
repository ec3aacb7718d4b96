"""The world the access sweep walks: two programmes, their partners, and pathways holding one
object of every kind a swept URL names (`Dossier`), built through the services.

The URL map, the request bodies and the sweep itself: tests/acces/balayage.py. Other tests reuse
this world (`construire_monde`) and its data helpers; reussite/devtools/bench_site.py builds its
dossier with `_dossier`.
"""

import functools
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from parcours.models import (
    Action,
    ActionCollective,
    Addendum,
    BesoinNonCouvert,
    Consentement,
    Dispositif,
    Document,
    EchangeOrientation,
    Enfant,
    Famille,
    Finalite,
    ImportParcours,
    InformationPreoccupante,
    Intervenant,
    Note,
    Objectif,
    Orientation,
    Parcours,
    ParcoursUserObjectPermission,
    ParoleFamille,
    QuestionnaireSortie,
    ResponsableLegal,
    Rupture,
    Sollicitation,
    Statut,
    Transfert,
    Transition,
)
from parcours.selectors import annee_rentree
from parcours.services import (
    dispositif_ajouter,
    document_deposer,
    import_analyser,
    note_ajouter,
    rupture_enregistrer,
    sollicitation_creer,
    sollicitation_repondre,
    transfert_proposer,
    transition_creer,
)
from partenaires.models import Convention, Professionnel, Structure
from reussite.core.models import DemandeExport, Rappel, StatutExport, StatutRappel
from tests.factories import actions as fabrique_actions
from tests.factories import orientations as fabrique_orientations
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import (
    Pre,
    ajouter_intervenant,
    consentement,
    fichier_png,
    nommer_referent,
    partenaire,
    pre,
    professionnel,
    titulaire,
)
from tests.factories.partenaires import StructureFactory
from tests.support.formulaires import jeton

# --- A world with two programmes ------------------------------------------------------------


@dataclass
class Dossier:
    parcours: Parcours
    consentement: Consentement
    intervenant: Intervenant
    titulaire: ResponsableLegal
    structure: Structure  # the partner structure its consent names
    candidat: Professionnel  # covered by the consent, not assigned: a valid intervenant to add
    rappel: Rappel | None = None  # a reminder about this pathway, for the coordinator
    # --- actions
    objectif: Objectif | None = None
    action: Action | None = None  # ad hoc, delivered by no one in particular
    collective: ActionCollective | None = None  # of the programme; the child does not take part
    # --- journal
    note: Note | None = None  # written by the coordinator, for the pathway's team
    rupture: Rupture | None = None  # without a decided response
    document: Document | None = None
    # --- exports
    demande: DemandeExport | None = None  # a built export the programme's coordinator asked for
    # --- orientations: a referral of the programme, sent by `orienteur` (a member of the
    # consent's structure, assigned to nothing), waiting for their answer to a question
    orientation: Orientation | None = None
    orienteur: Professionnel | None = None
    # --- imports: a dry run of one row, waiting for its confirmation
    import_: ImportParcours | None = None
    # --- transferts: a pathway of another programme proposed to this one (its coordination
    # answers), the sending side being a third programme
    transfert: Transfert | None = None
    # --- sollicitations (issue 21): a request on the objective, sent to `sollicite`, a member
    # of a partner structure of the programme that the consent does not name (it may not see
    # the child: it reads a pseudonymised reference)
    sollicitation: Sollicitation | None = None
    sollicite: Professionnel | None = None
    # --- dispositifs (issue 21): an AEMO measure, reserved to the référent and the coordination
    dispositif: Dispositif | None = None


@dataclass
class Monde:
    a: Pre
    b: Pre
    structure: Structure  # partner of A named in the consents of p and p2
    referent: Professionnel  # partner référent of p and p2
    intervenant: Professionnel  # partner intervenant on p only
    non_affecte: Professionnel  # same structure, charter accepted, assigned to nothing
    etranger: Professionnel  # another partner structure of A, never named
    ecole_b: Structure
    p: Dossier
    p2: Dossier
    q: Dossier  # in programme B


def _dossier(programme: Pre, structure, *, referent=None, intervenant=None, **enfant) -> Dossier:
    parcours = ParcoursFactory(
        programme=programme.programme,
        statut=Statut.EN_COURS,
        enfant=EnfantFactory(programme=programme.programme, **enfant),
    )
    mere = titulaire(parcours)
    c = consentement(
        parcours,
        structures=[structure],
        auteur=programme.coordinateur,
        fichier=fichier_png(),
        # --- transferts: the family agreed to a transfer (parcours:transfert_proposer)
        finalites=[Finalite.ACCOMPAGNEMENT, Finalite.PARTAGE, Finalite.TRANSFERT],
    )
    if referent is not None:
        nommer_referent(parcours, referent, auteur=programme.coordinateur)
    intervenant = intervenant or professionnel(programme.porteuse)
    affectation = ajouter_intervenant(parcours, intervenant, auteur=programme.coordinateur)
    # --- actions
    auteur = programme.coordinateur
    objectif = fabrique_actions.objectif(parcours, auteur=auteur)
    action = fabrique_actions.action(
        parcours, auteur=auteur, objectif=objectif, structure=structure
    )
    collective = fabrique_actions.collective(programme.programme, structure, auteur=auteur)
    # --- journal
    note = note_ajouter(
        parcours=parcours, auteur=programme.coordinateur, texte="Note d’équipe", visibilite="equipe"
    )
    rupture = rupture_enregistrer(
        parcours=parcours, auteur=programme.coordinateur, type="absence", date=date.today()
    )
    document = document_deposer(
        parcours=parcours, auteur=programme.coordinateur, titre="Bilan", fichier=fichier_png()
    )
    # --- offres: an unmet need recorded on the pathway
    BesoinNonCouvert.objects.create(
        programme=programme.programme,
        parcours=parcours,
        domaine="sante",
        tranche_age="6-10",
        description="Bilan de santé",
    )
    # --- exports
    demande = DemandeExport.objects.create(
        demandeur=programme.coordinateur,
        genre="actions",
        format="csv",
        statut=StatutExport.TERMINE,
        lignes_total=1,
        lignes_faites=1,
        termine_le=timezone.now(),
        expire_le=timezone.now() + timedelta(days=7),
    )
    demande.fichier.save("export-de-test.csv", ContentFile(b"\xef\xbb\xbfAction\n"))
    # --- orientations
    orienteur = professionnel(structure)
    orientation = fabrique_orientations.orientation(
        orienteur, programme=programme.programme, fichier=fichier_png(), commune="Villeneuve"
    )
    orientation = fabrique_orientations.decider(
        orientation, "question", auteur=programme.coordinateur, message="Quel suivi ?"
    )
    # --- imports
    import_ = import_analyser(
        programme=programme.programme,
        auteur=programme.coordinateur,
        fichier=_fichier_import(f"IMP-{parcours.pk}"),
    )
    # --- transferts
    cible, coordination_cible = _programme_cible()
    venu = ParcoursFactory(
        programme=cible,
        statut=Statut.EN_COURS,
        enfant=EnfantFactory(programme=cible, nom="Voyageur"),
    )
    consentement(
        venu,
        auteur=coordination_cible,
        finalites=[Finalite.ACCOMPAGNEMENT, Finalite.TRANSFERT],
    )
    transfert = transfert_proposer(
        parcours=venu, programme_destination=programme.programme, auteur=coordination_cible
    )
    # --- sollicitations
    sollicite = professionnel(partenaire(programme.programme))
    sollicitation = sollicitation_creer(
        parcours=Parcours.objects.get(pk=parcours.pk),
        objectif=objectif,
        structure=sollicite.structure,
        professionnel=sollicite,
        demande="Un bilan orthophonique",
        motif="Langage",
        echeance=date.today() + timedelta(days=10),
        auteur=programme.coordinateur,
    )
    # --- transitions (issue 21): a checklist whose family agreement is recorded (its sheet)
    transition_creer(
        parcours=parcours,
        annee_rentree=annee_rentree(date.today()),
        auteur=programme.coordinateur,
        donnees={
            "type": "cm2_6e",
            "elements_transmis": ["scolarite"],
            "accord_famille_le": date.today(),
        },
    )
    # --- dispositifs
    dispositif = dispositif_ajouter(
        parcours=parcours,
        auteur=programme.coordinateur,
        type="aemo",
        date_debut=date.today() - timedelta(days=90),
    )
    parcours.refresh_from_db()
    rappel = Rappel.objects.create(
        genre="revue_proche",
        destinataire=programme.coordinateur,
        content_type=ContentType.objects.get_for_model(Parcours),
        object_id=parcours.pk,
        programme_id=parcours.programme_id,
        echeance=date.today(),
        # Failed: every reminder URL applies to it (read, open, send again).
        statut=StatutRappel.ECHEC,
    )
    return Dossier(
        parcours,
        c,
        affectation,
        mere,
        structure,
        professionnel(structure),
        rappel=rappel,
        objectif=objectif,
        action=action,
        collective=collective,
        note=note,
        rupture=rupture,
        document=document,
        demande=demande,
        orientation=orientation,
        orienteur=orienteur,
        import_=import_,
        transfert=transfert,
        sollicitation=sollicitation,
        sollicite=sollicite,
        dispositif=dispositif,
    )


def construire_monde() -> Monde:
    a, b = pre(nom="PRE A"), pre(nom="PRE B")
    structure, structure_b = partenaire(a.programme), partenaire(b.programme)
    referent, intervenant = professionnel(structure), professionnel(structure)
    non_affecte = professionnel(structure)
    etranger = professionnel(partenaire(a.programme))
    p = _dossier(a, structure, referent=referent, intervenant=intervenant, nom="Pimprenelle")
    p2 = _dossier(a, structure, referent=referent, nom="Deuxième")
    q = _dossier(b, structure_b, referent=professionnel(structure_b), nom="Quentinois")
    ecole_b = StructureFactory(ecole=True, programmes=[b.programme])
    return Monde(a, b, structure, referent, intervenant, non_affecte, etranger, ecole_b, p, p2, q)


# --- Data helpers: objects some tests add to the world -----------------------------------------


def _convention(programme) -> Convention:
    return Convention.objects.create(
        programme=programme,
        intitule="Convention d’ailleurs",
        objet="Financer des ateliers",
        date_debut=date.today() - timedelta(days=30),
        date_fin=date.today() + timedelta(days=300),
    )


def _programme_cible():
    """The third programme that transfers are proposed from and to (one coordinator)."""
    from reussite.core.models import User
    from reussite.core.roles import titulaires
    from tests.factories.core import ProgrammeFactory, coordinateur

    cible = ProgrammeFactory(nom="PRE Cible")
    deja = titulaires([cible.pk], "coordonner_programme")
    if deja:
        return cible, User.objects.get(pk=next(iter(deja))[1])
    return cible, coordinateur(cible)


def _fichier_import(identifiant: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from parcours.services.imports import COLONNES

    valeurs = {
        "identifiant": identifiant,
        "nom": "Importé",
        "prenom": identifiant,
        "date_naissance": "14/03/2016",
        "sexe": "F",
        "responsable_nom": "Importé",
        "responsable_lien": "mère",
        "statut": "repérage",
        "date_entree": date.today().strftime("%d/%m/%Y"),
        "orienteur": "école",
        "motifs": "résultats scolaires",
    }
    texte = ";".join(c.cle for c in COLONNES) + "\n"
    texte += ";".join(valeurs.get(c.cle, "") for c in COLONNES) + "\n"
    return SimpleUploadedFile("import.csv", texte.encode())


def _pilote(programme):
    from reussite.core.models import Role
    from reussite.core.services import role_attribuer
    from tests.factories.core import UserFactory

    user = UserFactory()
    role_attribuer(user=user, programme=programme, role=Role.PILOTAGE)
    return user


def _convention_signee(pre_: Pre, structure) -> Convention:
    from partenaires import services as services_partenaires

    convention = services_partenaires.convention_creer(
        programme=pre_.programme,
        auteur=pre_.coordinateur,
        intitule="Convention de financement",
        objet="Financer l’aide aux devoirs",
        date_debut=date(2025, 1, 1),
        date_fin=date(2026, 12, 31),
    )
    services_partenaires.partie_ajouter(convention=convention, structure=structure)
    Convention.objects.filter(pk=convention.pk).update(
        statut="en_vigueur", date_signature=date(2025, 1, 1)
    )
    return convention


# --- Request bodies: what a swept POST writes into the world ---------------------------------


def corps(nom: str, d: Dossier) -> dict:
    """A valid body for each swept POST view: were the check missing, it would change data."""
    # Each body is built only when asked for: the sweep asks for one at a time, and building
    # all of them read about fifteen rows per request.
    aujourdhui = date.today()

    @functools.cache
    def parcours() -> Parcours:
        return Parcours.objects.select_related("enfant__famille").get(pk=d.parcours.pk)

    def enfant():
        return parcours().enfant

    def consentement_valide() -> dict:
        return {
            "date_signature": aujourdhui.isoformat(),
            "date_expiration": (aujourdhui + timedelta(days=100)).isoformat(),
            "signataires": [d.titulaire.pk],
            "structures": [d.structure.pk],
            "finalites": [Finalite.ACCOMPAGNEMENT, Finalite.PARTAGE],
            "fichier": fichier_png(),
        }

    def corps_famille() -> dict:
        famille = enfant().famille
        responsables = list(famille.responsables.order_by("pk"))
        donnees = {
            "version": famille.version,
            "famille-adresse": "1 place modifiée",
            "famille-commune": "Ailleurs",
            "responsables-TOTAL_FORMS": len(responsables),
            "responsables-INITIAL_FORMS": len(responsables),
            "responsables-MIN_NUM_FORMS": 0,
            "responsables-MAX_NUM_FORMS": 4,
        }
        for i, r in enumerate(responsables):
            donnees |= {
                f"responsables-{i}-id": r.pk,
                f"responsables-{i}-nom": r.nom,
                f"responsables-{i}-prenom": r.prenom,
                f"responsables-{i}-lien": r.lien,
                f"responsables-{i}-autorite_parentale": "on" if r.autorite_parentale else "",
                f"responsables-{i}-telephone": r.telephone,
                f"responsables-{i}-email": r.email,
            }
        return donnees

    fabriques = {
        "parcours:modifier": lambda: {
            "version": parcours().version,
            "parcours-orienteur": parcours().orienteur,
            "parcours-motifs_orientation": parcours().motifs_orientation,
            "parcours-profil_accompagnement": "renforce",
            "parcours-referent": parcours().referent_id or "",
            "parcours-date_entree": parcours().date_entree.isoformat(),
        },
        "parcours:modifier_enfant": lambda: {
            "version": enfant().version,
            "enfant-nom": "Modifié",
            "enfant-prenom": enfant().prenom,
            "enfant-date_naissance": enfant().date_naissance.isoformat(),
            "enfant-sexe": enfant().sexe,
        },
        "parcours:modifier_famille": corps_famille,
        # Suspending is confirmed (issue 15, point 15): without "confirmer", nothing changes.
        "parcours:changer_statut": lambda: {
            "statut": Statut.SUSPENDU,
            "version": parcours().version,
            "confirmer": "on",
        },
        "parcours:suspendre": lambda: {
            "version": parcours().version,
            "commentaire": "Pause demandée par la famille",
            "confirmer": "on",
        },
        "parcours:sortir": lambda: {
            "date_sortie": aujourdhui.isoformat(),
            "motif_sortie": "demenagement",
            "version": parcours().version,
        },
        "parcours:consentement": consentement_valide,
        "parcours:consentement_renouveler": consentement_valide,
        "parcours:consentement_retirer": lambda: {
            "date_retrait": aujourdhui.isoformat(),
            "motif_retrait": "La famille retire son accord.",
        },
        "parcours:intervenant_ajouter": lambda: {"intervenant-professionnel": d.candidat.pk},
        # --- actions
        **fabriques_actions(d),
        # --- journal
        "parcours:note_ajouter": lambda: {"texte": "Nouvelle note", "visibilite": "equipe"},
        "parcours:note_modifier": lambda: {
            "texte": "Note corrigée",
            "visibilite": "equipe",
            "version": Note.objects.get(pk=d.note.pk).version,
        },
        "parcours:note_addendum": lambda: {"texte": "Addendum"},
        "parcours:information_preoccupante": lambda: {
            "date_transmission": aujourdhui.isoformat(),
            "transmise_par": "La coordinatrice",
            "reference": "CRIP-1",
        },
        "parcours:rupture_ajouter": lambda: {
            "type": "demenagement",
            "date": aujourdhui.isoformat(),
        },
        "parcours:rupture_reponse": lambda: {
            "version": Rupture.objects.get(pk=d.rupture.pk).version,
            "reponse": "Relais avec l’école",
            "date_reponse": aujourdhui.isoformat(),
        },
        "parcours:document_ajouter": lambda: {"titre": "Compte rendu", "fichier": fichier_png()},
        # --- offres
        "parcours:besoin_ajouter": lambda: {
            "domaine": "culture",
            "territoire": "Nord",
            "description": "Atelier de théâtre",
        },
        "parcours:besoin_clore": lambda: {"statut": "clos"},
        # --- fratrie: a sibling of the pathway's child, in its family
        "parcours:famille_ajouter_enfant": lambda: {
            "enfant-nom": "Cadet",
            "enfant-prenom": "Sami",
            "enfant-date_naissance": (aujourdhui - timedelta(days=365 * 6)).isoformat(),
            "enfant-sexe": "M",
            "parcours-orienteur": "famille",
            "parcours-motifs_orientation": ["langage"],
            "parcours-date_entree": aujourdhui.isoformat(),
        },
        # --- orientations
        "parcours:orientation_decider": lambda: {
            "version": Orientation.objects.get(pk=d.orientation.pk).version,
            "decision-decision": "refus",
            "decision-message": "Hors du territoire",
        },
        "parcours:orientation_repondre": lambda: {"reponse-texte": "Aucun suivi en cours."},
        # --- imports
        "parcours:transfert_proposer": lambda: {"programme_destination": _programme_cible()[0].pk},
        "parcours:transfert_decider": lambda: {
            "version": Transfert.objects.get(pk=d.transfert.pk).version,
            "decision-decision": "refuser",
            "decision-motif_refus": "Pas de place avant la rentrée",
        },
        "parcours:import_apercu": lambda: {
            "version": ImportParcours.objects.get(pk=d.import_.pk).version
        },
        # --- sollicitations
        "parcours:sollicitation_creer": lambda: {
            "objectif": d.objectif.pk,
            "structure": d.structure.pk,
            "demande": "Une place à l’atelier",
            "motif": "Socialisation",
            "echeance": (aujourdhui + timedelta(days=5)).isoformat(),
        },
        "parcours:sollicitation_recue": lambda: {
            "version": Sollicitation.objects.get(pk=d.sollicitation.pk).version,
            "statut": "acceptee",
            "date_rdv": aujourdhui.isoformat(),
        },
        "parcours:sollicitation_retirer": lambda: {
            "version": Sollicitation.objects.get(pk=d.sollicitation.pk).version
        },
        "parcours:sollicitation_en_action": lambda: {
            "version": Sollicitation.objects.get(pk=d.sollicitation.pk).version,
            "confirmer_consentement": "on",
        },
        "parcours:sollicitation_reorienter": lambda: {
            "version": Sollicitation.objects.get(pk=d.sollicitation.pk).version,
            "echeance": (aujourdhui + timedelta(days=10)).isoformat(),
        },
        # --- transitions
        "parcours:transition": lambda: {
            "version": Transition.objects.get(parcours=d.parcours).version,
            "type": "cm2_6e",
            "etablissement_accueil": "Collège modifié",
            "contact_le": aujourdhui.isoformat(),
            "elements_transmis": ["scolarite"],
            "accord_famille_le": aujourdhui.isoformat(),
        },
        # --- dispositifs
        "parcours:dispositif_ajouter": lambda: {
            "type": "clas",
            "date_debut": aujourdhui.isoformat(),
            "precision": "Centre social Nord",
        },
        "parcours:dispositif_modifier": lambda: {
            "version": Dispositif.objects.get(pk=d.dispositif.pk).version,
            "type": "aemo",
            "date_debut": (aujourdhui - timedelta(days=60)).isoformat(),
        },
        "parcours:dispositif_terminer": lambda: {
            "version": Dispositif.objects.get(pk=d.dispositif.pk).version,
            "date_fin": aujourdhui.isoformat(),
        },
        "parcours:parole_ajouter": lambda: {
            "locuteur": "enfant",
            "moment": "souhaits",
            "date": aujourdhui.isoformat(),
            "texte": "Je voudrais savoir nager.",
        },
        "parcours:questionnaire_sortie": lambda: {
            "date": aujourdhui.isoformat(),
            "repondants": "ensemble",
            "satisfaction": "tres",
            "aides": ["ecoute", "activites"],
        },
    }
    fabrique = fabriques.get(nom)
    donnees = fabrique() if fabrique else {}
    if nom in CREATIONS:
        return {"jeton": jeton(), **donnees}
    return donnees


# The creation forms: each carries a one-time token (reussite/core/ecriture.py).
CREATIONS = {
    "parcours:creer",
    "parcours:consentement",
    "parcours:consentement_renouveler",
    "parcours:intervenant_ajouter",
    "parcours:objectif_ajouter",
    "parcours:action_ajouter",
    "parcours:collective_creer",
    "parcours:eps_planifier",
    "parcours:note_ajouter",
    "parcours:note_addendum",
    "parcours:information_preoccupante",
    "parcours:rupture_ajouter",
    "parcours:document_ajouter",
    "parcours:besoin_ajouter",
    "parcours:famille_ajouter_enfant",
    "parcours:orientation_repondre",
    "parcours:transfert_proposer",
    "parcours:sollicitation_creer",
    "parcours:sollicitation_en_action",
    "parcours:sollicitation_reorienter",
    # --- dispositifs
    "parcours:dispositif_ajouter",
    "parcours:parole_ajouter",
    "parcours:questionnaire_sortie",
}


def fabriques_actions(d: Dossier) -> dict:
    """The bodies of the objective and action views, each built when asked for."""

    @functools.cache
    def objectif() -> Objectif:
        return Objectif.objects.get(pk=d.objectif.pk)

    @functools.cache
    def action() -> Action:
        return Action.objects.get(pk=d.action.pk)

    aujourdhui = date.today()
    return {
        "parcours:objectif_ajouter": lambda: {
            "domaine": "sport",
            "intitule": "Nager 25 mètres",
            "statut": "ouvert",
        },
        "parcours:objectif_modifier": lambda: {
            "version": objectif().version,
            "domaine": objectif().domaine,
            "intitule": "Objectif reformulé",
            "statut": "ouvert",
        },
        "parcours:action_ajouter": lambda: {
            "intitule": "Bilan orthophonique",
            "date_debut": aujourdhui.isoformat(),
            "statut": "prevue",
        },
        "parcours:action_modifier": lambda: {
            "version": action().version,
            "objectif": action().objectif_id or "",
            "intitule": action().intitule,
            "structure": action().structure_id or "",
            "date_debut": action().date_debut.isoformat(),
            "statut": "en_cours",
            "resultat": "Bien commencé",
            "cout": "45.50",
        },
        "parcours:collective_inscrire": lambda: {"parcours": d.parcours.pk},
    }


# Everything a swept POST could change.
SURVEILLES = {
    Parcours: (
        *("version", "statut", "referent_id", "programme_id", "enfant_id"),
        *("profil_accompagnement", "date_sortie", "orienteur_structure_id"),
        "information_preoccupante_le",
    ),
    Enfant: ("nom", "prenom", "programme_id", "famille_id", "etablissement_id"),
    Famille: ("adresse", "programme_id"),
    ResponsableLegal: ("famille_id", "nom", "telephone"),
    Consentement: ("parcours_id", "date_retrait", "renouvelle_id", "enregistre_par_id"),
    Intervenant: ("parcours_id", "professionnel_id", "actif"),
    # --- actions
    Objectif: ("parcours_id", "intitule", "statut", "version"),
    Action: ("parcours_id", "intitule", "statut", "resultat", "cout", "version"),
    ActionCollective: ("programme_id", "intitule"),
    ParcoursUserObjectPermission: ("user_id", "content_object_id", "permission_id", "expire_le"),
    Rappel: ("destinataire_id", "lu_le", "statut"),
    # --- journal
    Note: ("parcours_id", "auteur_id", "texte", "visibilite", "version"),
    Addendum: ("note_id", "auteur_id", "texte"),
    InformationPreoccupante: ("parcours_id", "date_transmission"),
    Rupture: ("parcours_id", "type", "reponse", "date_reponse"),
    Document: ("parcours_id", "titre", "archive_le"),
    # --- offres
    BesoinNonCouvert: ("parcours_id", "statut", "programme_id"),
    # --- exports
    DemandeExport: ("demandeur_id", "statut", "fichier", "genre"),
    # --- orientations
    Orientation: ("statut", "version", "parcours_id", "programme_id"),
    EchangeOrientation: ("orientation_id", "genre", "texte"),
    ImportParcours: ("programme_id", "statut", "version"),
    Transfert: ("statut", "version", "parcours_origine_id", "programme_destination_id"),
    Sollicitation: ("statut", "version", "parcours_id", "action_id", "repondu_le"),
    Transition: ("parcours_id", "version", "type", "etablissement_accueil", "contact_le"),
    # --- dispositifs
    Dispositif: ("parcours_id", "type", "date_debut", "date_fin", "version"),
    ParoleFamille: ("objectif_id", "texte"),
    QuestionnaireSortie: ("parcours_id", "satisfaction"),
}


def empreinte() -> dict:
    return {
        modele.__name__: list(modele.objects.order_by("pk").values_list("pk", *champs))
        for modele, champs in SURVEILLES.items()
    }


def _accepter_la_sollicitation(monde):
    s = Sollicitation.objects.get(pk=monde.p.sollicitation.pk)
    sollicitation_repondre(
        sollicitation=s,
        donnees={"statut": "acceptee", "date_rdv": date.today()},
        version=s.version,
        auteur=monde.p.sollicite.user,
    )


def _reorienter_la_sollicitation(monde):
    """The partner asked redirects the request to another structure of the network."""
    s = Sollicitation.objects.get(pk=monde.p.sollicitation.pk)
    sollicitation_repondre(
        sollicitation=s,
        donnees={
            "statut": "redirigee",
            "structure_conseillee": Structure.objects.filter(programmes=s.programme_id)
            .exclude(pk=s.structure_id)
            .order_by("pk")
            .first(),
        },
        version=s.version,
        auteur=monde.p.sollicite.user,
    )


# A POST that needs its object in another state than the swept world's.
def _corps_creation(monde: Monde, **remplacements) -> dict:
    return {
        "jeton": jeton(),
        "programme-programme": monde.a.programme.pk,
        "enfant-nom": "Nouveau",
        "enfant-prenom": "Né",
        "enfant-date_naissance": (date.today() - timedelta(days=365 * 9)).isoformat(),
        "enfant-sexe": "M",
        "famille-adresse": "3 rue Neuve",
        "responsables-TOTAL_FORMS": 2,
        "responsables-INITIAL_FORMS": 0,
        "responsables-MIN_NUM_FORMS": 0,
        "responsables-MAX_NUM_FORMS": 4,
        "responsables-0-nom": "Nouveau",
        "responsables-0-lien": "mere",
        "responsables-0-autorite_parentale": "on",
        "responsables-1-autorite_parentale": "on",  # checked by default, as a browser sends it
        "parcours-orienteur": "ecole",
        "parcours-motifs_orientation": ["resultats_scolaires"],
        "parcours-date_entree": date.today().isoformat(),
        "confirmation-confirmer": "on",
        **remplacements,
    }
