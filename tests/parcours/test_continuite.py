"""Continuity gaps of issue 21: anonymisation of the new free texts, redirected requests that
become a request to the suggested structure, the school level's school year, the transitions'
change history, the schemes in the pathway's PDF and in the API."""

import json
import zoneinfo
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.access import Capacite, parcours_pour
from parcours.models import (
    Dispositif,
    Enfant,
    NiveauScolaire,
    Parcours,
    ParoleFamille,
    Sollicitation,
    Statut,
    Transition,
    TypeTransition,
    niveau_en,
)
from parcours.selectors import fiche_du_parcours, type_prevu
from parcours.services import (
    TEXTE_SUPPRIME,
    dispositif_ajouter,
    enfant_modifier,
    enfants_anonymiser,
    parole_ajouter,
    sollicitation_repondre,
    transition_creer,
    transition_modifier,
)
from reussite.core.noms import nom_complet_texte
from tests.conftest import connecter
from tests.factories.api import client_api
from tests.factories.partage import (
    ajouter_intervenant,
    consentement,
    partenaire,
    pre,
    professionnel,
)
from tests.parcours.test_dispositifs import (
    _ajouter,
    monde,  # noqa: F401
)
from tests.parcours.test_exports import _texte_pdf
from tests.parcours.test_sollicitations import Reseau, client_de
from tests.parcours.test_transitions import (  # noqa: F401
    LISTE,
    NAISSANCES,
    _a_paris,
    _corps,
    _liste,
    _noms,
    _parcours,
    a,
    printemps,
)
from tests.support.formulaires import jeton

pytestmark = pytest.mark.django_db

SECRETS = (
    "Un bilan orthophonique",
    "Difficultés de langage repérées à l’école",
    "Voir le CMPP Voltaire",
    "Appeler le secrétariat",
    "Collège Jean-Moulin",
    "Mme Ladoucette, CPE",
    "Je veux nager",
    "Mme Petit au 06",
    "Centre social Nord",
)


@pytest.fixture
def r() -> Reseau:
    return Reseau()


def _evenements(modele):
    return apps.get_model("parcours", f"{modele}Event").objects


def _remplir(r: Reseau):
    """A pathway with every free text of issue 21, each edited once so that the history has
    rows to scrub."""
    sollicitation = r.solliciter()
    sollicitation_repondre(
        sollicitation=sollicitation,
        donnees={
            "statut": "refusee",
            "motif_refus": "autre",
            "commentaire_reponse": "Appeler le secrétariat",
        },
        version=sollicitation.version,
        auteur=r.etranger.user,
    )
    Sollicitation.objects.filter(pk=sollicitation.pk).update(redirigee_vers="Voir le CMPP Voltaire")
    parcours = Parcours.objects.get(pk=r.parcours.pk)
    transition = transition_creer(
        parcours=parcours,
        annee_rentree=2027,
        auteur=r.a.coordinateur,
        donnees={"type": "cm2_6e", "etablissement_accueil": "Collège Jean-Moulin"},
    )
    transition_modifier(
        transition=transition,
        version=transition.version,
        auteur=r.a.coordinateur,
        donnees={"referent_accueil": "Mme Ladoucette, CPE"},
    )
    dispositif_ajouter(
        parcours=parcours,
        auteur=r.a.coordinateur,
        type="clas",
        date_debut=date.today() - timedelta(days=30),
        precision="Centre social Nord",
        accord_contact=True,
        contact="Mme Petit au 06",
    )
    parole_ajouter(
        objectif=r.objectif,
        auteur=r.a.coordinateur,
        locuteur="enfant",
        moment="souhaits",
        date=date.today(),
        texte="Je veux nager",
    )
    return sollicitation, transition


def test_l_anonymisation_efface_les_textes_de_l_issue_21_et_leur_historique(r):
    sollicitation, transition = _remplir(r)
    assert _evenements("Transition").filter(pgh_obj_id=transition.pk).count() == 2
    textes_avant = json.dumps(
        [list(_evenements(m).values()) for m in ("Sollicitation", "Transition")],
        default=str,
        ensure_ascii=False,
    )
    assert "Collège Jean-Moulin" in textes_avant and "Un bilan orthophonique" in textes_avant
    Parcours.objects.filter(pk=r.parcours.pk).update(
        statut=Statut.SORTI,
        date_entree=date(2022, 9, 1),
        date_sortie=date(2023, 6, 30),
        motif_sortie="demenagement",
    )

    assert enfants_anonymiser().enfants == 1

    sollicitation.refresh_from_db()
    assert (sollicitation.demande, sollicitation.motif, sollicitation.commentaire_reponse) == (
        TEXTE_SUPPRIME,
        TEXTE_SUPPRIME,
        TEXTE_SUPPRIME,
    )
    # What the obstacles report counts stays.
    assert (sollicitation.statut, sollicitation.motif_refus, sollicitation.domaine) == (
        "refusee",
        "autre",
        "sante",
    )
    transition.refresh_from_db()
    assert (transition.type, transition.annee_rentree) == ("cm2_6e", 2027)
    lignes = [
        list(m.objects.filter(**f).values())
        for m, f in (
            (Sollicitation, {"parcours": r.parcours}),
            (Transition, {"parcours": r.parcours}),
            (Dispositif, {"parcours": r.parcours}),
            (ParoleFamille, {"objectif__parcours": r.parcours}),
        )
    ] + [
        list(_evenements(m).values())
        for m in ("Sollicitation", "Transition", "Parcours", "Enfant", "Famille")
    ]
    textes = json.dumps(lignes, default=str, ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in textes, secret


# --- The transitions' change history ---------------------------------------------------------


def test_l_historique_montre_qui_a_modifie_la_liste_de_passage(client, a, printemps):  # noqa: F811
    referent = professionnel(a.porteuse)
    p = _parcours(a, nom="Historien", naissance=NAISSANCES["cm2"], referent=referent)
    url = reverse("parcours:transition", args=[p.pk])
    connecter(client, a.coordinateur)
    client.post(url, {"jeton": jeton(), **_corps(etablissement_accueil="Collège Lumière")})
    transition = Transition.objects.get(parcours=p)
    connecter(client, referent.user)
    client.post(
        url,
        {"version": transition.version, **_corps(contact_le="2027-04-02")},
    )

    page = client.get(reverse("parcours:historique", args=[p.pk]))

    modifications = page.context["modifications_transition"]
    assert [m.action for m in modifications] == ["Modification", "Création"]
    assert modifications[0].qui == nom_complet_texte(referent.user)
    assert modifications[1].qui == nom_complet_texte(a.coordinateur)
    champs = {c.champ: c.apres for c in modifications[0].changements}
    assert champs["contact pris le"] == "02/04/2027"
    assert "Collège Lumière" in page.content.decode()
    # The full rectification history lists them too.
    connecter(client, a.coordinateur)
    complet = client.get(reverse("parcours:historique_modifications", args=[p.pk]))
    assert "Passage à la rentrée" in complet.content.decode()


def test_un_partenaire_intervenant_ne_voit_pas_l_historique_du_passage(client, a, printemps):  # noqa: F811
    structure = partenaire(a.programme, nom="Club")
    pro = professionnel(structure)
    p = _parcours(a, nom="Discret", naissance=NAISSANCES["cm2"])
    consentement(p, structures=[structure], auteur=a.coordinateur)
    ajouter_intervenant(p, pro, auteur=a.coordinateur)
    transition_creer(
        parcours=p,
        annee_rentree=2027,
        auteur=a.coordinateur,
        donnees={"type": "cm2_6e", "etablissement_accueil": "Collège Lumière"},
    )
    connecter(client, pro.user)

    page = client.get(reverse("parcours:historique", args=[p.pk]))

    assert page.status_code == 200
    assert page.context["modifications_transition"] is None
    assert "Collège Lumière" not in page.content.decode()


def test_l_onglet_historique_coute_autant_avec_1_ou_15_modifications(client, a, printemps):  # noqa: F811
    p = _parcours(a, nom="Compte", naissance=NAISSANCES["cm2"])
    transition = transition_creer(
        parcours=p, annee_rentree=2027, auteur=a.coordinateur, donnees={"type": "cm2_6e"}
    )
    connecter(client, a.coordinateur)
    url = reverse("parcours:historique", args=[p.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as une:
        client.get(url)
    for n in range(14):
        transition = transition_modifier(
            transition=transition,
            version=transition.version,
            auteur=a.coordinateur,
            donnees={"referent_accueil": f"CPE {n}"},
        )
    with CaptureQueriesContext(connection) as quinze:
        page = client.get(url)
    assert len(page.context["modifications_transition"]) == 15
    assert len(quinze) == len(une)


# --- The school level's school year -------------------------------------------------------------


def test_un_niveau_note_porte_son_annee_scolaire(a):  # noqa: F811
    with time_machine.travel(_a_paris(2026, 8, 31, 23, 30), tick=False):
        p = _parcours(a, nom="Date", niveau=NiveauScolaire.CM1)
        assert p.enfant.niveau_scolaire_annee == 2025
        assert p.enfant.libelle_annee_niveau == "2025-2026"
    with time_machine.travel(_a_paris(2026, 9, 1, 0, 30), tick=False):
        enfant = Enfant.objects.get(pk=p.enfant_id)
        assert (enfant.niveau_actuel(), enfant.niveau_a_verifier()) == (NiveauScolaire.CM2, True)
        enfant_modifier(
            enfant=enfant,
            donnees={"niveau_scolaire": NiveauScolaire.CM1},  # a repeated year, confirmed
            version=enfant.version,
        )
        enfant.refresh_from_db()
        assert (enfant.niveau_scolaire, enfant.niveau_scolaire_annee) == ("cm1", 2026)
        assert (enfant.niveau_actuel(), enfant.niveau_a_verifier()) == ("cm1", False)


def test_niveau_en_avance_d_une_classe_par_annee_jusqu_au_lycee():
    assert niveau_en("cm1", 2025, 2025) == "cm1"
    assert niveau_en("cm1", 2025, 2026) == "cm2"
    assert niveau_en("cm1", 2024, 2026) == "6e"
    assert niveau_en("3e", 2020, 2026) == "lycee"
    assert niveau_en("non_scolarise", 2020, 2026) == "non_scolarise"
    assert niveau_en("ce2", None, 2026) == "ce2"


def test_la_liste_fait_avancer_un_niveau_note_l_annee_precedente_a_la_rentree(a):  # noqa: F811
    # Recorded in spring 2026 for 2025-2026: CM1 (stays in primary), GS (→ CP this rentrée).
    with time_machine.travel(_a_paris(2026, 4, 15, 10), tick=False):
        _parcours(a, nom="Moyen", naissance=date(2016, 3, 3), niveau=NiveauScolaire.CM1)
        _parcours(a, nom="Petit", naissance=date(2020, 6, 1), niveau=NiveauScolaire.GS)
        assert _noms(_liste(a)) == ["Petit"]
    # The next spring the recorded CM1 is a CM2 (→ 6e), the GS a CP (no change of school).
    with time_machine.travel(_a_paris(2027, 4, 15, 10), tick=False):
        lignes = list(_liste(a))
        assert _noms(lignes) == ["Moyen"]
        assert lignes[0].type_transition == TypeTransition.CM2_6E
        assert lignes[0].niveau_deduit
        client = Client()
        connecter(client, a.coordinateur)
        page = client.get(LISTE).content.decode()
        assert "Niveau noté en 2025-2026, avancé d’une classe par année : à vérifier" in page
        fiche = client.get(reverse("parcours:transition", args=[lignes[0].pk])).content.decode()
        assert "Niveau cette année, à vérifier : CM2" in fiche


def test_a_la_bascule_du_1er_septembre_le_niveau_avance(a):  # noqa: F811
    with time_machine.travel(_a_paris(2026, 6, 1, 10), tick=False):
        p = _parcours(a, nom="Bascule", naissance=date(2016, 3, 3), niveau=NiveauScolaire.CM1)
    # Still 2025-2026 on August 31st in Paris (22:30 UTC); 2026-2027 an hour later.
    with time_machine.travel(datetime(2026, 8, 31, 21, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))):
        assert type_prevu(Parcours.objects.get(pk=p.pk)) == ""
    with time_machine.travel(datetime(2026, 8, 31, 22, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))):
        assert type_prevu(Parcours.objects.get(pk=p.pk)) == TypeTransition.CM2_6E


def test_le_formulaire_de_l_enfant_propose_le_niveau_de_cette_annee(client, a):  # noqa: F811
    with time_machine.travel(_a_paris(2026, 5, 1, 10), tick=False):
        p = _parcours(a, nom="Formulaire", naissance=date(2016, 3, 3), niveau=NiveauScolaire.CM1)
    with time_machine.travel(_a_paris(2026, 10, 1, 10), tick=False):
        connecter(client, a.coordinateur)
        form = client.get(reverse("parcours:modifier_enfant", args=[p.pk])).context["form"]
        assert form.initial["niveau_scolaire"] == NiveauScolaire.CM2
        assert "Noté « CM1 » en 2025-2026" in str(form.fields["niveau_scolaire"].help_text)


# --- Redirected requests --------------------------------------------------------------------


def _rediriger(r: Reseau, vers):
    s = r.solliciter()
    return s, client_de(r.etranger.user).post(
        reverse("parcours:sollicitation_recue", args=[s.pk]),
        {"version": s.version, "statut": "redirigee", "structure_conseillee": vers.pk},
    )


def test_une_reorientation_hors_du_reseau_est_refusee_en_francais(r):
    s, reponse = _rediriger(r, r.structure_b)
    assert reponse.status_code == 200
    assert reponse.context["form"].errors["structure_conseillee"] == [
        "Cette structure ne fait pas partie du réseau de ce programme."
    ]
    s.refresh_from_db()
    assert s.statut == "envoyee"
    # The service refuses it too, whoever calls it.
    with pytest.raises(ValidationError) as erreur:
        sollicitation_repondre(
            sollicitation=s,
            donnees={"statut": "redirigee", "structure_conseillee": r.structure_b},
            version=s.version,
            auteur=r.etranger.user,
        )
    assert erreur.value.message_dict["structure_conseillee"] == [
        "Cette structure ne fait pas partie du réseau de ce programme."
    ]


def test_l_equipe_transmet_la_demande_reorientee_en_une_etape_liee_aux_deux_fils(r):
    s, reponse = _rediriger(r, r.structure)
    assert reponse.status_code == 302
    s.refresh_from_db()
    assert (s.statut, s.structure_conseillee) == ("redirigee", r.structure)
    equipe = client_de(r.a.coordinateur)
    page = equipe.get(reverse("parcours:sollicitation_equipe", args=[r.parcours.pk, s.pk]))
    assert page.context["peut_reorienter"]
    url = reverse("parcours:sollicitation_reorienter", args=[r.parcours.pk, s.pk])
    corps = {
        "jeton": jeton(),
        "version": s.version,
        "echeance": (date.today() + timedelta(days=12)).isoformat(),
    }

    premiere = equipe.post(url, corps)
    seconde = equipe.post(url, corps)  # the same form sent twice

    assert premiere.status_code == 302 and seconde.status_code == 302
    suite = Sollicitation.objects.get(origine=s)
    assert Sollicitation.objects.count() == 2
    assert (suite.structure, suite.statut, suite.objectif, suite.demande) == (
        r.structure,
        "envoyee",
        r.objectif,
        s.demande,
    )
    assert premiere.url == reverse("parcours:sollicitation_equipe", args=[r.parcours.pk, suite.pk])
    # Both threads show the link: the team's two pages, and each partner's.
    premier_fil = equipe.get(reverse("parcours:sollicitation_equipe", args=[r.parcours.pk, s.pk]))
    assert suite.reference in premier_fil.content.decode()
    assert not premier_fil.context["peut_reorienter"]
    second_fil = equipe.get(
        reverse("parcours:sollicitation_equipe", args=[r.parcours.pk, suite.pk])
    ).content.decode()
    assert s.reference in second_fil and "CMP des Lilas" in second_fil
    chez_b = client_de(r.referent.user).get(
        reverse("parcours:sollicitation_recue", args=[suite.pk])
    )
    assert s.reference in chez_b.content.decode()
    chez_a = client_de(r.etranger.user).get(reverse("parcours:sollicitation_recue", args=[s.pk]))
    assert suite.reference in chez_a.content.decode()


def test_deux_transmissions_concurrentes_la_seconde_voit_le_conflit(r):
    s, _reponse = _rediriger(r, r.structure)
    s.refresh_from_db()
    url = reverse("parcours:sollicitation_reorienter", args=[r.parcours.pk, s.pk])
    echeance = (date.today() + timedelta(days=12)).isoformat()
    une = client_de(r.a.coordinateur).post(
        url, {"jeton": jeton(), "version": s.version, "echeance": echeance}
    )
    autre = client_de(r.a.coordinateur).post(
        url, {"jeton": jeton(), "version": s.version, "echeance": echeance}
    )
    assert une.status_code == 302 and autre.status_code == 409
    assert Sollicitation.objects.filter(origine=s).count() == 1


def test_seule_l_equipe_qui_peut_modifier_transmet(r):
    s, _reponse = _rediriger(r, r.structure)
    s.refresh_from_db()
    url = reverse("parcours:sollicitation_reorienter", args=[r.parcours.pk, s.pk])
    corps = {"jeton": jeton(), "version": s.version, "echeance": "2099-01-01"}
    for qui in (r.etranger.user, r.b.coordinateur):
        assert client_de(qui).post(url, corps).status_code == 404
    assert not Sollicitation.objects.filter(origine=s).exists()


# --- Schemes in the pathway's PDF -------------------------------------------------------------


def test_la_fiche_pdf_montre_les_dispositifs_avec_les_reserves_de_la_page(client, monde):  # noqa: F811
    _ajouter(monde, "clas", precision="Centre social Nord")
    _ajouter(monde, "aemo", precision="Service AEMO du département")
    for qui in (monde.a.coordinateur, monde.referent.user):
        connecter(client, qui)
        reponse = client.get(reverse("parcours:fiche_pdf", args=[monde.parcours.pk]))
        texte = _texte_pdf(reponse.content)
        assert "Autres dispositifs" in texte
        assert "CLAS" in texte and "Centre social Nord" in texte
        assert "Mesure d’AEMO" in texte and "Service AEMO du département" in texte
        assert "Mesure réservée au référent et à la coordination" in texte
    # An assigned partner neither gets the fiche nor, through the same reading rule as the
    # page, a reserved measure.
    connecter(client, monde.intervenant.user)
    assert client.get(reverse("parcours:fiche_pdf", args=[monde.parcours.pk])).status_code == 404
    parcours = parcours_pour(
        user=monde.intervenant.user, pk=monde.parcours.pk, capacite=Capacite.LECTURE
    )
    assert [d.type for d in fiche_du_parcours(parcours, parcours.droits)["dispositifs"]] == ["clas"]


# --- Schemes in the API -----------------------------------------------------------------------


def test_l_api_liste_les_dispositifs_avec_les_reserves_de_la_page(monde):  # noqa: F811
    _ajouter(monde, "clas", precision="Centre social Nord")
    _ajouter(monde, "cmp")
    url = reverse("api:dispositifs", args=[monde.parcours.pk])

    equipe = client_api(monde.referent.user).get(url)
    intervenant = client_api(monde.intervenant.user).get(url)
    ailleurs = client_api(pre(nom="PRE Ailleurs").coordinateur).get(url)

    assert equipe.status_code == 200
    assert [(d["type"], d["reserve"]) for d in equipe.json()["results"]] == [
        ("clas", False),
        ("cmp", True),
    ]
    assert intervenant.status_code == 200
    assert [d["type"] for d in intervenant.json()["results"]] == ["clas"]
    assert ailleurs.status_code == 404
    schema = client_api(monde.referent.user).get(reverse("api:schema") + "?format=json").json()
    assert any(chemin.endswith("/dispositifs/") for chemin in schema["paths"])
