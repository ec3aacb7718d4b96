"""The yearly statistics aggregates (issue 18): the platform-wide page and survey add up one
row per programme and year instead of scanning the country. The figures must be those computed
live, masking included; the rows come from the nightly beat entry; the page says how old they
are and pays a fixed number of queries whatever the number of programmes."""

import random
import time
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_failure, task_success
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parcours.models import (
    Action,
    BesoinNonCouvert,
    Consentement,
    Decision,
    Dispositif,
    Examen,
    MotifOrientation,
    MotifSortie,
    NiveauScolaire,
    Objectif,
    Orientation,
    Orienteur,
    ProfilAccompagnement,
    QuestionnaireSortie,
    ReunionEPS,
    Sexe,
    StatistiqueAnnuelle,
    Statut,
    StatutOrientation,
    TypeDispositif,
)
from parcours.selectors import (
    perimetre_pour,
    statistiques_dispositifs,
    statistiques_orientations,
    statistiques_programme,
)
from parcours.selectors.statistiques import TOUS, Perimetre, indicateurs_enquete
from parcours.selectors.statistiques_agregees import (
    additionner,
    mediane_histogramme,
    statistiques_agregees,
)
from parcours.services.statistiques import annees_a_rafraichir, statistique_annuelle_rafraichir
from partenaires.models import Convention, Domaine
from reussite.celery import app
from reussite.core.models import Programme, Role
from reussite.core.services import role_attribuer
from tests.conftest import connecter
from tests.factories.core import ProgrammeFactory, UserFactory, coordinateur
from tests.factories.orientations import orientation
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import partenaire, professionnel

URL = reverse("parcours:statistiques")

pytestmark = pytest.mark.django_db
ANNEE = date.today().year
DEBUT, FIN = date(ANNEE, 1, 1), date(ANNEE, 12, 31)


def _jour(rng, debut: date, fin: date) -> date:
    return debut + timedelta(days=rng.randrange((fin - debut).days + 1))


def _programme_varie(rng, nom: str, nombre: int) -> Programme:
    """`nombre` pathways over two years with every dimension the page counts varied."""
    programme = ProgrammeFactory(nom=nom)
    structures = [partenaire(programme, nom=f"{nom} structure {i}") for i in range(3)]
    convention = Convention.objects.create(
        programme=programme,
        intitule=f"Convention {nom}",
        objet="Ateliers",
        date_debut=date(ANNEE - 1, 1, 1),
        date_fin=date(ANNEE + 1, 12, 31),
    )
    aujourdhui = date.today()
    il_y_a_deux_ans = date(ANNEE - 2, 1, 1)
    reunion = ReunionEPS.objects.create(
        programme=programme,
        date=timezone.make_aware(
            datetime.combine(_jour(rng, DEBUT, aujourdhui), datetime.min.time())
        ),
        lieu="Mairie",
        statut="tenue",
    )
    tous_les_parcours = []
    for i in range(nombre):
        entree = _jour(rng, il_y_a_deux_ans, aujourdhui)
        sortie = None
        if rng.random() < 0.4:
            sortie = _jour(rng, entree, aujourdhui)
        enfant = EnfantFactory(
            programme=programme,
            sexe=rng.choice(list(Sexe)),
            date_naissance=_jour(rng, date(ANNEE - 19, 1, 1), date(ANNEE - 1, 1, 1)),
            niveau_scolaire=rng.choice([*NiveauScolaire.values, ""]),
            qpv=rng.random() < 0.5,
        )
        parcours = ParcoursFactory(
            programme=programme,
            enfant=enfant,
            date_entree=entree,
            statut=Statut.SORTI if sortie else Statut.EN_COURS,
            date_sortie=sortie,
            motif_sortie=rng.choice(MotifSortie.values) if sortie else "",
            orienteur=rng.choice(Orienteur.values),
            motifs_orientation=rng.sample(MotifOrientation.values, rng.randint(1, 2)),
            profil_accompagnement=rng.choice([*ProfilAccompagnement.values, ""]),
        )
        tous_les_parcours.append(parcours)
        objectif = Objectif.objects.create(
            parcours=parcours, domaine=rng.choice(Domaine.values), intitule="Objectif"
        )
        for _n in range(rng.randint(0, 3)):
            debut_action = _jour(rng, entree, aujourdhui)
            Action.objects.create(
                parcours=parcours,
                objectif=objectif if rng.random() < 0.7 else None,
                intitule="Action",
                structure=rng.choice([*structures, None]),
                convention=convention if rng.random() < 0.3 else None,
                date_debut=debut_action,
                date_fin=_jour(rng, debut_action, aujourdhui) if rng.random() < 0.5 else None,
                cout=Decimal(rng.randint(0, 300)) / 4,
            )
        if rng.random() < 0.6:
            signature = _jour(rng, entree, aujourdhui)
            Consentement.objects.create(
                parcours=parcours,
                date_signature=signature,
                date_expiration=signature + timedelta(days=365),
                date_retrait=_jour(rng, signature, aujourdhui) if rng.random() < 0.2 else None,
            )
        if rng.random() < 0.5:
            Examen.objects.create(
                reunion=reunion,
                parcours=parcours,
                ordre=i,
                decision=rng.choice([*Decision.values, ""]),
                decide_le=reunion.date,
            )
        if rng.random() < 0.3:
            BesoinNonCouvert.objects.create(
                programme=programme,
                parcours=parcours,
                domaine=rng.choice(Domaine.values),
                tranche_age="6-10",
                description="Besoin",
                date_signalement=_jour(rng, entree, aujourdhui),
            )
        if rng.random() < 0.4:
            debut_dispositif = _jour(rng, il_y_a_deux_ans, aujourdhui)
            Dispositif.objects.create(
                parcours=parcours,
                type=rng.choice(TypeDispositif.values),
                date_debut=debut_dispositif,
            )
        if sortie and rng.random() < 0.7:
            QuestionnaireSortie.objects.create(
                parcours=parcours,
                date=sortie,
                repondants="parents",
                satisfaction=rng.choice(["tres", "plutot", "peu", "pas"]),
                aides=rng.sample(["ecoute", "scolarite", "sante"], rng.randint(0, 2)),
                freins=rng.sample(["attente", "cout"], rng.randint(0, 2)),
            )
    orienteur = professionnel(structures[0])
    for _n in range(rng.randint(2, 7)):
        o = orientation(orienteur, programme=programme)
        statut = rng.choice(
            [StatutOrientation.ACCEPTEE, StatutOrientation.REFUSEE, StatutOrientation.RECUE]
        )
        decidee = None
        if statut != StatutOrientation.RECUE:
            decidee = o.recue_le + timedelta(hours=rng.randint(1, 24 * 40))
        # An accepted referral opened a pathway (a database constraint).
        ouvert = tous_les_parcours.pop() if statut == StatutOrientation.ACCEPTEE else None
        Orientation.objects.filter(pk=o.pk).update(
            statut=statut, decidee_le=decidee, parcours=ouvert
        )
    return programme


@pytest.fixture
def pays():
    rng = random.Random(18)
    grands = [_programme_varie(rng, f"PRE {i}", 14) for i in range(2)]
    petit = _programme_varie(rng, "PRE minuscule", 3)  # every count under 5: masked
    return [*grands, petit]


def _live(perimetre: Perimetre, debut=DEBUT, fin=FIN) -> dict:
    contexte = statistiques_programme(perimetre, debut, fin)
    contexte.update(statistiques_orientations(perimetre, debut, fin))
    contexte.update(statistiques_dispositifs(perimetre, debut, fin))
    return contexte


def _sans_fraicheur(contexte: dict) -> dict:
    return {k: v for k, v in contexte.items() if k not in ("fraicheur", "perimetre")}


def _rafraichir(programmes, annee=ANNEE):
    for programme in programmes:
        statistique_annuelle_rafraichir(programme=programme, annee=annee)


def test_les_chiffres_agreges_d_un_programme_egalent_ceux_calcules_en_direct(pays):
    _rafraichir(pays)
    for programme in pays:
        coordo = coordinateur(programme)
        pilote = UserFactory()
        role_attribuer(user=pilote, programme=programme, role=Role.PILOTAGE)
        for user, masque in ((coordo, False), (pilote, True)):
            perimetre = perimetre_pour(user, str(programme.pk))
            assert perimetre.masquer is masque
            live = _live(perimetre)
            agrege = statistiques_agregees(perimetre, ANNEE)
            assert _sans_fraicheur(agrege) == _sans_fraicheur(live), (programme.nom, masque)
    # The small programme is masked for its steering role: the comparison covered masking.
    pilote = UserFactory()
    role_attribuer(user=pilote, programme=pays[2], role=Role.PILOTAGE)
    agrege = statistiques_agregees(perimetre_pour(pilote, str(pays[2].pk)), ANNEE)
    assert agrege["masque"] and agrege["sexe"].masquee


def test_tous_les_programmes_agreges_egalent_le_calcul_en_direct(pays):
    _rafraichir(pays)
    staff = UserFactory(is_staff=True)
    perimetre = perimetre_pour(staff, TOUS)
    assert perimetre.programme is None and perimetre.masquer
    live = _live(perimetre)
    agrege = statistiques_agregees(perimetre, ANNEE)
    assert _sans_fraicheur(agrege) == _sans_fraicheur(live)
    assert dict(agrege["resume"])["Enfants suivis"] >= 5
    # The survey export adds up the same rows: the same lines as the live figures give.
    lignes = indicateurs_enquete(perimetre, ANNEE)
    assert ("Synthèse", "Enfants suivis", dict(live["resume"])["Enfants suivis"]) in lignes
    assert ("Programme", "Programme", "Tous les programmes") in lignes


def test_mediane_comme_percentile_cont():
    assert mediane_histogramme({}) is None
    assert mediane_histogramme({"181": 1, "897": 1}) == 539
    assert mediane_histogramme({"3": 2, "10": 1}) == 3
    assert mediane_histogramme({"1": 1, "2": 1, "7": 2}) == 4.5


def test_la_page_de_tous_les_programmes_dit_de_quand_datent_les_chiffres(client, pays):
    staff = UserFactory(is_staff=True)
    connecter(client, staff)
    params = {"programme": TOUS, "debut": f"{ANNEE}-03-01", "fin": f"{ANNEE}-05-31"}
    reponse = client.get(URL, params)
    assert reponse.status_code == 200
    assert "n’ont pas encore été calculés" in reponse.content.decode()

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


def test_la_page_liste_les_plus_grandes_structures_et_le_reste_en_une_ligne(client):
    programme = ProgrammeFactory()
    parcours = ParcoursFactory(programme=programme, statut=Statut.EN_COURS, date_entree=DEBUT)
    for i in range(30):
        structure = partenaire(programme, nom=f"Structure {i:02d}")
        for _n in range(1 + i % 3):
            Action.objects.create(
                parcours=parcours, intitule="A", structure=structure, date_debut=DEBUT
            )
    _rafraichir([programme])
    connecter(client, UserFactory(is_staff=True))
    reponse = client.get(URL, {"programme": TOUS})
    serie = reponse.context["actions_structure"]
    assert len(serie.libelles) == 21
    assert serie.libelles[-1] == "Autres structures (10)"
    assert sum(v for v in serie.valeurs if v is not None) <= serie.total == 60


def _requetes(client, params) -> int:
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(URL, params).status_code == 200
    return len(requetes.captured_queries)


def test_requetes_de_la_page_de_tous_les_programmes_fixes(client, pays):
    connecter(client, UserFactory(is_staff=True))
    params = {"programme": TOUS}
    _rafraichir(pays[2:])
    client.get(URL, params)
    # Session and user (2), the perimeter's programmes (1), the aggregates and the number of
    # programmes (2) and the view's savepoint (2); the DSFR settings are cached and the session
    # is renewed at most once a minute.
    peu = _requetes(client, params)
    assert peu == 7
    _rafraichir(pays)
    for i in range(10):
        _rafraichir([ProgrammeFactory(nom=f"Autre {i}")])
    assert _requetes(client, params) == peu


@pytest.mark.lent
@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_requetes_de_l_export_de_l_enquete_de_tous_les_programmes_fixes(client, pays, format):
    connecter(client, UserFactory(is_staff=True))
    nom = "parcours:statistiques_enquete" + ("_xlsx" if format == "xlsx" else "")
    url = reverse(nom) + f"?programme={TOUS}&annee={ANNEE}"
    _rafraichir(pays[2:])
    client.get(url)
    with CaptureQueriesContext(connection) as peu:
        reponse = client.get(url)
        b"".join(reponse.streaming_content) if reponse.streaming else reponse.content
    _rafraichir(pays)
    for i in range(10):
        _rafraichir([ProgrammeFactory(nom=f"Autre {i}")])
    with CaptureQueriesContext(connection) as beaucoup:
        reponse = client.get(url)
        b"".join(reponse.streaming_content) if reponse.streaming else reponse.content
    # Session, user, perimeter (3), the aggregates and the programmes' count (2), the test
    # transaction's savepoints (2); the session is renewed at most once a minute.
    assert len(peu.captured_queries) == 7
    assert len(beaucoup.captured_queries) == len(peu.captured_queries)


def _lancer_tache_de_nuit():
    """Run the nightly beat entry on a real worker, and wait for its success."""
    app.loader.import_default_modules()
    entree = settings.CELERY_BEAT_SCHEDULE["statistiques-rafraichir-nuit"]
    tache = app.tasks[entree["task"]]
    file = f"statistiques-test-{uuid.uuid4().hex[:8]}"
    fini: list[str] = []

    def reussie(sender=None, **kwargs):
        fini.append("ok")

    def echouee(sender=None, exception=None, **kwargs):
        fini.append(repr(exception))

    task_success.connect(reussie)
    task_failure.connect(echouee)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=30, queues=[file]
        ):
            tache.apply_async(
                args=entree.get("args", ()), kwargs=entree.get("kwargs", {}), queue=file
            )
            limite = time.monotonic() + 60
            while not fini and time.monotonic() < limite:
                time.sleep(0.2)
    finally:
        task_success.disconnect(reussie)
        task_failure.disconnect(echouee)

    assert fini == ["ok"]


@pytest.mark.lent
@pytest.mark.django_db(transaction=True)
def test_l_entree_nocturne_du_calendrier_remplit_les_agregats_sur_un_vrai_worker():
    programmes = [ProgrammeFactory(nom="PRE Nuit A"), ProgrammeFactory(nom="PRE Nuit B")]
    ParcoursFactory(programme=programmes[0], statut=Statut.EN_COURS, date_entree=DEBUT)
    _lancer_tache_de_nuit()
    lignes = set(StatistiqueAnnuelle.objects.values_list("programme_id", "annee"))
    assert lignes == {(p.pk, a) for p in programmes for a in annees_a_rafraichir()}
    ligne = StatistiqueAnnuelle.objects.get(programme=programmes[0], annee=ANNEE)
    assert ligne.chiffres["statistiques"]["suivis"] == 1


def _lignes_synthetiques(n: int) -> list[dict]:
    # Each programme brings its own durations and structures, as at national scale.
    return [
        {
            "statistiques": {
                "hist_duree": {str(i * 40 + j): 1 for j in range(40)},
                "actions_par_structure": [[f"S{i}-{j}", 1] for j in range(20)],
                "actions": {"cout": "1.50", "total": 3},
            }
        }
        for i in range(n)
    ]


def test_additionner_croit_lineairement_avec_le_nombre_de_programmes():
    # The pairwise addition rebuilt the whole running total for each row (8.9 s for the 500
    # programmes of the national set): 4 times the rows must cost about 4 times, not 16.
    def duree(n):
        lignes = _lignes_synthetiques(n)
        meilleure = float("inf")
        for _ in range(3):
            debut = time.perf_counter()
            additionner(lignes)
            meilleure = min(meilleure, time.perf_counter() - debut)
        return meilleure

    petite, grande = duree(150), duree(600)
    assert grande < 8 * petite
    total = additionner(_lignes_synthetiques(600))["statistiques"]
    assert len(total["hist_duree"]) == 24_000
    assert total["actions"] == {"cout": "900.00", "total": 1800}
