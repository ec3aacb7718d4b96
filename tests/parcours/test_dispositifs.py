"""Issue 21: the child's other schemes, the family's words on an objective and the exit
questionnaire — their rules, who sees what (reserved measures: the référent and the
coordination only, everywhere), the write guards and the statistics."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from parcours.models import (
    Dispositif,
    Objectif,
    Parcours,
    ParoleFamille,
    QuestionnaireSortie,
    Statut,
)
from parcours.selectors import perimetre_pour, statistiques_dispositifs
from parcours.selectors.statistiques import indicateurs_enquete
from parcours.services import (
    dispositif_ajouter,
    dispositif_modifier,
    dispositif_terminer,
    ordre_du_jour_ajouter,
    parcours_sortir,
    parole_ajouter,
    questionnaire_sortie_enregistrer,
    reunion_planifier,
)
from partenaires.models import Professionnel
from reussite.core.ecriture import ConflitDeModification
from reussite.core.models import Role
from reussite.core.services import role_attribuer
from tests.conftest import connecter
from tests.factories import actions as fabrique_actions
from tests.factories.core import UserFactory
from tests.factories.monde import construire_monde
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import (
    Pre,
    version_actuelle,
)
from tests.support.formulaires import jeton

pytestmark = pytest.mark.django_db

AUJOURDHUI = date.today()


@dataclass
class Monde:
    a: Pre
    parcours: Parcours
    objectif: Objectif
    referent: Professionnel  # a partner référent: the pathway's team
    intervenant: Professionnel  # an assigned partner: reads the pathway, not the reserved


@pytest.fixture
def monde() -> Monde:
    m = construire_monde(
        nom="PRE Dispositifs",
        structure={"nom": "Centre social"},
        enfant={"nom": "Dispositaire", "prenom": "Lina"},
        date_entree=AUJOURDHUI - timedelta(days=300),
    )
    objectif = fabrique_actions.objectif(m.parcours, auteur=m.coordinateur, intitule="Lire seul")
    return Monde(m.pre, m.parcours, objectif, m.referent, m.intervenant)


def _ajouter(monde, type, **kwargs) -> Dispositif:
    return dispositif_ajouter(
        parcours=Parcours.objects.get(pk=monde.parcours.pk),
        auteur=monde.a.coordinateur,
        type=type,
        date_debut=kwargs.pop("date_debut", AUJOURDHUI - timedelta(days=30)),
        **kwargs,
    )


def _u(nom, *args):
    return reverse(nom, args=args)


def _texte(reponse) -> str:
    return reponse.content.decode()


# --- Rules ----------------------------------------------------------------------------------


def test_un_dispositif_se_note_se_corrige_et_se_termine(monde):
    clas = _ajouter(monde, "clas", precision="Centre social Nord")
    assert clas.en_cours and not clas.reserve

    corrige = dispositif_modifier(
        dispositif=clas,
        auteur=monde.a.coordinateur,
        version=clas.version,
        type="clas",
        date_debut=clas.date_debut,
        accord_contact=True,
        contact="Mme Diallo, animatrice, 01 23 45 67 89",
    )
    termine = dispositif_terminer(
        dispositif=corrige,
        auteur=monde.a.coordinateur,
        version=corrige.version,
        date_fin=AUJOURDHUI,
    )

    assert (termine.contact, termine.date_fin, termine.version) == (
        "Mme Diallo, animatrice, 01 23 45 67 89",
        AUJOURDHUI,
        3,
    )
    with pytest.raises(ConflitDeModification):
        dispositif_terminer(
            dispositif=termine, auteur=monde.a.coordinateur, version=1, date_fin=AUJOURDHUI
        )


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        ({"contact": "M. Martin"}, "seulement si la famille accepte"),
        ({"date_fin": AUJOURDHUI - timedelta(days=60)}, "La date de fin précède"),
        ({"type": "inconnu"}, "Choisissez un dispositif"),
    ],
    ids=["contact-sans-accord", "fin-avant-debut", "type-inconnu"],
)
def test_un_dispositif_incoherent_est_refuse_en_francais(monde, donnees, message):
    with pytest.raises(ValidationError, match=message):
        _ajouter(monde, donnees.pop("type", "ppre"), **donnees)
    assert not Dispositif.objects.exists()


def test_rien_ne_s_ajoute_a_un_parcours_sorti(monde):
    parcours_sortir(
        version=version_actuelle(monde.parcours),
        parcours=monde.parcours,
        date_sortie=AUJOURDHUI,
        motif_sortie="demenagement",
        auteur=monde.a.coordinateur,
    )
    with pytest.raises(ValidationError, match="clos"):
        _ajouter(monde, "clas")
    with pytest.raises(ValidationError, match="clos"):
        parole_ajouter(
            objectif=monde.objectif,
            auteur=monde.a.coordinateur,
            locuteur="enfant",
            moment="bilan",
            date=AUJOURDHUI,
            texte="J’ai aimé",
        )


# --- Who sees a reserved measure ------------------------------------------------------------


def test_le_partenaire_ne_voit_pas_une_mesure_reservee_sur_la_synthese(client, monde):
    clas = _ajouter(monde, "clas", precision="Centre social Nord")
    reserves = [
        _ajouter(monde, t, precision=f"Mesure {t}") for t in ("aemo", "placement_ase", "cmp", "pps")
    ]

    connecter(client, monde.intervenant.user)
    page = _texte(client.get(_u("parcours:detail", monde.parcours.pk)))
    assert "CLAS" in page and "Centre social Nord" in page
    for mesure in reserves:
        assert f"Mesure {mesure.type}" not in page
    assert "AEMO" not in page and "Placement ASE" not in page
    # Nor through any URL: every scheme URL answers 404, as for a pathway that does not exist.
    for dispositif in (clas, *reserves):
        for nom in ("parcours:dispositif_modifier", "parcours:dispositif_terminer"):
            url = _u(nom, monde.parcours.pk, dispositif.pk)
            assert client.get(url).status_code == 404
            assert client.post(url, {"version": 1, "date_fin": AUJOURDHUI}).status_code == 404
    assert client.get(_u("parcours:dispositif_ajouter", monde.parcours.pk)).status_code == 404
    assert Dispositif.objects.filter(date_fin__isnull=False).count() == 0

    for equipe in (monde.referent.user, monde.a.coordinateur):
        connecter(client, equipe)
        page = _texte(client.get(_u("parcours:detail", monde.parcours.pk)))
        assert "Mesure d’AEMO" in page and "Mesure aemo" in page and "Suivi CMP / CMPP" in page


def test_l_ordre_du_jour_de_l_eps_dit_deja_suivi_par_sans_les_mesures_reservees(client, monde):
    _ajouter(monde, "clas")
    _ajouter(monde, "aemo")
    _ajouter(monde, "ppre", date_fin=AUJOURDHUI - timedelta(days=1))  # ended: not listed
    reunion = reunion_planifier(
        programme=monde.a.programme,
        date_heure=timezone.make_aware(datetime.combine(AUJOURDHUI + timedelta(days=1), time(14))),
        lieu="Salle du conseil",
        invites=[monde.intervenant],
        parcours=[],
        auteur=monde.a.coordinateur,
    )
    ordre_du_jour_ajouter(reunion=reunion, parcours=monde.parcours)
    url = _u("parcours:eps_reunion", reunion.pk)

    connecter(client, monde.intervenant.user)
    page = _texte(client.get(url))
    assert "Dispositaire" in page  # the invited partner sees the pathway on the agenda…
    assert "Déjà suivi par" in page and "CLAS" in page
    assert "AEMO" not in page and "PPRE" not in page  # …not the reserved measure

    connecter(client, monde.a.coordinateur)
    page = _texte(client.get(url))
    assert "CLAS" in page and "Mesure d’AEMO" in page and "PPRE" not in page


# --- Views: double submit, conflict, bad input ----------------------------------------------


def test_un_double_envoi_cree_un_seul_dispositif(client, monde):
    connecter(client, monde.referent.user)
    donnees = {
        "jeton": jeton(),
        "type": "aemo",
        "date_debut": (AUJOURDHUI - timedelta(days=10)).isoformat(),
    }
    url = _u("parcours:dispositif_ajouter", monde.parcours.pk)

    premiere = client.post(url, donnees)
    seconde = client.post(url, donnees, follow=True)

    assert premiere.status_code == 302
    assert premiere["Location"].endswith("#autres-dispositifs")
    assert Dispositif.objects.filter(parcours=monde.parcours).count() == 1
    assert "rien n’a été créé deux fois" in _texte(seconde)


def test_une_modification_concurrente_donne_la_page_de_conflit(client, monde):
    aemo = _ajouter(monde, "aemo")
    connecter(client, monde.referent.user)
    url = _u("parcours:dispositif_modifier", monde.parcours.pk, aemo.pk)
    assert client.get(url).status_code == 200
    # Meanwhile, the coordinator ends it.
    dispositif_terminer(
        dispositif=aemo, auteur=monde.a.coordinateur, version=aemo.version, date_fin=AUJOURDHUI
    )

    reponse = client.post(
        url,
        {
            "version": 1,
            "type": "aemo",
            "date_debut": aemo.date_debut.isoformat(),
            "precision": "Texte saisi à garder",
        },
    )

    assert reponse.status_code == 409
    assert "Texte saisi à garder" in _texte(reponse)
    assert Dispositif.objects.get(pk=aemo.pk).precision == ""


def test_une_saisie_invalide_est_expliquee_en_francais_et_gardee(client, monde):
    connecter(client, monde.a.coordinateur)
    reponse = client.post(
        _u("parcours:dispositif_ajouter", monde.parcours.pk),
        {
            "jeton": jeton(),
            "type": "clas",
            "date_debut": AUJOURDHUI.isoformat(),
            "date_fin": (AUJOURDHUI - timedelta(days=3)).isoformat(),
            "contact": "Mme Petit",
            "precision": "Maison de quartier",
        },
    )

    assert reponse.status_code == 200
    page = _texte(reponse)
    assert "La date de fin précède la date de début." in page
    assert "Maison de quartier" in page
    assert not Dispositif.objects.exists()

    reponse = client.post(
        _u("parcours:dispositif_ajouter", monde.parcours.pk),
        {"jeton": jeton(), "type": "", "date_debut": "31/02/2025"},
    )
    page = _texte(reponse)
    assert "Choisissez le dispositif." in page


# --- The family's words -----------------------------------------------------------------------


def test_la_parole_de_la_famille_s_affiche_sur_l_objectif(client, monde):
    connecter(client, monde.referent.user)
    url = _u("parcours:parole_ajouter", monde.parcours.pk, monde.objectif.pk)
    donnees = {
        "jeton": jeton(),
        "locuteur": "enfant",
        "moment": "souhaits",
        "date": AUJOURDHUI.isoformat(),
        "texte": "Je voudrais lire des histoires à ma sœur.",
    }
    assert client.post(url, donnees).status_code == 302
    client.post(url, donnees)  # sent twice: one entry
    assert ParoleFamille.objects.filter(objectif=monde.objectif).count() == 1

    page = _texte(client.get(_u("parcours:objectifs", monde.parcours.pk)))
    assert "Je voudrais lire des histoires à ma sœur." in page
    assert "Souhaits au départ" in page and "Noter la parole de la famille" in page

    # The assigned partner reads the family's words; writing them is the référent's.
    connecter(client, monde.intervenant.user)
    page = _texte(client.get(_u("parcours:objectifs", monde.parcours.pk)))
    assert "Je voudrais lire des histoires à ma sœur." in page
    assert "Noter la parole de la famille" not in page
    assert client.get(url).status_code == 404


def test_une_parole_sans_texte_est_refusee(client, monde):
    connecter(client, monde.referent.user)
    reponse = client.post(
        _u("parcours:parole_ajouter", monde.parcours.pk, monde.objectif.pk),
        {"jeton": jeton(), "locuteur": "parents", "moment": "bilan", "date": AUJOURDHUI},
    )
    assert "Écrivez les mots de la famille." in _texte(reponse)
    assert not ParoleFamille.objects.exists()


def test_les_paroles_ne_coutent_aucune_requete_de_plus(client, monde, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connecter(client, monde.a.coordinateur)
    url = _u("parcours:objectifs", monde.parcours.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as sans:
        client.get(url)
    for numero in range(8):
        parole_ajouter(
            objectif=Objectif.objects.get(pk=monde.objectif.pk),
            auteur=monde.a.coordinateur,
            locuteur="parents",
            moment="bilan",
            date=AUJOURDHUI,
            texte=f"Parole {numero}",
        )
    with django_assert_num_queries(len(sans.captured_queries)):
        reponse = client.get(url)
    assert "Parole 7" in _texte(reponse)


def test_la_synthese_coute_autant_avec_1_et_12_dispositifs(
    client, monde, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _ajouter(monde, "clas")
    connecter(client, monde.a.coordinateur)
    url = _u("parcours:detail", monde.parcours.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as peu:
        client.get(url)
    for type in ("aemo", "cmp", "pps", "pap", "pai", "ppre") * 2:
        _ajouter(monde, type)
    with django_assert_num_queries(len(peu.captured_queries)):
        client.get(url)


# --- The exit questionnaire -----------------------------------------------------------------


def _sortir(client, monde, motif):
    connecter(client, monde.referent.user)
    return client.post(
        _u("parcours:sortir", monde.parcours.pk),
        {
            "date_sortie": AUJOURDHUI.isoformat(),
            "motif_sortie": motif,
            "version": version_actuelle(monde.parcours),
        },
    )


def test_la_sortie_mene_au_questionnaire_qui_se_remplit_une_fois(client, monde):
    reponse = _sortir(client, monde, "objectifs_atteints")
    questionnaire = _u("parcours:questionnaire_sortie", monde.parcours.pk)
    assert reponse["Location"] == questionnaire

    donnees = {
        "jeton": jeton(),
        "date": AUJOURDHUI.isoformat(),
        "repondants": "ensemble",
        "satisfaction": "plutot",
        "aides": ["ecoute", "activites"],
        "aide_commentaire": "Le club de foot.",
        "freins": ["attente"],
    }
    assert client.post(questionnaire, donnees).status_code == 302
    assert client.post(questionnaire, donnees).status_code == 302  # double click: one row
    autre = client.post(questionnaire, donnees | {"jeton": jeton()})

    assert QuestionnaireSortie.objects.count() == 1
    assert "déjà rempli" in _texte(autre)
    page = _texte(client.get(questionnaire))
    assert "Plutôt satisfaite" in page and "Le club de foot." in page
    # The assigned partner never reaches it.
    connecter(client, monde.intervenant.user)
    assert client.get(questionnaire).status_code == 404


def test_sans_questionnaire_apres_un_refus_de_la_famille(client, monde):
    reponse = _sortir(client, monde, "refus_famille")
    assert reponse["Location"] == _u("parcours:detail", monde.parcours.pk)


def test_le_questionnaire_est_refuse_longtemps_apres_la_sortie(monde):
    parcours_sortir(
        version=version_actuelle(monde.parcours),
        parcours=monde.parcours,
        date_sortie=AUJOURDHUI - timedelta(days=90),
        motif_sortie="demenagement",
        auteur=monde.a.coordinateur,
    )
    with pytest.raises(ValidationError, match="plus de 60 jours"):
        questionnaire_sortie_enregistrer(
            parcours=Parcours.objects.get(pk=monde.parcours.pk),
            auteur=monde.a.coordinateur,
            date=AUJOURDHUI,
            repondants="parents",
            satisfaction="tres",
            aides=[],
            freins=[],
        )


# --- Statistics -------------------------------------------------------------------------------


def test_les_statistiques_comptent_les_dispositifs_et_les_reponses_masquees_sous_5(monde):
    _ajouter(monde, "clas")
    _ajouter(monde, "aemo")
    questionnaire_sortie_enregistrer(
        parcours=Parcours.objects.get(pk=monde.parcours.pk),
        auteur=monde.a.coordinateur,
        date=AUJOURDHUI,
        repondants="parents",
        satisfaction="tres",
        aides=["ecoute"],
        freins=[],
    )
    for numero in range(5):
        autre = ParcoursFactory(
            programme=monde.a.programme,
            statut=Statut.EN_COURS,
            date_entree=AUJOURDHUI - timedelta(days=100),
        )
        dispositif_ajouter(
            parcours=autre,
            auteur=monde.a.coordinateur,
            type="clas",
            date_debut=AUJOURDHUI - timedelta(days=50 + numero),
        )
    debut, fin = date(AUJOURDHUI.year, 1, 1), date(AUJOURDHUI.year, 12, 31)
    debut = min(debut, AUJOURDHUI - timedelta(days=60))

    coordination = statistiques_dispositifs(
        perimetre_pour(monde.a.coordinateur, str(monde.a.programme.pk)), debut, fin
    )
    series = dict(coordination["dispositifs"].lignes)
    assert (
        series["CLAS (contrat local d’accompagnement à la scolarité)"],
        series["Mesure d’AEMO"],
    ) == (
        6,
        1,
    )
    assert coordination["dispositifs_enfants"] == 6
    assert dict(coordination["satisfaction"].lignes)["Très satisfaite"] == 1

    pilote = UserFactory()
    role_attribuer(user=pilote, programme=monde.a.programme, role=Role.PILOTAGE)
    pilotage = statistiques_dispositifs(
        perimetre_pour(pilote, str(monde.a.programme.pk)), debut, fin
    )
    series = dict(pilotage["dispositifs"].lignes)
    assert series["CLAS (contrat local d’accompagnement à la scolarité)"] == 6
    assert series["Mesure d’AEMO"] is None  # 1: masked
    assert pilotage["questionnaires_total"] is None
    assert dict(pilotage["satisfaction"].lignes)["Très satisfaite"] is None

    lignes = indicateurs_enquete(perimetre_pour(pilote, str(monde.a.programme.pk)), AUJOURDHUI.year)
    assert ("Satisfaction des familles à la sortie", "Très satisfaite", "< 5") in lignes


# --- Retention ------------------------------------------------------------------------------


def test_l_anonymisation_efface_les_mots_et_les_contacts_et_garde_les_faits(monde):
    from parcours.services import TEXTE_SUPPRIME, enfants_anonymiser

    clas = _ajouter(
        monde, "clas", precision="Centre social Nord", accord_contact=True, contact="Mme Petit"
    )
    parole_ajouter(
        objectif=monde.objectif,
        auteur=monde.a.coordinateur,
        locuteur="enfant",
        moment="souhaits",
        date=AUJOURDHUI,
        texte="Je veux nager",
    )
    questionnaire_sortie_enregistrer(
        parcours=Parcours.objects.get(pk=monde.parcours.pk),
        auteur=monde.a.coordinateur,
        date=AUJOURDHUI,
        repondants="parents",
        satisfaction="tres",
        aides=["ecoute"],
        freins=[],
        aide_commentaire="La référente",
    )
    sortie = date(2024, 1, 15)
    Parcours.objects.filter(pk=monde.parcours.pk).update(
        statut=Statut.SORTI,
        date_entree=date(2023, 1, 1),
        date_sortie=sortie,
        motif_sortie="demenagement",
    )

    assert enfants_anonymiser(le=date(2026, 1, 15)).enfants == 1

    clas.refresh_from_db()
    assert (clas.type, clas.precision, clas.contact) == ("clas", TEXTE_SUPPRIME, TEXTE_SUPPRIME)
    assert ParoleFamille.objects.get().texte == TEXTE_SUPPRIME
    questionnaire = QuestionnaireSortie.objects.get()
    assert (questionnaire.satisfaction, questionnaire.aide_commentaire) == ("tres", TEXTE_SUPPRIME)


def test_le_droit_d_acces_rend_a_la_famille_ses_mots_ses_dispositifs_et_ses_reponses(monde):
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    from parcours.selectors import droit_acces_donnees

    _ajouter(monde, "aemo", precision="Service AEMO")
    parole_ajouter(
        objectif=monde.objectif,
        auteur=monde.a.coordinateur,
        locuteur="parents",
        moment="souhaits",
        date=AUJOURDHUI,
        texte="Qu’il lise avec plaisir",
    )
    questionnaire_sortie_enregistrer(
        parcours=Parcours.objects.get(pk=monde.parcours.pk),
        auteur=monde.a.coordinateur,
        date=AUJOURDHUI,
        repondants="parents",
        satisfaction="plutot",
        aides=["scolarite"],
        freins=["attente"],
    )

    donnees = json.loads(
        json.dumps(
            droit_acces_donnees(Parcours.objects.get(pk=monde.parcours.pk)), cls=DjangoJSONEncoder
        )
    )

    [parcours] = donnees["parcours"]
    assert parcours["autres_dispositifs"][0]["precision"] == "Service AEMO"
    assert (
        parcours["objectifs"][0]["paroles_de_la_famille"][0]["texte"] == "Qu’il lise avec plaisir"
    )
    assert parcours["questionnaire_de_sortie"]["ce_qui_n_a_pas_aide"] == ["Les délais d’attente"]


def test_l_ordre_du_jour_imprime_ne_nomme_jamais_une_mesure_reservee(client, monde):
    _ajouter(monde, "cite_educative")
    _ajouter(monde, "cmp")
    reunion = reunion_planifier(
        programme=monde.a.programme,
        date_heure=timezone.make_aware(datetime.combine(AUJOURDHUI + timedelta(days=1), time(9))),
        lieu="Salle du conseil",
        invites=[monde.intervenant],
        parcours=[monde.parcours],
        auteur=monde.a.coordinateur,
    )
    connecter(client, monde.a.coordinateur)

    page = _texte(client.get(_u("parcours:eps_ordre_du_jour", reunion.pk)))

    assert "Cité éducative" in page
    assert "CMP" not in page
