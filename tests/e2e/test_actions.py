"""The coordinator works on a pathway's objectives and actions, in Chromium: an objective typed
with the keyboard, an action chosen from the catalogue (one offer at capacity warns and asks to
confirm), then its status. axe-core runs on every page (see conftest.py)."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from parcours.models import Action, Objectif, StatutAction
from partenaires.models import Domaine, UniteCapacite
from tests.factories import actions as fab
from tests.factories.core import coordinateur
from tests.factories.monde import construire_monde, suivre
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import consentement, partenaire, pre, professionnel

from .pages_actions import PageParcoursActions


@pytest.fixture
def monde(serveur):
    m = construire_monde(
        nom="PRE de Villeneuve",
        coordinateur={"first_name": "Camille", "last_name": "Durand"},
        structure={"nom": "Association Lire Ensemble"},
        autres_structures=[{"nom": "Centre médico-psychologique"}],
        avec_referent=False,
        intervenants=(),
        enfant={
            "prenom": "Éloïse",
            "nom": "Lefèvre",
            "date_naissance": date.today() - timedelta(days=365 * 8 + 40),
        },
    )
    a, (association, centre) = m.pre, m.structures
    autre = suivre(a, structures=[centre])
    fab.offre(association, a.programme, intitule="Club lecture du mercredi", capacite=12)
    complete = fab.offre(
        centre,
        a.programme,
        intitule="Bilan orthophonique",
        domaine=Domaine.LANGAGE,
        capacite=1,
        unite_capacite=UniteCapacite.PLACES,
    )
    fab.action(autre, auteur=a.coordinateur, offre=complete, intitule="Bilan orthophonique")
    professionnel(centre)
    return m.coordinateur, m.parcours


def test_un_coordinateur_ajoute_un_objectif_puis_une_action_du_catalogue(
    page, serveur, controle, connecter, monde
):
    coordinatrice, parcours = monde
    connecter(coordinatrice)
    fiche = PageParcoursActions.ouvrir_pour(
        page, serveur, controle, parcours, "Éloïse Lefèvre", "fiche parcours"
    )
    expect(fiche.section).to_contain_text("Aucun objectif pour le moment.")

    # An objective, typed with the keyboard.
    formulaire = fiche.ajouter_objectif()
    formulaire.nom_affiche = fiche.titre
    fiche = formulaire.saisir_au_clavier("Langage", "S’exprimer à l’oral en classe")
    expect(fiche.section).to_contain_text("S’exprimer à l’oral en classe")
    objectif = Objectif.objects.get(parcours=parcours)

    # The catalogue, filtered on the child's age: the speech therapy offer is full.
    catalogue = fiche.ajouter_depuis_le_catalogue()
    catalogue.nom_affiche = fiche.titre
    expect(catalogue.offres).to_have_count(2)
    expect(catalogue.ligne("Bilan orthophonique")).to_contain_text("Complète")
    action = catalogue.choisir("Bilan orthophonique")
    expect(action.alerte_capacite).to_contain_text("a atteint sa capacité")
    expect(action.champ("Action")).to_have_value("Bilan orthophonique")
    expect(action.champ("Objectif")).to_have_value(str(objectif.pk))

    # Without the confirmation nothing is saved; with it, the action is added.
    action = action.enregistrer_sans_confirmer()
    expect(action.contenu).to_contain_text("a atteint sa capacité")
    assert not Action.objects.filter(parcours=parcours).exists()
    fiche = action.confirmer_la_capacite_au_clavier().enregistrer("action ajoutee")
    expect(fiche.section.locator("table.actions")).to_contain_text("Bilan orthophonique")
    expect(fiche.section.locator("table.actions")).to_contain_text("Prévue")

    # Its status moves on.
    suivi = fiche.mettre_a_jour("Bilan orthophonique")
    suivi.champ("Statut").select_option(label="En cours")
    suivi.champ("Résultat").fill("Premier rendez-vous pris avec la famille.")
    fiche = suivi.enregistrer("action en cours")
    expect(fiche.section.locator("table.actions")).to_contain_text("En cours")
    enregistree = Action.objects.get(parcours=parcours)
    assert (enregistree.statut, enregistree.objectif_id) == (StatutAction.EN_COURS, objectif.pk)


def test_une_action_collective_ne_devoile_pas_les_autres_enfants(
    page, serveur, controle, connecter
):
    a = pre(nom="PRE de Villeneuve")
    ville = partenaire(a.programme, nom="Ville – service jeunesse")
    association = partenaire(a.programme, nom="Association Lire Ensemble")
    referente = professionnel(association, user__first_name="Inès", user__last_name="Roux")
    enfants = []
    for prenom, nom in [("Éloïse", "Lefèvre"), ("Marc", "Aubry"), ("Léa", "Nguyen")]:
        parcours = ParcoursFactory(
            programme=a.programme, statut="en_cours", enfant__prenom=prenom, enfant__nom=nom
        )
        consentement(parcours, structures=[association], auteur=a.coordinateur)
        enfants.append(parcours)
    from tests.factories.partage import nommer_referent

    nommer_referent(enfants[0], referente, auteur=a.coordinateur)
    coordinatrice = coordinateur(a.programme, first_name="Camille", last_name="Durand")

    connecter(coordinatrice)
    from .pages_actions import PageActionsCollectives

    liste = PageActionsCollectives(page, serveur, controle).ouvrir()
    collective = liste.nouvelle().creer(
        "Sortie au musée", "Ville – service jeunesse", "Musée des Beaux-Arts", date.today()
    )
    for parcours in enfants:
        collective = collective.inscrire(f"{parcours.enfant.nom} {parcours.enfant.prenom}")
    expect(collective.participants).to_have_count(3)
    assert ville.actions_collectives.get().participations.count() == 3

    # The référent of Éloïse only: the outing shows on her pathway, the others are counted.
    collective.se_deconnecter()
    connecter(referente.user)
    fiche = PageParcoursActions.ouvrir_pour(
        page, serveur, controle, enfants[0], "Éloïse Lefèvre", "fiche vue par la referente"
    )
    expect(fiche.section).to_contain_text("Sortie au musée")
    expect(fiche.section).to_contain_text("et 2 autres enfants")
    expect(fiche.section).not_to_contain_text("Aubry")
    expect(fiche.section).not_to_contain_text("Nguyen")
