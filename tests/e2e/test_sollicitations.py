"""Requests to partners (issue 21), in Chromium: the coordinator asks a partner structure that
the family's consent does not name; its professional reads a pseudonymised request (never the
child's name), accepts it with a date; the coordinator turns it into an action of the pathway
in one step, through the consent warning; a request redirected to another structure of the
network is sent on to it in one step, each thread naming the other. axe-core runs on every page
reached."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from parcours.models import Action, Sollicitation
from tests.factories import actions as fab
from tests.factories.core import MOT_DE_PASSE
from tests.factories.monde import construire_monde
from tests.factories.partage import partenaire, professionnel

from .pages import PageConnexion
from .pages_sollicitations import (
    PageObstacles,
    PageSollicitationsParcours,
    PageSollicitationsRecues,
)

NOM = "Benali"


@pytest.fixture
def monde(serveur):
    # The consent names no structure: the CMP is asked without seeing the child.
    m = construire_monde(
        nom="PRE de Villeneuve",
        structure={"nom": "CMP des Lilas", "commune": "Villeneuve"},
        avec_referent=False,
        intervenants=(),
        membres=[{"user__first_name": "Inès", "user__last_name": "Morel"}],
        enfant={"nom": NOM, "prenom": "Lina"},
        partage=False,
    )
    objectif = fab.objectif(
        m.parcours, auteur=m.coordinateur, domaine="bien_etre", intitule="Apaiser l’anxiété"
    )
    return m.pre, m.membres[0], m.parcours, objectif


def _connecte(browser, serveur, controle, email):
    contexte = browser.new_context(locale="fr-FR")
    page = contexte.new_page()
    controle.page = page
    PageConnexion(page, serveur, controle).ouvrir().se_connecter(email, MOT_DE_PASSE)
    return page


def test_le_referent_sollicite_le_partenaire_repond_et_la_reponse_devient_une_action(
    page, browser, serveur, controle, monde
):
    reseau, psychologue, parcours, _objectif = monde

    # The coordinator asks the CMP, from the pathway.
    PageConnexion(page, serveur, controle).ouvrir().se_connecter(
        reseau.coordinateur.email, MOT_DE_PASSE
    )
    liste = PageSollicitationsParcours.du_parcours(page, serveur, controle, parcours.pk)
    envoyee = (
        liste.solliciter()
        .remplir(
            objectif="Apaiser l’anxiété",
            structure="CMP des Lilas",
            demande="Un premier rendez-vous avec un psychologue",
            motif="Une anxiété qui gêne la scolarité",
        )
        .envoyer()
    )
    expect(envoyee.messages).to_contain_text("La sollicitation a été envoyée")
    reference = envoyee.reference

    # The CMP's psychologist: a pseudonymised request, answered with a date.
    partenaire_page = _connecte(browser, serveur, controle, psychologue.user.email)
    boite = PageSollicitationsRecues(partenaire_page, serveur, controle).ouvrir()
    expect(boite.ligne(reference)).to_contain_text("Référence pseudonymisée")
    expect(boite.contenu).not_to_contain_text(NOM)
    recue = boite.lire(reference)
    expect(recue.avis_pseudonymise).to_be_visible()
    expect(boite.contenu).not_to_contain_text(NOM)
    rdv = date.today() + timedelta(days=12)
    repondue = recue.accepter(rdv.isoformat())
    expect(repondue.messages).to_contain_text("Votre réponse a été envoyée")
    expect(repondue.reponse).to_contain_text(rdv.strftime("%d/%m/%Y"))
    partenaire_page.context.close()

    # Back to the coordinator: the accepted request becomes an action, after the warning.
    controle.page = page
    liste = PageSollicitationsParcours.du_parcours(page, serveur, controle, parcours.pk)
    expect(liste.ligne(reference)).to_contain_text("Acceptée")
    equipe = liste.ouvrir(reference, "sollicitation acceptée")
    expect(equipe.alerte_consentement).to_contain_text("ne nomme pas CMP des Lilas")
    equipe.creer_l_action(confirmer=True)
    expect(equipe.messages).to_contain_text("est devenue une action du parcours")
    controle.page_verifiee("action créée")
    expect(equipe.contenu).to_contain_text("Un premier rendez-vous avec un psychologue")
    action = Action.objects.get(parcours=parcours)
    assert Sollicitation.objects.get().action_id == action.pk
    assert action.date_debut == rdv

    # The obstacles report counts it, by structure.
    rapport = PageObstacles(page, serveur, controle).ouvrir().regrouper_par("Structure")
    expect(rapport.ligne("CMP des Lilas")).to_contain_text("1")


def test_le_partenaire_reoriente_et_l_equipe_transmet_en_une_etape(
    page, browser, serveur, controle, monde
):
    reseau, psychologue, parcours, objectif = monde
    cmpp = partenaire(reseau.programme, nom="CMPP Voltaire", commune="Villeneuve")
    orthophoniste = professionnel(cmpp, user__first_name="Jade", user__last_name="Roux")
    from parcours.services import sollicitation_creer

    premiere = sollicitation_creer(
        parcours=parcours,
        objectif=objectif,
        structure=psychologue.structure,
        professionnel=psychologue,
        demande="Un bilan du langage",
        motif="Des mots qui manquent en classe",
        echeance=date.today() + timedelta(days=10),
        auteur=reseau.coordinateur,
    )

    # The CMP redirects it to the CMPP, chosen from the programme's network.
    PageConnexion(page, serveur, controle).ouvrir().se_connecter(
        psychologue.user.email, MOT_DE_PASSE
    )
    recue = PageSollicitationsRecues(page, serveur, controle).ouvrir().lire(premiere.reference)
    repondue = recue.reorienter("CMPP Voltaire")
    expect(repondue.reponse).to_contain_text("CMPP Voltaire")
    expect(repondue.messages).to_contain_text("Votre réponse a été envoyée")
    page.context.clear_cookies()

    # The coordinator sends it on in one step; both threads show the link.
    coordination = _connecte(browser, serveur, controle, reseau.coordinateur.email)
    liste = PageSollicitationsParcours.du_parcours(coordination, serveur, controle, parcours.pk)
    expect(liste.ligne(premiere.reference)).to_contain_text("Réorientée")
    equipe = liste.ouvrir(premiere.reference, "sollicitation réorientée")
    expect(equipe.suite).to_have_count(0)  # nothing sent on yet
    suite = equipe.transmettre()
    expect(suite.messages).to_contain_text("transmise à la structure conseillée")
    expect(suite.origine).to_contain_text(premiere.reference)
    expect(suite.origine).to_contain_text("CMP des Lilas")
    nouvelle = Sollicitation.objects.get(origine=premiere)
    assert nouvelle.structure == cmpp and nouvelle.demande == "Un bilan du langage"
    premiere_vue = suite.retour().recharger("première sollicitation, suite donnée")
    expect(premiere_vue.suite).to_contain_text(nouvelle.reference)
    coordination.context.close()

    # The CMPP's professional reads the new request, linked to the first.
    controle.page = page
    PageConnexion(page, serveur, controle).ouvrir().se_connecter(
        orthophoniste.user.email, MOT_DE_PASSE
    )
    chez_cmpp = PageSollicitationsRecues(page, serveur, controle).ouvrir().lire(nouvelle.reference)
    expect(chez_cmpp.origine).to_contain_text(premiere.reference)
    expect(chez_cmpp.contenu).not_to_contain_text(NOM)
    assert chez_cmpp
