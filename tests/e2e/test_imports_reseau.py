"""Network import journey (issue 17, point 2), in Chromium: the programme's administrator opens
the directory, downloads the XLSX template (read back: headers and drop-down lists), uploads a
French Excel CSV of a structure, two professionals and an offer, reads the preview (one row
refused with its line, column and reason), confirms, and finds the structure in the directory.
A coordinator of the programme gets 404 on the page."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from partenaires.models import Offre, Partenariat, Professionnel, Structure
from partenaires.services.imports import COLONNES_RESEAU
from reussite.core.models import Role
from tests.factories.core import MOT_DE_PASSE
from tests.factories.monde import construire_monde

from .pages import PageConnexion
from .pages_imports import PageAnnuaire, PageImportReseau

STRUCTURE = "Association Les Petits Pas"


@pytest.fixture
def monde(serveur, tmp_path):
    m = construire_monde(
        nom="PRE de Villeneuve",
        roles={Role.ADMINISTRATEUR: {}},
        avec_partenaire=False,
        avec_parcours=False,
    )
    commun = {"structure_nom": STRUCTURE, "structure_commune": "Villeneuve"}
    lignes = [
        {"nature": "structure", **commun, "structure_type": "Association"},
        {
            "nature": "professionnel",
            **commun,
            "professionnel_email": "camille@petits-pas.test",
            "professionnel_prenom": "Camille",
            "professionnel_nom": "Exemple",
            "professionnel_fonction": "Animateur·rice",
        },
        {
            "nature": "professionnel",
            **commun,
            "professionnel_email": "dominique@petits-pas.test",
            "professionnel_prenom": "Dominique",
            "professionnel_nom": "Exemple",
            "professionnel_fonction": "astronaute",
        },
        {
            "nature": "offre",
            **commun,
            "offre_intitule": "Aide aux devoirs du soir",
            "offre_type_service": "Aide aux devoirs, soutien scolaire",
            "offre_domaine": "Scolarité",
            "offre_age_min": "6",
            "offre_age_max": "11",
        },
    ]
    cles = [c.cle for c in COLONNES_RESEAU]
    texte = ";".join(cles) + "\r\n"
    for ligne in lignes:
        texte += ";".join(ligne.get(c, "") for c in cles) + "\r\n"
    fichier = tmp_path / "reseau.csv"
    # French Excel's « CSV (point-virgule) »; "·" is not in Windows-1252: the function is typed
    # as Excel would keep it.
    fichier.write_bytes(texte.replace("Animateur·rice", "animateur").encode("cp1252"))
    return m.pre, m.roles[Role.ADMINISTRATEUR], fichier


def test_l_administrateur_importe_le_reseau_depuis_l_annuaire(
    page, serveur, controle, monde, tmp_path
):
    reseau, admin, fichier = monde
    PageConnexion(page, serveur, controle).ouvrir().se_connecter(admin.email, MOT_DE_PASSE)

    import_ = PageAnnuaire(page, serveur, controle).ouvrir().importer_le_reseau()
    modele = load_workbook(import_.telecharger_modele_xlsx(tmp_path))
    assert modele.worksheets[0]["A1"].value == "nature"
    assert modele.worksheets[0].data_validations.dataValidation

    apercu = import_.analyser(str(fichier))
    expect(apercu.contenu).to_contain_text("3 lignes à créer")
    expect(apercu.contenu).to_contain_text("Ligne 4, colonne professionnel_fonction")
    assert not Structure.objects.filter(nom=STRUCTURE).exists()

    apercu = apercu.confirmer()
    expect(apercu.resultat).to_contain_text("3 lignes créées")
    expect(apercu.resultat).to_contain_text("1 ligne refusée")
    structure = Structure.objects.get(nom=STRUCTURE)
    assert Partenariat.objects.filter(structure=structure, programme=reseau.programme).exists()
    assert list(
        Professionnel.objects.filter(structure=structure).values_list("user__email", flat=True)
    ) == ["camille@petits-pas.test"]
    assert Offre.objects.get(structure=structure).intitule == "Aide aux devoirs du soir"

    annuaire = PageAnnuaire(page, serveur, controle).ouvrir()
    expect(annuaire.contenu).to_contain_text(STRUCTURE)


def test_la_coordination_n_importe_pas_le_reseau(page, serveur, controle, monde):
    reseau, _admin, _fichier = monde
    accueil = PageConnexion(page, serveur, controle).ouvrir()
    accueil = accueil.se_connecter(reseau.coordinateur.email, MOT_DE_PASSE)
    assert accueil.statut_http(PageImportReseau.chemin) == 404
    annuaire = PageAnnuaire(page, serveur, controle).ouvrir()
    expect(annuaire.lien_import).to_have_count(0)
