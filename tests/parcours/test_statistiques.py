"""Steering statistics: hand-checked indicators, masking, access, query budget, exports."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from parcours.exports import neutraliser
from parcours.models import (
    Action,
    BesoinNonCouvert,
    Consentement,
    Examen,
    NiveauScolaire,
    Objectif,
    ReunionEPS,
    Sexe,
    Statut,
)
from parcours.selectors import masquer_tableau, perimetre_pour, statistiques_programme
from partenaires.models import Domaine
from reussite.core.models import Role
from reussite.core.services import role_attribuer
from tests.conftest import connecter
from tests.factories.core import ProgrammeFactory, UserFactory
from tests.factories.monde import construire_monde
from tests.factories.parcours import EnfantFactory, ParcoursFactory

ANNEE = 2025
DEBUT, FIN = date(ANNEE, 1, 1), date(ANNEE, 12, 31)
URL = reverse("parcours:statistiques")

pytestmark = pytest.mark.django_db


# --- The masking function -----------------------------------------------------------------


def test_masquage_primaire_des_effectifs_de_1_a_4():
    assert masquer_tableau([[0, 4, 5, 12, 9]], par_ligne=False) == [[0, None, 5, 12, 9]]


def test_masquage_secondaire_une_seule_case_masquee_dans_la_ligne():
    # With its total published, 3 would be 30 - 27: the smallest other cell is masked too.
    assert masquer_tableau([[3, 12, 6, 9]]) == [[None, 12, None, 9]]


def test_deux_cases_deja_masquees_suffisent():
    assert masquer_tableau([[3, 2, 6, 9]]) == [[None, None, 6, 9]]


def test_rien_a_masquer():
    assert masquer_tableau([[10, 20], [5, 7]], par_colonne=True) == [[10, 20], [5, 7]]


def test_masquage_secondaire_en_lignes_et_colonnes_jusqu_a_stabilite():
    tableau = [[2, 10, 20], [8, 9, 30], [15, 16, 40]]
    resultat = masquer_tableau(tableau, par_colonne=True)
    for ligne in resultat:
        assert sum(v is None for v in ligne) != 1
    for j in range(3):
        assert sum(resultat[i][j] is None for i in range(3)) != 1
    assert resultat[0][0] is None


def test_une_ligne_entierement_petite_reste_masquee():
    assert masquer_tableau([[1, 2]]) == [[None, None]]


# --- Indicators against a hand-checked fixture --------------------------------------------


def _enfant(programme, *, sexe=Sexe.FEMININ, naissance=date(2017, 5, 1), **kwargs):
    return EnfantFactory(programme=programme, sexe=sexe, date_naissance=naissance, **kwargs)


def _parcours(programme, entree, sortie=None, motif="objectifs_atteints", **enfant):
    valeurs = {"statut": Statut.EN_COURS}
    if sortie:
        valeurs = {"statut": Statut.SORTI, "date_sortie": sortie, "motif_sortie": motif}
    return ParcoursFactory(
        programme=programme,
        enfant=_enfant(programme, **enfant),
        date_entree=entree,
        **valeurs,
    )


@pytest.fixture
def monde():
    m = construire_monde(
        nom="PRE de Villeneuve",
        porteuse=False,
        structure={"nom": "Association Lire Ensemble"},
        avec_parcours=False,
        autres_programmes=[{"nom": "PRE d’Ailleurs", "porteuse": False}],
    )
    programme, structure, autre = m.programme, m.structure, m.autres[0].programme
    # Followed in 2025: p1 (since 2024), p2 (entered March), p3 (entered Feb, left Aug),
    # p4 (2023 → left June 2025 after ~2.5 years, moved away). p5 left in 2024: not followed.
    p1 = _parcours(programme, date(2024, 9, 1), sexe=Sexe.MASCULIN, naissance=date(2015, 3, 1))
    p2 = _parcours(
        programme,
        date(2025, 3, 10),
        qpv=True,
        niveau_scolaire=NiveauScolaire.CP,
        naissance=date(2018, 10, 1),
    )
    p3 = _parcours(
        programme,
        date(2025, 2, 1),
        sortie=date(2025, 8, 1),
        sexe=Sexe.MASCULIN,
        niveau_scolaire=NiveauScolaire.SIXIEME,
        naissance=date(2013, 1, 1),
    )
    p4 = _parcours(
        programme,
        date(2023, 1, 15),
        sortie=date(2025, 6, 30),
        motif="demenagement",
        naissance=date(2021, 2, 1),
    )
    _parcours(programme, date(2023, 1, 1), sortie=date(2024, 12, 31))
    _parcours(autre, date(2025, 5, 1))  # another programme: never counted
    objectif = Objectif.objects.create(
        parcours=p1, domaine=Domaine.SANTE, intitule="Bilan orthophonique"
    )
    Action.objects.create(
        parcours=p1,
        objectif=objectif,
        intitule="Bilan",
        structure=structure,
        date_debut=date(2025, 4, 1),
        cout=Decimal("80.00"),
    )
    Action.objects.create(
        parcours=p2, intitule="Aide aux devoirs", date_debut=date(2024, 11, 1), date_fin=None
    )
    Action.objects.create(  # ended before the period
        parcours=p2, intitule="Ancienne", date_debut=date(2024, 1, 1), date_fin=date(2024, 2, 1)
    )
    reunion = ReunionEPS.objects.create(
        programme=programme,
        date=timezone.make_aware(datetime(2025, 4, 3, 14)),
        lieu="Mairie",
        statut="tenue",
    )
    Examen.objects.create(
        reunion=reunion, parcours=p2, decision="entree_validee", decide_le=reunion.date
    )
    Examen.objects.create(
        reunion=reunion, parcours=p1, decision="maintien", ordre=1, decide_le=reunion.date
    )
    c1 = Consentement.objects.create(
        parcours=p2, date_signature=date(2025, 3, 1), date_expiration=date(2026, 3, 1)
    )
    Consentement.objects.create(
        parcours=p2,
        date_signature=date(2026, 2, 20),
        date_expiration=date(2027, 2, 20),
        renouvelle=c1,
    )
    Consentement.objects.create(
        parcours=p3,
        date_signature=date(2025, 2, 1),
        date_expiration=date(2026, 2, 1),
        date_retrait=date(2025, 7, 20),
    )
    BesoinNonCouvert.objects.create(
        programme=programme,
        parcours=p1,
        domaine=Domaine.SANTE,
        tranche_age="6-10",
        description="Orthophoniste",
        date_signalement=date(2025, 5, 2),
    )
    return {
        "programme": programme,
        "coordinateur": m.coordinateur,
        "autre": autre,
        "p": [p1, p2, p3, p4],
    }


def _stats(monde, user=None):
    perimetre = perimetre_pour(user or monde["coordinateur"], str(monde["programme"].pk))
    return statistiques_programme(perimetre, DEBUT, FIN)


def test_indicateurs_calcules_a_la_main(monde):
    s = _stats(monde)
    assert not s["masque"]
    assert dict(s["resume"])["Enfants suivis"] == 4
    assert dict(s["resume"])["Entrées"] == 2
    assert dict(s["resume"])["Sorties"] == 2
    assert dict(s["sexe"].lignes) == {"Fille": 2, "Garçon": 2}
    # Ages at 31 December 2025: p1 10, p2 7, p3 12, p4 4.
    assert dict(s["age"].lignes) == {
        "2 à 5 ans": 1,
        "6 à 10 ans": 2,
        "11 à 16 ans": 1,
        "17 ans et plus": 0,
    }
    niveaux = dict(s["niveau"].lignes)
    assert niveaux["Élémentaire"] == 1 and niveaux["Collège"] == 1
    assert niveaux["Non renseigné"] == 2
    assert dict(s["qpv"].lignes) == {"Quartier prioritaire (QPV)": 1, "Hors QPV": 3}
    sorties = dict(s["sorties"].lignes)
    assert sorties["Objectifs atteints"] == 1 and sorties["Déménagement"] == 1
    # Durations: p3 181 days, p4 897 days; median (181 + 897) / 2 = 539 days ≈ 17.7 months.
    assert s["duree_mediane_mois"] == 17.7
    durees = dict(s["durees"].lignes)
    assert durees["Moins de 6 mois"] == 1 and durees["24 mois et plus"] == 1
    assert dict(s["actions_domaine"].lignes)["Santé"] == 1
    assert dict(s["actions_domaine"].lignes)["Domaine non précisé"] == 1
    assert s["actions_domaine"].total == 2
    assert dict(s["actions_structure"].lignes)["Association Lire Ensemble"] == 1
    assert dict(s["actions_convention"].lignes) == {"Sans convention": 2}
    assert s["actions_cout"] == Decimal("80.00")
    assert dict(s["eps"].lignes)["Entrée validée"] == 1
    assert dict(s["eps"].lignes)["Maintien"] == 1
    assert s["eps_reunions"] == 1 and s["eps_parcours"] == 2
    assert dict(s["consentements"].lignes) == {"Signés": 2, "Renouvelés": 0, "Retirés": 1}
    assert dict(s["besoins"].lignes)["Santé"] == 1
    mensuel = s["mensuel"]
    assert mensuel["entrees"].valeurs[1:3] == [1, 1]  # February, March
    assert mensuel["sorties"].valeurs[5:8] == [1, 0, 1]  # June, July, August
    # In a pathway at each month's end: 2 on 1 January (p1, p4), +p3 in Feb, +p2 in March...
    assert mensuel["actifs"].valeurs == [2, 3, 4, 4, 4, 4, 3, 3, 2, 2, 2, 2]


def test_pilotage_voit_les_petits_effectifs_masques(monde):
    pilote = UserFactory()
    role_attribuer(user=pilote, programme=monde["programme"], role=Role.PILOTAGE)
    s = _stats(monde, pilote)
    assert s["masque"]
    assert dict(s["resume"])["Enfants suivis"] is None
    assert s["sexe"].valeurs == [None, None]
    assert s["duree_mediane_mois"] is None


def test_neuf_requetes_quel_que_soit_le_volume(monde, django_assert_num_queries):
    perimetre = perimetre_pour(monde["coordinateur"], str(monde["programme"].pk))
    with django_assert_num_queries(9):
        statistiques_programme(perimetre, DEBUT, FIN)
    for i in range(30):
        _parcours(monde["programme"], date(2025, 1 + i % 12, 1), naissance=date(2012 + i % 9, 1, 1))
    with django_assert_num_queries(9):
        s = statistiques_programme(perimetre, DEBUT, FIN)
    assert dict(s["resume"])["Enfants suivis"] == 34


def test_un_programme_lit_les_lignes_de_ses_parcours_par_leur_index(monde):
    """Issue 18: the programme's page read every action, consent, child and scheme of the
    country (joined to the pathways, then filtered on the programme): at 150,700 pathways,
    seq scans and 1.6-1.9 times the city's time. Each query on a pathway's rows now starts
    from the ids of the programme's pathways (`= ANY(ARRAY(...))`, read by the foreign key's
    index); the figures stay those of the programme alone."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parcours.selectors import statistiques_dispositifs

    autre = ProgrammeFactory(nom="Ailleurs")
    ailleurs = _parcours(autre, date(2025, 2, 1), naissance=date(2015, 1, 1))
    Action.objects.create(parcours=ailleurs, intitule="Ailleurs", date_debut=date(2025, 3, 1))
    Consentement.objects.create(
        parcours=ailleurs, date_signature=date(2025, 3, 1), date_expiration=date(2026, 3, 1)
    )
    perimetre = perimetre_pour(monde["coordinateur"], str(monde["programme"].pk))
    with CaptureQueriesContext(connection) as requetes:
        s = statistiques_programme(perimetre, DEBUT, FIN)
        statistiques_dispositifs(perimetre, DEBUT, FIN)
    tables = {
        '"parcours_action"': 3,
        '"parcours_consentement"': 1,
        '"parcours_enfant"': 1,
        '"parcours_dispositif"': 1,
        '"parcours_questionnairesortie"': 1,
    }
    for table, nombre in tables.items():
        lues = [q["sql"] for q in requetes.captured_queries if f"FROM {table}" in q["sql"]]
        lues += [q["sql"] for q in requetes.captured_queries if f"JOIN {table}" in q["sql"]]
        assert len(lues) == nombre, table
        for sql in lues:
            assert '_id" = ANY(ARRAY(SELECT' in sql, (table, sql)
    # The hand-checked figures, the other programme's rows left out.
    assert dict(s["resume"])["Enfants suivis"] == 4
    assert s["actions_domaine"].total == 2
    assert dict(s["consentements"].lignes) == {"Signés": 2, "Renouvelés": 0, "Retirés": 1}


# --- The page -----------------------------------------------------------------------------


def _pilote(programme):
    user = UserFactory()
    role_attribuer(user=user, programme=programme, role=Role.PILOTAGE)
    return user


def test_page_coordinateur_periode_choisie(client, monde):
    connecter(client, monde["coordinateur"])
    reponse = client.get(
        URL, {"programme": monde["programme"].pk, "debut": "2025-01-01", "fin": "2025-12-31"}
    )
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "<svg" in contenu and "<caption" in contenu
    assert "Secret statistique" not in contenu
    assert reponse.context["resume"][0][1] == 4


def test_page_par_defaut_annee_civile_en_cours(client, monde):
    connecter(client, monde["coordinateur"])
    reponse = client.get(URL)
    assert reponse.status_code == 200
    assert reponse.context["debut"] == date(date.today().year, 1, 1)
    assert reponse.context["fin"] == date(date.today().year, 12, 31)


def test_periode_inversee_refusee_en_francais(client, monde):
    connecter(client, monde["coordinateur"])
    reponse = client.get(
        URL, {"programme": monde["programme"].pk, "debut": "2025-06-01", "fin": "2025-01-01"}
    )
    assert reponse.status_code == 200
    assert "La fin de la période doit suivre son début." in reponse.content.decode()


def test_programme_d_un_autre_404(client, monde):
    connecter(client, monde["coordinateur"])
    assert client.get(URL, {"programme": monde["autre"].pk}).status_code == 404
    assert client.get(URL, {"programme": "tous"}).status_code == 404


def test_sans_role_404(client, monde):
    connecter(client, UserFactory())
    assert client.get(URL).status_code == 404


def test_pilotage_voit_des_agregats_masques_sans_nom(client, monde):
    connecter(client, _pilote(monde["programme"]))
    reponse = client.get(
        URL, {"programme": monde["programme"].pk, "debut": "2025-01-01", "fin": "2025-12-31"}
    )
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "&lt; 5" in contenu and "Secret statistique" in contenu
    for p in monde["p"]:
        # The surname carries a unique suffix; a first name alone can be a word of the page
        # (« Marianne » is in the State's logo), so it is checked next to the surname.
        assert p.enfant.nom not in contenu
        assert f"{p.enfant.prenom} {p.enfant.nom}" not in contenu
        assert f"{p.enfant.nom} {p.enfant.prenom}" not in contenu


def test_vue_plateforme_pour_le_personnel(client, monde):
    from parcours.services.statistiques import statistique_annuelle_rafraichir

    # Every programme reads the yearly aggregates the nightly task stores.
    for programme in (monde["programme"], monde["autre"]):
        statistique_annuelle_rafraichir(programme=programme, annee=2025)
    staff = UserFactory(is_staff=True)
    connecter(client, staff)
    reponse = client.get(URL, {"programme": "tous", "debut": "2025-01-01", "fin": "2025-12-31"})
    assert reponse.status_code == 200
    assert "Tous les programmes" in reponse.content.decode()
    assert reponse.context["masque"]
    # Five pathways followed in 2025 over both programmes: shown, being 5 or more.
    assert reponse.context["resume"][0][1] == 5


def _requetes(client, params) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as requetes:
        assert client.get(URL, params).status_code == 200
    return len(requetes.captured_queries)


def test_nombre_de_requetes_de_la_page_constant(client, monde, settings):
    """Pinned with few and many pathways: computed (no cache) and read from the cache."""
    connecter(client, monde["coordinateur"])
    params = {"programme": monde["programme"].pk, "debut": "2025-01-01", "fin": "2025-12-31"}
    settings.REUSSITE_STATISTIQUES_CACHE_S = 0  # Django's cache: 0 expires at once
    client.get(URL, params)  # the session's first visit writes the header's link
    calcul_peu = _requetes(client, params)
    for i in range(25):
        _parcours(monde["programme"], date(2025, 1 + i % 12, 3))
    assert _requetes(client, params) == calcul_peu == 19
    settings.REUSSITE_STATISTIQUES_CACHE_S = 300
    client.get(URL, params)
    assert _requetes(client, params) == 5


def test_les_chiffres_d_un_programme_sont_calcules_une_fois_pour_tous_ses_lecteurs(client, monde):
    """The raw counts are shared by every reader of the programme and period for a few minutes;
    each reader still gets the masking of their role, and the page says when they were computed."""
    from django.core.cache import cache

    from parcours.selectors.statistiques_agregees import _cle_programme

    params = {"programme": monde["programme"].pk, "debut": "2025-01-01", "fin": "2025-12-31"}
    connecter(client, monde["coordinateur"])
    premiere = client.get(URL, params)
    assert premiere.context["resume"][0][1] == 4
    assert "Chiffres calculés le" in premiere.content.decode()
    _parcours(monde["programme"], date(2025, 5, 3))

    # Within the delay, the same counts for the coordinator (unmasked) and the steering (masked).
    assert client.get(URL, params).context["resume"][0][1] == 4
    connecter(client, _pilote(monde["programme"]))
    pilotage = client.get(URL, params)
    assert pilotage.context["resume"][0][1] is None  # 4 is under the statistical secret
    assert pilotage.context["calcul_recent"] == premiere.context["calcul_recent"]

    # Once the delay has passed (the key expired), the new pathway is counted.
    cache.delete(_cle_programme(monde["programme"], DEBUT, FIN))
    assert client.get(URL, params).context["resume"][0][1] == 5
    # Another period is computed on its own.
    autre = client.get(URL, {**params, "debut": "2025-06-01"})
    assert autre.context["calcul_recent"].calcule_le > premiere.context["calcul_recent"].calcule_le


def test_la_page_ne_date_pas_des_chiffres_jamais_gardes(client, monde, settings):
    """The delay says how often the figures are at most recomputed; with no delay (0: computed
    on every page) the page gives no date, and one minute reads as French."""
    params = {"programme": monde["programme"].pk, "debut": "2025-01-01", "fin": "2025-12-31"}
    connecter(client, monde["coordinateur"])
    settings.REUSSITE_STATISTIQUES_CACHE_S = 0
    page = client.get(URL, params)
    assert page.context["calcul_recent"] is None
    assert 'id="calcul-recent"' not in page.content.decode()
    settings.REUSSITE_STATISTIQUES_CACHE_S = 60
    assert "recalculés au plus une fois par minute." in client.get(URL, params).content.decode()
    settings.REUSSITE_STATISTIQUES_CACHE_S = 600
    assert (
        "recalculés au plus toutes les 10 minutes."
        in client.get(URL, {**params, "debut": "2025-02-01"}).content.decode()
    )


# --- Exports ------------------------------------------------------------------------------


def test_neutralisation_des_formules():
    for dangereux in ("=SOMME(A1)", "+33", "-2", "@cmd", "\tx", "\rx"):
        assert neutraliser(dangereux) == "'" + dangereux
    assert neutraliser("Dupont") == "Dupont"
    assert neutraliser(3) == 3


def test_export_enquete_csv_et_xlsx(client, monde):
    connecter(client, monde["coordinateur"])
    url = reverse("parcours:statistiques_enquete")
    reponse = client.get(url, {"programme": monde["programme"].pk, "annee": ANNEE})
    assert reponse.status_code == 200
    texte = b"".join(reponse.streaming_content).decode("utf-8-sig")
    lignes = list(csv.reader(io.StringIO(texte), delimiter=";"))
    valeurs = {(r[0], r[1]): r[2] for r in lignes[1:]}
    assert valeurs[("Synthèse", "Enfants suivis")] == "4"
    assert valeurs[("Enfants suivis par tranche d’âge", "6 à 10 ans")] == "2"
    reponse = client.get(
        reverse("parcours:statistiques_enquete_xlsx"),
        {"programme": monde["programme"].pk, "annee": ANNEE},
    )
    feuille = load_workbook(io.BytesIO(reponse.content)).active
    lignes = list(feuille.iter_rows(values_only=True))
    assert ("Synthèse", "Entrées", 2) in lignes


def test_export_enquete_pilotage_masque(client, monde):
    connecter(client, _pilote(monde["programme"]))
    url = reverse("parcours:statistiques_enquete")
    texte = b"".join(
        client.get(url, {"programme": monde["programme"].pk, "annee": ANNEE}).streaming_content
    ).decode("utf-8-sig")
    assert "Synthèse;Enfants suivis;< 5" in texte
    assert client.get(url, {"programme": monde["autre"].pk, "annee": ANNEE}).status_code == 404


def test_export_liste_filtre_et_neutralise(client, monde):
    p1 = monde["p"][0]
    p1.enfant.nom = '=HYPERLINK("http://x")'
    p1.enfant.save()
    connecter(client, monde["coordinateur"])
    reponse = client.get(reverse("parcours:parcours_export"), {"statut": "en_cours"})
    assert reponse.streaming
    texte = b"".join(reponse.streaming_content).decode("utf-8-sig")
    lignes = list(csv.reader(io.StringIO(texte), delimiter=";"))
    assert len(lignes) == 1 + 2  # header + p1, p2 (open, in this programme)
    assert any(r[1] == '\'=HYPERLINK("http://x")' for r in lignes)
    reponse = client.get(reverse("parcours:parcours_export_xlsx"), {"statut": "sorti"})
    assert reponse.streaming  # streamed as it is written (issue 18)
    feuille = load_workbook(io.BytesIO(b"".join(reponse.streaming_content))).active
    assert feuille.max_row == 1 + 3


def test_export_liste_refuse_hors_coordination(client, monde):
    connecter(client, _pilote(monde["programme"]))
    assert client.get(reverse("parcours:parcours_export")).status_code == 404
    assert client.get(reverse("parcours:parcours_export_xlsx")).status_code == 404


# --- Where the page is linked from --------------------------------------------------------


def test_lien_dans_l_en_tete_selon_le_role_note_a_la_connexion(client, monde):
    lien = f'href="{URL}"'
    connecter(client, _pilote(monde["programme"]))
    # A steering-only user's home is the statistics page itself (exports flow).
    assert lien in client.get(reverse("accueil"), follow=True).content.decode()
    client.logout()
    connecter(client, UserFactory())
    assert lien not in client.get(reverse("accueil")).content.decode()


def test_le_tableau_de_bord_du_coordinateur_mene_aux_statistiques(client, monde):
    connecter(client, monde["coordinateur"])
    contenu = client.get(reverse("accueil")).content.decode()
    assert f'href="{URL}"' in contenu
    liste = client.get(reverse("parcours:liste"), {"statut": "en_cours"}).content.decode()
    assert reverse("parcours:parcours_export_xlsx") + "?statut=en_cours" in liste
