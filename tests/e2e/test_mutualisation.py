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

from .pages import PageConnexion


def _connecter(page, serveur, controle, user):
    PageConnexion(page, serveur, controle).ouvrir().se_connecter(user.email, MOT_DE_PASSE)


def test_un_partenaire_publie_une_offre_et_la_voit_au_catalogue(page, serveur, controle):
    a = pre(nom="PRE de Villeneuve")
    association = partenaire(a.programme, nom="Association Graines de savoirs")
    membre = professionnel(association)
    _connecter(page, serveur, controle, membre.user)

    page.get_by_role("button", name="Réseau").click()
    page.get_by_role("link", name="Catalogue des offres").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Catalogue des offres")
    controle.page_verifiee("catalogue vide")
    page.get_by_role("link", name="Publier une offre").click()
    controle.page_verifiee("publier une offre")
    # Keyboard only through the first fields of the form.
    page.get_by_label(re.compile(r"^\s*Intitulé")).focus()
    page.keyboard.type("Aide aux devoirs du soir")
    page.keyboard.press("Tab")
    page.keyboard.type("Deux soirs par semaine, au centre social.")
    page.get_by_label(re.compile(r"^\s*Type de service")).select_option("soutien_scolaire")
    page.get_by_label(re.compile(r"^\s*Domaine")).select_option("scolarite")
    page.get_by_label(re.compile(r"^\s*Âge minimum")).fill("6")
    page.get_by_label(re.compile(r"^\s*Âge maximum")).fill("11")
    page.get_by_label(re.compile(r"^\s*Capacité")).fill("12")
    page.locator("label[for=id_programmes_0]").click()
    page.get_by_role("button", name="Publier l’offre").press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Aide aux devoirs du soir")
    controle.page_verifiee("offre publiée")
    page.get_by_role("link", name="Catalogue des offres").click()
    expect(page.get_by_role("link", name="Aide aux devoirs du soir")).to_be_visible()
    expect(page.get_by_text("12 sur 12 places disponibles")).to_be_visible()
    controle.page_verifiee("catalogue avec l’offre")
    assert Offre.objects.get().structure == association


def test_un_coordinateur_signale_un_besoin_et_la_carte_change(page, serveur, controle):
    a = pre(nom="PRE de Villeneuve")
    parcours = ParcoursFactory(programme=a.programme, enfant__quartier="Les Coteaux")
    _connecter(page, serveur, controle, a.coordinateur)

    page.goto(serveur + "/parcours/mutualisation/carte/")
    controle.page_verifiee("carte avant")
    expect(page.locator("#carte td[data-besoins='1']")).to_have_count(0)

    page.goto(serveur + f"/parcours/{parcours.pk}/objectifs/")
    controle.page_verifiee("fiche du parcours, objectifs et actions")
    page.get_by_role("link", name="Signaler un besoin non couvert").click()
    controle.page_verifiee("signaler un besoin")
    expect(page.get_by_label(re.compile(r"^\s*Territoire"))).to_have_value("Les Coteaux")
    page.get_by_label(re.compile(r"^\s*Domaine")).select_option("sante")
    page.get_by_label(re.compile(r"^\s*Besoin")).fill("Bilan de santé sans délai d’attente")
    page.get_by_role("button", name="Enregistrer le besoin").click()
    expect(page.get_by_text("Bilan de santé sans délai d’attente")).to_be_visible()
    controle.page_verifiee("besoin enregistré")

    page.get_by_role("link", name="Tableau de bord").click()
    page.get_by_role("link", name="Carte des compétences").click()
    cellule = page.locator("#carte tbody tr", has_text="Santé").locator("td").first
    expect(cellule).to_have_attribute("data-besoins", "1")
    expect(cellule).to_contain_text("Manque")
    controle.page_verifiee("carte après")


def test_un_administrateur_invite_un_professionnel_qui_choisit_son_mot_de_passe(
    page, serveur, controle, mailoutbox
):
    a = pre(nom="PRE de Villeneuve")
    partenaire(a.programme, nom="Club sportif des Coteaux")
    administrateur = UserFactory()
    role_attribuer(user=administrateur, programme=a.programme, role=Role.ADMINISTRATEUR)
    _connecter(page, serveur, controle, administrateur)

    page.get_by_role("button", name="Réseau").click()
    page.get_by_role("link", name="Annuaire des partenaires").click()
    controle.page_verifiee("annuaire")
    page.get_by_role("link", name="Club sportif des Coteaux").click()
    controle.page_verifiee("fiche structure")
    page.get_by_role("link", name="Inviter un professionnel").click()
    controle.page_verifiee("inviter")
    page.get_by_label(re.compile(r"^\s*Prénom")).fill("Inès")
    page.get_by_label(re.compile(r"^\s*Nom")).fill("Invitée")
    page.get_by_label(re.compile(r"^\s*Adresse électronique")).fill("ines.invitee@example.org")
    page.get_by_label(re.compile(r"^\s*Fonction")).select_option("animateur")
    page.get_by_role("button", name="Envoyer l’invitation").click()
    expect(page.get_by_text("L’invitation a été envoyée")).to_be_visible()
    controle.page_verifiee("invitation envoyée")

    assert len(mailoutbox) == 1
    lien = re.search(r"https?://\S+", mailoutbox[0].body).group(0)
    page.context.clear_cookies()
    page.goto(lien)
    controle.page_verifiee("choisir son mot de passe")
    mdp = "Un-mot-de-passe-solide-42"
    page.get_by_label(re.compile(r"^\s*Nouveau mot de passe")).first.fill(mdp)
    page.get_by_label(re.compile(r"^\s*Confirmation")).fill(mdp)
    page.get_by_role("button").last.click()
    controle.page_verifiee("mot de passe choisi")
    page.goto(serveur + "/connexion/")
    page.get_by_label(re.compile(r"^\s*Adresse électronique")).fill("ines.invitee@example.org")
    page.get_by_label(re.compile(r"^\s*Mot de passe")).fill(mdp)
    page.keyboard.press("Enter")
    # Signed in; a new professional is first asked to accept the confidentiality charter.
    expect(page.locator("#utilisateur-connecte")).to_have_text("Inès Invitée")
    controle.page_verifiee("invitée connectée")
