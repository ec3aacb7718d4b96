"""The coordinator's core workflow, in Chromium: log in, create a child and their pathway, find
it by searching, move it through two statuses and read its history. axe-core runs on every page
reached (see conftest.py); screenshots land in test-results/screenshots/."""

import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from parcours.models import ChangementStatut, Enfant, Parcours, Statut
from tests.factories.core import MOT_DE_PASSE, ProgrammeFactory, coordinateur
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partenaires import StructureFactory, structure_porteuse

from .pages import (
    EnfantSaisi,
    FamilleSaisie,
    PageConnexion,
    ParcoursSaisi,
    ResponsableSaisi,
)


def _il_y_a_ans(annees: int) -> date:
    aujourd_hui = date.today()
    return aujourd_hui.replace(year=aujourd_hui.year - annees, day=min(aujourd_hui.day, 28))


@pytest.fixture
def programme(serveur):
    programme = ProgrammeFactory(nom="PRE de Villeneuve")
    structure_porteuse(programme)
    return programme


@pytest.fixture
def ecole(programme):
    return StructureFactory(ecole=True, nom="École Jules-Ferry", programmes=[programme])


@pytest.fixture
def coordinatrice(programme):
    return coordinateur(programme, first_name="Camille", last_name="Durand")


ELOISE = EnfantSaisi(
    nom="Lefèvre",
    prenom="Éloïse",
    date_naissance=_il_y_a_ans(8),
    sexe="Fille",
    etablissement="École Jules-Ferry",
    niveau_scolaire="",
    classe="CE2 B",
    quartier="Les Tilleuls",
    qpv=True,
)
FAMILLE_LEFEVRE = FamilleSaisie(
    adresse="12 rue des Lilas",
    commune="Villeneuve",
    langue_parlee="Français",
    responsable=ResponsableSaisi(
        nom="Lefèvre", prenom="Nadia", lien="Mère", telephone="06 12 34 56 78"
    ),
)


def test_un_coordinateur_cree_retrouve_et_fait_avancer_un_parcours(
    page, serveur, controle, programme, ecole, coordinatrice
):
    # Other children, so that the search has something to leave out: same family name,
    # a first name that starts alike.
    for prenom, nom in [("Marc", "Lefèvre"), ("Éloi", "Lefort"), ("Louise", "Martin")]:
        ParcoursFactory(programme=programme, enfant__prenom=prenom, enfant__nom=nom)

    tableau = PageConnexion(page, serveur, controle).ouvrir()
    tableau = tableau.se_connecter(coordinatrice.email, MOT_DE_PASSE)
    expect(tableau.utilisateur_connecte).to_have_text("Camille Durand")

    creation = tableau.nouveau_parcours()
    creation.saisir_enfant(ELOISE).saisir_famille(FAMILLE_LEFEVRE).saisir_parcours(
        ParcoursSaisi(
            orienteur="École / établissement scolaire",
            motifs=["Résultats scolaires", "Langage"],
            date_prochaine_revue=date.today() + timedelta(days=60),
        )
    )
    creation.controle.page_verifiee("formulaire rempli")
    fiche = creation.creer("Éloïse Lefèvre")
    expect(fiche.messages).to_contain_text("Le parcours a été créé.")
    expect(fiche.statut).to_have_text("Repérage")

    enfant = Enfant.objects.get(programme=programme, prenom="Éloïse", nom="Lefèvre")
    assert enfant.sexe == "F"
    assert enfant.etablissement == ecole
    assert enfant.qpv is True
    assert (enfant.classe, enfant.quartier) == ("CE2 B", "Les Tilleuls")
    assert [str(r) for r in enfant.famille.responsables.all()] == ["Nadia Lefèvre"]

    liste = fiche.aller_aux_parcours()
    expect(liste.resultats).to_have_count(4)
    liste.rechercher("eloise LEFEVRE", nombre_attendu=1)
    expect(liste.resultats.first).to_contain_text("Éloïse Lefèvre")
    # hx-push-url: the search is in the address bar, so it can be bookmarked or shared.
    assert parse_qs(urlparse(liste.adresse).query)["q"] == ["eloise LEFEVRE"]

    fiche = liste.ouvrir("Éloïse Lefèvre", nom_affiche="Éloïse Lefèvre")
    fiche = fiche.passer_a("En attente de consentement")
    expect(fiche.statut).to_have_text("En attente de consentement")
    expect(fiche.bouton_statut("Diagnostic")).to_be_visible()

    fiche = fiche.enregistrer_consentement().signe_par("Nadia Lefèvre")
    # Back to the section the consent belongs to; the synthesis sums it up.
    expect(fiche.onglets.get_by_role("link", name="Partage et consentement")).to_have_attribute(
        "aria-current", "page"
    )
    fiche.onglet("Synthèse")
    expect(fiche.texte(re.compile(r"^\s*Signé le \d\d/\d\d/\d{4}, valable"))).to_be_visible()

    fiche = fiche.passer_a("Diagnostic")
    expect(fiche.statut).to_have_text("Diagnostic")

    expect(fiche.historique).to_have_count(3)
    expect(fiche.historique.nth(0)).to_contain_text("En attente de consentement → Diagnostic")
    expect(fiche.historique.nth(1)).to_contain_text("Repérage → En attente de consentement")
    expect(fiche.historique.nth(2)).to_contain_text("Création du parcours — Repérage")
    expect(fiche.historique.first).to_contain_text("Camille Durand")

    parcours = Parcours.objects.get(enfant=enfant)
    assert parcours.statut == Statut.DIAGNOSTIC
    assert list(
        ChangementStatut.objects.filter(parcours=parcours)
        .order_by("le", "pk")
        .values_list("ancien_statut", "nouveau_statut")
    ) == [
        ("", Statut.REPERAGE),
        (Statut.REPERAGE, Statut.EN_ATTENTE_CONSENTEMENT),
        (Statut.EN_ATTENTE_CONSENTEMENT, Statut.DIAGNOSTIC),
    ]


def test_un_doublon_probable_est_signale_et_rien_n_est_cree_sans_confirmation(
    page, connecter, programme, ecole, coordinatrice
):
    existant = EnfantFactory(
        programme=programme, nom="Lefèvre", prenom="Éloïse", date_naissance=ELOISE.date_naissance
    )
    ParcoursFactory(programme=programme, enfant=existant)

    creation = connecter(coordinatrice).nouveau_parcours()
    # The same child, typed without accents: still a probable duplicate.
    sans_accents = EnfantSaisi(
        nom="LEFEVRE", prenom="Eloise", date_naissance=ELOISE.date_naissance, sexe="Fille"
    )
    creation.saisir_enfant(sans_accents).saisir_famille(FAMILLE_LEFEVRE).saisir_parcours(
        ParcoursSaisi(orienteur="PMI", motifs=["Santé"])
    )
    creation = creation.creer_sans_confirmer()

    expect(creation.avertissement).to_contain_text("Éloïse Lefèvre")
    expect(creation.avertissement.get_by_role("link", name="parcours Repérage")).to_be_visible()
    expect(creation.avertissement).to_contain_text("Vérifiez avant de créer")
    # Focus lands on the confirmation, right under the warning.
    expect(
        creation.page.get_by_label("J’ai vérifié : créer quand même ce parcours")
    ).to_be_focused()
    assert Enfant.objects.count() == 1
    assert Parcours.objects.count() == 1
    # What was typed is kept.
    expect(creation.champ_enfant("Nom")).to_have_value("LEFEVRE")
    expect(creation.champ_enfant("Prénom")).to_have_value("Eloise")

    fiche = creation.confirmer_et_creer("Eloise LEFEVRE")
    expect(fiche.messages).to_contain_text("Le parcours a été créé.")
    assert Enfant.objects.count() == 2
    assert Parcours.objects.filter(programme=programme).count() == 2
