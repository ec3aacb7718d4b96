"""Referrals (issue 17, point 1): a partner refers a child, the coordination decides, the
referrer follows the status and never the file."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.models import (
    EchangeOrientation,
    GenreEchange,
    Orientation,
    Orienteur,
    Parcours,
    Statut,
    StatutOrientation,
)
from partenaires.models import TypeStructure
from reussite.core.models import Rappel, TraceAcces
from reussite.core.rappels import rappels_scanner
from reussite.core.trace import ALIAS
from tests.conftest import connecter
from tests.factories.monde import construire_monde
from tests.factories.orientations import decider, donnees_orientation, orientation
from tests.factories.parcours import EnfantFactory
from tests.factories.partage import fichier_png, partenaire, professionnel
from tests.factories.partenaires import StructureFactory
from tests.support.formulaires import jeton

pytestmark = pytest.mark.django_db


class Monde:
    def __init__(self):
        m = construire_monde(
            nom="PRE Alpha",
            communes=["Villeneuve"],
            structure={"ecole": True},
            membres=({}, {}),
            avec_parcours=False,
            autres_programmes=[{"nom": "PRE Bêta", "communes": ["Montagne"]}],
        )
        self.a, self.ecole, (self.b,) = m.pre, m.structure, m.autres
        self.orienteur, self.collegue = m.membres  # the collègue: same school, not the referrer
        self.partenaire_b = professionnel(partenaire(self.b.programme))


@pytest.fixture
def monde():
    return Monde()


def _corps(monde, **remplacements) -> dict:
    donnees = donnees_orientation()
    corps = {
        "jeton": jeton(),
        "professionnel": monde.orienteur.pk,
        **{
            cle: valeur.isoformat() if isinstance(valeur, date) else valeur
            for cle, valeur in donnees.items()
        },
        "famille_informee": "on",
        "famille_accepte_contact": "on",
    }
    corps.update(remplacements)
    return {cle: valeur for cle, valeur in corps.items() if valeur is not None}


URL_CREER = reverse("parcours:orientation_creer")


# --- Deposit ---------------------------------------------------------------------------------


def test_le_partenaire_oriente_un_enfant_et_la_coordination_est_prevenue(client, monde):
    connecter(client, monde.orienteur.user)
    corps = _corps(monde, document=fichier_png("bilan.png"))

    reponse = client.post(URL_CREER, corps)
    rejoue = client.post(URL_CREER, corps | {"document": fichier_png("bilan.png")})

    o = Orientation.objects.get()
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("parcours:orientation", args=[o.pk])
    assert rejoue.status_code == 302  # the same form twice: one referral
    assert (o.programme, o.structure, o.statut) == (
        monde.a.programme,
        monde.ecole,
        StatutOrientation.RECUE,
    )
    assert o.document and o.document_type_mime == "image/png"
    assert list(Rappel.objects.values_list("genre", "destinataire")) == [
        ("orientation_a_traiter", monde.a.coordinateur.pk)
    ]


def test_sans_l_accord_de_la_famille_rien_n_est_envoye(client, monde):
    connecter(client, monde.orienteur.user)

    reponse = client.post(URL_CREER, _corps(monde, famille_accepte_contact=None))

    assert reponse.status_code == 200
    assert "Recueillez l’accord de la famille" in reponse.content.decode()
    assert not Orientation.objects.exists()


def test_un_fichier_qui_n_est_pas_un_document_est_refuse(client, monde):
    from django.core.files.uploadedfile import SimpleUploadedFile

    connecter(client, monde.orienteur.user)
    faux = SimpleUploadedFile(
        "bilan.pdf", b"%PDF-1.4\n<html></html>", content_type="application/pdf"
    )

    reponse = client.post(URL_CREER, _corps(monde, document=faux))

    assert reponse.status_code == 200
    assert not Orientation.objects.exists()


def test_un_enfant_hors_de_2_a_16_ans_demande_une_confirmation(client, monde):
    connecter(client, monde.orienteur.user)
    ne = (date.today() - timedelta(days=365 * 17 + 10)).isoformat()

    averti = client.post(URL_CREER, _corps(monde, date_naissance=ne))
    confirme = client.post(URL_CREER, _corps(monde, date_naissance=ne, confirmer="on"))

    assert averti.status_code == 200
    assert "le PRE accompagne des enfants de 2 à 16 ans" in averti.content.decode()
    assert confirme.status_code == 302
    assert Orientation.objects.count() == 1


def test_le_programme_est_choisi_par_la_commune_de_l_enfant(client, monde):
    """A structure working with two programmes: the child's commune decides, and a commune
    neither covers asks the referrer to choose."""
    monde.ecole.programmes.add(monde.b.programme)
    connecter(client, monde.orienteur.user)

    vers_b = client.post(URL_CREER, _corps(monde, commune="montagne"))
    ailleurs = client.post(URL_CREER, _corps(monde, commune="Nulle-Part"))
    choisi = client.post(
        URL_CREER, _corps(monde, commune="Nulle-Part", programme=monde.a.programme.pk)
    )

    assert vers_b.status_code == 302
    assert ailleurs.status_code == 200
    assert "choisissez le programme" in ailleurs.content.decode()
    assert choisi.status_code == 302
    assert sorted(Orientation.objects.values_list("programme__nom", flat=True)) == [
        "PRE Alpha",
        "PRE Bêta",
    ]


def test_orienter_refuse_un_programme_ou_un_membre_d_ailleurs(client, monde):
    connecter(client, monde.orienteur.user)
    for champ, valeur in (
        ("programme", monde.b.programme.pk),
        ("professionnel", monde.partenaire_b.pk),
        ("professionnel", monde.collegue.pk),
    ):
        reponse = client.post(URL_CREER, _corps(monde, **{champ: valeur}))
        assert reponse.status_code == 200, champ
        assert "Sélectionnez un choix valide" in reponse.content.decode()
    assert not Orientation.objects.exists()
    # Someone with no membership has no referral form at all.
    connecter(client, monde.a.coordinateur)
    assert client.get(URL_CREER).status_code == 403


# --- Decisions -------------------------------------------------------------------------------


def test_accepter_ouvre_le_parcours_en_reperage_sans_donner_acces_a_l_orienteur(client, monde):
    o = orientation(monde.orienteur, document=None)
    connecter(client, monde.a.coordinateur)
    url = reverse("parcours:orientation_decider", args=[o.pk])

    reponse = client.post(
        url, {"version": o.version, "decision-decision": "acceptation", "decision-date_entree": ""}
    )

    assert reponse.status_code == 302
    o.refresh_from_db()
    parcours = o.parcours
    assert o.statut == StatutOrientation.ACCEPTEE and o.decidee_le is not None
    assert parcours.statut == Statut.REPERAGE
    assert parcours.orienteur == Orienteur.ECOLE  # derived from the structure's type
    assert parcours.orienteur_structure == monde.ecole
    assert parcours.motifs_orientation == ["resultats_scolaires", "isolement_social"]
    assert parcours.enfant.famille.responsables.get().telephone == "06 39 98 00 01"
    assert parcours.orientation_origine == o
    # The referrer follows the referral, never the file.
    assert not Parcours.objects.visibles_par(monde.orienteur.user).exists()
    connecter(client, monde.orienteur.user)
    assert client.get(reverse("parcours:detail", args=[parcours.pk])).status_code == 404
    page = client.get(reverse("parcours:orientation", args=[o.pk])).content.decode()
    assert "Acceptée" in page
    assert reverse("parcours:detail", args=[parcours.pk]) not in page
    assert Rappel.objects.filter(
        genre="orientation_suivi", destinataire=monde.orienteur.user
    ).exists()


def test_l_orienteur_d_une_structure_pmi_donne_l_orienteur_pmi(monde):
    pmi = StructureFactory(type=TypeStructure.PMI, programmes=[monde.a.programme])
    o = decider(orientation(professionnel(pmi)), "acceptation", auteur=monde.a.coordinateur)
    assert o.parcours.orienteur == Orienteur.PMI


def test_un_doublon_probable_est_signale_et_doit_etre_confirme(client, monde):
    donnees = donnees_orientation()
    EnfantFactory(
        programme=monde.a.programme,
        nom="LEMOINE",
        prenom="Ines",
        date_naissance=donnees["date_naissance"],
    )
    o = orientation(monde.orienteur)
    connecter(client, monde.a.coordinateur)

    boite = client.get(reverse("parcours:orientations")).content.decode()
    refuse = client.post(
        reverse("parcours:orientation_decider", args=[o.pk]),
        {"version": o.version, "decision-decision": "acceptation"},
    )
    confirme = client.post(
        reverse("parcours:orientation_decider", args=[o.pk]),
        {
            "version": o.version,
            "decision-decision": "acceptation",
            "decision-confirmer_doublon": "on",
        },
    )

    assert "Doublon probable" in boite
    assert refuse.status_code == 200
    assert "mêmes nom, prénom et date de naissance" in refuse.content.decode()
    assert confirme.status_code == 302
    assert Orientation.objects.get().statut == StatutOrientation.ACCEPTEE


def test_demande_de_complement_et_reponse_dans_le_meme_fil(client, monde):
    o = orientation(monde.orienteur)
    coordination = connecter(client, monde.a.coordinateur)
    coordination.post(
        reverse("parcours:orientation_decider", args=[o.pk]),
        {
            "version": o.version,
            "decision-decision": "question",
            "decision-message": "La famille a-t-elle un suivi CMP ?",
        },
    )
    o.refresh_from_db()
    assert o.statut == StatutOrientation.COMPLEMENT

    connecter(client, monde.orienteur.user)
    page = client.get(reverse("parcours:orientation", args=[o.pk])).content.decode()
    reponse = client.post(
        reverse("parcours:orientation_repondre", args=[o.pk]),
        {"jeton": jeton(), "reponse-texte": "Non, aucun suivi."},
    )

    assert "La famille a-t-elle un suivi CMP ?" in page
    assert reponse.status_code == 302
    o.refresh_from_db()
    assert o.statut == StatutOrientation.EN_ETUDE
    assert list(o.echanges.values_list("genre", "texte")) == [
        (GenreEchange.DEPOT, ""),
        (GenreEchange.QUESTION, "La famille a-t-elle un suivi CMP ?"),
        (GenreEchange.REPONSE, "Non, aucun suivi."),
    ]
    genres = list(Rappel.objects.order_by("pk").values_list("genre", "destinataire"))
    assert genres == [
        ("orientation_a_traiter", monde.a.coordinateur.pk),
        ("orientation_suivi", monde.orienteur.user_id),
        ("orientation_a_traiter", monde.a.coordinateur.pk),
    ]


@pytest.mark.parametrize(
    ("decision", "champs", "erreur"),
    [
        ("question", {}, "Écrivez la question"),
        ("reorientation", {"decision-message": "Hors territoire"}, "Nommez le service"),
        ("reorientation", {"decision-service": "CMP"}, "Indiquez le motif"),
        ("refus", {}, "Indiquez le motif"),
    ],
)
def test_une_decision_incomplete_est_refusee_en_francais(client, monde, decision, champs, erreur):
    o = orientation(monde.orienteur)
    connecter(client, monde.a.coordinateur)

    reponse = client.post(
        reverse("parcours:orientation_decider", args=[o.pk]),
        {"version": o.version, "decision-decision": decision, **champs},
    )

    assert reponse.status_code == 200
    assert erreur in reponse.content.decode()
    assert Orientation.objects.get().statut == StatutOrientation.RECUE


def test_reorienter_et_refuser_informent_l_orienteur_du_motif(client, monde):
    reorientee = decider(
        orientation(monde.orienteur),
        "reorientation",
        auteur=monde.a.coordinateur,
        service="CMP de Villeneuve",
        message="Un suivi de soin est plus adapté.",
    )
    refusee = decider(
        orientation(monde.orienteur, nom="Autre"),
        "refus",
        auteur=monde.a.coordinateur,
        message="Hors du territoire du programme.",
    )
    connecter(client, monde.orienteur.user)

    liste = client.get(reverse("parcours:orientations_envoyees")).content.decode()
    page = client.get(reverse("parcours:orientation", args=[reorientee.pk])).content.decode()

    assert "Réorientée" in liste and "Refusée" in liste
    assert "CMP de Villeneuve : Un suivi de soin est plus adapté." in page
    assert refusee.motif_decision == "Hors du territoire du programme."
    assert Rappel.objects.filter(genre="orientation_suivi").count() == 2


def test_une_decision_sur_une_version_perimee_est_un_conflit(client, monde):
    o = orientation(monde.orienteur)
    lue = o.version
    decider(o, "etude", auteur=monde.a.coordinateur)
    connecter(client, monde.a.coordinateur)

    reponse = client.post(
        reverse("parcours:orientation_decider", args=[o.pk]),
        {"version": lue, "decision-decision": "refus", "decision-message": "Non"},
    )

    assert reponse.status_code == 409
    assert Orientation.objects.get().statut == StatutOrientation.EN_ETUDE


def test_une_orientation_decidee_ne_se_decide_plus(monde):
    from django.core.exceptions import ValidationError

    o = decider(orientation(monde.orienteur), "refus", auteur=monde.a.coordinateur, message="Non")
    with pytest.raises(ValidationError, match="déjà reçu une décision"):
        decider(o, "acceptation", auteur=monde.a.coordinateur)


# --- Access ----------------------------------------------------------------------------------


def test_seuls_l_orienteur_et_la_coordination_ouvrent_l_orientation(client, monde):
    o = orientation(monde.orienteur, fichier=fichier_png())
    pilote = _pilote(monde.a.programme)
    urls = [
        reverse("parcours:orientation", args=[o.pk]),
        reverse("parcours:orientation_document", args=[o.pk]),
    ]
    for user, attendu in (
        (monde.a.coordinateur, 200),
        (monde.orienteur.user, 200),
        (monde.collegue.user, 404),
        (monde.b.coordinateur, 404),
        (monde.partenaire_b.user, 404),
        (pilote, 404),
    ):
        connecter(client, user)
        for url in urls:
            reponse = client.get(url)
            if reponse.streaming:
                b"".join(reponse.streaming_content)  # closed, as a WSGI server would
            assert reponse.status_code == attendu, (user.email, url)
    # The referrer does not decide, the coordination does not answer in their place.
    connecter(client, monde.orienteur.user)
    assert (
        client.post(
            reverse("parcours:orientation_decider", args=[o.pk]),
            {"version": o.version, "decision-decision": "refus", "decision-message": "x"},
        ).status_code
        == 404
    )
    assert TraceAcces.objects.using(ALIAS).filter(autorise=False, object_id=o.pk).exists()


def test_l_orienteur_qui_quitte_sa_structure_ne_voit_plus_ses_orientations(client, monde):
    o = orientation(monde.orienteur)
    monde.orienteur.actif = False
    monde.orienteur.save()
    connecter(client, monde.orienteur.user)

    assert client.get(reverse("parcours:orientation", args=[o.pk])).status_code == 404
    assert "Lemoine" not in client.get(reverse("parcours:orientations_envoyees")).content.decode()


def test_la_boite_ne_montre_que_les_orientations_des_programmes_coordonnes(client, monde):
    orientation(monde.orienteur, nom="Orientee-Ici")
    orientation(monde.partenaire_b, nom="Orientee-Ailleurs", commune="Montagne")
    connecter(client, monde.a.coordinateur)

    page = client.get(reverse("parcours:orientations")).content.decode()

    assert "Orientee-Ici" in page and "Orientee-Ailleurs" not in page
    # A partner who coordinates nothing lands on their own referrals.
    connecter(client, monde.orienteur.user)
    assert client.get(reverse("parcours:orientations"))["Location"] == reverse(
        "parcours:orientations_envoyees"
    )


def _pilote(programme):
    from reussite.core.models import Role
    from reussite.core.services import role_attribuer
    from tests.factories.core import UserFactory

    user = UserFactory()
    role_attribuer(user=user, programme=programme, role=Role.PILOTAGE)
    return user


# --- Reminders -------------------------------------------------------------------------------


def test_une_orientation_sans_decision_au_dela_du_delai_est_rappelee(monde):
    monde.a.programme.delai_orientation_jours = 10
    monde.a.programme.save()
    attend = orientation(monde.orienteur)
    decidee = orientation(monde.orienteur, nom="Décidée")
    decider(decidee, "refus", auteur=monde.a.coordinateur, message="Non")

    rappels_scanner(le=timezone.localdate() + timedelta(days=9))
    assert not Rappel.objects.filter(genre="orientation_en_attente").exists()
    rappels_scanner(le=timezone.localdate() + timedelta(days=10))

    assert list(
        Rappel.objects.filter(genre="orientation_en_attente").values_list(
            "object_id", "destinataire"
        )
    ) == [(attend.pk, monde.a.coordinateur.pk)]
    # Decided since: the reminder ends with its reason.
    decider(attend, "etude", auteur=monde.a.coordinateur)
    decider(attend, "refus", auteur=monde.a.coordinateur, message="Non")
    rappels_scanner(le=timezone.localdate() + timedelta(days=11))
    assert Rappel.objects.get(genre="orientation_en_attente").statut == "annule"


# --- Query budgets ---------------------------------------------------------------------------

# Issue 18, point 3: 4 fewer each (no session save, the DSFR configuration kept for a minute).
REQUETES_BOITE = 8
REQUETES_ENVOYEES = 7


@pytest.mark.parametrize("nombre", [1, 20])
def test_la_boite_coute_le_meme_nombre_de_requetes(
    client, monde, django_assert_num_queries, nombre
):
    for i in range(nombre):
        orientation(monde.orienteur, nom=f"Enfant{i:02d}")
    connecter(client, monde.a.coordinateur)
    client.get(reverse("parcours:orientations"))

    with django_assert_num_queries(REQUETES_BOITE):
        reponse = client.get(reverse("parcours:orientations"))

    assert reponse.context["page"].paginator.count == nombre


@pytest.mark.parametrize("nombre", [1, 20])
def test_mes_orientations_coutent_le_meme_nombre_de_requetes(
    client, monde, django_assert_num_queries, nombre
):
    for i in range(nombre):
        orientation(monde.orienteur, nom=f"Enfant{i:02d}")
    connecter(client, monde.orienteur.user)
    client.get(reverse("parcours:orientations_envoyees"))

    with django_assert_num_queries(REQUETES_ENVOYEES):
        reponse = client.get(reverse("parcours:orientations_envoyees"))

    assert reponse.context["page"].paginator.count == nombre


def test_la_page_d_une_orientation_n_apprend_pas_le_dossier_a_l_orienteur(client, monde):
    """The pathway opened exists, but the referrer's page names no référent, no pathway link,
    no status of the pathway."""
    o = decider(orientation(monde.orienteur), "acceptation", auteur=monde.a.coordinateur)
    connecter(client, monde.orienteur.user)
    page = client.get(reverse("parcours:orientation", args=[o.pk])).content.decode()
    assert "Repérage" not in page
    assert EchangeOrientation.objects.filter(orientation=o).count() == 2


def test_l_anonymisation_de_l_enfant_efface_aussi_son_orientation(monde):
    from django.apps import apps

    from parcours.services import parcours_sortir
    from parcours.services.protection import enfants_anonymiser

    o = decider(orientation(monde.orienteur), "acceptation", auteur=monde.a.coordinateur)
    parcours = Parcours.objects.get(pk=o.parcours_id)
    parcours_sortir(
        parcours=parcours,
        date_sortie=date.today(),
        motif_sortie="objectifs_atteints",
        auteur=monde.a.coordinateur,
        version=parcours.version,
    )

    assert enfants_anonymiser(le=date.today() + timedelta(days=365 * 3)).enfants == 1

    o.refresh_from_db()
    assert (o.nom, o.contact_nom, o.contact_telephone, o.recherche) == ("anonymisé", "", "", "")
    evenements = apps.get_model("parcours", "OrientationEvent").objects.filter(pgh_obj_id=o.pk)
    assert evenements.exists()
    assert not evenements.filter(nom="Lemoine").exists()
    assert not evenements.exclude(contact_telephone="").exists()
