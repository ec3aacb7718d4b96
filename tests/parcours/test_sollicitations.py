"""Requests to partners (issue 21): the rules of sending, answering, withdrawing and turning an
accepted request into an action; who sees what (a partner that may not see the child reads a
pseudonymised reference only); the reminders' wording; the obstacles report and its masking;
the competence map; query budgets of the new lists."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parcours.models import Action, Parcours, Sollicitation, Statut
from parcours.rappels.sollicitations import _rendre_sollicitations
from parcours.selectors import carte_competences, perimetre_pour, rapport_obstacles
from parcours.services import (
    sollicitation_creer,
    sollicitation_repondre,
    sollicitation_retirer,
)
from reussite.core.models import Rappel
from reussite.core.rappels import rappels_scanner
from tests.conftest import connecter
from tests.factories import actions as fab
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import (
    consentement,
    nommer_referent,
    partenaire,
    pre,
    professionnel,
)
from tests.support.formulaires import jeton

pytestmark = pytest.mark.django_db

NOM = "Zéphyrine"


class Reseau:
    def __init__(self):
        self.a, self.b = pre(nom="PRE A"), pre(nom="PRE B")
        self.structure = partenaire(self.a.programme, nom="Club de judo", commune="Nord")
        self.referent = professionnel(self.structure)
        self.collegue = professionnel(self.structure)
        self.autre = partenaire(self.a.programme, nom="CMP des Lilas", commune="Sud")
        self.etranger = professionnel(self.autre)
        self.etranger_collegue = professionnel(self.autre)
        self.structure_b = partenaire(self.b.programme, nom="Ailleurs")
        self.parcours = ParcoursFactory(
            programme=self.a.programme,
            statut=Statut.EN_COURS,
            enfant=EnfantFactory(programme=self.a.programme, nom=NOM),
        )
        consentement(self.parcours, structures=[self.structure], auteur=self.a.coordinateur)
        nommer_referent(self.parcours, self.referent, auteur=self.a.coordinateur)
        self.objectif = fab.objectif(self.parcours, auteur=self.a.coordinateur, domaine="sante")

    def solliciter(self, structure=None, professionnel=None, **kwargs) -> Sollicitation:
        parcours = Parcours.objects.get(pk=self.parcours.pk)
        kwargs.setdefault("echeance", date.today() + timedelta(days=10))
        return sollicitation_creer(
            parcours=parcours,
            objectif=self.objectif,
            structure=structure or self.autre,
            professionnel=professionnel,
            demande="Un bilan orthophonique",
            motif="Difficultés de langage repérées à l’école",
            auteur=self.a.coordinateur,
            **kwargs,
        )


@pytest.fixture
def r() -> Reseau:
    return Reseau()


def client_de(user):
    from django.test import Client

    return connecter(Client(), user)


def _corps_creation(r: Reseau, **autres) -> dict:
    return {
        "jeton": jeton(),
        "objectif": r.objectif.pk,
        "structure": r.autre.pk,
        "professionnel": "",
        "demande": "Un bilan orthophonique",
        "motif": "Difficultés de langage",
        "echeance": (date.today() + timedelta(days=7)).isoformat(),
        **autres,
    }


# --- Sending --------------------------------------------------------------------------------


def test_envoyer_deux_fois_le_meme_formulaire_cree_une_seule_sollicitation(r):
    client = client_de(r.a.coordinateur)
    url = reverse("parcours:sollicitation_creer", args=[r.parcours.pk])
    corps = _corps_creation(r)
    premiere = client.post(url, corps)
    seconde = client.post(url, corps)
    assert premiere.status_code == 302 and seconde.status_code == 302
    assert Sollicitation.objects.count() == 1
    s = Sollicitation.objects.get()
    assert (s.statut, s.domaine, s.programme_id) == ("envoyee", "sante", r.a.programme.pk)
    # The partner learns it: one reminder per active member of the structure named alone.
    assert set(
        Rappel.objects.filter(genre="sollicitation_recue").values_list("destinataire", flat=True)
    ) == {r.etranger.user_id, r.etranger_collegue.user_id}


def test_une_structure_hors_du_reseau_ou_une_echeance_passee_sont_refusees(r):
    client = client_de(r.a.coordinateur)
    url = reverse("parcours:sollicitation_creer", args=[r.parcours.pk])
    reponse = client.post(url, _corps_creation(r, structure=r.structure_b.pk))
    assert reponse.status_code == 200 and "structure" in reponse.context["form"].errors
    reponse = client.post(
        url, _corps_creation(r, echeance=(date.today() - timedelta(days=1)).isoformat())
    )
    assert reponse.context["form"].errors["echeance"] == [
        "L’échéance ne peut pas être dans le passé."
    ]
    assert not Sollicitation.objects.exists()
    # The service says the same, whatever the form.
    with pytest.raises(Exception, match="réseau"):
        r.solliciter(structure=r.structure_b)


def test_un_partenaire_ne_peut_pas_solliciter(r):
    url = reverse("parcours:sollicitation_creer", args=[r.parcours.pk])
    assert client_de(r.etranger.user).post(url, _corps_creation(r)).status_code == 404
    assert not Sollicitation.objects.exists()


# --- What the partner sees ------------------------------------------------------------------


def test_un_partenaire_qui_ne_voit_pas_l_enfant_lit_une_reference_pseudonymisee(r):
    s = r.solliciter()
    client = client_de(r.etranger.user)
    boite = client.get(reverse("parcours:sollicitations_recues"))
    detail = client.get(reverse("parcours:sollicitation_recue", args=[s.pk]))
    for page in (boite, detail):
        assert page.status_code == 200
        contenu = page.content.decode()
        assert s.reference in contenu and NOM not in contenu
    assert 'id="pseudonymise"' in detail.content.decode()
    assert client.get(reverse("parcours:detail", args=[r.parcours.pk])).status_code == 404


def test_un_partenaire_que_le_consentement_nomme_et_affecte_voit_l_enfant(r):
    s = r.solliciter(structure=r.structure, professionnel=r.referent)
    contenu = (
        client_de(r.referent.user)
        .get(reverse("parcours:sollicitation_recue", args=[s.pk]))
        .content.decode()
    )
    assert NOM in contenu and 'id="pseudonymise"' not in contenu


def test_seul_le_professionnel_nomme_lit_et_repond(r):
    s = r.solliciter(professionnel=r.etranger)
    url = reverse("parcours:sollicitation_recue", args=[s.pk])
    assert client_de(r.etranger_collegue.user).get(url).status_code == 404
    assert client_de(r.referent.user).get(url).status_code == 404
    assert client_de(r.etranger.user).get(url).status_code == 200


# --- Answering ------------------------------------------------------------------------------


def _reponse(s, **autres):
    return {"version": s.version, "statut": "acceptee", "date_rdv": date.today().isoformat()} | (
        autres
    )


def test_la_premiere_reponse_gagne_la_seconde_voit_la_page_de_conflit(r):
    s = r.solliciter()
    url = reverse("parcours:sollicitation_recue", args=[s.pk])
    premiere = client_de(r.etranger.user).post(url, _reponse(s))
    seconde = client_de(r.etranger_collegue.user).post(
        url, _reponse(s, statut="refusee", motif_refus="capacite", date_rdv="")
    )
    assert premiere.status_code == 302 and seconde.status_code == 409
    s.refresh_from_db()
    assert s.statut == "acceptee" and s.repondu_par_id == r.etranger.user_id
    assert Rappel.objects.filter(genre="sollicitation_repondue").count() == 1


@pytest.mark.parametrize(
    ("corps", "champ"),
    [
        ({"statut": "acceptee", "date_rdv": ""}, "date_rdv"),
        ({"statut": "attente", "delai_semaines": ""}, "delai_semaines"),
        ({"statut": "refusee", "motif_refus": ""}, "motif_refus"),
        ({"statut": "redirigee", "structure_conseillee": ""}, "structure_conseillee"),
    ],
)
def test_chaque_reponse_dit_ce_qui_lui_est_propre(r, corps, champ):
    s = r.solliciter()
    reponse = client_de(r.etranger.user).post(
        reverse("parcours:sollicitation_recue", args=[s.pk]), {"version": s.version, **corps}
    )
    assert reponse.status_code == 200 and champ in reponse.context["form"].errors
    s.refresh_from_db()
    assert s.statut == "envoyee"


def test_une_reponse_apres_le_retrait_est_refusee_en_francais_sans_rien_changer(r):
    s = r.solliciter()
    sollicitation_retirer(sollicitation=s, version=s.version, auteur=r.a.coordinateur)
    reponse = client_de(r.etranger.user).post(
        reverse("parcours:sollicitation_recue", args=[s.pk]), _reponse(s)
    )
    assert reponse.status_code == 200
    assert "a été retirée" in reponse.content.decode()
    s.refresh_from_db()
    assert s.statut == "retiree" and s.repondu_le is None


def test_une_reponse_apres_la_sortie_du_parcours_est_refusee(r):
    s = r.solliciter()
    # The pathway exited (its own service is tested elsewhere; only its status matters here).
    Parcours.objects.filter(pk=r.parcours.pk).update(
        statut=Statut.SORTI, date_sortie=date.today(), motif_sortie="objectifs_atteints"
    )
    with pytest.raises(Exception, match="clos"):
        sollicitation_repondre(
            sollicitation=s,
            donnees={"statut": "acceptee", "date_rdv": date.today()},
            version=s.version,
            auteur=r.etranger.user,
        )
    s.refresh_from_db()
    assert s.statut == "envoyee"


# --- From an accepted request to an action --------------------------------------------------


def _acceptee(r, structure=None, professionnel=None):
    s = r.solliciter(structure=structure, professionnel=professionnel)
    return sollicitation_repondre(
        sollicitation=s,
        donnees={"statut": "acceptee", "date_rdv": date.today() + timedelta(days=3)},
        version=s.version,
        auteur=r.etranger.user,
    )


def test_une_sollicitation_acceptee_hors_consentement_demande_la_confirmation(r):
    s = _acceptee(r)
    client = client_de(r.a.coordinateur)
    page = client.get(reverse("parcours:sollicitation_equipe", args=[r.parcours.pk, s.pk]))
    assert 'id="alerte-consentement"' in page.content.decode()
    url = reverse("parcours:sollicitation_en_action", args=[r.parcours.pk, s.pk])
    sans = client.post(url, {"jeton": jeton(), "version": s.version})
    assert sans.status_code == 200 and not Action.objects.filter(parcours=r.parcours).exists()
    corps = {"jeton": jeton(), "version": s.version, "confirmer_consentement": "on"}
    avec = client.post(url, corps)
    assert avec.status_code == 302
    client.post(url, corps)  # a double click creates nothing more
    action = Action.objects.get(parcours=r.parcours)
    s.refresh_from_db()
    assert s.action_id == action.pk
    assert (action.structure_id, action.professionnel_id, action.objectif_id) == (
        r.autre.pk,
        None,
        r.objectif.pk,
    )
    assert action.date_debut == date.today() + timedelta(days=3)


def test_une_sollicitation_acceptee_par_une_structure_couverte_devient_une_action_en_un_clic(r):
    s = _acceptee(r, structure=r.structure, professionnel=r.referent)
    reponse = client_de(r.a.coordinateur).post(
        reverse("parcours:sollicitation_en_action", args=[r.parcours.pk, s.pk]),
        {"jeton": jeton(), "version": s.version},
    )
    assert reponse.status_code == 302
    assert Action.objects.get(parcours=r.parcours).professionnel_id == r.referent.pk


# --- Reminders ------------------------------------------------------------------------------


def test_les_rappels_avant_et_apres_l_echeance_ne_nomment_jamais_l_enfant(r):
    s = r.solliciter(professionnel=r.etranger, echeance=date.today() + timedelta(days=2))
    rappels_scanner(le=date.today())
    proche = Rappel.objects.get(genre="sollicitation_echeance")
    assert proche.destinataire_id == r.etranger.user_id
    rappels_scanner(le=date.today() + timedelta(days=3))
    echue = Rappel.objects.get(genre="sollicitation_echue")
    assert echue.destinataire_id == r.a.coordinateur.pk
    rappels = list(Rappel.objects.filter(object_id=s.pk, genre__startswith="sollicitation"))
    assert {x.genre for x in rappels} >= {"sollicitation_recue", "sollicitation_echeance"}
    for pour_partenaire in (True, False):
        for rendu in _rendre_sollicitations(rappels, pour_partenaire=pour_partenaire).values():
            assert NOM not in rendu.titre + rendu.texte
            assert s.reference in rendu.titre


# --- The obstacles report -------------------------------------------------------------------


def _repondue(r, statut, **donnees):
    s = r.solliciter()
    return sollicitation_repondre(
        sollicitation=s,
        donnees={"statut": statut, **donnees},
        version=s.version,
        auteur=r.etranger.user,
    )


def test_le_rapport_compte_les_reponses_et_masque_sous_cinq_pour_le_pilotage(r):
    for _i in range(5):
        _repondue(r, "refusee", motif_refus="capacite")
    _repondue(r, "attente", delai_semaines=6)
    _repondue(r, "acceptee", date_rdv=date.today())
    Sollicitation.objects.update(envoyee_le=timezone.now() - timedelta(days=4))
    debut, fin = date.today() - timedelta(days=30), date.today()
    coordination = perimetre_pour(r.a.coordinateur, str(r.a.programme.pk))
    rapport = rapport_obstacles(coordination, debut, fin, "domaine")
    (ligne,) = rapport.lignes
    assert (ligne.nombre, ligne.refusees, ligne.attente, ligne.acceptees) == (7, 5, 1, 1)
    assert ligne.mediane_jours == pytest.approx(4, abs=0.1)
    assert ligne.taux_refus == 71 and ligne.motifs[0] == 5
    from tests.acces.monde import _pilote

    pilotage = perimetre_pour(_pilote(r.a.programme), str(r.a.programme.pk))
    (masquee,) = rapport_obstacles(pilotage, debut, fin, "domaine").lignes
    assert (masquee.nombre, masquee.refusees, masquee.attente, masquee.acceptees) == (
        7,
        5,
        None,
        None,
    )
    # By structure: the CMP alone.
    (par_structure,) = rapport_obstacles(coordination, debut, fin, "structure").lignes
    assert par_structure.libelle == "CMP des Lilas"


def test_le_rapport_s_exporte_en_csv_et_xlsx_sans_formule(r):
    r.autre.nom = "=HYPERLINK(1)"
    r.autre.save()
    _repondue(r, "refusee", motif_refus="mission")
    client = client_de(r.a.coordinateur)
    csv = client.get(reverse("parcours:obstacles_csv"), {"axe": "structure"})
    texte = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in texte and NOM not in texte
    xlsx = client.get(reverse("parcours:obstacles_xlsx"), {"axe": "structure"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    page = client.get(reverse("parcours:obstacles"))
    assert page.status_code == 200 and "graphique-domaine-1" in page.content.decode()


def test_le_rapport_refuse_un_programme_d_ailleurs_et_qui_n_a_pas_de_role(r):
    client = client_de(r.a.coordinateur)
    for nom in ("parcours:obstacles", "parcours:obstacles_csv", "parcours:obstacles_xlsx"):
        assert client.get(reverse(nom), {"programme": r.b.programme.pk}).status_code == 404
        assert client_de(r.etranger.user).get(reverse(nom)).status_code == 404


def test_la_carte_des_competences_signale_les_demandes_refusees_ou_en_attente(r):
    _repondue(r, "refusee", motif_refus="capacite")
    _repondue(r, "attente", delai_semaines=3)
    carte = carte_competences(r.a.programme, "territoire")
    cellules = {
        (cle, colonne): cellule
        for cle, _l, ligne in carte.lignes
        for (colonne, _c), cellule in zip(carte.colonnes, ligne, strict=True)
    }
    cellule = cellules[("sante", "Sud")]
    assert cellule.sollicitees == 2 and cellule.demande_sans_reponse and not cellule.manque
    page = client_de(r.a.coordinateur).get(
        reverse("parcours:carte_competences"), {"programme": r.a.programme.pk}
    )
    assert "Demandé mais refusé ou en attente" in page.content.decode()


# --- Query budgets --------------------------------------------------------------------------


def _requetes(client, url) -> int:
    client.get(url)  # the session's and the content types' first reads are not the page's
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url).status_code == 200
    return len(requetes)


# Pinned exactly: the session, the user, the header, the page (count + rows), the trail. Neither
# the session save nor the DSFR configuration on these warm requests (issue 18, point 3).
REQUETES_BOITE = 6
REQUETES_LISTE_PARCOURS = 7


def test_la_boite_du_partenaire_coute_le_meme_nombre_de_requetes_pour_1_ou_20_lignes(r):
    client = client_de(r.etranger.user)
    url = reverse("parcours:sollicitations_recues") + "?filtre=toutes"
    r.solliciter()
    une = _requetes(client, url)
    for _i in range(19):
        r.solliciter()
    vingt = _requetes(client, url)
    assert (une, vingt) == (REQUETES_BOITE, REQUETES_BOITE)


def test_la_liste_du_parcours_coute_le_meme_nombre_de_requetes_pour_1_ou_20_lignes(r):
    client = client_de(r.a.coordinateur)
    url = reverse("parcours:sollicitations_parcours", args=[r.parcours.pk])
    r.solliciter()
    une = _requetes(client, url)
    for _i in range(19):
        r.solliciter(professionnel=r.etranger)
    vingt = _requetes(client, url)
    assert (une, vingt) == (REQUETES_LISTE_PARCOURS, REQUETES_LISTE_PARCOURS)
