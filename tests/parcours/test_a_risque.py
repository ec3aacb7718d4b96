"""The pathways at risk (issue 15, point 16): filters by reason, référent, school and age band,
distinct sort orders, pagination that keeps the filters, and a query count that does not grow
with the list. The list itself stays `parcours_a_risque(user)`, built on `equipe_de` (what the
user may see is tested in tests/parcours/test_journal.py)."""

from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from parcours.models import Action, Parcours, Rupture, Statut, StatutAction
from tests.conftest import connecter
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import nommer_referent, pre, professionnel
from tests.factories.partenaires import StructureFactory

pytestmark = pytest.mark.django_db

URL = reverse("parcours:a_risque")


@pytest.fixture
def a():
    return pre(nom="PRE À risque")


def _parcours(a, *, nom, inactif=True, **enfant) -> Parcours:
    parcours = ParcoursFactory(
        programme=a.programme,
        statut=Statut.EN_COURS,
        enfant=EnfantFactory(programme=a.programme, nom=nom, **enfant),
    )
    if inactif:
        Parcours.objects.filter(pk=parcours.pk).update(
            derniere_activite=timezone.now()
            - timedelta(days=a.programme.delai_inactivite_jours + 1)
        )
    return parcours


def _noms(reponse) -> list[str]:
    return [p.enfant.nom for p in reponse.context["lignes"]]


def test_filtre_par_motif(client, a):
    _parcours(a, nom="Endormi")
    rompu = _parcours(a, nom="Rompu", inactif=False)
    Rupture.objects.create(parcours=rompu, type="exclusion", date=date.today())
    tardif = _parcours(a, nom="Tardif", inactif=False)
    Parcours.objects.filter(pk=tardif.pk).update(
        date_prochaine_revue=date.today() - timedelta(days=3)
    )
    retard = _parcours(a, nom="Retardataire", inactif=False)
    Action.objects.create(
        parcours=retard,
        intitule="Atelier",
        date_debut=date.today() - timedelta(days=20),
        date_fin=date.today() - timedelta(days=1),
        statut=StatutAction.EN_COURS,
    )
    connecter(client, a.coordinateur)

    assert _noms(client.get(URL)) == ["Endormi", "Retardataire", "Rompu", "Tardif"]
    for motif, attendus in (
        ("inactif", ["Endormi"]),
        ("rupture_sans_reponse", ["Rompu"]),
        ("revue_depassee", ["Tardif"]),
        ("action_en_retard", ["Retardataire"]),
    ):
        assert _noms(client.get(URL, {"motif": motif})) == attendus, motif


def test_filtre_par_referent_ecole_et_tranche_d_age(client, a):
    ecole = StructureFactory(ecole=True, programmes=[a.programme], nom="École des Lilas")
    petit = _parcours(
        a, nom="Petit", date_naissance=date.today() - timedelta(days=365 * 4), etablissement=ecole
    )
    grand = _parcours(a, nom="Grand", date_naissance=date.today() - timedelta(days=365 * 13))
    referent = professionnel(a.porteuse, user__last_name="Suiveur")
    nommer_referent(grand, referent, auteur=a.coordinateur)
    Parcours.objects.filter(pk=grand.pk).update(
        derniere_activite=timezone.now() - timedelta(days=400)
    )
    connecter(client, a.coordinateur)

    reponse = client.get(URL)
    assert _noms(reponse) == ["Grand", "Petit"]
    # The choices are the listed pathways' référents and schools, nothing more.
    formulaire = reponse.context["filtre"].form
    assert list(formulaire.fields["referent"].queryset) == [referent]
    assert list(formulaire.fields["etablissement"].queryset) == [ecole]
    assert _noms(client.get(URL, {"referent": referent.pk})) == ["Grand"]
    assert _noms(client.get(URL, {"etablissement": ecole.pk})) == ["Petit"]
    assert _noms(client.get(URL, {"tranche_age": "2-5"})) == ["Petit"]
    assert _noms(client.get(URL, {"tranche_age": "11-16"})) == ["Grand"]
    assert _noms(client.get(URL, {"tranche_age": "6-10"})) == []
    assert petit.pk  # built for its school and age


def test_tris_distincts_et_nom_de_famille_par_defaut(client, a):
    for nom, jours in (("Bernard", 100), ("Albert", 50), ("Charles", 200)):
        p = _parcours(a, nom=nom)
        Parcours.objects.filter(pk=p.pk).update(
            derniere_activite=timezone.now() - timedelta(days=jours),
            date_prochaine_revue=date.today() - timedelta(days=jours),
        )
    connecter(client, a.coordinateur)

    reponse = client.get(URL)
    assert _noms(reponse) == ["Albert", "Bernard", "Charles"]
    assert _noms(client.get(URL, {"tri": "-nom"})) == ["Charles", "Bernard", "Albert"]
    assert _noms(client.get(URL, {"tri": "activite"})) == ["Charles", "Bernard", "Albert"]
    assert _noms(client.get(URL, {"tri": "-activite"})) == ["Albert", "Bernard", "Charles"]
    assert _noms(client.get(URL, {"tri": "revue"})) == ["Charles", "Bernard", "Albert"]
    # An unknown sort key is ignored, never an error.
    assert _noms(client.get(URL, {"tri": "mot-de-passe"})) == ["Albert", "Bernard", "Charles"]
    libelles = [libelle for _, libelle in reponse.context["filtre"].form.fields["tri"].choices]
    assert len(set(libelles)) == len(libelles) == 5


def test_pagination_garde_les_filtres(client, a):
    for i in range(30):
        _parcours(a, nom=f"Enfant{i:02d}")
    connecter(client, a.coordinateur)

    reponse = client.get(URL, {"motif": "inactif"})
    contenu = reponse.content.decode()
    assert len(reponse.context["lignes"]) == 25
    assert "30 parcours à risque" in contenu
    assert 'href="?motif=inactif&amp;page=2"' in contenu
    suite = client.get(URL, {"motif": "inactif", "page": 2})
    assert _noms(suite) == [f"Enfant{i:02d}" for i in range(25, 30)]


def test_htmx_recoit_les_resultats_seuls(client, a):
    _parcours(a, nom="Partiel")
    connecter(client, a.coordinateur)
    reponse = client.get(URL, {"motif": "inactif"}, HTTP_HX_REQUEST="true")
    contenu = reponse.content.decode()
    assert "Partiel" in contenu and "<form" not in contenu and "<html" not in contenu


# 8 since issue 18, point 3: the session is no longer saved on every request (3 queries) and
# the DSFR configuration is read once a minute per process. 9 since the list is read once
# (`motifs_a_risque`) and then by its keys: one more query, but the reasons and the visibility
# are evaluated once instead of four times (test below).
REQUETES_A_RISQUE = 9


@pytest.mark.parametrize("nombre", [1, 100])
def test_a_risque_coute_le_meme_nombre_de_requetes_avec_1_ou_100_lignes(
    client, a, django_assert_num_queries, nombre
):
    ecole = StructureFactory(ecole=True, programmes=[a.programme])
    referent = professionnel(a.porteuse)
    for i in range(nombre):
        parcours = _parcours(a, nom=f"Risque{i:03d}", etablissement=ecole)
        Parcours.objects.filter(pk=parcours.pk).update(referent=referent)
        Rupture.objects.create(parcours=parcours, type="absence", date=date.today())
    connecter(client, a.coordinateur)
    client.get(URL)

    with django_assert_num_queries(REQUETES_A_RISQUE):
        reponse = client.get(URL, {"motif": "rupture_sans_reponse", "tri": "activite"})

    assert len(reponse.context["lignes"]) == min(nombre, 25)
    assert reponse.context["page"].paginator.count == nombre


def test_la_liste_evalue_les_motifs_et_la_visibilite_une_seule_fois(client, a):
    """Issue 18: the choices, the count and the page each evaluated the visibility and the five
    reasons again (four compilations and executions of the largest query of the site). They
    now read the keys `motifs_a_risque` found, with the same rows and the same reasons."""
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    ecole = StructureFactory(ecole=True, programmes=[a.programme])
    for i in range(30):
        parcours = _parcours(a, nom=f"Risque{i:03d}", etablissement=ecole, inactif=i % 2 == 0)
        if i % 3 == 0:
            Rupture.objects.create(parcours=parcours, type="absence", date=date.today())
    _parcours(a, nom="Tranquille", inactif=False)
    connecter(client, a.coordinateur)
    client.get(URL)

    with CaptureQueriesContext(connections["default"]) as requetes:
        reponse = client.get(URL, {"motif": "rupture_sans_reponse"})

    lectures_des_motifs = [q["sql"] for q in requetes if "parcours_rupture" in q["sql"]]
    assert len(lectures_des_motifs) == 1, lectures_des_motifs
    # Same rows and reasons as the one definition, `parcours_a_risque`.
    from parcours.selectors.journal import parcours_a_risque

    attendus = parcours_a_risque(a.coordinateur).filter(rupture_sans_reponse=True)
    assert reponse.context["page"].paginator.count == attendus.count() == 10
    for ligne in reponse.context["lignes"]:
        reference = attendus.get(pk=ligne.pk)
        assert (ligne.inactif, ligne.rupture_sans_reponse) == (reference.inactif, True)
    assert "Tranquille" not in _noms(client.get(URL))


def test_les_choix_de_referent_et_d_ecole_sont_lus_par_leur_cle(a):
    """The referent and school choices read the few rows of the list through their primary
    keys: with `IN (list)`, PostgreSQL hash-joined every professional, user and structure of
    the platform (20,000 each at national scale, issue 18)."""
    from parcours.filters import ParcoursARisqueFilter
    from parcours.selectors.journal import motifs_a_risque, parcours_parmi

    ecole = StructureFactory(ecole=True, programmes=[a.programme])
    parcours = _parcours(a, nom="Risque", etablissement=ecole)
    Parcours.objects.filter(pk=parcours.pk).update(referent=professionnel(a.porteuse))
    motifs = motifs_a_risque(a.coordinateur)
    filtre = ParcoursARisqueFilter({}, queryset=parcours_parmi(motifs), motifs=motifs)

    for nom in ("referent", "etablissement"):
        choix = filtre.filters[nom].queryset
        assert len(choix) == 1
        # The keys come as one array (`id = ANY(ARRAY(…))`), which PostgreSQL probes by key at
        # national scale (docs/performance.md). The plan itself is not asserted here: on these
        # few rows the planner may as well walk another index (the users' name order) and
        # filter by the array, which says nothing about the national plan.
        table = choix.model._meta.db_table
        assert f'"{table}"."id" = ANY(ARRAY(' in str(choix.query)
        sql, params = choix.query.sql_with_params()
        with transaction.atomic(), connection.cursor() as curseur:
            curseur.execute("SET LOCAL enable_seqscan = off")
            curseur.execute("EXPLAIN " + sql, params)
            plan = "\n".join(ligne for (ligne,) in curseur.fetchall())
        assert f"Seq Scan on {table}" not in plan, plan


def test_la_requete_des_parcours_a_risque_ne_recopie_pas_le_calcul_du_niveau(a):
    """Issue 18: the transition flag was a CASE over the `type_transition` annotation, itself
    over the child's level (a CASE of 25 branches) that Django copied into every condition and
    subquery reading it — 39 CASE and 48,000 characters of SQL, 0.45 s of query building on a
    page that compiles it four times. Read on the columns, each reason is stated in the SELECT
    and once in the WHERE."""
    from parcours.selectors.journal import parcours_a_risque

    sql = str(parcours_a_risque(a.coordinateur, le=date(2027, 6, 10)).query)
    assert sql.count("CASE") <= 6 and len(sql) < 12_000, (sql.count("CASE"), len(sql))
