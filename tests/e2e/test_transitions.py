"""School-transition journey (issue 21), in Chromium, in spring (April 15th 2027, Paris): the
coordination opens the list of the children changing school level in September, fills a child's
checklist with the keyboard, records the family's agreement and downloads the hand-over sheet,
which holds what the family agreed to and no note."""

import io
import re
import zoneinfo
from datetime import date, datetime

import pytest
import time_machine
from playwright.sync_api import expect
from pypdf import PdfReader

from parcours.models import Transition
from parcours.services import note_ajouter
from tests.factories.actions import objectif
from tests.factories.core import MOT_DE_PASSE
from tests.factories.monde import construire_monde, suivre

from .pages import PageConnexion, PageParcours
from .pages_transitions import PageTransitions

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture
def printemps():
    with time_machine.travel(datetime(2027, 4, 15, 9, 0, tzinfo=PARIS), tick=True):
        yield


@pytest.fixture
def monde(printemps, serveur):
    m = construire_monde(
        nom="PRE des Passerelles",
        avec_partenaire=False,
        avec_consentement=False,
        enfant={"prenom": "Camille", "nom": "Passerelle", "date_naissance": date(2016, 3, 3)},
    )
    a, parcours = m.pre, m.parcours
    suivre(
        a,
        avec_consentement=False,
        enfant={"prenom": "Léo", "nom": "Maternelle", "date_naissance": date(2021, 5, 5)},
    )
    objectif(parcours, auteur=a.coordinateur, intitule="Lire seul un album")
    note_ajouter(
        parcours=parcours, auteur=a.coordinateur, texte="Confidence de la mère", visibilite="equipe"
    )
    return a, parcours


def test_la_coordination_prepare_le_passage_en_6e_et_telecharge_la_fiche(
    page, serveur, controle, monde
):
    a, parcours = monde
    accueil = PageConnexion(page, serveur, controle).ouvrir()
    accueil = accueil.se_connecter(a.coordinateur.email, MOT_DE_PASSE)
    liste = PageTransitions.depuis(accueil)
    expect(liste.ligne("Passerelle")).to_contain_text("Pas commencée")
    expect(liste.ligne("Maternelle")).to_contain_text("Grande section → CP")
    liste = liste.filtrer("CM2 → 6e")
    expect(liste.lignes).to_have_count(1)

    passage = liste.ouvrir_liste_de("Passerelle")
    expect(passage.fiche_indisponible).to_be_visible()
    passage.saisir_etablissement("Collège Jean Zay", "Mme Durand, CPE", "2027-04-02")
    passage = passage.enregistrer("contact noté")
    expect(passage.messages).to_contain_text("La liste du passage à la rentrée est enregistrée")
    expect(passage.etapes).to_contain_text("le 02/04/2027")

    passage.noter_accord(
        [
            "La scolarité actuelle (école, niveau, classe)",
            "Les objectifs du parcours et leur avancement",
        ],
        "2027-04-14",
    )
    passage = passage.enregistrer("accord de la famille noté")
    expect(passage.etapes).to_contain_text("le 14/04/2027")

    fiche = passage.telecharger_fiche()
    with open(fiche.path(), "rb") as fichier:
        contenu = fichier.read()
    texte = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(contenu)).pages)
    assert "Collège Jean Zay" in texte and "Lire seul un album" in texte
    assert "Confidence de la mère" not in texte

    liste = PageTransitions(page, serveur, controle).ouvrir()
    expect(liste.ligne("Passerelle")).to_contain_text("2 étape(s) sur 4")
    transition = Transition.objects.get(parcours=parcours)
    assert transition.accord_famille_par == a.coordinateur

    # The pathway's Historique tab tells who changed the checklist, and what.
    nom = re.compile(r"Camille\s+Passerelle", re.IGNORECASE)
    fiche = PageParcours.ouvrir_pour(page, serveur, controle, parcours, nom, "fiche du parcours")
    fiche.onglet("Historique")
    modifications = fiche.region("Passage à la rentrée : modifications")
    expect(modifications.get_by_role("listitem").filter(has_text="Création")).to_contain_text(
        "Collège Jean Zay"
    )
    expect(modifications).to_contain_text("14/04/2027")
