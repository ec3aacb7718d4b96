"""The legal frame (issue 19): the footer's legal pages, the family notice and the consent
form naming the controller, the DPO, the retention and the rights; the programme's legal
identity kept by its management and its DPO; the register entry and the impact assessment's
inputs; the accessibility mention that follows from the recorded self-audit."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.urls import resolve, reverse

from parcours.models import Statut
from reussite.core import rgaa
from reussite.core.mesures import MESURES
from reussite.core.models import BaseLegale, CadreJuridique, Role
from reussite.core.services import role_attribuer
from tests.conftest import connecter
from tests.factories.core import ProgrammeFactory, UserFactory, cadre_juridique, dpo
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import partenaire, pre, professionnel, titulaire

pytestmark = pytest.mark.django_db

RACINE = Path(settings.BASE_DIR)
PAGES_PUBLIQUES = [
    "juridique:mentions_legales",
    "juridique:donnees_personnelles",
    "juridique:cookies",
    "juridique:plan_du_site",
    "juridique:accessibilite",
]


@pytest.fixture
def a():
    return pre(nom="PRE de Villeneuve")


def _texte(reponse) -> str:
    return " ".join(reponse.content.decode().split())


# --- The footer and the public pages -----------------------------------------------------


def test_le_pied_de_page_mene_a_chaque_page_legale_sans_connexion(client):
    page = client.get(reverse("login")).content.decode()
    pied = page[page.index('<footer class="fr-footer"') :]
    liens = {
        " ".join(texte.split()): href
        for href, texte in re.findall(
            r'<a class="fr-footer__bottom-link"\s+href="([^"]+)">(.*?)</a>', pied, re.S
        )
    }
    assert liens == {
        "Plan du site": reverse("juridique:plan_du_site"),
        # The mention the recorded self-audit gives (reussite/core/rgaa.py), never typed here.
        f"Accessibilité : {rgaa.resultat().mention}": reverse("juridique:accessibilite"),
        "Mentions légales": reverse("juridique:mentions_legales"),
        "Données personnelles": reverse("juridique:donnees_personnelles"),
        "Gestion des cookies": reverse("juridique:cookies"),
    }
    for href in liens.values():
        assert client.get(href).status_code == 200, href


def test_les_pages_legales_s_ouvrent_avant_le_second_facteur(client, a):
    connecter(client, a.coordinateur, verifie=False)
    for nom in PAGES_PUBLIQUES:
        assert client.get(reverse(nom)).status_code == 200, nom
    # Everything else still waits for the second factor.
    assert client.get(reverse("parcours:liste")).status_code == 302


def test_les_mentions_legales_nomment_editeur_directeur_et_hebergeur(client, settings):
    settings.REUSSITE_OPERATEUR = {
        **settings.REUSSITE_OPERATEUR,
        "nom": "Agence fictive de la réussite",
        "directeur_publication": "Camille Exemple",
        "hebergeur_nom": "Nuage fictif SAS",
    }
    texte = _texte(client.get(reverse("juridique:mentions_legales")))
    assert "Réussite est édité par Agence fictive de la réussite." in texte
    assert "Camille Exemple" in texte
    assert "Nuage fictif SAS" in texte


def test_en_production_un_operateur_non_renseigne_est_signale(settings):
    settings.REUSSITE_PRODUCTION = True
    settings.REUSSITE_OPERATEUR = {**settings.REUSSITE_OPERATEUR, "hebergeur_nom": ""}
    avertissements = [m for m in run_checks() if m.id == "reussite.W030"]
    assert len(avertissements) == 1
    assert "hebergeur_nom" in avertissements[0].msg


# --- Personal data: the information of GDPR articles 13-14, per programme -----------------


def test_les_donnees_personnelles_d_un_programme_lisent_son_cadre(client, a, settings):
    settings.REUSSITE_JOURNAL_CONSERVATION_MOIS = 9
    a.programme.conservation_mois = 30
    a.programme.save()
    cadre_juridique(
        a.programme,
        responsable_nom="Caisse des écoles de Villeneuve",
        dpo_email="dpo@villeneuve.exemple.test",
        bases_legales=[BaseLegale.MISSION_PUBLIQUE],
    )

    texte = _texte(
        client.get(reverse("juridique:donnees_personnelles"), {"programme": a.programme.pk})
    )

    assert "Caisse des écoles de Villeneuve" in texte
    assert "dpo@villeneuve.exemple.test" in texte
    assert "article 6.1.e du RGPD" in texte
    assert "article 6.1.a" not in texte  # only the bases the programme relies on
    assert "puis 30 mois après la sortie du programme" in texte
    assert "est conservé 9 mois" in texte
    assert "réclamation à la Commission nationale de l’informatique et des libertés" in texte
    for droit in ("Accès", "Rectification", "Effacement", "Limitation", "Opposition"):
        assert f"<strong>{droit}</strong>" in texte


def test_un_programme_sans_cadre_le_dit_et_un_programme_inconnu_repond_404(client, a):
    texte = _texte(
        client.get(reverse("juridique:donnees_personnelles"), {"programme": a.programme.pk})
    )
    assert "n’a pas encore renseigné son responsable du traitement" in texte

    url = reverse("juridique:donnees_personnelles")
    assert client.get(url, {"programme": 999999}).status_code == 404
    assert client.get(url, {"programme": "abc"}).status_code == 404
    assert client.get(reverse("juridique:notice_familles")).status_code == 404


@pytest.mark.parametrize("nombre", [1, 30])
def test_les_donnees_personnelles_coutent_autant_quel_que_soit_le_nombre_de_programmes(
    client, django_assert_num_queries, nombre
):
    programmes = [ProgrammeFactory(nom=f"PRE numéro {i:02d}") for i in range(nombre)]
    for programme in programmes:
        cadre_juridique(programme)
    url = reverse("juridique:donnees_personnelles")
    # The request's savepoint and its release, the DSFR site configuration, the programme with
    # its legal identity, the programmes offered.
    with django_assert_num_queries(5):
        reponse = client.get(url, {"programme": programmes[-1].pk})
    assert reponse.status_code == 200
    # The DSFR configuration is then kept for a minute (issue 18, point 3).
    with django_assert_num_queries(3):
        client.get(url)
    with django_assert_num_queries(3):
        client.get(url, {"recherche": "numero"})


def _proposes(reponse) -> list[str]:
    page = reponse.content.decode()
    choix = page[page.index('id="choix-programme"') : page.index("</select>")]
    return re.findall(r"<option [^>]*>([^<]+)</option>", choix)


def test_les_donnees_personnelles_proposent_vingt_programmes_et_cherchent_les_autres(client):
    """A platform of 500 programmes sent 500 options on every visit (issue 18, point 2): the
    page offers the first 20 and finds the others by name, territory or commune."""
    for i in range(25):
        ProgrammeFactory(nom=f"PRE numéro {i:02d}")
    lointain = ProgrammeFactory(nom="Programme Zénith", territoire="Saint-Étienne-du-Rouvray")
    url = reverse("juridique:donnees_personnelles")

    reponse = client.get(url)
    assert _proposes(reponse) == [f"PRE numéro {i:02d}" for i in range(20)]
    assert "Les 20 premiers programmes par ordre alphabétique sont proposés" in _texte(reponse)

    reponse = client.get(url, {"recherche": "saint etienne"})
    assert _proposes(reponse) == ["Programme Zénith"]
    assert "1 programme correspond à « saint etienne »." in _texte(reponse)
    # The choice keeps the search, so that the list stays the same after it.
    assert (
        '<input type="hidden" name="recherche" value="saint etienne">' in reponse.content.decode()
    )

    reponse = client.get(url, {"recherche": "numero"})
    assert len(_proposes(reponse)) == 20
    assert "Plus de 20 programmes correspondent à « numero »" in _texte(reponse)

    reponse = client.get(url, {"recherche": "introuvable"})
    assert "Aucun programme ne correspond à « introuvable »." in _texte(reponse)
    assert 'id="choix-programme"' not in reponse.content.decode()

    # The programme a link names (the family notice, the DPO's page) is offered and selected
    # even beyond the first 20.
    reponse = client.get(url, {"programme": lointain.pk})
    assert _proposes(reponse)[0] == "Programme Zénith"
    assert (
        f'<option value="{lointain.pk}" selected>Programme Zénith</option>'
        in reponse.content.decode()
    )
    assert len(_proposes(reponse)) == 21


# --- The family notice and the consent form ----------------------------------------------


def test_la_notice_des_familles_est_simple_et_telechargeable(client, a):
    a.programme.conservation_mois = 18
    a.programme.save()
    cadre_juridique(a.programme, contact_familles="Accueil du PRE, 3 rue des Écoles")

    texte = _texte(client.get(reverse("juridique:notice_familles"), {"programme": a.programme.pk}))
    assert "puis 18 mois après la fin" in texte
    assert "Accueil du PRE, 3 rue des Écoles" in texte
    assert "Nous répondons dans un délai d’un mois." in texte
    assert "CNIL" in texte

    pdf = client.get(reverse("juridique:notice_familles_pdf"), {"programme": a.programme.pk})
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def _parcours(a):
    parcours = ParcoursFactory(
        programme=a.programme,
        statut=Statut.EN_COURS,
        enfant=EnfantFactory(programme=a.programme, nom="Quillanet"),
    )
    titulaire(parcours)
    return parcours


def test_le_formulaire_de_consentement_nomme_responsable_delegue_conservation_et_droits(client, a):
    a.programme.conservation_mois = 36
    a.programme.save()
    cadre_juridique(
        a.programme, responsable_nom="CCAS de Villeneuve", dpo_email="dpo@villeneuve.exemple.test"
    )
    parcours = _parcours(a)
    connecter(client, a.coordinateur)

    texte = _texte(client.get(reverse("parcours:consentement_formulaire", args=[parcours.pk])))

    assert "Responsable du traitement : CCAS de Villeneuve" in texte
    assert "dpo@villeneuve.exemple.test" in texte
    assert "puis 36 mois après la fin" in texte
    assert "retirer votre accord à tout moment, et vous plaindre à la CNIL" in texte
    # The notice is printed with the form.
    assert "Notice : vos informations au programme de réussite éducative" in texte

    pdf = client.get(reverse("parcours:consentement_formulaire_pdf", args=[parcours.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_le_pdf_du_consentement_est_refuse_a_qui_ne_voit_pas_le_parcours(client, a):
    parcours = _parcours(a)
    connecter(client, professionnel(partenaire(a.programme)).user)
    url = reverse("parcours:consentement_formulaire_pdf", args=[parcours.pk])
    assert client.get(url).status_code == 404


# --- The programme's legal identity ------------------------------------------------------


def _corps(**changements):
    return {
        "cadre-responsable_nom": "CCAS de Villeneuve",
        "cadre-responsable_type": "ccas",
        "cadre-responsable_adresse": "1 place de la Mairie",
        "cadre-responsable_representant": "",
        "cadre-dpo_nom": "Délégué mutualisé",
        "cadre-dpo_email": "dpo@villeneuve.exemple.test",
        "cadre-dpo_adresse": "",
        "cadre-bases_legales": ["mission_publique", "consentement"],
        "cadre-destinataires": "Les partenaires nommés dans le consentement.",
        "cadre-contact_familles": "Coordination du PRE",
        "cadre-contact_familles_email": "",
        **changements,
    }


@pytest.mark.parametrize("role", ["coordinateur", "dpo"])
def test_la_gestion_et_le_dpo_renseignent_puis_modifient_le_cadre(client, a, role):
    user = a.coordinateur if role == "coordinateur" else dpo(a.programme)
    connecter(client, user)
    url = reverse("programmes:cadre_juridique", args=[a.programme.pk])

    assert client.get(url).status_code == 200
    reponse = client.post(url, {**_corps(), "version": "0"})
    assert reponse.status_code == 302, reponse.content.decode()[:3000]
    cadre = CadreJuridique.objects.get(programme=a.programme)
    assert cadre.version == 1
    assert cadre.bases_legales == ["mission_publique", "consentement"]

    reponse = client.post(url, {**_corps(**{"cadre-dpo_nom": "Nouveau délégué"}), "version": "1"})
    assert reponse.status_code == 302
    cadre.refresh_from_db()
    assert (cadre.dpo_nom, cadre.version) == ("Nouveau délégué", 2)


def test_une_version_perimee_est_un_conflit_et_ne_change_rien(client, a):
    cadre_juridique(a.programme, dpo_nom="Délégué d’origine")
    connecter(client, a.coordinateur)
    url = reverse("programmes:cadre_juridique", args=[a.programme.pk])

    perime = client.post(url, {**_corps(**{"cadre-dpo_nom": "Écrasé"}), "version": "0"})
    assert perime.status_code == 409
    assert "Écrasé" in perime.content.decode()  # what was typed is kept
    assert CadreJuridique.objects.get(programme=a.programme).dpo_nom == "Délégué d’origine"


def test_le_cadre_refuse_une_saisie_incomplete_et_garde_ce_qui_est_tape(client, a):
    connecter(client, a.coordinateur)
    url = reverse("programmes:cadre_juridique", args=[a.programme.pk])
    reponse = client.post(
        url,
        {
            **_corps(**{"cadre-bases_legales": [], "cadre-dpo_email": "pas-une-adresse"}),
            "version": "0",
        },
    )
    texte = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Cochez au moins une base légale." in texte
    assert "CCAS de Villeneuve" in texte
    assert not CadreJuridique.objects.exists()


def _pilote(programme):
    user = UserFactory()
    role_attribuer(user=user, programme=programme, role=Role.PILOTAGE)
    return user


@pytest.mark.parametrize(
    "qui", ["anonyme", "partenaire", "pilotage", "autre_coordination", "autre_dpo"]
)
def test_les_pages_juridiques_d_un_programme_404_pour_les_autres(client, a, qui):
    cadre_juridique(a.programme, dpo_nom="Délégué d’origine")
    if qui == "partenaire":
        connecter(client, professionnel(a.porteuse).user)
    elif qui == "pilotage":
        connecter(client, _pilote(a.programme))
    elif qui == "autre_coordination":
        connecter(client, pre(nom="Autre PRE").coordinateur)
    elif qui == "autre_dpo":
        connecter(client, dpo(pre(nom="Autre PRE").programme))
    noms = ["cadre_juridique", "registre", "registre_pdf", "aipd"]
    for nom in noms:
        url = reverse(f"programmes:{nom}", args=[a.programme.pk])
        for reponse in (client.get(url), client.post(url, {**_corps(), "version": "1"})):
            if qui == "anonyme":
                assert reponse.status_code == 302 and reponse.url.startswith(reverse("login"))
            else:
                assert reponse.status_code in (404, 405), (nom, reponse.status_code)
                if nom == "cadre_juridique":
                    assert reponse.status_code == 404
    assert CadreJuridique.objects.get(programme=a.programme).dpo_nom == "Délégué d’origine"


# --- The DPO's documents --------------------------------------------------------------------


def test_le_dpo_arrive_sur_l_espace_juridique_et_lit_registre_et_aipd(client, a):
    cadre_juridique(a.programme, responsable_nom="CCAS de Villeneuve")
    delegue = dpo(a.programme)
    connecter(client, delegue)  # the login signal sets the header's flag

    accueil = client.get(reverse("accueil"))
    assert accueil.status_code == 302 and accueil.url == reverse("programmes:protection")
    espace = _texte(client.get(reverse("programmes:protection")))
    assert "PRE de Villeneuve" in espace

    registre = _texte(client.get(reverse("programmes:registre", args=[a.programme.pk])))
    assert "CCAS de Villeneuve" in registre
    assert "tests/core/test_trace.py" in registre  # each measure names where it is tested
    pdf = client.get(reverse("programmes:registre_pdf", args=[a.programme.pk]))
    assert pdf.content.startswith(b"%PDF")
    aipd = _texte(client.get(reverse("programmes:aipd", args=[a.programme.pk])))
    assert "Flux de données" in aipd


def test_la_connexion_d_un_dpo_affiche_le_lien_du_menu(client, a):
    from django.test import RequestFactory

    from reussite.core.signals import noter_acces_protection

    requete = RequestFactory().get("/")
    requete.session = client.session
    noter_acces_protection(sender=None, request=requete, user=dpo(a.programme))
    assert requete.session["nav_protection"] is True
    requete.session = client.session
    noter_acces_protection(sender=None, request=requete, user=professionnel(a.porteuse).user)
    assert requete.session["nav_protection"] is False


@pytest.mark.parametrize("nombre", [1, 12])
def test_l_espace_juridique_coute_autant_avec_un_ou_plusieurs_programmes(
    client, django_assert_num_queries, nombre
):
    delegue = UserFactory()
    for i in range(nombre):
        programme = ProgrammeFactory(nom=f"PRE juridique {i:02d}")
        role_attribuer(user=delegue, programme=programme, role=Role.DPO)
        if i % 2:
            cadre_juridique(programme)
    connecter(client, delegue)
    client.get(reverse("programmes:protection"))  # warm the session and the device
    with django_assert_num_queries(REQUETES_ESPACE):
        reponse = client.get(reverse("programmes:protection"))
    page = reponse.content.decode()
    assert page.count("Fiche du registre des traitements") == nombre
    # Programmes without a legal identity say so (every other one of them here).
    assert page.count("Le cadre juridique n’est pas renseigné") == (nombre + 1) // 2


# The session and the user; the request's savepoint, the programmes with their legal identity
# (one query, whatever their number), its release. Since issue 18, point 3, no session save (it
# is renewed at most once a minute) and no DSFR configuration (read once a minute per process).
REQUETES_ESPACE = 5


def test_chaque_mesure_de_securite_nomme_un_fichier_de_test_existant():
    for mesure, preuve in MESURES:
        assert (RACINE / preuve).is_file(), (mesure, preuve)


# --- Accessibility: the self-audit and the mention it gives ------------------------------


def test_la_mention_d_accessibilite_suit_la_regle_du_rgaa():
    def critere(resultat, numero="1.1"):
        return rgaa.Critere(numero, "x", "manuelle", resultat, "y")

    # Criteria met / applicable criteria; « totalement » only for a grid covering the whole
    # referential, at 100 %.
    assert rgaa.calculer([critere(rgaa.CONFORME)] * 4, referentiel=4).statut == "totalement"
    assert rgaa.calculer([critere(rgaa.CONFORME)] * 4).statut == "partiellement"
    partiel = rgaa.calculer([critere(rgaa.CONFORME)] * 3 + [critere(rgaa.NON_CONFORME)] * 2)
    assert (partiel.taux, partiel.statut) == (60, "partiellement")
    faible = rgaa.calculer([critere(rgaa.CONFORME)] + [critere(rgaa.NON_CONFORME)] * 2)
    assert faible.statut == "non"
    # A criterion nobody checked: no complete audit, hence « non conforme ».
    incomplet = rgaa.calculer([critere(rgaa.CONFORME)] * 5 + [critere(rgaa.NON_EVALUE)])
    assert (incomplet.taux, incomplet.complet, incomplet.statut) == (100, False, "non")
    assert rgaa.calculer([critere(rgaa.NON_APPLICABLE)]).statut == "non"
    # Not applicable criteria leave the rate; the automatic axe row is not an RGAA criterion.
    avec_na = rgaa.calculer(
        [critere(rgaa.CONFORME)] * 3
        + [critere(rgaa.NON_APPLICABLE), critere(rgaa.NON_CONFORME), critere("x", "axe")]
    )
    assert (avec_na.taux, avec_na.applicables, avec_na.couverture) == (75, 4, 5)


def test_le_resultat_de_l_audit_enregistre():
    """The recorded audit: the 20 pages, every criterion of the grid evaluated, its rate."""
    resultat = rgaa.resultat()
    assert len(resultat.echantillon) == 20
    assert resultat.complet
    assert resultat.taux == resultat.conformes * 100 // resultat.applicables
    assert resultat.statut == ("partiellement" if resultat.taux >= 50 else "non")


def test_la_declaration_cite_le_taux_l_echantillon_et_les_recours(client, monkeypatch):
    resultat = rgaa.resultat()
    texte = _texte(client.get(reverse("juridique:accessibilite")))
    assert (
        f"donne un taux de conformité de {resultat.taux} % : {resultat.conformes} critères "
        f"respectés sur {resultat.applicables} critères applicables évalués"
    ) in texte
    assert f"Réussite est {resultat.mention} avec le RGAA." in texte
    assert f"Cette déclaration a été établie le {resultat.date:%d/%m/%Y}" in texte
    assert "Défenseur des droits" in texte
    for nom, _adresse, raison in resultat.echantillon:
        assert str(nom) in texte and str(raison)[1:] in texte
    for critere in resultat.criteres:
        assert str(critere.intitule) in texte
    assert "Aucune non-conformité n’est connue" in texte

    # The statement and the footer read the module: a non-conformity recorded there shows on
    # the page and moves the rate and the mention, with nothing changed in the template.
    echec = rgaa.Critere("11.10", "Erreurs reliées", "automatique", rgaa.NON_CONFORME, "z")
    ecart = rgaa.NonConformite("/parcours/nouveau/", "11.10", "Message d’erreur isolé.")
    derogation = rgaa.NonConformite("/parcours/statistiques/", "1.3", "Carte.", derogation=True)
    monkeypatch.setattr(rgaa, "CRITERES", [*rgaa.CRITERES[:3], echec])
    monkeypatch.setattr(rgaa, "NON_CONFORMITES", [ecart, derogation])
    modifie = rgaa.resultat()
    assert modifie.taux == 66 and modifie.statut == "partiellement"
    texte = _texte(client.get(reverse("juridique:accessibilite")))
    assert "donne un taux de conformité de 66 % : 2 critères respectés sur 3" in texte
    assert "/parcours/nouveau/, critère 11.10 : Message d’erreur isolé." in texte
    assert "/parcours/statistiques/, critère 1.3 : Carte." in texte
    monkeypatch.setattr(rgaa, "CRITERES", [rgaa.CRITERES[1], echec, echec])
    texte = _texte(client.get(reverse("juridique:accessibilite")))
    assert "Réussite est non conforme avec le RGAA." in texte
    assert "Accessibilité : non conforme" in texte


def test_l_echantillon_rgaa_a_titre_et_h1(client, a):
    """Criteria 8.5 and 9.1 on the sample: each page has a title naming it and the site, and
    one level-1 heading."""
    parcours = _parcours(a)
    connecter(client, a.coordinateur)
    for _nom, adresse, _raison in rgaa.ECHANTILLON:
        url = adresse.replace("<n>", str(parcours.pk))
        resolve(url)
        reponse = client.get(url, follow=True)
        assert reponse.status_code == 200, (url, reponse.status_code)
        html = reponse.content.decode()
        titre = " ".join(html[html.index("<title>") + 7 : html.index("</title>")].split())
        assert titre.endswith("— Réussite") and len(titre) > len("— Réussite") + 2, (url, titre)
        assert html.count("<h1") == 1, (url, html.count("<h1"))


def test_le_document_d_audit_cite_le_module():
    """docs/accessibilite/audit-rgaa.md copies the recorded audit: it must follow the module
    the statement and the footer read (date, rate, mention, sample, grid, non-conformities)."""
    resultat = rgaa.resultat()
    document = (RACINE / "docs" / "accessibilite" / "audit-rgaa.md").read_text(encoding="utf-8")
    assert f"**Date de l’audit :** {resultat.date:%d/%m/%Y}" in document
    assert (
        f"**Taux de conformité :** {resultat.taux} % ({resultat.conformes} critères respectés "
        f"sur {resultat.applicables} critères applicables évalués"
    ) in document
    assert f"Réussite est **{resultat.mention}** avec le RGAA" in document
    for nom, adresse, raison in resultat.echantillon:
        assert f"| {nom} | `{adresse}` | {raison} |" in document
    for critere in resultat.criteres:
        assert f"| {critere.numero} | {critere.intitule} |" in document
        assert f"| {critere.resultat_libelle} |" in document
    for ecart in resultat.non_conformites + resultat.derogations:
        assert f"`{ecart.page}`, critère {ecart.critere} : {ecart.description}" in document
