"""Pages fixed by issue 18 (every page fast at national scale): their results, and their query
counts pinned with few and many rows. Speed itself is measured by reussite/devtools/bench_site.py,
never here."""

from datetime import timedelta

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parcours.models import Action, Examen, Parcours
from parcours.services import reunion_planifier
from reussite.core.models import Evenement, TraceAcces
from reussite.core.pagination import PaginationDifferee
from reussite.core.trace import ALIAS
from tests.conftest import connecter
from tests.factories import actions as fabrique_actions
from tests.factories.core import UserFactory
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import partenaire, pre, professionnel

pytestmark = pytest.mark.django_db(databases=["default", ALIAS])


def _parcours(equipe, nom):
    return ParcoursFactory(
        programme=equipe.programme,
        statut="en_cours",
        enfant=EnfantFactory(programme=equipe.programme, nom=nom),
    )


# --- Staff's access trail (admin) -------------------------------------------------------------


def _traces(nombre):
    from django.contrib.contenttypes.models import ContentType

    types = list(ContentType.objects.order_by("pk")[:5])
    TraceAcces.objects.using(ALIAS).bulk_create(
        TraceAcces(
            user_id=i,
            evenement=Evenement.LECTURE,
            autorise=True,
            content_type=types[i % len(types)],
            object_id=i,
            page=f"/parcours/{i}/",
        )
        for i in range(nombre)
    )


@pytest.mark.parametrize("nombre", [3, 60])
def test_la_piste_d_audit_de_l_administration_coute_autant_avec_3_ou_60_lignes(
    django_assert_num_queries, nombre
):
    """One content-type query per row before (99 queries for a page); no DISTINCT over every
    date of the trail (no date_hierarchy)."""
    _traces(nombre)
    client = connecter(Client(), UserFactory(is_staff=True, is_superuser=True))
    # Filtered on reads: the login itself writes a trail row.
    url = reverse("admin:core_traceacces_changelist") + "?evenement__exact=lecture"
    client.get(url)

    with django_assert_num_queries(2, connection=connections[ALIAS]) as requetes:
        reponse = client.get(url)

    assert reponse.status_code == 200
    assert len(reponse.context["cl"].result_list) == nombre
    assert not any("DISTINCT" in q["sql"] for q in requetes.captured_queries)
    # Newest first, as the trail is read.
    dates = [t.le for t in reponse.context["cl"].result_list]
    assert dates == sorted(dates, reverse=True)


# --- EPS meetings list ------------------------------------------------------------------------


@pytest.mark.parametrize("nombre", [1, 8])
def test_la_liste_des_reunions_eps_coute_autant_avec_1_ou_8_reunions(
    django_assert_num_queries, nombre
):
    equipe = pre(nom="PRE EPS")
    autre = pre(nom="PRE ailleurs")
    structure = partenaire(equipe.programme)
    invitee = professionnel(structure)
    dossiers = [_parcours(equipe, f"Enfant{i}") for i in range(3)]
    for i in range(nombre):
        reunion_planifier(
            programme=equipe.programme,
            date_heure=timezone.now() + timedelta(days=i + 1),
            lieu="Salle",
            invites=[invitee] if i == 0 else [],
            parcours=dossiers[: 1 + i % 3],
            auteur=equipe.coordinateur,
        )
    reunion_planifier(
        programme=autre.programme,
        date_heure=timezone.now() + timedelta(days=1),
        lieu="Ailleurs",
        invites=[],
        parcours=[_parcours(autre, "Autre")],
        auteur=autre.coordinateur,
    )
    client = connecter(Client(), equipe.coordinateur)
    url = reverse("parcours:eps_liste")
    client.get(url)

    # 7 since issue 18, point 3: no session save, the DSFR configuration kept for a minute.
    with django_assert_num_queries(7):
        reponse = client.get(url)

    a_venir = reponse.context["a_venir"]
    assert len(a_venir) == nombre  # never the other programme's meeting
    for reunion in a_venir:
        assert reunion.nombre_examens == Examen.objects.filter(reunion=reunion).count()
        assert reunion.equipe is True
    # The invited partner sees the meeting they are invited to, and only that one.
    invitee_client = connecter(Client(), invitee.user)
    vues = invitee_client.get(url).context["a_venir"]
    assert [(r.lieu, r.equipe, r.nombre_examens) for r in vues] == [("Salle", False, 1)]


def test_les_reunions_visibles_sont_lues_par_tableau_d_identifiants():
    """`pk = ANY(ARRAY(… UNION …))` and `programme_id = ANY(ARRAY(…))`: at national scale
    `pk IN (…)` let PostgreSQL estimate hundreds of programmes and scan every meeting of the
    platform (issue 18, parcours:eps_liste)."""
    from parcours.access import reunions_pour

    equipe = pre(nom="PRE EPS")
    sql = str(reunions_pour(equipe.coordinateur).query)
    assert '"parcours_reunioneps"."id" = ANY(ARRAY(' in sql
    assert '"programme_id" = ANY(ARRAY(' in sql


# --- Deferred pagination (the actions list) ---------------------------------------------------


def test_la_pagination_differee_donne_les_memes_pages_que_la_decoupe():
    equipe = pre(nom="PRE pages")
    for i in range(7):
        parcours = _parcours(equipe, f"Enfant{i}")
        for j in range(4):
            fabrique_actions.action(parcours, auteur=equipe.coordinateur, intitule=f"A{i}-{j}")
    qs = Action.objects.select_related("parcours__enfant").order_by("intitule", "pk")
    paginee = PaginationDifferee(qs, 5, orphans=2)
    attendu = list(qs)
    lues = []
    for numero in paginee.page_range:
        page = paginee.page(numero)
        lignes = list(page.object_list)
        lues += lignes
        # What a row shows is joined: no query per row.
        assert all("enfant" in a.parcours._state.fields_cache for a in lignes)
    assert [a.pk for a in lues] == [a.pk for a in attendu]
    assert paginee.num_pages == 6  # 28 rows, 5 per page: 3 on the last, more than 2 orphans


def test_la_liste_des_actions_ne_montre_que_les_parcours_visibles():
    equipe, autre = pre(nom="PRE vu"), pre(nom="PRE pas vu")
    vu = _parcours(equipe, "Visible")
    fabrique_actions.action(vu, auteur=equipe.coordinateur, intitule="Atelier visible")
    cache = _parcours(autre, "Cache")
    fabrique_actions.action(cache, auteur=autre.coordinateur, intitule="Atelier caché")
    client = connecter(Client(), equipe.coordinateur)

    contenu = client.get(reverse("parcours:actions")).content.decode()

    assert "Atelier visible" in contenu and "Atelier caché" not in contenu
    assert Parcours.objects.ids_visibles_par(equipe.coordinateur).count() == 1
