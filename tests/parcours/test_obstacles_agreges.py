"""The obstacles report for every programme from the nightly rows (issue 18): staff read one
stored row per axis and year instead of every request of the country. The figures are those
computed live over every request (percentiles included), the page says how old they are, the
nightly beat entry fills them, and the query count does not grow with the platform."""

import random
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parcours.models import MotifRefus, Objectif, ObstaclesAnnuels, Sollicitation, Statut
from parcours.selectors import perimetre_pour, rapport_obstacles
from parcours.selectors.sollicitations import (
    AXES_OBSTACLES,
    _agregats,
    _libelles_axe,
    _ligne,
    _sollicitations,
)
from parcours.selectors.statistiques import TOUS
from parcours.services.statistiques import obstacles_annuels_rafraichir
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


def _rafraichir(annee=ANNEE):
    obstacles_annuels_rafraichir(annee=annee)


def test_le_rapport_du_personnel_egale_le_calcul_en_direct_masque(pays):
    _rafraichir()
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
        # Same groups in the same order, same counts, percentiles equal to the last bit.
        assert len(direct) > 1 and rapport.lignes == direct
        assert rapport.masque and rapport.fraicheur.calcule_le is not None
        masquees += sum(ligne.nombre is None for ligne in direct)
    # The comparison covered masking.
    assert masquees


def test_un_programme_garde_son_calcul_en_direct(pays):
    """The programme-scoped roles are unchanged: live, whatever the aggregates say."""
    from tests.factories.core import coordinateur

    _rafraichir()
    Sollicitation.objects.filter(programme=pays[0]).delete()
    perimetre = perimetre_pour(coordinateur(pays[0]), str(pays[0].pk))
    rapport = rapport_obstacles(perimetre, DEBUT, FIN, "domaine")
    assert rapport.lignes == [] and rapport.fraicheur is None


def test_la_page_du_personnel_dit_de_quand_datent_les_chiffres(client, pays):
    connecter(client, UserFactory(is_staff=True))
    params = {"debut": f"{ANNEE}-03-01", "fin": f"{ANNEE}-05-31", "axe": "structure"}
    contenu = client.get(URL, params).content.decode()
    assert "n’ont pas encore été calculés" in contenu

    _rafraichir()
    ancien = timezone.make_aware(datetime(ANNEE, 1, 2, 4, 10))
    ObstaclesAnnuels.objects.update(calcule_le=ancien)
    noms = set(
        _sollicitations(Q(programme__in=pays), DEBUT, FIN).values_list("structure__nom", flat=True)
    )
    Sollicitation.objects.filter(programme=pays[0]).delete()  # after the night: not seen
    reponse = client.get(URL, params)
    contenu = reponse.content.decode()
    # A calendar year, whatever the period asked for; the date of the night's computation.
    assert (reponse.context["debut"], reponse.context["fin"]) == (DEBUT, FIN)
    assert "arrêtés le 2 janvier" in contenu
    assert {ligne.libelle for ligne in reponse.context["rapport"].lignes} == noms
    assert len(reponse.context["rapport"].graphiques) > 1


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
    _rafraichir()
    client.get(url, params)
    peu = _requetes(client, url, params)
    # Session and user (2), the perimeter's programmes (1), the stored rows of the axis and
    # of the domains (1), the view's savepoints (2).
    assert peu == 6
    rng = random.Random(7)
    for i in range(6):
        _programme(rng, f"Autre {i}", 8, ["Ouest", f"Commune {i}"])
    _rafraichir()
    assert _requetes(client, url, params) == peu


@pytest.mark.django_db(transaction=True)
def test_l_entree_nocturne_du_calendrier_calcule_les_obstacles_de_la_plateforme(pays):
    from tests.parcours.test_statistiques_agregees import _lancer_tache_de_nuit

    _lancer_tache_de_nuit()
    axes = set(ObstaclesAnnuels.objects.filter(annee=ANNEE).values_list("axe", flat=True))
    assert axes == set(AXES_OBSTACLES)
    (domaines,) = ObstaclesAnnuels.objects.filter(annee=ANNEE, axe="domaine").values_list(
        "lignes", flat=True
    )
    assert sum(ligne["nombre"] for ligne in domaines) == _sollicitations(Q(), DEBUT, FIN).count()
