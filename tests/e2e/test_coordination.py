"""A référent's day of coordination in Chromium (issue 4): on a pathway she adds an objective
and an action from the catalogue, writes a note for référent and coordination only, plans the
EPS meeting (the pathway is proposed because its review is due), records the decision with its
relevé de conclusions, prints the minutes; the partner who delivers the action then reads the
conclusions, never the note. axe-core runs on every page reached."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parcours.models import Examen, Objectif, Parcours, Statut
from partenaires.models import Fonction, TypeStructure
from tests.factories import actions as fab
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import (
    consentement,
    nommer_referent,
    partenaire,
    pre,
    professionnel,
)

from .pages import PageReussite, libelle
from .pages_actions import PageParcoursActions
from .pages_journal import PageParcoursJournal

NOTE = "Le père évoque des tensions à la maison : à garder entre nous."
RELEVE = "Objectifs revus : lecture quotidienne avec le club, point avec l’école en janvier."


class Fiche(PageParcoursActions, PageParcoursJournal):
    """The pathway page, with both its objectives and its journal."""


class PageReunion(PageReussite):
    titre = re.compile(r"^\s*Réunion EPS du ")
    etape = "reunion eps"

    @property
    def ordre_du_jour(self):
        return self.page.locator("#ordre-du-jour")


@pytest.fixture
def monde(serveur):
    reseau = pre(nom="PRE de Villeneuve")
    club = partenaire(
        reseau.programme, nom="Association Lire Ensemble", type=TypeStructure.ASSOCIATION
    )
    referente = professionnel(
        reseau.porteuse,
        fonction=Fonction.REFERENT,
        user__first_name="Nadia",
        user__last_name="Roussel",
    )
    animateur = professionnel(
        club, fonction=Fonction.ANIMATEUR, user__first_name="Hugo", user__last_name="Lambert"
    )
    fab.offre(club, reseau.programme, intitule="Club lecture du mercredi", capacite=12)
    parcours = ParcoursFactory(
        programme=reseau.programme,
        statut=Statut.EN_COURS,
        date_prochaine_revue=date.today() + timedelta(days=5),
        enfant=EnfantFactory(programme=reseau.programme, prenom="Sacha", nom="Moulin"),
    )
    consentement(parcours, auteur=reseau.coordinateur, structures=[club])
    nommer_referent(parcours, referente, auteur=reseau.coordinateur)
    return referente, animateur, Parcours.objects.get(pk=parcours.pk)


def _fiche(page, serveur, controle, parcours, etape: str) -> Fiche:
    page.goto(f"{serveur}/parcours/{parcours.pk}/")
    fiche = Fiche(page, serveur, controle)
    fiche.titre = "Sacha Moulin"
    return fiche.verifier(etape)


def test_une_referente_coordonne_un_parcours_jusqu_au_releve_d_eps(
    page, serveur, controle, connecter, monde
):
    referente, animateur, parcours = monde
    connecter(referente.user)
    fiche = _fiche(page, serveur, controle, parcours, "fiche parcours")

    # An objective by keyboard, then an action from the catalogue delivered by Hugo.
    formulaire = fiche.ajouter_objectif()
    formulaire.nom_affiche = fiche.titre
    formulaire.saisir_au_clavier("Scolarité", "Lire chaque jour un quart d’heure")
    fiche = Fiche.atteinte(fiche, fiche.titre, "objectif ajoute")
    catalogue = fiche.ajouter_depuis_le_catalogue()
    catalogue.nom_affiche = fiche.titre
    action = catalogue.choisir("Club lecture du mercredi")
    action.champ("Professionnel").select_option(value=str(animateur.pk))
    action.enregistrer("action ajoutee")
    fiche = Fiche.atteinte(fiche, fiche.titre, "action ajoutee depuis le catalogue")
    expect(fiche.section).to_contain_text("Club lecture du mercredi")

    # A note for référent and coordination only (keyboard, one notch down).
    fiche = fiche.ecrire_une_note().ecrire_au_clavier(NOTE, crans=1)
    expect(fiche.chronologie).to_contain_text(NOTE)

    # The EPS meeting: Sacha's review is due, so the agenda proposes the pathway.
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Réunions EPS"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réunions EPS")
    controle.page_verifiee("reunions eps")
    page.get_by_role("link", name="Planifier une réunion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Planifier une réunion EPS")
    dans_une_semaine = timezone.localtime() + timedelta(days=7)
    page.get_by_label(libelle("Date et heure")).fill(dans_une_semaine.strftime("%Y-%m-%dT14:00"))
    page.get_by_label(libelle("Lieu")).fill("Salle du conseil, CCAS")
    invite = page.get_by_role("checkbox", name=re.compile("Hugo Lambert"))
    invite.focus()
    page.keyboard.press("Space")
    expect(invite).to_be_checked()
    controle.page_verifiee("planifier une reunion")
    page.get_by_role("button", name="Planifier la réunion").click()
    reunion = PageReunion(page, serveur, controle).verifier("reunion planifiee")
    expect(page.get_by_role("status").first).to_contain_text("La réunion est planifiée.")
    expect(reunion.ordre_du_jour).to_contain_text("Sacha Moulin")

    # The decision, its relevé, the next review, and one more objective.
    reunion.ordre_du_jour.get_by_role("link", name=re.compile("Décider")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Décision pour Sacha Moulin")
    page.get_by_role("radio", name="Objectifs revus").check(force=True)
    page.get_by_label(libelle("Relevé de conclusions")).fill(RELEVE)
    revue = date.today() + timedelta(days=120)
    page.get_by_label(libelle("Prochaine revue")).fill(revue.isoformat())
    premier = page.locator("fieldset").filter(has_text="Objectifs ouverts")
    premier.get_by_label(libelle("Domaine")).first.select_option(label="Santé")
    premier.get_by_label(libelle("Objectif")).first.fill("Faire le bilan visuel")
    controle.page_verifiee("decision saisie")
    page.get_by_role("button", name="Enregistrer la décision").click()
    reunion = PageReunion(page, serveur, controle).verifier("decision enregistree")
    expect(reunion.ordre_du_jour).to_contain_text("Objectifs revus")
    expect(reunion.ordre_du_jour).to_contain_text(RELEVE)
    examen = Examen.objects.get(parcours=parcours)
    assert Parcours.objects.get(pk=parcours.pk).date_prochaine_revue == revue
    assert Objectif.objects.filter(parcours=parcours, examen=examen).count() == 1

    # The printable minutes: conclusions, never the note; print media emulated.
    page.get_by_role("link", name="Relevé de conclusions à imprimer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Relevé de conclusions")
    page.emulate_media(media="print")
    controle.page_verifiee("releve imprime")
    corps = page.locator("body")
    expect(corps).to_contain_text(RELEVE)
    expect(corps).to_contain_text("Sacha M.")
    expect(corps).not_to_contain_text(NOTE)
    expect(page.get_by_role("navigation", name="Menu principal")).to_be_hidden()
    page.emulate_media(media="screen")

    # Hugo, who delivers the action, reads the conclusions but not the note.
    page.get_by_role("button", name="Se déconnecter").click()
    connecter(animateur.user)
    fiche = _fiche(page, serveur, controle, parcours, "parcours vu par le partenaire")
    expect(fiche.chronologie).to_contain_text(RELEVE)
    expect(page.locator("body")).not_to_contain_text(NOTE)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Réunions EPS"
    ).click()
    page.get_by_role("link", name=re.compile(r"\d{4}, 14h00")).first.click()
    reunion = PageReunion(page, serveur, controle).verifier("reunion vue par le partenaire")
    expect(reunion.ordre_du_jour).to_contain_text(RELEVE)
    expect(page.get_by_role("link", name="Relevé de conclusions à imprimer")).to_have_count(0)
