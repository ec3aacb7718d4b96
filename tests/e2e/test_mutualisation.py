"""Mutualisation journeys in Chromium: a partner publishes an offer, a coordinator records an
unmet need and sees the competence map change, an administrator invites a professional who sets
a password through the emailed link. axe-core and a screenshot on every page."""

import re

from playwright.sync_api import expect

from partenaires.models import Offre
from reussite.core.models import Role
from reussite.core.services import role_attribuer
from tests.factories.core import MOT_DE_PASSE, UserFactory
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import partenaire, pre, professionnel

from .pages import PageConnexion, PageTableauDeBord
from .pages_mutualisation import (
    PageAnnuaireInvitations,
    PageCarte,
    PageCatalogueOffres,
    PageChoisirMotDePasse,
    PageConnexionInvitee,
    PageParcoursBesoins,
)


def _connecter(page, serveur, controle, user) -> PageTableauDeBord:
    return PageConnexion(page, serveur, controle).ouvrir().se_connecter(user.email, MOT_DE_PASSE)


def test_un_partenaire_publie_une_offre_et_la_voit_au_catalogue(page, serveur, controle):
    a = pre(nom="PRE de Villeneuve")
    association = partenaire(a.programme, nom="Association Graines de savoirs")
    membre = professionnel(association)
    accueil = _connecter(page, serveur, controle, membre.user)

    catalogue = PageCatalogueOffres.depuis_le_menu(accueil, "catalogue vide")
    offre = catalogue.publier().publier(
        intitule="Aide aux devoirs du soir",
        description="Deux soirs par semaine, au centre social.",
        type_service="soutien_scolaire",
        domaine="scolarite",
        age_min="6",
        age_max="11",
        capacite="12",
    )
    catalogue = offre.vers_le_catalogue("catalogue avec l’offre")
    expect(catalogue.offre("Aide aux devoirs du soir")).to_be_visible()
    expect(catalogue.texte("12 sur 12 places disponibles")).to_be_visible()
    assert Offre.objects.get().structure == association


def test_un_coordinateur_signale_un_besoin_et_la_carte_change(page, serveur, controle):
    a = pre(nom="PRE de Villeneuve")
    parcours = ParcoursFactory(
        programme=a.programme,
        enfant__prenom="Yanis",
        enfant__nom="Garnier",
        enfant__quartier="Les Coteaux",
    )
    accueil = _connecter(page, serveur, controle, a.coordinateur)

    carte = PageCarte(page, serveur, controle).ouvrir("carte avant")
    expect(carte.cellules_avec_un_besoin).to_have_count(0)

    fiche = PageParcoursBesoins.ouverte(
        accueil, parcours, "Yanis Garnier", "fiche du parcours, objectifs et actions"
    )
    signalement = fiche.signaler_un_besoin()
    expect(signalement.territoire).to_have_value("Les Coteaux")
    fiche = signalement.enregistrer(domaine="sante", besoin="Bilan de santé sans délai d’attente")

    carte = fiche.tableau_de_bord().carte("carte après")
    cellule = carte.cellule("Santé")
    expect(cellule).to_have_attribute("data-besoins", "1")
    expect(cellule).to_contain_text("Manque")


def test_un_administrateur_invite_un_professionnel_qui_choisit_son_mot_de_passe(
    page, serveur, controle, mailoutbox
):
    a = pre(nom="PRE de Villeneuve")
    partenaire(a.programme, nom="Club sportif des Coteaux")
    administrateur = UserFactory()
    role_attribuer(user=administrateur, programme=a.programme, role=Role.ADMINISTRATEUR)
    accueil = _connecter(page, serveur, controle, administrateur)

    annuaire = PageAnnuaireInvitations.depuis_le_menu(accueil)
    annuaire.structure("Club sportif des Coteaux").inviter().envoyer(
        prenom="Inès", nom="Invitée", email="ines.invitee@example.org", fonction="animateur"
    )

    assert len(mailoutbox) == 1
    lien = re.search(r"https?://\S+", mailoutbox[0].body).group(0)
    page.context.clear_cookies()
    mdp = "Un-mot-de-passe-solide-42"
    PageChoisirMotDePasse.par_le_lien(page, serveur, controle, lien).choisir(mdp)
    connexion = PageConnexionInvitee(page, serveur, controle).ouvrir()
    # Signed in; a new professional is first asked to enrol a second factor.
    activation = connexion.se_connecter_sans_second_facteur("ines.invitee@example.org", mdp)
    expect(activation.utilisateur_connecte).to_have_text("Inès Invitée")
