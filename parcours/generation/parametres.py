"""The generated data set's sizes, the tables it fills and the synthetic names it draws from."""

MOT_DE_PASSE = "reussite-bench-2026"
STRUCTURES_PAR_PROGRAMME = 10
PROS_PAR_PROGRAMME = 40  # 1 coordinator, 9 référents (porteuse), 30 partners
REUNIONS_PAR_PROGRAMME = 36
CONVENTIONS_PAR_PROGRAMME = 3
# The large programme's wider network, at both scales: the schools, associations and services
# a 3,000-child PRE works with (about 150 structures and 460 professionals in all). Its
# structures and accounts come after every programme's regular ones, so the arithmetic layout
# of the others does not move; with them the platform-wide lists (admin, data·inclusion) fill
# their page at city scale too, and the benchmark compares pages of equal length.
STRUCTURES_RESEAU_ELARGI = 140
PROS_PAR_STRUCTURE_ELARGIE = 3
# The largest tables: their secondary indexes are built once, after the inserts.
INDEX_DIFFERES = ("core_traceacces", "parcours_note", "parcours_noteevent", "parcours_action")
# Tables filled here outside the parcours_ and partenaires_ apps: their foreign keys too are
# checked once, after the inserts.
AUTRES_TABLES_REMPLIES = (
    "core_traceacces",
    "core_rappel",
    "core_acceptationcharte",
    "core_programmeuserobjectpermission",
)
TAILLE_GRAND_PROGRAMME = 3000
TAILLE_MOYENNE = 296
TAILLE_ECART = 220

PRENOMS = [
    "Adam",
    "Alice",
    "Amir",
    "Anna",
    "Arthur",
    "Ayoub",
    "Chloe",
    "Clara",
    "Eden",
    "Elena",
    "Emma",
    "Gabriel",
    "Hugo",
    "Ines",
    "Jade",
    "Jules",
    "Lea",
    "Leo",
    "Lina",
    "Louis",
    "Lucas",
    "Maelys",
    "Mila",
    "Nael",
    "Noah",
    "Nora",
    "Paul",
    "Rose",
    "Sacha",
    "Sarah",
    "Theo",
    "Yanis",
    "Zoe",
]
NOMS = [
    "Bernard",
    "Bonnet",
    "Chevalier",
    "Dubois",
    "Durand",
    "Fabre",
    "Fontaine",
    "Garnier",
    "Girard",
    "Lambert",
    "Laurent",
    "Lefebvre",
    "Leroy",
    "Martin",
    "Mercier",
    "Michel",
    "Moreau",
    "Morel",
    "Perrin",
    "Petit",
    "Richard",
    "Robert",
    "Roux",
    "Simon",
    "Thomas",
    "Vincent",
]
TABLES = {
    "user": "core_user",
    "programme": "core_programme",
    "structure": "partenaires_structure",
    "professionnel": "partenaires_professionnel",
    "parcours": "parcours_parcours",
    "famille": "parcours_famille",
    "responsable": "parcours_responsablelegal",
    "enfant": "parcours_enfant",
    "consentement": "parcours_consentement",
    "intervenant": "parcours_intervenant",
    "objectif": "parcours_objectif",
    "action": "parcours_action",
    "note": "parcours_note",
    "reunion": "parcours_reunioneps",
    "offre": "partenaires_offre",
    "convention": "partenaires_convention",
    "partie": "partenaires_partieconvention",
    "rappel": "core_rappel",
    "trace": "core_traceacces",
    "sollicitation": "parcours_sollicitation",
    "orientation": "parcours_orientation",
    "demande_droit": "parcours_demandedroit",
    "dispositif": "parcours_dispositif",
    "transition": "parcours_transition",
    "questionnaire": "parcours_questionnairesortie",
    "parole": "parcours_parolefamille",
    "transfert": "parcours_transfert",
}


def sql_liste(valeurs) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in valeurs) + "]"
