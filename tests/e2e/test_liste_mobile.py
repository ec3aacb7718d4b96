"""The pathway list on a 390 px phone (issue 15, point 19): the status and the référent of each
child are on screen, not past the right edge of a table that scrolls sideways."""

from datetime import date, timedelta

from playwright.sync_api import expect

from parcours.models import Statut
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import pre, professionnel

from .pages import PageListeParcours

LARGEUR = 390


def _dans_l_ecran(cellule) -> None:
    expect(cellule).to_be_visible()
    boite = cellule.bounding_box()
    assert boite is not None and boite["x"] >= 0 and boite["x"] + boite["width"] <= LARGEUR, boite


def test_la_liste_montre_statut_et_referent_sur_un_telephone(page, connecter, serveur, controle):
    a = pre(nom="PRE de Villeneuve")
    referente = professionnel(a.porteuse, user__first_name="Maëlle", user__last_name="Deschamps")
    ParcoursFactory(
        programme=a.programme,
        statut=Statut.EN_COURS,
        referent=referente,
        enfant=EnfantFactory(
            programme=a.programme, prenom="Anaïs", nom="Albert-Delacroix-Montgolfier"
        ),
        date_prochaine_revue=date.today() - timedelta(days=20),
    )
    ParcoursFactory(
        programme=a.programme,
        statut=Statut.DIAGNOSTIC,
        enfant=EnfantFactory(programme=a.programme, prenom="Bastien", nom="Bernard"),
    )
    liste = PageListeParcours(page, serveur, controle).redimensionner(LARGEUR, 844)
    connecter(a.coordinateur)
    liste = liste.ouvrir_adresse(serveur + PageListeParcours.chemin, "liste sur un téléphone")

    expect(liste.resultats).to_have_count(2)
    _dans_l_ecran(liste.cellule("Albert", "Statut"))
    expect(liste.cellule("Albert", "Statut")).to_contain_text("En cours")
    _dans_l_ecran(liste.cellule("Albert", "Référent"))
    expect(liste.cellule("Albert", "Référent")).to_contain_text("Maëlle Deschamps")
    _dans_l_ecran(liste.cellule("Albert", "Prochaine revue"))
    expect(liste.cellule("Albert", "Prochaine revue")).to_contain_text("Revue en retard depuis le")
    _dans_l_ecran(liste.cellule("Bernard", "Statut"))
    _dans_l_ecran(liste.cellule("Bernard", "Référent"))
    expect(liste.cellule("Bernard", "Référent")).to_contain_text("À désigner")
    # « Prénom NOM »: the family name is set in capitals on screen.
    lien = liste.lien_enfant("Anaïs Albert-Delacroix-Montgolfier")
    expect(lien.locator(".reussite-nom-famille")).to_have_css("text-transform", "uppercase")
    # Nothing scrolls sideways.
    assert liste.largeur_du_document() <= LARGEUR
