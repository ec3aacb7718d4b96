"""Referral journey (issue 17, point 1), in Chromium: a school teacher refers a child from a
phone-sized screen, the coordinator asks a question, the teacher answers in the same thread,
the coordinator accepts and the pathway opens « en repérage »; the teacher sees the status,
never the file. axe-core runs on every page reached, for both users."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from parcours.models import Orientation, Statut, StatutOrientation
from partenaires.models import Fonction
from tests.factories.monde import construire_monde

from .pages import PageConnexion, PageIntrouvable, PageTableauDeBord
from .pages_orientations import (
    PageMesOrientations,
    PageOrientationsRecues,
)
from .verifications import Controle


@pytest.fixture
def monde(serveur):
    enseignante = {
        "fonction": Fonction.ENSEIGNANT,
        "user__first_name": "Nadia",
        "user__last_name": "Roussel",
    }
    m = construire_monde(
        nom="PRE de Villeneuve",
        communes=["Villeneuve"],
        coordinateur={"first_name": "Camille", "last_name": "Durand"},
        structure={"ecole": True, "nom": "École Jules-Ferry"},
        membres=[enseignante],
        avec_parcours=False,
    )
    return m.pre, m.membres[0]


def _connexion(page, serveur, controle, email):
    from tests.factories.core import MOT_DE_PASSE

    return PageConnexion(page, serveur, controle).ouvrir().se_connecter(email, MOT_DE_PASSE)


def test_une_orientation_de_l_ecole_au_parcours_ouvert(page, browser, serveur, controle, monde):
    reseau, enseignante = monde
    naissance = date.today() - timedelta(days=365 * 8 + 20)

    # The teacher, on a phone-sized screen.
    PageConnexion(page, serveur, controle).redimensionner(390, 844)
    _connexion(page, serveur, controle, enseignante.user.email)
    mes = PageMesOrientations(page, serveur, controle)
    mes = mes.ouvrir_adresse(serveur + mes.chemin)
    formulaire = mes.orienter()
    formulaire.saisir_au_clavier(
        [
            ("Nom de l’enfant", "Benali"),
            ("Prénom de l’enfant", "Lina"),
        ]
    )
    formulaire.saisir_date("Date de naissance", naissance)
    formulaire.choisir_bouton_radio("Fille")
    formulaire.choisir("Établissement scolaire", "École Jules-Ferry")
    formulaire.saisir_au_clavier(
        [
            ("Commune de l’enfant", "Villeneuve"),
            ("Nom du parent ou responsable", "Benali"),
            ("Prénom du parent ou responsable", "Samia"),
        ]
    )
    formulaire.choisir("Lien avec l’enfant", "Mère")
    formulaire.saisir_au_clavier([("Téléphone de la famille", "06 39 98 00 12")])
    formulaire.cocher(
        "La famille est informée de cette orientation",
        "La famille accepte d’être contactée par l’équipe du PRE",
        "Résultats scolaires",
    )
    orientation = formulaire.envoyer()
    expect(orientation.messages).to_contain_text("Votre orientation est envoyée")
    expect(orientation.entete).to_contain_text("Reçue")

    # The coordinator, in a browser of their own.
    contexte = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page_c = contexte.new_page()
    controle_c = Controle(
        page=page_c, nom_test=controle.nom_test + "-coordination", dossier=controle.dossier
    )
    tableau = _connexion(page_c, serveur, controle_c, reseau.coordinateur.email)
    assert isinstance(tableau, PageTableauDeBord)
    boite = PageOrientationsRecues.depuis_le_menu(tableau)
    expect(boite.ligne("Benali")).to_contain_text("Reçue")
    vue = boite.ouvrir("Lina Benali")
    vue = vue.decider(
        "Demander un complément à l’orienteur",
        "question posée",
        **{"Message à l’orienteur": "L’enfant a-t-elle un PPRE ?"},
    )
    expect(vue.entete).to_contain_text("Complément demandé")

    # The teacher answers in the same thread.
    orientation = orientation.recharger("complément demandé vu par l’orienteur")
    expect(orientation.entete).to_contain_text("L’enfant a-t-elle un PPRE ?")
    orientation = orientation.repondre("Oui, depuis septembre.")
    expect(orientation.entete).to_contain_text("En étude")

    # The coordinator accepts: the pathway opens in repérage.
    vue = vue.recharger("réponse lue par la coordination").decider(
        "Accepter : ouvrir le parcours en repérage", "orientation acceptée"
    )
    expect(vue.messages).to_contain_text("le parcours est ouvert en repérage")
    vue.ouvrir_le_parcours("Lina", "parcours ouvert depuis l’orientation")
    contexte.close()

    o = Orientation.objects.get()
    assert o.statut == StatutOrientation.ACCEPTEE
    assert o.parcours.statut == Statut.REPERAGE

    # The teacher sees the decision, not the file.
    mes = mes.ouvrir_adresse(serveur + mes.chemin, "mes orientations après décision")
    expect(mes.ligne("Benali")).to_contain_text("Acceptée")
    PageIntrouvable(page, serveur, controle).ouvrir_adresse(
        f"{serveur}/parcours/{o.parcours_id}/", "le dossier reste fermé à l’orienteur"
    )
