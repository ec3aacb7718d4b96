"""The obstacles report for every programme from the yearly aggregates (issue 18): staff read
one stored row per programme instead of every request of the country. The figures are those
computed live over every request (percentiles included), the page says how old they are, and
its query count does not grow with the number of programmes."""

import random
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parcours.models import MotifRefus, Objectif, Sollicitation, StatistiqueAnnuelle, Statut
from parcours.selectors import perimetre_pour, rapport_obstacles
from parcours.selectors.sollicitations import (
    AXES_OBSTACLES,
    _agregats,
    _agregats_annuels,
    _libelles_axe,
    _ligne,
    _sollicitations,
)
from parcours.selectors.statistiques import TOUS
from parcours.services.statistiques import statistique_annuelle_rafraichir
from partenaires.models import Domaine, TypeStructure
from tests.conftest import connecter
from tests.factories.core import ProgrammeFactory, UserFactory
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import partenaire

pytestmark = pytest.mark.django_db
ANNEE = date.today().year
DEBUT, FIN = date(ANNEE, 1, 1), date(ANNEE, 12, 31)
URL = reverse("parcours:obstacles")


def _instant(rng, debut: date, fin: date) -> datetime:
    secondes = rng.randrange(int((fin - debut).total_seconds()) + 86400)
    return timezone.make_aware(datetime.combine(debut, datetime.min.time())) + timedelta(
        seconds=secondes, microseconds=rng.randrange(10**6)
    )


def _programme(rng, nom: str, nombre: int, communes) -> object:
    """`nombre` requests over two years, every status, answer delay and axis varied; one
    structure name shared with the other programmes (their rows add up by name)."""
    programme = ProgrammeFactory(nom=nom)
    structures = [
        partenaire(
            programme,
            nom=rng.choice(["Club commun", f"{nom} CMP", f"{nom} école"]),
            type=rng.choice(TypeStructure.values),
            commune=rng.choice(communes),
        )
        for _i in range(3)
    ]
    parcours = ParcoursFactory(programme=programme, statut=Statut.EN_COURS)
    objectif = Objectif.objects.create(parcours=parcours, domaine="sante", intitule="O")
    aujourdhui = date.today()
    for _i in range(nombre):
        envoyee = _instant(rng, date(ANNEE - 1, 6, 1), aujourdhui)
        statut = rng.choice(["envoyee", "acceptee", "attente", "refusee", "redirigee", "retiree"])
        repondu = None
        if statut not in ("envoyee", "retiree"):
            repondu = envoyee + timedelta(seconds=rng.randrange(1, 86400 * 40))
        Sollicitation.objects.create(
            programme=programme,
            parcours=parcours,
            objectif=objectif,
            domaine=rng.choice(Domaine.values),
            structure=rng.choice(structures),
            demande="Demande",
            motif="Motif",
            echeance=envoyee.date() + timedelta(days=rng.randint(1, 30)),
            statut=statut,
            envoyee_le=envoyee,
            repondu_le=repondu,
            delai_semaines=rng.choice([None, 2, 3, 7]) if statut == "attente" else None,
            motif_refus=rng.choice(MotifRefus.values) if statut == "refusee" else "",
        )
    return programme


@pytest.fixture
def pays():
    rng = random.Random(1821)
    communes = ["Nord", "Sud", "Écluse", "est", ""]
    return [_programme(rng, f"PRE {i}", n, communes) for i, n in enumerate((40, 25, 3))]


def _rafraichir(programmes, annee=ANNEE):
    for programme in programmes:
        statistique_annuelle_rafraichir(programme=programme, annee=annee)


@pytest.mark.parametrize("axe", list(AXES_OBSTACLES))
def test_les_obstacles_agreges_egalent_le_calcul_en_direct_de_tous_les_programmes(pays, axe):
    _rafraichir(pays)
    cle = AXES_OBSTACLES[axe][1]
    direct = list(_agregats(_sollicitations(Q(), DEBUT, FIN), cle, date.today()))
    agrege = _agregats_annuels(ANNEE, axe)
    assert len(direct) > 1
    # Same groups in the same order, same counts, and percentiles equal to the last bit.
    assert agrege == direct


def test_le_rapport_du_personnel_egale_le_calcul_en_direct_masque(pays):
    _rafraichir(pays)
    staff = UserFactory(is_staff=True)
    perimetre = perimetre_pour(staff, TOUS)
    assert perimetre.programme is None and perimetre.masquer
    masquees = 0
    for axe in AXES_OBSTACLES:
        rapport = rapport_obstacles(perimetre, DEBUT, FIN, axe)
        cle = AXES_OBSTACLES[axe][1]
        libelles = _libelles_axe(axe)
        direct = [
            _ligne(str(libelles.get(r[cle], r[cle] or "Non renseigné")), r, True)
            for r in _agregats(_sollicitations(Q(), DEBUT, FIN), cle, date.today())
        ]
        assert rapport.lignes == direct
        assert rapport.masque and rapport.fraicheur.manquants == 0
        masquees += sum(ligne.nombre is None for ligne in direct)
    # The comparison covered masking.
    assert masquees


def test_un_programme_garde_son_calcul_en_direct(pays):
    """The programme-scoped roles are unchanged: live, whatever the aggregates say."""
    from tests.factories.core import coordinateur

    _rafraichir(pays)
    Sollicitation.objects.filter(programme=pays[0]).delete()
    perimetre = perimetre_pour(coordinateur(pays[0]), str(pays[0].pk))
    rapport = rapport_obstacles(perimetre, DEBUT, FIN, "domaine")
    assert rapport.lignes == [] and rapport.fraicheur is None


def test_la_page_du_personnel_dit_de_quand_datent_les_chiffres(client, pays):
    connecter(client, UserFactory(is_staff=True))
    params = {"debut": f"{ANNEE}-03-01", "fin": f"{ANNEE}-05-31", "axe": "structure"}
    contenu = client.get(URL, params).content.decode()
    assert "n’ont pas encore été calculés" in contenu

    _rafraichir(pays[:2])
    ancien = timezone.make_aware(datetime(ANNEE, 1, 2, 4, 10))
    StatistiqueAnnuelle.objects.filter(programme=pays[0]).update(calcule_le=ancien)
    reponse = client.get(URL, params)
    contenu = reponse.content.decode()
    # A calendar year, whatever the period asked for; the oldest row's date; the programme
    # without a row named as not counted.
    assert (reponse.context["debut"], reponse.context["fin"]) == (DEBUT, FIN)
    assert "arrêtés le 2 janvier" in contenu
    assert "1 programme n’est pas encore compté." in contenu
    noms = set(
        _sollicitations(Q(programme__in=pays[:2]), DEBUT, FIN).values_list(
            "structure__nom", flat=True
        )
    )
    assert {ligne.libelle for ligne in reponse.context["rapport"].lignes} == noms


def _requetes(client, url, params) -> int:
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(url, params)
        assert reponse.status_code == 200
        b"".join(reponse.streaming_content) if reponse.streaming else reponse.content
    return len(requetes.captured_queries)


@pytest.mark.parametrize(
    "nom", ["parcours:obstacles", "parcours:obstacles_csv", "parcours:obstacles_xlsx"]
)
def test_requetes_du_rapport_de_tous_les_programmes_fixes(client, pays, nom):
    connecter(client, UserFactory(is_staff=True))
    url = reverse(nom)
    params = {"axe": "structure"}
    _rafraichir(pays[2:])
    client.get(url, params)
    peu = _requetes(client, url, params)
    # Session and user (2), the perimeter's programmes (1), the axis and the domains (2), the
    # aggregates' age and the number of programmes (2), the view's savepoints (2).
    assert peu == 9
    _rafraichir(pays)
    rng = random.Random(7)
    _rafraichir([_programme(rng, f"Autre {i}", 8, ["Ouest"]) for i in range(6)])
    assert _requetes(client, url, params) == peu
