"""The administration's lists at national scale (issue 18): each changelist of core and
partenaires costs the same number of queries with few and many rows, reads no DISTINCT over a
whole table, and the user search is served by its trigram indexes. Speed itself is measured by
reussite/devtools/bench_site.py, never here."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partenaires.models import SignatureCharte
from reussite.core.models import Rappel
from reussite.core.trace import ALIAS
from tests.conftest import connecter
from tests.factories.core import ProgrammeFactory, UserFactory
from tests.factories.partage import partenaire, professionnel

pytestmark = pytest.mark.django_db(databases=["default", ALIAS])


def _rappels(nombre):
    type_user = ContentType.objects.get_for_model(UserFactory._meta.model)
    destinataire = UserFactory()
    Rappel.objects.bulk_create(
        Rappel(
            genre="revue_echue" if i % 2 else "inactivite",
            destinataire=destinataire,
            content_type=type_user,
            object_id=i,
            echeance=date(2026, 1, 1 + i % 28),
        )
        for i in range(nombre)
    )


def _lignes(nombre):
    """`nombre` rows in every list the administration shows."""
    programme = ProgrammeFactory()
    for i in range(nombre):
        structure = partenaire(programme, nom=f"Structure {i}")
        professionnel(structure)
        SignatureCharte.objects.create(
            structure=structure, version="1", date_signature=date(2026, 1, 1), signataire="Mme A"
        )
        ProgrammeFactory()
    _rappels(nombre)


# Each list and its exact query count with the test's session: the session and user, the
# savepoints of the test transaction, the page's rows and its filters. Reminders read no count
# of the whole table.
LISTES = [
    ("admin:core_user_changelist", 7),
    ("admin:core_user_changelist?q=pro", 7),
    ("admin:core_programme_changelist", 6),
    ("admin:core_rappel_changelist", 6),
    ("admin:core_rappel_changelist?genre=revue_echue", 6),
    ("admin:core_rappel_changelist?statut__exact=a_envoyer", 6),
    ("admin:partenaires_structure_changelist", 6),
    ("admin:partenaires_structure_changelist?q=structure", 6),
    ("admin:partenaires_professionnel_changelist", 6),
    ("admin:partenaires_signaturecharte_changelist", 6),
]


def _url(nom):
    nom, _sep, requete = nom.partition("?")
    return reverse(nom) + (f"?{requete}" if requete else "")


def _requetes(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(url)
    assert reponse.status_code == 200, url
    return [q["sql"] for q in requetes.captured_queries]


@pytest.mark.parametrize(("liste", "budget"), LISTES)
def test_chaque_liste_de_l_administration_coute_autant_avec_2_ou_30_lignes(liste, budget):
    client = connecter(Client(), UserFactory(is_staff=True, is_superuser=True))
    url = _url(liste)
    _lignes(2)
    client.get(url)
    peu = _requetes(client, url)
    _lignes(28)
    beaucoup = _requetes(client, url)
    assert len(peu) == budget, "\n".join(peu)
    assert len(beaucoup) == len(peu), "\n".join(beaucoup)
    # No DISTINCT over a whole table (date_hierarchy, a filter on every value of a column).
    assert not any("DISTINCT" in q for q in beaucoup), liste


def test_les_rappels_se_filtrent_par_genre_enregistre_et_se_lisent_du_plus_recent():
    _rappels(6)
    client = connecter(Client(), UserFactory(is_staff=True, is_superuser=True))
    reponse = client.get(reverse("admin:core_rappel_changelist"), {"genre": "revue_echue"})
    lignes = list(reponse.context["cl"].result_list)
    assert {r.genre for r in lignes} == {"revue_echue"} and len(lignes) == 3
    assert [r.pk for r in lignes] == sorted((r.pk for r in lignes), reverse=True)
    choix = [
        c["display"] for c in reponse.context["cl"].filter_specs[1].choices(reponse.context["cl"])
    ]
    assert len(choix) > 2  # « Tout » and the registered kinds, without reading the table


def test_la_recherche_d_utilisateurs_passe_par_les_index_trigrammes():
    UserFactory(email="camille.pro@exemple.fr", last_name="Prouvost")
    client = connecter(Client(), UserFactory(is_staff=True, is_superuser=True))
    sql = [
        q
        for q in _requetes(client, reverse("admin:core_user_changelist") + "?q=prouv")
        if "LIKE" in q and "core_user" in q
    ]
    assert sql
    with transaction.atomic(), connection.cursor() as curseur:
        # A few-row table is read sequentially whatever its indexes: the planner is told not
        # to, to see which index serves the search.
        curseur.execute("SET LOCAL enable_seqscan = off")
        curseur.execute("EXPLAIN " + sql[0])
        plan = "\n".join(ligne for (ligne,) in curseur.fetchall())
    assert "trigramme" in plan, plan


def test_la_liste_des_professionnels_se_lit_dans_l_ordre_de_l_index_des_noms():
    """Professionals are listed by name: the page walks the users' (last name, first name)
    index and probes each professional, instead of sorting every professional joined to every
    user (20,000 of each at national scale, issue 18)."""
    _lignes(3)
    client = connecter(Client(), UserFactory(is_staff=True, is_superuser=True))
    sql = [
        q
        for q in _requetes(client, reverse("admin:partenaires_professionnel_changelist"))
        if q.startswith('SELECT "partenaires_professionnel"') and "ORDER BY" in q
    ]
    assert sql
    with transaction.atomic(), connection.cursor() as curseur:
        curseur.execute("SET LOCAL enable_seqscan = off")
        curseur.execute("SET LOCAL enable_sort = off")
        curseur.execute("EXPLAIN " + sql[0])
        plan = "\n".join(ligne for (ligne,) in curseur.fetchall())
    assert "user_nom_prenom" in plan, plan


def _traces(nombre):
    from reussite.core.models import Evenement, TraceAcces

    type_user = ContentType.objects.get_for_model(UserFactory._meta.model)
    TraceAcces.objects.using(ALIAS).bulk_create(
        TraceAcces(
            user_id=i,
            evenement=Evenement.LECTURE,
            autorise=True,
            # Each row its own content type would be a query per row if it were not joined.
            content_type=type_user if i % 2 else None,
            object_id=i,
            page="parcours:detail",
        )
        for i in range(nombre)
    )


@pytest.mark.parametrize(
    ("parametres", "budget"),
    # Default: session and user, the savepoints. Trail: its count (the planner's estimate beyond
    # PaginationEstimee.SEUIL rows, exact below it, one query either way) and the page.
    [("", (4, 2)), ("?evenement__exact=lecture", (4, 2)), ("?autorise__exact=0", (4, 2))],
)
def test_la_piste_d_audit_coute_autant_avec_2_ou_30_lignes_sur_ses_deux_connexions(
    parametres, budget
):
    client = connecter(Client(), UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:core_traceacces_changelist") + parametres

    def requetes():
        with (
            CaptureQueriesContext(connection) as defaut,
            CaptureQueriesContext(connections[ALIAS]) as piste,
        ):
            assert client.get(url).status_code == 200
        return [q["sql"] for q in defaut.captured_queries], [
            q["sql"] for q in piste.captured_queries
        ]

    _traces(2)
    client.get(url)
    peu = requetes()
    _traces(28)
    beaucoup = requetes()
    assert (len(peu[0]), len(peu[1])) == budget, peu
    assert (len(beaucoup[0]), len(beaucoup[1])) == budget, beaucoup
    assert not any("DISTINCT" in q for q in beaucoup[1])
    if not parametres:
        # The whole trail is not counted (PaginationEstimee); a filtered list is.
        assert not any(q.startswith("SELECT COUNT(*)") for q in beaucoup[1]), beaucoup[1]


@pytest.mark.parametrize("parametres", ["?evenement__exact=export", "?autorise__exact=0"])
def test_les_filtres_de_la_piste_sur_ses_lignes_rares_passent_par_leur_index(parametres):
    """Denied accesses, failed logins and exports are 1.5 % of the trail: their page and their
    count read the partial index `trace_rares_le`, not the trail until enough are found (a
    parallel sequential scan of 2.9 million rows to count 11,000 denied ones, issue 18)."""
    from reussite.core.models import Evenement, TraceAcces

    # Enough ordinary rows, analysed, that the plan does not depend on the planner's guesses
    # about a nearly empty table: on three rows and no statistics, scanning another index and
    # filtering it cost the same as the partial index, and the planner picked either (CI).
    _traces(5000)
    TraceAcces.objects.using(ALIAS).create(
        user_id=1, evenement=Evenement.EXPORT, autorise=False, page="parcours:export"
    )
    with connections[ALIAS].cursor() as curseur:
        curseur.execute("ANALYZE core_traceacces")
    client = connecter(Client(), UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:core_traceacces_changelist") + parametres
    with CaptureQueriesContext(connections[ALIAS]) as piste:
        reponse = client.get(url)
    assert len(reponse.context["cl"].result_list) == 1
    assert len(piste.captured_queries) == 2  # the count and the page
    for requete in piste.captured_queries:
        with transaction.atomic(using=ALIAS), connections[ALIAS].cursor() as curseur:
            # Five thousand rows still fit in a few pages that a sequential scan reads at once:
            # the planner is told not to, to see which index serves the filter.
            curseur.execute("SET LOCAL enable_seqscan = off")
            curseur.execute("EXPLAIN " + requete["sql"])
            plan = "\n".join(ligne for (ligne,) in curseur.fetchall())
        assert "trace_rares_le" in plan, plan
