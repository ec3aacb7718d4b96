"""The legal frame in Chromium (issue 19): a visitor reaches every legal page from the footer
without logging in and reads the family notice of a programme; the DPO lands on the legal
space, fills in the programme's legal identity by keyboard, reads the register entry and
searches the access trail; the coordinator prints the consent form with the notice. axe-core
runs on every page reached, and on the documents as printed."""

from django.utils import timezone
from playwright.sync_api import expect

from parcours.models import Parcours, Statut
from reussite.core import rgaa
from reussite.core.models import Evenement, TraceAcces
from tests.factories.core import cadre_juridique, dpo
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import pre, professionnel, titulaire

from .pages import PageConnexion
from .pages_juridique import (
    PageAccessibilite,
    PageCookies,
    PageDonneesPersonnelles,
    PageFormulaireConsentement,
    PageMentionsLegales,
    PagePlanDuSite,
    PageProtection,
    imprimee,
    par_le_pied_de_page,
)


def test_un_visiteur_trouve_les_pages_legales_et_la_notice_des_familles(page, serveur, controle):
    a = pre(nom="PRE de Villeneuve")
    a.programme.conservation_mois = 24
    a.programme.save()
    cadre_juridique(a.programme, responsable_nom="CCAS de Villeneuve")
    pre(nom="PRE des Tilleuls")

    connexion = PageConnexion(page, serveur, controle).ouvrir()
    plan = par_le_pied_de_page(connexion, "Plan du site", PagePlanDuSite)
    mention = rgaa.resultat().mention
    accessibilite = par_le_pied_de_page(plan, f"Accessibilité : {mention}", PageAccessibilite)
    expect(accessibilite.texte(f"Réussite est {mention} avec le RGAA.")).to_be_visible()
    mentions = par_le_pied_de_page(accessibilite, "Mentions légales", PageMentionsLegales)
    expect(mentions.texte("Hébergeur de démonstration")).to_be_visible()
    cookies = par_le_pied_de_page(mentions, "Gestion des cookies", PageCookies)
    donnees = par_le_pied_de_page(cookies, "Données personnelles", PageDonneesPersonnelles)

    donnees = donnees.choisir_programme("PRE de Villeneuve")
    expect(donnees.texte("CCAS de Villeneuve (Centre communal d’action sociale")).to_be_visible()
    notice = donnees.notice()
    expect(notice.texte("puis 24 mois après la fin")).to_be_visible()
    imprimee(notice, "notice des familles imprimée")
    assert notice.telecharger_pdf().suggested_filename.endswith(".pdf")


def test_le_dpo_renseigne_le_cadre_lit_le_registre_et_cherche_dans_le_journal(
    page, serveur, controle
):
    a = pre(nom="PRE de Villeneuve")
    referente = professionnel(a.porteuse, user__email="referente@exemple.test")
    parcours = ParcoursFactory(
        programme=a.programme,
        statut=Statut.EN_COURS,
        enfant=EnfantFactory(programme=a.programme, nom="Zorgheb"),
    )
    from django.contrib.contenttypes.models import ContentType

    TraceAcces.objects.create(
        le=timezone.now(),
        user_id=referente.user.pk,
        evenement=Evenement.LECTURE,
        autorise=True,
        programme_id=a.programme.pk,
        content_type=ContentType.objects.get_for_model(Parcours),
        object_id=parcours.pk,
        page="parcours:detail",
    )
    delegue = dpo(a.programme, first_name="Dominique", last_name="Délégué")

    espace = PageConnexion(page, serveur, controle).ouvrir()
    espace = espace.se_connecter_vers(delegue.email, "mot-de-passe-de-test-123", PageProtection)
    expect(espace.texte("Le cadre juridique n’est pas renseigné")).to_be_visible()

    cadre = espace.cadre().remplir(
        {
            "responsable_nom": "CCAS de Villeneuve",
            "type": "Centre communal d’action sociale (CCAS)",
            "responsable_adresse": "1 place de la Mairie",
            "responsable_representant": "",
            "dpo_nom": "Dominique Délégué",
            "dpo_email": "dpo@villeneuve.exemple.test",
            "dpo_adresse": "",
            "bases": "",
            "destinataires": "Les partenaires nommés dans le consentement.",
            "contact_familles": "Coordination du PRE, 01 99 00 12 34",
        },
        bases=2,
    )
    expect(cadre.messages).to_contain_text("Le cadre juridique du programme est enregistré.")

    registre = cadre.retour_a_la_protection().registre()
    expect(registre.texte("Dominique Délégué —")).to_be_visible()
    imprimee(registre, "registre imprimé")

    journal = registre.retour_a_la_protection().journal()
    journal = journal.chercher_personne("referente@exemple.test")
    expect(journal.lignes).to_have_count(1)
    expect(journal.lignes.first).to_contain_text(f"parcours n° {parcours.pk}")
    expect(journal.texte("Zorgheb", exact=False)).to_have_count(0)


def test_le_formulaire_de_consentement_s_imprime_avec_la_notice(page, serveur, controle, connecter):
    a = pre(nom="PRE de Villeneuve")
    cadre_juridique(a.programme, responsable_nom="CCAS de Villeneuve")
    parcours = ParcoursFactory(
        programme=a.programme,
        statut=Statut.EN_COURS,
        enfant=EnfantFactory(programme=a.programme, nom="Zorgheb"),
    )
    titulaire(parcours)
    connecter(a.coordinateur)

    formulaire = PageFormulaireConsentement(page, serveur, controle).ouvrir_pour(parcours)
    expect(formulaire.texte("Responsable du traitement : CCAS de Villeneuve")).to_be_visible()
    imprimee(formulaire, "formulaire de consentement imprimé")
