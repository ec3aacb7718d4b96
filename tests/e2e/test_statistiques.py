"""Statistics in Chromium: a coordinator opens them, changes the period and downloads the
survey XLSX; a steering user sees the charts and no child's name anywhere. axe-core runs on
every page reached (page_verifiee)."""

from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from parcours.models import NiveauScolaire, Sexe, Statut
from reussite.core.models import Role
from tests.factories.core import MOT_DE_PASSE
from tests.factories.monde import construire_monde
from tests.factories.parcours import EnfantFactory, ParcoursFactory

from .pages import PageConnexion
from .pages_statistiques import PageStatistiques

NIVEAUX = [NiveauScolaire.GS, NiveauScolaire.CP, NiveauScolaire.CE2, NiveauScolaire.CM1]


@pytest.fixture
def monde(serveur):
    """Forty pathways over this year and the last, some exited."""
    m = construire_monde(
        nom="PRE de Villeneuve",
        porteuse=False,
        coordinateur={"first_name": "Claire", "last_name": "Coordination"},
        roles={Role.PILOTAGE: {"first_name": "Comité", "last_name": "de pilotage"}},
        avec_partenaire=False,
        avec_parcours=False,
    )
    programme = m.programme
    aujourdhui = date.today()
    debut_annee = date(aujourdhui.year, 1, 1)
    enfants = []
    for i in range(40):
        enfant = EnfantFactory(
            programme=programme,
            # Names no page text can contain by chance (the test looks for them in the page).
            nom=f"Zorgheb{i:02d}",
            prenom=f"Quillane{i:02d}",
            sexe=Sexe.MASCULIN if i % 5 < 3 else Sexe.FEMININ,
            date_naissance=aujourdhui - timedelta(days=365 * (4 + i % 9) + 30),
            niveau_scolaire=NIVEAUX[i % 4] if i % 7 else NiveauScolaire.SIXIEME,
            qpv=i % 3 != 0,
        )
        enfants.append(enfant)
        entree = debut_annee - timedelta(days=200) + timedelta(days=(i * 13) % 500)
        entree = min(entree, aujourdhui)
        valeurs = {"statut": Statut.EN_COURS}
        if i % 6 == 0 and entree + timedelta(days=120) <= aujourdhui:
            valeurs = {
                "statut": Statut.SORTI,
                "date_sortie": entree + timedelta(days=120),
                "motif_sortie": "objectifs_atteints",
            }
        ParcoursFactory(programme=programme, enfant=enfant, date_entree=entree, **valeurs)
    return programme, m.coordinateur, m.roles[Role.PILOTAGE], enfants


def test_le_coordinateur_change_la_periode_et_telecharge_l_enquete(
    page, monde, connecter, controle
):
    programme, coordo, _pilote, _enfants = monde
    tableau = connecter(coordo)
    stats = PageStatistiques.depuis_le_menu(tableau, "statistiques de l’année")
    annee = date.today().year
    expect(stats.periode).to_contain_text(f"1 janvier {annee}")
    expect(stats.graphiques.first).to_be_visible()
    expect(stats.texte("Secret statistique")).to_have_count(0)

    stats.choisir_periode(f"{annee - 1}-01-01", f"{annee - 1}-12-31", "statistiques année passée")
    expect(stats.periode).to_contain_text(f"31 décembre {annee - 1}")

    telechargement = stats.telecharger_enquete_xlsx()
    assert telechargement.suggested_filename == f"enquete-pre-{annee - 1}-{programme.pk}.xlsx"
    with open(telechargement.path(), "rb") as fichier:
        lignes = list(load_workbook(fichier).active.iter_rows(values_only=True))
    assert lignes[0] == ("Rubrique", "Indicateur", "Valeur")
    assert ("Programme", "Programme", "PRE de Villeneuve") in lignes
    assert any(ligne[1] == "Enfants suivis" and isinstance(ligne[2], int) for ligne in lignes)


def test_le_comite_de_pilotage_voit_les_graphiques_et_aucun_nom(page, monde, serveur, controle):
    _programme, _coordo, pilote, enfants = monde
    # A steering user lands on the statistics at login (exports flow): no dashboard of children.
    stats = (
        PageConnexion(page, serveur, controle)
        .ouvrir()
        .se_connecter_vers(pilote.email, MOT_DE_PASSE, PageStatistiques)
    )
    expect(stats.texte("Secret statistique", exact=False)).to_be_visible()
    assert stats.graphiques.count() >= 10
    texte = stats.html()
    for enfant in enfants:
        assert enfant.nom not in texte and enfant.prenom not in texte
    # Each chart has its table, with a caption, next to it.
    assert stats.legendes_des_tableaux.count() >= stats.graphiques.count() - 1
    stats.voir_la_section("titre-sexe", "pilotage, répartition par sexe")
