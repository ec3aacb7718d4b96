"""The cost of importing an existing caseload (issue 17, point 2): a realistic 3,000-row file.

    python -m reussite.devtools.bench_import [--lignes 3000] [--sortie docs/performance-import.md]

With DATABASE_URL (and DJANGO_SETTINGS_MODULE) pointing at a migrated database: builds a
programme with its structure porteuse, schools and référents, generates a CSV file of
`--lignes` children with the demo data's vocabulary (names, school levels, motives, statuses,
consents for the statuses that need one), then times the dry run (`import_analyser`) and the
confirmation (`import_appliquer`, all rows in one transaction) and measures their peak Python
memory (tracemalloc). Everything runs in one transaction rolled back at the end: the database
is left as it was. Prints one table and writes it, with the date and the machine, to `--sortie`.
"""

import argparse
import io
import platform
import random
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]

PRENOMS = ["Lina", "Noah", "Inès", "Adam", "Jade", "Ilyes", "Maëlys", "Sacha", "Aya", "Rayan"]
NOMS = ["Benali", "Morel", "Diallo", "Fontaine", "Nguyen", "Caron", "Traoré", "Perrin", "Leroy"]
NIVEAUX = ["PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2", "6e", "5e", "4e", "3e"]
MOTIFS = ["résultats scolaires", "isolement social", "comportement", "santé", "langage"]
STATUTS = [
    "repérage",
    "en attente de consentement",
    "diagnostic",
    "en cours",
    "en cours",
    "suspendu",
]


class _Annulation(Exception):
    pass


def _fichier(lignes: int, referents: list[str], graine: int = 17):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from parcours.services.imports import COLONNES

    rng = random.Random(graine)  # noqa: S311 - synthetic data, reproducible
    aujourdhui = date.today()
    texte = io.StringIO()
    texte.write(";".join(c.cle for c in COLONNES) + "\n")
    for i in range(lignes):
        age = rng.randint(3, 15)
        statut = rng.choice(STATUTS)
        consentement = statut in ("diagnostic", "en cours", "suspendu")
        valeurs = {
            "identifiant": f"ANC-{i:05d}",
            "nom": f"{rng.choice(NOMS)}{i}",
            "prenom": rng.choice(PRENOMS),
            "date_naissance": (
                aujourdhui - timedelta(days=365 * age + rng.randint(0, 300))
            ).strftime("%d/%m/%Y"),
            "sexe": rng.choice(["F", "M"]),
            "niveau_scolaire": NIVEAUX[min(age - 3, len(NIVEAUX) - 1)],
            "commune": "Val-de-Réussite",
            "responsable_nom": rng.choice(NOMS),
            "responsable_lien": rng.choice(["mère", "père"]),
            "responsable_telephone": f"06 39 98 {i % 100:02d} {rng.randint(10, 99)}",
            "statut": statut,
            "date_entree": (aujourdhui - timedelta(days=rng.randint(10, 500))).strftime("%d/%m/%Y"),
            "referent_email": rng.choice(referents),
            "orienteur": rng.choice(["école", "PMI", "service social", "famille"]),
            "motifs": "|".join(rng.sample(MOTIFS, rng.randint(1, 2))),
        }
        if consentement:
            valeurs["consentement_date_signature"] = (aujourdhui - timedelta(days=5)).strftime(
                "%d/%m/%Y"
            )
            valeurs["consentement_date_expiration"] = (aujourdhui + timedelta(days=200)).strftime(
                "%d/%m/%Y"
            )
            valeurs["consentement_finalites"] = "accompagnement"
        texte.write(";".join(valeurs.get(c.cle, "") for c in COLONNES) + "\n")
    return SimpleUploadedFile("bench.csv", texte.getvalue().encode("utf-8"))


def _mesurer(fonction):
    tracemalloc.start()
    debut = time.perf_counter()
    resultat = fonction()
    duree = time.perf_counter() - debut
    _courant, pic = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return resultat, duree, pic / 1024 / 1024


def main() -> None:
    import django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lignes", type=int, default=3000)
    parser.add_argument("--sortie", default=str(RACINE / "docs" / "performance-import.md"))
    options = parser.parse_args()
    django.setup()

    from django.db import transaction

    from parcours.models import StatutImport
    from parcours.services.imports import import_analyser, import_appliquer
    from partenaires.models import Fonction, Partenariat, Professionnel, Structure, TypeStructure
    from reussite.core.models import Programme, Role, User
    from reussite.core.services import role_attribuer

    mesures = {}
    try:
        with transaction.atomic():
            programme = Programme.objects.create(nom=f"PRE du banc d’essai {time.time_ns()}")
            porteuse = Structure.objects.create(nom="CCAS du banc", type=TypeStructure.PORTEUSE)
            Partenariat.objects.create(structure=porteuse, programme=programme, est_porteuse=True)
            coordination = User.objects.create(email=f"coordination-{time.time_ns()}@bench.test")
            role_attribuer(user=coordination, programme=programme, role=Role.COORDINATEUR)
            referents = []
            for n in range(7):
                user = User.objects.create(email=f"referent{n}-{time.time_ns()}@bench.test")
                Professionnel.objects.create(
                    user=user, structure=porteuse, fonction=Fonction.REFERENT
                )
                referents.append(user.email)
            fichier = _fichier(options.lignes, referents)
            imp, duree, pic = _mesurer(
                lambda: import_analyser(programme=programme, auteur=coordination, fichier=fichier)
            )
            mesures["analyse (aperçu)"] = (duree, pic, imp.compter("creer"), imp.compter("rejet"))
            imp, duree, pic = _mesurer(lambda: import_appliquer(import_id=imp.pk))
            mesures["import confirmé"] = (duree, pic, len(imp.resultat.get("crees", [])), 0)
            assert imp.statut == StatutImport.TERMINE, imp.resultat
            raise _Annulation
    except _Annulation:
        pass
    lignes = [
        "| étape | durée (s) | pic mémoire Python (Mo) | lignes créées | lignes refusées |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for etape, (duree, pic, crees, rejets) in mesures.items():
        lignes.append(f"| {etape} | {duree:.1f} | {pic:.1f} | {crees} | {rejets} |")
    tableau = "\n".join(lignes)
    print(tableau)
    Path(options.sortie).write_text(
        "# Import d’une file active : mesures\n\n"
        f"{options.lignes} lignes générées (vocabulaire des données de démonstration), "
        f"le {date.today():%d/%m/%Y}, sur {platform.node()} ({platform.processor() or platform.machine()}), "
        "base PostgreSQL, une transaction annulée à la fin. Commande : "
        "`python -m reussite.devtools.bench_import`.\n\n" + tableau + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
