"""The demo data set's fixed choices: its names, its logins, its partners and the proportions
of DOMAIN.md ("Realistic proportions") it follows."""

from parcours.demo.second_programme import NOM_SECOND_PROGRAMME
from parcours.models import (
    MotifOrientation,
    MotifSortie,
    NiveauScolaire,
    Orienteur,
    ProfilAccompagnement,
    Sexe,
    Statut,
)
from partenaires.models import Fonction, TypeStructure

GRAINE = 2026
NOM_PROGRAMME = "PRE de Val-de-Réussite"
VILLE = "Val-de-Réussite"
COMMUNES = [VILLE, "Réussite-le-Haut", "Pont-de-Réussite"]
# Fictional QPV codes: département "999" does not exist.
CODES_QPV = ["QP999001", "QP999002"]
QUARTIERS_QPV = ["Les Coteaux", "La Résidence du Parc"]
QUARTIERS_HORS_QPV = ["Centre-ville", "Bellevue", "Les Vignes"]

# Not a secret: the demo accounts are public by design and the command prints it.
MOT_DE_PASSE = "reussite-demo-2026"
DOMAINE = "demo.reussite.test"
EMAIL_COORDINATION = f"coordination@{DOMAINE}"
EMAIL_REFERENT = f"referent@{DOMAINE}"
EMAIL_PARTENAIRE = f"partenaire@{DOMAINE}"
EMAIL_ADMIN = f"admin@{DOMAINE}"
EMAIL_PILOTAGE = f"pilotage@{DOMAINE}"
EMAIL_DPO = f"dpo@{DOMAINE}"
# The second programme (transfers between programmes): its coordinator and référent.
EMAILS_SECOND_PROGRAMME = {
    "coordinateur": f"coordination.rive-claire@{DOMAINE}",
    "referent": f"referent.rive-claire@{DOMAINE}",
}
COMPTES = [
    ("coordinateur", EMAIL_COORDINATION),
    ("référent de parcours", EMAIL_REFERENT),
    ("professionnel partenaire", EMAIL_PARTENAIRE),
    ("administrateur", EMAIL_ADMIN),
    ("comité de pilotage", EMAIL_PILOTAGE),
    ("délégué à la protection des données", EMAIL_DPO),
    (f"coordinateur ({NOM_SECOND_PROGRAMME})", EMAILS_SECOND_PROGRAMME["coordinateur"]),
    (f"référent ({NOM_SECOND_PROGRAMME})", EMAILS_SECOND_PROGRAMME["referent"]),
]

# (key, name, type, UAI). UAI codes in the non-existent département 999.
STRUCTURES = [
    ("porteuse", f"CCAS de {VILLE}", TypeStructure.PORTEUSE, ""),
    ("maternelle", "École maternelle Les Coquelicots", TypeStructure.ECOLE, "9990101K"),
    ("groupe_scolaire", "Groupe scolaire Jean-Jaurès", TypeStructure.ECOLE, "9990102L"),
    ("elementaire", "École élémentaire Louise-Michel", TypeStructure.ECOLE, "9990103M"),
    ("college", "Collège Simone-Veil", TypeStructure.ECOLE, "9990104N"),
    ("departement", "Maison départementale des solidarités du Val", TypeStructure.DEPARTEMENT, ""),
    ("pmi", "Centre de PMI des Coteaux", TypeStructure.PMI, ""),
    ("caf", f"CAF – point d’accueil de {VILLE}", TypeStructure.CAF, ""),
    ("cmp", "CMP infanto-juvénile du Val", TypeStructure.SANTE, ""),
    ("ville", f"Ville de {VILLE} – direction jeunesse et sports", TypeStructure.VILLE, ""),
    ("asso_devoirs", "Association Graines de savoirs", TypeStructure.ASSOCIATION, ""),
    ("asso_parents", "Association Parents en chemin", TypeStructure.ASSOCIATION, ""),
]

# (structure key, function, fixed email of a demo login or None): 30 professionals.
PROFESSIONNELS = [
    ("porteuse", Fonction.COORDINATEUR, EMAIL_COORDINATION),
    ("porteuse", Fonction.REFERENT, EMAIL_REFERENT),
    *[("porteuse", Fonction.REFERENT, None)] * 5,
    ("maternelle", Fonction.DIRECTEUR_ECOLE, None),
    ("maternelle", Fonction.ENSEIGNANT, None),
    ("groupe_scolaire", Fonction.DIRECTEUR_ECOLE, None),
    ("groupe_scolaire", Fonction.ENSEIGNANT, None),
    ("groupe_scolaire", Fonction.PSYCHOLOGUE, None),
    ("elementaire", Fonction.DIRECTEUR_ECOLE, None),
    ("elementaire", Fonction.ENSEIGNANT, None),
    ("college", Fonction.DIRECTEUR_ECOLE, None),
    ("college", Fonction.ENSEIGNANT, None),
    ("college", Fonction.INFIRMIER, None),
    ("departement", Fonction.ASSISTANT_SOCIAL, EMAIL_PARTENAIRE),
    ("departement", Fonction.ASSISTANT_SOCIAL, None),
    ("departement", Fonction.EDUCATEUR, None),
    ("pmi", Fonction.INFIRMIER, None),
    ("pmi", Fonction.MEDECIN, None),
    ("caf", Fonction.CONSEILLER_CAF, None),
    ("cmp", Fonction.PSYCHOLOGUE, None),
    ("cmp", Fonction.ORTHOPHONISTE, None),
    ("ville", Fonction.ANIMATEUR, None),
    ("ville", Fonction.ANIMATEUR, None),
    ("asso_devoirs", Fonction.ANIMATEUR, None),
    ("asso_devoirs", Fonction.ANIMATEUR, None),
    ("asso_parents", Fonction.EDUCATEUR, None),
]

NOMBRE_ENFANTS = 200
SEXES = {Sexe.MASCULIN: 58, Sexe.FEMININ: 42}
TRANCHES_AGE = {(2, 5): 15, (6, 10): 52, (11, 16): 32}
# Within a band: few two-year-olds, and more collégiens than lycéens (the 2014–15 levels had 3 %
# at lycée). Ages not listed weigh 1.
POIDS_DES_AGES = {
    2: 0.4,
    3: 1,
    4: 1.2,
    5: 1.4,
    11: 1.25,
    12: 1.15,
    13: 1,
    14: 0.8,
    15: 0.5,
    16: 0.3,
}
# Family sizes: (children per family, number of families); 200 children in all.
FRATRIES = [(3, 6), (2, 20), (1, 142)]
FAMILLES_ASE = 2  # guardianship entrusted to the ASE: the département signs the consent

# Open pathways per status, then exits as (reason, status before exit, count): 162 + 38 = 200.
STATUTS_OUVERTS = {
    Statut.REPERAGE: 12,
    Statut.EN_ATTENTE_CONSENTEMENT: 14,
    Statut.DIAGNOSTIC: 16,
    Statut.EN_COURS: 110,
    Statut.SUSPENDU: 10,
}
SORTIES = [
    (MotifSortie.OBJECTIFS_ATTEINTS, Statut.EN_COURS, 14),
    (MotifSortie.REFUS_FAMILLE, Statut.EN_ATTENTE_CONSENTEMENT, 3),
    (MotifSortie.REFUS_FAMILLE, Statut.DIAGNOSTIC, 2),
    (MotifSortie.REFUS_FAMILLE, Statut.EN_COURS, 2),
    (MotifSortie.DEMENAGEMENT, Statut.EN_COURS, 3),
    (MotifSortie.DEMENAGEMENT, Statut.SUSPENDU, 1),
    (MotifSortie.DEMENAGEMENT, Statut.DIAGNOSTIC, 1),
    (MotifSortie.REORIENTATION, Statut.EN_COURS, 3),
    (MotifSortie.REORIENTATION, Statut.DIAGNOSTIC, 2),
    (MotifSortie.PRISE_EN_CHARGE_ASE, Statut.EN_COURS, 1),
    (MotifSortie.PRISE_EN_CHARGE_ASE, Statut.SUSPENDU, 1),
    (MotifSortie.LIMITE_AGE, Statut.EN_COURS, 2),
    (MotifSortie.SANS_NOUVELLES, Statut.REPERAGE, 1),
    (MotifSortie.SANS_NOUVELLES, Statut.EN_ATTENTE_CONSENTEMENT, 1),
    (MotifSortie.SANS_NOUVELLES, Statut.SUSPENDU, 1),
]
SANS_REFERENT = {Statut.REPERAGE: 6, Statut.EN_ATTENTE_CONSENTEMENT: 2}
PARCOURS_DU_REFERENT_DEMO = 25  # open ones; plus a few exits
REVUES_DEPASSEES = 10

# Days between entry and today for each open status.
ANCIENNETE = {
    Statut.REPERAGE: (0, 25),
    Statut.EN_ATTENTE_CONSENTEMENT: (7, 60),
    Statut.DIAGNOSTIC: (25, 90),
    Statut.EN_COURS: (60, 640),
    Statut.SUSPENDU: (150, 500),
}
# Days spent in the previous status before reaching this one.
DELAIS = {
    Statut.EN_ATTENTE_CONSENTEMENT: (1, 10),
    Statut.DIAGNOSTIC: (7, 30),
    Statut.EN_COURS: (21, 60),
    Statut.SUSPENDU: (60, 200),
}
RETOUR_APRES_SUSPENSION = (14, 60)

# The lifecycle's main line; "suspendu" branches off "en cours" and comes back to it.
LIGNEE = [Statut.REPERAGE, Statut.EN_ATTENTE_CONSENTEMENT, Statut.DIAGNOSTIC, Statut.EN_COURS]

# PS to 3e, one per school year: NiveauScolaire lists them in order between "non scolarisé" and
# "lycée".
NIVEAUX = list(NiveauScolaire)[1:-1]
MATERNELLE = {NiveauScolaire.NON_SCOLARISE, *NIVEAUX[:3]}
CLASSES_LYCEE = ["Seconde", "Première", "Terminale"]

ORIENTEURS = {
    Orienteur.ECOLE: 56,
    Orienteur.SERVICE_SOCIAL: 12,
    Orienteur.FAMILLE: 9,
    Orienteur.PMI: 7,
    Orienteur.SANTE: 5,
    Orienteur.ASSOCIATION: 4,
    Orienteur.VILLE: 3,
    Orienteur.ASE: 2,
    Orienteur.AUTRE: 2,
}
STRUCTURE_ORIENTEUR = {
    Orienteur.SERVICE_SOCIAL: "departement",
    Orienteur.ASE: "departement",
    Orienteur.PMI: "pmi",
    Orienteur.SANTE: "cmp",
    Orienteur.VILLE: "ville",
}
MOTIFS_ELEVE = {
    MotifOrientation.RESULTATS_SCOLAIRES: 45,
    MotifOrientation.ISOLEMENT_SOCIAL: 20,
    MotifOrientation.COMPORTEMENT: 12,
    MotifOrientation.ABSENTEISME: 6,
    MotifOrientation.PARENTALITE: 6,
    MotifOrientation.SANTE: 5,
    MotifOrientation.LANGAGE: 4,
    MotifOrientation.AUTRE: 2,
}
MOTIFS_PETITS = {
    MotifOrientation.LANGAGE: 30,
    MotifOrientation.ISOLEMENT_SOCIAL: 20,
    MotifOrientation.RESULTATS_SCOLAIRES: 15,
    MotifOrientation.COMPORTEMENT: 14,
    MotifOrientation.PARENTALITE: 13,
    MotifOrientation.SANTE: 8,
}
PROFILS = {
    ProfilAccompagnement.LEGER: 35,
    ProfilAccompagnement.SOUTENU: 45,
    ProfilAccompagnement.RENFORCE: 20,
}
LANGUES = {"français": 76, "arabe": 8, "turc": 4, "portugais": 4, "soninké": 4, "tamoul": 4}

COMMENTAIRES_SUSPENSION = [
    "Hospitalisation de l’enfant.",
    "Séjour prolongé de la famille à l’étranger.",
    "Famille temporairement indisponible.",
    "Suspension à la demande de la famille.",
]
COMMENTAIRES_SORTIE = {
    MotifSortie.OBJECTIFS_ATTEINTS: "Objectifs atteints : le droit commun prend le relais.",
    MotifSortie.REFUS_FAMILLE: "La famille ne souhaite pas poursuivre l’accompagnement.",
    MotifSortie.DEMENAGEMENT: "La famille a déménagé hors du territoire du programme.",
    MotifSortie.REORIENTATION: "Réorientation vers un accompagnement de droit commun.",
    MotifSortie.PRISE_EN_CHARGE_ASE: "Prise en charge par l’aide sociale à l’enfance.",
    MotifSortie.LIMITE_AGE: "L’enfant a atteint la limite d’âge du programme.",
    MotifSortie.SANS_NOUVELLES: "Aucune nouvelle de la famille malgré plusieurs relances.",
}
