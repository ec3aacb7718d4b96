"""The pathway's journal in Chromium: a référent writes a note for référent and coordination
only (keyboard only) and one for the team, records a rupture with its decided response, finds a
quiet pathway on the "pathways at risk" page; an assigned partner then reads the team's note,
never the confidential one nor the rupture. axe-core runs on every page reached."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parcours.models import Parcours, Statut
from partenaires.models import TypeStructure
from tests.factories.monde import ANIMATEUR, REFERENTE_PORTEUSE, construire_monde
from tests.factories.parcours import EnfantFactory, ParcoursFactory

from .pages_journal import PageARisque, PageParcoursJournal

CONFIDENTIELLE = "La famille traverse une période difficile, à évoquer en EPS."
EQUIPE = "Bon démarrage de l’aide aux devoirs, à poursuivre jusqu’aux vacances."


@pytest.fixture
def monde(serveur):
    m = construire_monde(
        nom="PRE de Villeneuve",
        structure={"nom": "Association Lire et Grandir", "type": TypeStructure.ASSOCIATION},
        referent=REFERENTE_PORTEUSE,
        intervenants=[ANIMATEUR],
        enfant={"prenom": "Sacha", "nom": "Moulin"},
        date_prochaine_revue=date.today() + timedelta(days=12),
    )
    calme = ParcoursFactory(
        programme=m.programme,
        statut=Statut.EN_COURS,
        referent=m.referent,
        enfant=EnfantFactory(programme=m.programme, prenom="Lou", nom="Tranquille"),
    )
    Parcours.objects.filter(pk=calme.pk).update(
        derniere_activite=timezone.now() - timedelta(days=90)
    )
    return m.pre, m.referent, m.intervenant, m.parcours


def _fiche(page, serveur, controle, parcours, etape: str) -> PageParcoursJournal:
    return PageParcoursJournal.ouvrir_pour(page, serveur, controle, parcours, "Sacha Moulin", etape)


def test_le_journal_du_referent_et_ce_qu_en_lit_le_partenaire(
    page, serveur, controle, connecter, monde
):
    _reseau, referente, animateur, suivi = monde
    connecter(referente.user)
    fiche = _fiche(page, serveur, controle, suivi, "fiche parcours du référent")
    expect(fiche.a_venir).to_contain_text("Revue en EPS")

    # A confidential note, keyboard only (one notch down: "Référent et coordination").
    fiche = fiche.ecrire_une_note().ecrire_au_clavier(CONFIDENTIELLE, crans=1)
    expect(fiche.chronologie).to_contain_text(CONFIDENTIELLE)
    expect(fiche.chronologie).to_contain_text("Référent et coordination")
    # A note for the whole team.
    fiche = fiche.ecrire_une_note().ecrire_au_clavier(EQUIPE)
    expect(fiche.chronologie).to_contain_text(EQUIPE)

    # A rupture and the response decided.
    fiche = fiche.signaler_une_rupture().enregistrer(
        type_rupture="Déménagement",
        le=(date.today() - timedelta(days=3)).isoformat(),
        description="La famille part pour la commune voisine.",
        reponse="Relais avec le PRE de la commune voisine.",
        reponse_le=date.today().isoformat(),
    )
    expect(fiche.chronologie).to_contain_text("Rupture : Déménagement")
    expect(fiche.chronologie).to_contain_text("Relais avec le PRE de la commune voisine.")
    fiche.filtrer("Notes")
    expect(fiche.chronologie).not_to_contain_text("Déménagement")

    # The quiet pathway is on the "pathways at risk" page, and says why.
    a_risque = PageARisque.depuis_le_menu(fiche)
    expect(a_risque.lignes.filter(has_text="Tranquille")).to_contain_text("Aucune activité")
    expect(a_risque.lignes.filter(has_text="Moulin")).to_have_count(0)

    # The assigned partner reads the team's note only.
    a_risque.se_deconnecter()
    connecter(animateur.user)
    fiche = _fiche(page, serveur, controle, suivi, "parcours vu par le partenaire")
    expect(fiche.chronologie).to_contain_text(EQUIPE)
    expect(fiche.corps).not_to_contain_text(CONFIDENTIELLE)
    expect(fiche.corps).not_to_contain_text("Déménagement")
    expect(fiche.lien("Signaler une rupture")).to_have_count(0)
