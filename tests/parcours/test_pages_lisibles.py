"""Smaller things a user stumbled on (issue 15, point 19): sort options that read alike, a
three-way « Inconnu / Oui / Non » for a yes-or-nothing filter, a past review announced as
« prévue », names written in two orders, « Qui a consulté » growing with every reload."""

from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from parcours.filters import ParcoursFilter
from parcours.models import Parcours, Statut
from reussite.core.models import Evenement, TraceAcces
from reussite.core.noms import nom_complet, nom_complet_texte
from reussite.core.trace import ALIAS as TRACE
from reussite.core.trace import tracer
from tests.conftest import connecter
from tests.factories.core import UserFactory
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


# --- Who consulted this file ----------------------------------------------------------------


def _lectures(parcours) -> int:
    return (
        TraceAcces.objects.using(TRACE)
        .filter(
            content_type=ContentType.objects.get_for_model(Parcours),
            object_id=parcours.pk,
            evenement=Evenement.LECTURE,
        )
        .count()
    )


def test_qui_a_consulte_regroupe_les_lectures_d_une_personne_dans_la_journee(client, a):
    parcours = ParcoursFactory(programme=a.programme, statut=Statut.EN_COURS)
    lecteur = UserFactory(first_name="Léa", last_name="Relecture")
    TraceAcces.objects.using(TRACE).create(
        le=timezone.now() - timedelta(days=1),
        user_id=lecteur.pk,
        evenement=Evenement.LECTURE,
        autorise=True,
        content_type=ContentType.objects.get_for_model(Parcours),
        object_id=parcours.pk,
        programme_id=parcours.programme_id,
    )
    for _ in range(4):
        tracer(user=lecteur, evenement=Evenement.LECTURE, autorise=True, objet=parcours)
    url = reverse("parcours:historique", args=[parcours.pk])
    connecter(client, a.coordinateur)
    for _ in range(3):
        client.get(url)

    reponse = client.get(url)

    # Every read stays in the trail: 5 by the reader, 4 by the coordinator.
    assert _lectures(parcours) == 9
    lignes = [(e["qui"], e["nombre"]) for e in reponse.context["consultations"]]
    assert lignes.count((nom_complet(a.coordinateur), 4)) == 1
    assert lignes.count((nom_complet(lecteur), 4)) == 1  # today
    assert lignes.count((nom_complet(lecteur), 1)) == 1  # yesterday, a line of its own
    assert len(lignes) == 3
    assert " à " in reponse.content.decode().split("titre-consultations")[-1]


@pytest.mark.parametrize("lectures", [1, 40])
def test_qui_a_consulte_coute_autant_quel_que_soit_le_nombre_de_lectures(
    client, a, django_assert_num_queries, lectures
):
    parcours = ParcoursFactory(programme=a.programme, statut=Statut.EN_COURS)
    for lecteur in UserFactory.create_batch(3):
        for _ in range(lectures):
            tracer(user=lecteur, evenement=Evenement.LECTURE, autorise=True, objet=parcours)
    connecter(client, a.coordinateur)
    url = reverse("parcours:historique", args=[parcours.pk])
    client.get(url)

    # This read's entry, then the grouped list.
    with django_assert_num_queries(2, connection=connections[TRACE]):
        reponse = client.get(url)

    assert [e["nombre"] for e in reponse.context["consultations"]][1:] == [lectures] * 3


# --- « Prénom NOM » -------------------------------------------------------------------------


def test_nom_complet_ecrit_prenom_puis_nom_en_capitales():
    from tests.factories.parcours import EnfantFactory

    enfant = EnfantFactory.build(prenom="Anaïs", nom="Albert")
    assert nom_complet(enfant) == 'Anaïs\u00a0<span class="reussite-nom-famille">Albert</span>'
    assert nom_complet_texte(enfant) == "Anaïs ALBERT"
    user = UserFactory.build(first_name="Léo", last_name="<b>Durand</b>")
    assert (
        nom_complet(user)
        == 'Léo\u00a0<span class="reussite-nom-famille">&lt;b&gt;Durand&lt;/b&gt;</span>'
    )


def test_les_pages_ecrivent_prenom_nom_partout(client, a):
    parcours = ParcoursFactory(
        programme=a.programme,
        statut=Statut.EN_COURS,
        enfant__prenom="Anaïs",
        enfant__nom_de_famille="Albert",
        date_prochaine_revue=date.today() - timedelta(days=3),
    )
    Parcours.objects.filter(pk=parcours.pk).update(
        derniere_activite=timezone.now() - timedelta(days=400)
    )
    enfant = parcours.enfant
    connecter(client, a.coordinateur)
    for url in (
        reverse("accueil"),
        reverse("parcours:liste"),
        reverse("parcours:a_risque"),
        reverse("parcours:detail", args=[parcours.pk]),
    ):
        contenu = client.get(url).content.decode()
        assert str(nom_complet(enfant)) in contenu, url
        # Never « Albert Anaïs » as the list wrote it.
        assert f"{enfant.nom} {enfant.prenom}" not in contenu, url
    titre = client.get(reverse("parcours:detail", args=[parcours.pk])).content.decode()
    titre = " ".join(titre[titre.index("<title>") : titre.index("</title>")].split())
    assert f"Parcours de Anaïs {enfant.nom.upper()}" in titre
