"""A référent's day of coordination in Chromium (issue 4): on a pathway she adds an objective
and an action from the catalogue, writes a note for référent and coordination only, plans the
EPS meeting (the pathway is proposed because its review is due, and she confirms it; issue 15,
point 14), cannot hold it before its day, records the attendance and the decision after reading
its effect, prints the minutes; the partner who delivers the action then reads the
conclusions, never the note. axe-core runs on every page reached."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parcours.models import Examen, Parcours, ReunionEPS
from partenaires.models import TypeStructure
from tests.factories import actions as fab
from tests.factories.monde import ANIMATEUR, REFERENTE_PORTEUSE, construire_monde

from .pages_actions import PageParcoursActions
from .pages_eps import PageReunionsEPS
from .pages_journal import PageParcoursJournal

NOTE = "Le père évoque des tensions à la maison : à garder entre nous."
RELEVE = "Objectifs revus : lecture quotidienne avec le club, point avec l’école en janvier."


class Fiche(PageParcoursActions, PageParcoursJournal):
    """The pathway page, with both its objectives and its journal."""


@pytest.fixture
def monde(serveur):
    m = construire_monde(
        nom="PRE de Villeneuve",
        structure={"nom": "Association Lire Ensemble", "type": TypeStructure.ASSOCIATION},
        referent=REFERENTE_PORTEUSE,
        intervenants=(),
        membres=[ANIMATEUR],
        enfant={"prenom": "Sacha", "nom": "Moulin"},
        date_prochaine_revue=date.today() + timedelta(days=5),
    )
    fab.offre(m.structure, m.programme, intitule="Club lecture du mercredi", capacite=12)
    return m.referent, m.membres[0], m.parcours


def _fiche(page, serveur, controle, parcours, etape: str) -> Fiche:
    return Fiche.ouvrir_pour(page, serveur, controle, parcours, "Sacha Moulin", etape)


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

    # The EPS meeting, next week. Planning puts nothing on the agenda: Sacha's review is due,
    # so the meeting's page proposes the pathway, and Nadia confirms it.
    liste = fiche.aller_au_menu("Réunions EPS", PageReunionsEPS)
    dans_une_semaine = timezone.localtime() + timedelta(days=7)
    reunion = liste.planifier().planifier(
        le=dans_une_semaine.strftime("%Y-%m-%dT14:00"),
        lieu="Salle du conseil, CCAS",
        invite="Hugo Lambert",
    )
    expect(reunion.ordre_du_jour).to_contain_text("Aucun parcours à l’ordre du jour.")
    expect(reunion.proposes).to_contain_text("Sacha")
    reunion = reunion.inscrire("Sacha")
    expect(reunion.ordre_du_jour).to_contain_text("Sacha Moulin")
    expect(reunion.proposes).to_contain_text("Aucun autre parcours")

    # Not held before its day: no attendance, no decision yet, and still « À venir ».
    expect(reunion.presences).to_contain_text("La réunion n’a pas encore eu lieu")
    expect(reunion.bouton_presences).to_have_count(0)
    expect(reunion.ordre_du_jour.get_by_role("link", name=re.compile("Décider"))).to_have_count(0)
    liste = reunion.vers_la_liste("réunion à venir")
    expect(liste.section("À venir")).to_contain_text("Planifiée")

    # The day has come (the meeting started an hour ago): attendance, then the decision.
    ReunionEPS.objects.update(date=timezone.now() - timedelta(hours=1))
    liste = liste.recharger("le jour de la réunion")
    reunion = liste.ouvrir_la_premiere("Passées", "réunion du jour")
    reunion = reunion.enregistrer_presences("Hugo Lambert")
    expect(reunion.tenue).to_be_visible()
    decision = reunion.decider("Sacha")
    # Each decision's effect, read before choosing: « objectifs revus » lists the objective to
    # revise, « réorientation » says the exit form comes next.
    expect(decision.effet("Objectifs revus")).to_contain_text("prochaine revue")
    expect(decision.objectif("Lire chaque jour")).to_be_visible()
    expect(decision.effet("Réorientation")).to_contain_text("formulaire de sortie")
    expect(decision.effet("Entrée validée")).to_contain_text("son statut ne change pas")
    revue = date.today() + timedelta(days=120)
    reunion = decision.decider("Objectifs revus", releve=RELEVE, revue=revue.isoformat())
    expect(reunion.messages.first).to_contain_text("La décision est enregistrée.")
    expect(reunion.ordre_du_jour).to_contain_text("Objectifs revus")
    expect(reunion.ordre_du_jour).to_contain_text(RELEVE)
    assert Examen.objects.get(parcours=parcours).decision == "objectifs_revus"
    assert Parcours.objects.get(pk=parcours.pk).date_prochaine_revue == revue

    # The printable minutes: the pathway examined and its conclusions, never the note; print
    # media emulated.
    releve = reunion.releve().imprimer()
    expect(releve.corps).to_contain_text(RELEVE)
    expect(releve.corps).to_contain_text("Sacha M.")
    expect(releve.corps).not_to_contain_text("non examiné")
    expect(releve.corps).not_to_contain_text(NOTE)
    expect(releve.menu_principal).to_be_hidden()
    releve.ecran()

    # Hugo, who delivers the action, reads the conclusions but not the note.
    releve.se_deconnecter()
    connecter(animateur.user)
    fiche = _fiche(page, serveur, controle, parcours, "parcours vu par le partenaire")
    expect(fiche.chronologie).to_contain_text(RELEVE)
    expect(fiche.corps).not_to_contain_text(NOTE)
    liste = fiche.aller_au_menu("Réunions EPS", PageReunionsEPS, "réunions vues par le partenaire")
    reunion = liste.ouvrir_la_premiere("Passées", "reunion vue par le partenaire")
    expect(reunion.ordre_du_jour).to_contain_text(RELEVE)
    expect(reunion.lien_releve).to_have_count(0)
