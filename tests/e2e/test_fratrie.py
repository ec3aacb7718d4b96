"""Siblings in Chromium (issue 15, point 18): from a child's pathway page, the coordinator adds
a brother to the family, typing only the child and the pathway, then sees both children on the
family's page. axe-core runs on every page reached."""

from datetime import date, timedelta

from playwright.sync_api import expect

from parcours.models import Enfant, Famille, ResponsableLegal
from tests.factories.core import ProgrammeFactory, coordinateur
from tests.factories.parcours import ParcoursFactory, ResponsableLegalFactory
from tests.factories.partenaires import structure_porteuse

from .pages_fratrie import PageParcoursFamille


def test_un_coordinateur_ajoute_un_frere_depuis_le_parcours_puis_voit_la_fratrie(
    page, serveur, controle, connecter
):
    programme = ProgrammeFactory(nom="PRE de Villeneuve")
    structure_porteuse(programme)
    coordinatrice = coordinateur(programme, first_name="Camille", last_name="Durand")
    eloise = ParcoursFactory(
        programme=programme,
        enfant__nom="Lefèvre",
        enfant__prenom="Éloïse",
        enfant__quartier="Les Tilleuls",
        enfant__qpv=True,
    )
    famille = eloise.enfant.famille
    ResponsableLegalFactory(famille=famille, nom="Lefèvre", prenom="Nadia")

    connecter(coordinatrice)
    fiche = PageParcoursFamille.ouvrir_pour(
        page, serveur, controle, eloise, "Éloïse Lefèvre", "parcours de l’aînée"
    )

    ajout = fiche.ajouter_un_enfant_a_la_famille()
    # Prefilled from the family: the name and the neighbourhood; the guardian is shown, not asked.
    expect(ajout.champ_enfant("Nom")).to_have_value("Lefèvre")
    expect(ajout.champ_enfant("Quartier")).to_have_value("Les Tilleuls")
    expect(ajout.region("La famille")).to_contain_text("Nadia")
    ajout.saisir_enfant("Malo", date.today() - timedelta(days=365 * 6 + 30), "Garçon")
    ajout.saisir_parcours("Famille", "Langage")
    controle.page_verifiee("formulaire du frère rempli")

    malo = ajout.creer("Malo Lefèvre")
    expect(malo.messages).to_contain_text("l’enfant est rattaché à sa famille")
    expect(malo.statut).to_have_text("Repérage")

    fratrie = malo.voir_la_famille()
    expect(fratrie.enfants).to_have_count(2)
    expect(fratrie.enfants.nth(0)).to_contain_text("Éloïse")
    expect(fratrie.enfants.nth(1)).to_contain_text("Malo")

    frere = Enfant.objects.get(prenom="Malo")
    assert frere.famille_id == famille.pk
    assert Famille.objects.count() == 1
    assert ResponsableLegal.objects.filter(famille=famille).count() == 1
