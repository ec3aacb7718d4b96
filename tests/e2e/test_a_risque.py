"""The pathways at risk in a browser (issue 15, point 16): a coordinator narrows the list by
reason and sorts it, and the rows follow without a page reload."""

from datetime import date, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from parcours.models import Parcours, Rupture, Statut
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import pre

from .pages_journal import PageARisque


def _parcours(a, prenom, nom, *, jours_sans_activite=0, revue=None):
    parcours = ParcoursFactory(
        programme=a.programme,
        statut=Statut.EN_COURS,
        date_prochaine_revue=revue,
        enfant=EnfantFactory(programme=a.programme, prenom=prenom, nom=nom),
    )
    Parcours.objects.filter(pk=parcours.pk).update(
        derniere_activite=timezone.now() - timedelta(days=jours_sans_activite)
    )
    return parcours


def test_le_coordinateur_filtre_et_trie_les_parcours_a_risque(page, connecter, controle):
    a = pre(nom="PRE de Villeneuve")
    _parcours(a, "Lou", "Tranquille", jours_sans_activite=200)
    _parcours(a, "Inès", "Attente", revue=date.today() - timedelta(days=15))
    rompu = _parcours(a, "Marius", "Brisé")
    Rupture.objects.create(parcours=rompu, type="exclusion", date=date.today())
    _parcours(a, "Zoé", "Sereine")  # nothing at risk
    tableau = connecter(a.coordinateur)

    a_risque = PageARisque.depuis_le_menu(tableau)

    expect(a_risque.legende).to_contain_text("3 parcours à risque")
    assert a_risque.noms() == ["Inès Attente", "Marius Brisé", "Lou Tranquille"]
    a_risque.choisir("Motif", "Revue en EPS en retard", 1)
    expect(a_risque.lignes).to_contain_text("Revue en retard depuis le")
    assert "motif=revue_depassee" in a_risque.adresse  # the filtered list has its own address
    a_risque.choisir("Motif", "Tous", 3)
    a_risque.choisir("Trier par", "Dernière activité (la plus ancienne d’abord)", 3)
    # The sorted fragment replaces the list: wait for it rather than read the old order.
    expect(a_risque.lignes.first).to_contain_text("Lou Tranquille")
    assert a_risque.noms()[0] == "Lou Tranquille"
    expect(a_risque.lignes.first).to_contain_text("Aucune activité depuis plus de")
