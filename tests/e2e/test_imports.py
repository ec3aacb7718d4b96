"""Caseload import journey (issue 17, point 2), in Chromium: the coordinator downloads nothing,
uploads a French Excel CSV, reads the preview (one row refused with its line, column and
reason), confirms, and finds the children in the pathway list."""

import pytest
from playwright.sync_api import expect

from parcours.models import Enfant
from parcours.services.imports import COLONNES
from tests.factories.monde import construire_monde

from .pages import PageConnexion
from .pages_imports import PageImport


@pytest.fixture
def monde(serveur, tmp_path):
    reseau = construire_monde(nom="PRE de Villeneuve", avec_partenaire=False, avec_parcours=False)
    lignes = [
        {
            "identifiant": "ANC-1",
            "nom": "Lefèvre",
            "prenom": "Zoé",
            "date_naissance": "14/03/2016",
            "sexe": "F",
            "responsable_nom": "Lefèvre",
            "responsable_lien": "mère",
            "statut": "repérage",
            "date_entree": "02/09/2025",
            "orienteur": "école",
            "motifs": "résultats scolaires",
        },
        {
            "identifiant": "ANC-2",
            "nom": "Perrin",
            "prenom": "Noé",
            "date_naissance": "01/01/1950",
            "sexe": "M",
            "responsable_nom": "Perrin",
            "responsable_lien": "père",
            "statut": "repérage",
            "date_entree": "02/09/2025",
            "orienteur": "famille",
            "motifs": "langage",
        },
    ]
    texte = ";".join(c.cle for c in COLONNES) + "\r\n"
    for ligne in lignes:
        texte += ";".join(ligne.get(c.cle, "") for c in COLONNES) + "\r\n"
    fichier = tmp_path / "file-active.csv"
    fichier.write_bytes(texte.encode("cp1252"))  # French Excel's « CSV (point-virgule) »
    return reseau.pre, fichier


def test_importer_une_file_active_depuis_un_csv_d_excel(page, serveur, controle, monde):
    reseau, fichier = monde
    from tests.factories.core import MOT_DE_PASSE

    PageConnexion(page, serveur, controle).ouvrir().se_connecter(
        reseau.coordinateur.email, MOT_DE_PASSE
    )
    apercu = PageImport(page, serveur, controle).ouvrir().analyser(str(fichier))
    expect(apercu.contenu).to_contain_text("1 enfant à créer")
    expect(apercu.contenu).to_contain_text("Ligne 3, colonne date_naissance")
    assert not Enfant.objects.exists()

    apercu = apercu.confirmer()
    expect(apercu.resultat).to_contain_text("1 enfant créé")
    expect(apercu.resultat).to_contain_text("1 ligne refusée")
    assert list(Enfant.objects.values_list("nom", flat=True)) == ["Lefèvre"]
