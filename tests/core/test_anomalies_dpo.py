"""The DPO's anomaly views (issue 19): reads outside one's assignments, at night or at the
weekend, refusals in bursts, exports; thresholds per programme; each list one query on the
(programme, time) index; 404 for anyone but the programme's DPO."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from parcours.models import Parcours, ParcoursUserObjectPermission, Statut
from reussite.core.models import Evenement, Role, SeuilsAnomalies, TraceAcces
from reussite.core.selectors import anomalies
from reussite.core.services import role_attribuer
from tests.conftest import connecter
from tests.factories.core import UserFactory, dpo
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import nommer_referent, pre, professionnel

# Read through an index (plain, backward, index-only or bitmap): with sequential scans
# disabled, any plan node on the trail other than a Seq Scan is one.
INDEX_SUR_LA_TRACE = (
    r"(Index (Only )?Scan( Backward)?|Bitmap (Heap|Index) Scan)\b[^\n]* on core_traceacces"
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def a():
    return pre(nom="PRE de Villeneuve")


def _parcours(programme):
    return ParcoursFactory(
        programme=programme,
        statut=Statut.EN_COURS,
        enfant=EnfantFactory(programme=programme, nom="Zorgheb"),
    )


def _le(jours: int, heure: int, minute: int = 0):
    jour = timezone.localdate() - timedelta(days=jours)
    return timezone.make_aware(datetime.combine(jour, time(heure, minute)))


def _trace(user, evenement, programme, parcours=None, le=None, autorise=None):
    return TraceAcces.objects.create(
        le=le or timezone.now(),
        user_id=user.pk if user else None,
        evenement=evenement,
        autorise=evenement != Evenement.REFUS if autorise is None else autorise,
        programme_id=programme.pk,
        content_type=ContentType.objects.get_for_model(Parcours) if parcours else None,
        object_id=parcours.pk if parcours else None,
        page="parcours:detail",
    )


def _jour_de_semaine(iso: int) -> int:
    """How many days ago the last such weekday was (1 = Monday … 7 = Sunday), at least 1."""
    for jours in range(1, 8):
        if (timezone.localdate() - timedelta(days=jours)).isoweekday() == iso:
            return jours
    raise AssertionError


def _page(client, a, **parametres):
    reponse = client.get(reverse("programmes:anomalies", args=[a.programme.pk]), parametres)
    assert reponse.status_code == 200
    return reponse


def test_les_lectures_hors_affectation_au_dela_du_seuil(client, a):
    SeuilsAnomalies.objects.create(programme=a.programme, lectures_hors_affectation=3)
    parcours = [_parcours(a.programme) for _i in range(4)]
    referente = professionnel(a.porteuse, user__email="referente@exemple.test")
    for p in parcours:
        nommer_referent(p, referente, auteur=a.coordinateur)
    assert ParcoursUserObjectPermission.objects.filter(user=referente.user).exists()
    curieux = professionnel(a.porteuse, user__email="curieux@exemple.test").user
    for p in parcours:
        _trace(referente.user, Evenement.LECTURE, a.programme, p)  # her own pathways
        _trace(a.coordinateur, Evenement.LECTURE, a.programme, p)
        _trace(a.coordinateur, Evenement.LECTURE, a.programme, p)  # the same pathway again
    for p in parcours[:2]:
        _trace(curieux, Evenement.LECTURE, a.programme, p)  # under the threshold
    ailleurs = pre(nom="PRE voisin")
    for p in [_parcours(ailleurs.programme) for _i in range(4)]:
        _trace(ailleurs.coordinateur, Evenement.LECTURE, ailleurs.programme, p)
    connecter(client, dpo(a.programme))

    lignes = _page(client, a).context["listes"]["hors_affectation"]

    assert [(ligne["personne"], ligne["nombre"]) for ligne in lignes] == [(a.coordinateur, 4)]
    lien = lignes[0]["lien"]
    assert lien.startswith(reverse("programmes:journal", args=[a.programme.pk]))
    assert "evenement=lecture" in lien
    # The link opens the person's trail on those dates.
    journal = client.get(lien)
    assert journal.context["page"].paginator.count == 8


def test_les_acces_la_nuit_ou_le_week_end(client, a):
    SeuilsAnomalies.objects.create(programme=a.programme, acces_nuit_week_end=2)
    p = _parcours(a.programme)
    noctambule = professionnel(a.porteuse).user
    mardi, samedi = _jour_de_semaine(2), _jour_de_semaine(6)
    _trace(noctambule, Evenement.LECTURE, a.programme, p, le=_le(mardi, 23, 30))
    _trace(noctambule, Evenement.MODIFICATION, a.programme, p, le=_le(samedi, 14))
    _trace(noctambule, Evenement.LECTURE, a.programme, p, le=_le(mardi, 10))  # office hours
    diurne = professionnel(a.porteuse).user
    _trace(diurne, Evenement.LECTURE, a.programme, p, le=_le(mardi, 6, 59))  # night, once
    _trace(diurne, Evenement.LECTURE, a.programme, p, le=_le(mardi, 7, 0))
    connecter(client, dpo(a.programme))

    lignes = _page(client, a).context["listes"]["nuit"]

    assert [(ligne["personne"], ligne["nombre"]) for ligne in lignes] == [(noctambule, 2)]


def test_les_refus_en_rafale_dans_la_meme_heure(client, a):
    SeuilsAnomalies.objects.create(programme=a.programme, refus_par_heure=3)
    p = _parcours(a.programme)
    fureteur, distrait = UserFactory(), UserFactory()
    for minute in (0, 10, 59):
        _trace(fureteur, Evenement.REFUS, a.programme, p, le=_le(2, 10, minute))
    for heure in (10, 11, 12):  # three refusals, in three different hours
        _trace(distrait, Evenement.REFUS, a.programme, p, le=_le(2, heure))
    connecter(client, dpo(a.programme))

    lignes = _page(client, a).context["listes"]["refus"]

    assert [(ligne["personne"], ligne["nombre"]) for ligne in lignes] == [(fureteur, 3)]
    assert timezone.localtime(lignes[0]["heure"]).hour == 10


def test_les_exports_de_listes_et_la_periode(client, a):
    p = _parcours(a.programme)
    _trace(a.coordinateur, Evenement.EXPORT, a.programme)
    _trace(a.coordinateur, Evenement.DROIT_ACCES, a.programme, p)
    _trace(a.coordinateur, Evenement.EXPORT, a.programme, le=_le(45, 10))  # before the period
    connecter(client, dpo(a.programme))

    lignes = _page(client, a).context["listes"]["exports"]
    assert [ligne["evenement"] for ligne in lignes] == ["droit_acces", "export"]
    du = (timezone.localdate() - timedelta(days=60)).isoformat()
    assert len(_page(client, a, du=du).context["listes"]["exports"]) == 3
    page = _page(client, a).content.decode()
    assert "Zorgheb" not in page  # never a child's name


def test_une_periode_incoherente_est_refusee_en_francais(client, a):
    connecter(client, dpo(a.programme))
    reponse = _page(client, a, du="2026-05-10", au="2026-05-01")
    assert "La fin de la période doit suivre son début." in reponse.content.decode()


def test_le_dpo_regle_les_seuils_et_une_version_perimee_est_un_conflit(client, a):
    connecter(client, dpo(a.programme))
    url = reverse("programmes:anomalies", args=[a.programme.pk])
    corps = {
        "seuils-lectures_hors_affectation": "12",
        "seuils-acces_nuit_week_end": "3",
        "seuils-nuit_debut": "22",
        "seuils-nuit_fin": "6",
        "seuils-refus_par_heure": "4",
    }
    assert client.post(url, {**corps, "version": "0"}).status_code == 302
    seuils = SeuilsAnomalies.objects.get(programme=a.programme)
    assert (seuils.lectures_hors_affectation, seuils.nuit_debut, seuils.version) == (12, 22, 1)

    perime = client.post(url, {**corps, "seuils-refus_par_heure": "9", "version": "0"})
    assert perime.status_code == 409
    assert SeuilsAnomalies.objects.get(programme=a.programme).refus_par_heure == 4

    mauvais = client.post(url, {**corps, "seuils-nuit_debut": "25", "version": "1"})
    assert mauvais.status_code == 200
    assert "Indiquez une heure entre 0 et 23." in mauvais.content.decode()
    assert 'value="25"' in mauvais.content.decode()


@pytest.mark.parametrize("qui", ["coordinateur", "referent", "dpo_ailleurs", "pilote"])
def test_les_anomalies_sont_reservees_au_dpo_du_programme(client, a, qui):
    if qui == "coordinateur":
        user = a.coordinateur
    elif qui == "referent":
        user = professionnel(a.porteuse).user
    elif qui == "dpo_ailleurs":
        user = dpo(pre(nom="Autre PRE").programme)
    else:
        user = UserFactory()
        role_attribuer(user=user, programme=a.programme, role=Role.PILOTAGE)
    connecter(client, user)
    url = reverse("programmes:anomalies", args=[a.programme.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"seuils-refus_par_heure": "1", "version": "0"}).status_code == 404
    assert not SeuilsAnomalies.objects.exists()


@pytest.mark.parametrize("nombre", [1, 30])
def test_les_anomalies_coutent_autant_avec_peu_ou_beaucoup_de_lignes(
    client, a, django_assert_num_queries, nombre
):
    SeuilsAnomalies.objects.create(
        programme=a.programme, lectures_hors_affectation=1, acces_nuit_week_end=1, refus_par_heure=1
    )
    for _i in range(nombre):
        p = _parcours(a.programme)
        user = professionnel(a.porteuse).user
        _trace(user, Evenement.LECTURE, a.programme, p, le=_le(_jour_de_semaine(7), 23))
        _trace(user, Evenement.REFUS, a.programme, p)
        _trace(user, Evenement.EXPORT, a.programme)
    connecter(client, dpo(a.programme))
    url = reverse("programmes:anomalies", args=[a.programme.pk])
    assert len(client.get(url).context["listes"]["hors_affectation"]) == nombre
    with django_assert_num_queries(REQUETES_ANOMALIES):
        assert client.get(url).status_code == 200


# Session, user; savepoint; the programme (role check); its thresholds; the pathway's content
# type (cached after the first request); the four lists; the people of every list (one query);
# release. The session is not saved (renewed at most once a minute) and the DSFR configuration
# was read by the first request (once a minute per process): issue 18, point 3.
REQUETES_ANOMALIES = 11


def test_chaque_liste_lit_le_journal_par_l_index_programme_temps(a):
    """No sequential scan on the trail: with sequential scans disallowed, each list's plan
    reads the trail through its (programme, time) index."""
    seuils = SeuilsAnomalies.pour(a.programme)
    periode = anomalies.Periode(
        du=timezone.localdate() - timedelta(days=29), au=timezone.localdate()
    )
    requetes = [
        anomalies.lectures_hors_affectation(a.programme.pk, periode, 20),
        anomalies.acces_nuit_week_end(a.programme.pk, periode, seuils),
        anomalies.refus_en_rafale(a.programme.pk, periode, 5),
        anomalies.exports(a.programme.pk, periode),
    ]
    with connection.cursor() as curseur:
        curseur.execute("SET LOCAL enable_seqscan = off")
        for requete in requetes:
            sql, params = requete.query.sql_with_params()
            curseur.execute("EXPLAIN " + sql, params)
            plan = "\n".join(ligne[0] for ligne in curseur.fetchall())
            # Through an index: which one the planner picks on a test table of a few rows
            # depends on its statistics (the (programme, time) one at scale).
            assert "Seq Scan on core_traceacces" not in plan and re.search(
                INDEX_SUR_LA_TRACE, plan
            ), plan
            assert "Seq Scan on core_traceacces" not in plan, plan
