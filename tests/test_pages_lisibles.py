"""Smaller things a user stumbled on (issue 15, point 19): sort options that read alike, a
three-way « Inconnu / Oui / Non » for a yes-or-nothing filter, a past review announced as
« prévue », names written in two orders, « Qui a consulté » growing with every reload."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from parcours.forms import ParcoursFilter
from parcours.models import Parcours, Statut
from tests.conftest import connecter
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import pre

pytestmark = pytest.mark.django_db


@pytest.fixture
def a():
    return pre(nom="PRE Lisible")


def test_les_options_de_tri_de_la_liste_se_distinguent():
    choix = list(ParcoursFilter({}, queryset=Parcours.objects.none()).form.fields["tri"].choices)
    libelles = [str(libelle) for _valeur, libelle in choix]
    assert len(set(libelles)) == len(libelles)
    # Ascending options used to fall back to the bare parameter: « Entree », « Revue ».
    assert not {"Entree", "Revue", "Statut", "Nom"} & set(libelles)
    assert dict(choix)["entree"] == "Date d’entrée (plus ancienne)"
    assert dict(choix)["-entree"] == "Date d’entrée (plus récente)"


def test_le_tri_departage_par_nom_de_famille(client, a):
    entree = date.today() - timedelta(days=10)
    for nom in ("Charles", "Albert", "Bernard"):
        ParcoursFactory(programme=a.programme, enfant__nom=nom, date_entree=entree)
    connecter(client, a.coordinateur)
    reponse = client.get(reverse("parcours:liste"), {"tri": "entree"})
    assert [p.enfant.nom for p in reponse.context["page"]] == ["Albert", "Bernard", "Charles"]


def test_disponibles_aujourd_hui_est_une_case_a_cocher(client, a):
    connecter(client, a.coordinateur)
    contenu = client.get(reverse("partenaires:offres")).content.decode()
    assert 'type="checkbox" name="disponible"' in contenu
    assert "Inconnu" not in contenu
    coche = client.get(reverse("partenaires:offres"), {"disponible": "on"})
    assert coche.context["filtre"].form.cleaned_data["disponible"] is True


def test_une_revue_passee_est_en_retard_et_non_prevue(client, a):
    passee = date.today() - timedelta(days=12)
    parcours = ParcoursFactory(
        programme=a.programme, statut=Statut.EN_COURS, date_prochaine_revue=passee
    )
    future = ParcoursFactory(
        programme=a.programme,
        statut=Statut.EN_COURS,
        date_prochaine_revue=date.today() + timedelta(days=12),
    )
    connecter(client, a.coordinateur)
    attendu = f"Revue en retard depuis le {passee:%d/%m/%Y}"
    for url in (
        reverse("accueil"),
        reverse("parcours:liste"),
        reverse("parcours:detail", args=[parcours.pk]),
    ):
        contenu = client.get(url).content.decode()
        assert attendu in contenu, url
        assert "fr-tag" in contenu[contenu.index(attendu) - 200 : contenu.index(attendu)], url
        assert f"Revue prévue le {passee:%d/%m/%Y}" not in contenu, url
    detail = client.get(reverse("parcours:detail", args=[future.pk])).content.decode()
    assert "Revue en retard" not in detail
    assert f"{future.date_prochaine_revue:%d/%m/%Y}" in detail
