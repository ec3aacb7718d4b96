"""The register of the families' rights requests (issue 19): legal deadline and extension,
the answer and its proof, each request type's effect, the reminder before the deadline, the
exports for the DPO; 404 for anyone outside the programme's management and DPO."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from parcours.models import (
    DemandeDroit,
    Enfant,
    GenreDemande,
    MotifSortie,
    Parcours,
    Statut,
    StatutDemande,
    echeance_legale,
)
from parcours.rappels.droits import GENRE
from parcours.services import (
    DonneesDemande,
    demande_droit_creer,
    demande_droit_repondre,
    parcours_sortir,
)
from reussite.core.models import Evenement, Rappel, Role, StatutRappel, TraceAcces
from reussite.core.rappels import rappels_scanner
from reussite.core.services import role_attribuer
from reussite.core.trace import ALIAS
from tests.conftest import connecter
from tests.factories.core import UserFactory, dpo
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import pre, professionnel
from tests.support.formulaires import jeton

pytestmark = pytest.mark.django_db(databases=["default", "trace"])


@pytest.fixture
def a():
    return pre(nom="PRE de Villeneuve")


def _parcours(programme, **kwargs):
    kwargs.setdefault("statut", Statut.EN_COURS)
    return ParcoursFactory(
        programme=programme,
        enfant=kwargs.pop("enfant", None) or EnfantFactory(programme=programme, nom="Zorgheb"),
        **kwargs,
    )


def _demande(programme, auteur, *, genre=GenreDemande.ACCES, recue_le=None, parcours=None):
    return demande_droit_creer(
        programme=programme,
        donnees=DonneesDemande(
            genre=genre,
            demandeur="la mère",
            canal="courrier",
            recue_le=recue_le or timezone.localdate(),
            parcours=parcours,
        ),
        auteur=auteur,
    )


def _repondre(demande, auteur, **kwargs):
    valeurs = {
        "statut": StatutDemande.SATISFAITE,
        "suivie_par": auteur,
        "prolongee": False,
        "motif_prolongation": "",
        "reponse": "Dossier remis à la famille.",
        "repondue_le": timezone.localdate(),
        "preuve": "Recommandé n° 1A 000 000 0000 0",
    } | kwargs
    return demande_droit_repondre(
        demande=demande, version=demande.version, auteur=auteur, **valeurs
    )


# --- Deadlines ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recue", "prolongee", "attendue"),
    [
        (date(2026, 3, 15), False, date(2026, 4, 15)),
        (date(2026, 1, 31), False, date(2026, 2, 28)),  # no 31 February: the month's last day
        (date(2028, 1, 31), False, date(2028, 2, 29)),
        (date(2026, 12, 10), False, date(2027, 1, 10)),
        (date(2026, 3, 15), True, date(2026, 6, 15)),  # one month and two more
        (date(2026, 11, 30), True, date(2027, 2, 28)),
    ],
)
def test_le_delai_legal_est_d_un_mois_prolongeable_de_deux(recue, prolongee, attendue):
    assert echeance_legale(recue, prolongee=prolongee) == attendue


def test_la_prolongation_demande_un_motif_et_repousse_l_echeance_de_deux_mois(a):
    recue = timezone.localdate() - timedelta(days=10)
    demande = _demande(a.programme, a.coordinateur, recue_le=recue)
    assert demande.echeance == echeance_legale(recue, prolongee=False)

    with pytest.raises(ValidationError) as erreur:
        _repondre(demande, a.coordinateur, statut=StatutDemande.EN_COURS, prolongee=True)
    assert "motif" in erreur.value.message_dict["motif_prolongation"][0]

    demande = _repondre(
        demande,
        a.coordinateur,
        statut=StatutDemande.EN_COURS,
        prolongee=True,
        motif_prolongation="Dossier volumineux : trois parcours et leurs documents.",
        reponse="",
        repondue_le=None,
        preuve="",
    )
    assert demande.echeance == echeance_legale(recue, prolongee=True)
    with pytest.raises(ValidationError) as erreur:
        _repondre(demande, a.coordinateur, statut=StatutDemande.EN_COURS, prolongee=False)
    assert "prolongee" in erreur.value.message_dict


def test_la_prolongation_s_annonce_avant_la_fin_du_premier_mois(a):
    demande = _demande(
        a.programme, a.coordinateur, recue_le=timezone.localdate() - timedelta(days=45)
    )
    with pytest.raises(ValidationError) as erreur:
        _repondre(
            demande,
            a.coordinateur,
            statut=StatutDemande.EN_COURS,
            prolongee=True,
            motif_prolongation="Trop tard",
        )
    assert "dépassé" in erreur.value.message_dict["prolongee"][0]


def test_une_reponse_exige_son_texte_sa_date_et_sa_preuve_puis_ferme_la_demande(a):
    demande = _demande(a.programme, a.coordinateur)
    with pytest.raises(ValidationError) as erreur:
        _repondre(demande, a.coordinateur, reponse=" ", repondue_le=None, preuve="")
    assert set(erreur.value.message_dict) == {"reponse", "repondue_le", "preuve"}
    with pytest.raises(ValidationError) as erreur:
        _repondre(demande, a.coordinateur, repondue_le=demande.recue_le - timedelta(days=1))
    assert "précéder" in erreur.value.message_dict["repondue_le"][0]

    demande = _repondre(demande, a.coordinateur, statut=StatutDemande.REFUSEE)
    assert (demande.statut, demande.repondue_le) == (StatutDemande.REFUSEE, timezone.localdate())
    with pytest.raises(ValidationError, match="déjà reçu sa réponse"):
        _repondre(demande, a.coordinateur)


# --- Effects of each request type --------------------------------------------------------------


@pytest.mark.parametrize(
    ("genre", "motif"),
    [
        (GenreDemande.OPPOSITION, MotifSortie.OPPOSITION),
        (GenreDemande.EFFACEMENT, MotifSortie.EFFACEMENT),
    ],
)
def test_une_opposition_ou_un_effacement_accepte_sort_le_parcours_et_anonymise_l_enfant(
    a, genre, motif
):
    parcours = _parcours(a.programme)
    soeur = _parcours(
        a.programme,
        enfant=EnfantFactory(programme=a.programme, famille=parcours.enfant.famille),
    )
    demande = _demande(a.programme, a.coordinateur, genre=genre, parcours=parcours)

    _repondre(demande, a.coordinateur)

    parcours.refresh_from_db()
    assert (parcours.statut, parcours.motif_sortie) == (Statut.SORTI, motif)
    enfant = Enfant.objects.get(pk=parcours.enfant_id)
    assert enfant.anonymise_le is not None
    assert "Zorgheb" not in enfant.nom
    # The sibling's pathway and the family's contacts stay.
    soeur.refresh_from_db()
    assert soeur.statut == Statut.EN_COURS
    assert Enfant.objects.get(pk=soeur.enfant_id).anonymise_le is None
    assert parcours.enfant.famille.__class__.objects.get(pk=parcours.enfant.famille_id).adresse


def test_une_opposition_refusee_ou_un_acces_ne_touche_pas_au_parcours(a):
    parcours = _parcours(a.programme)
    refus = _demande(a.programme, a.coordinateur, genre=GenreDemande.OPPOSITION, parcours=parcours)
    _repondre(refus, a.coordinateur, statut=StatutDemande.REFUSEE)
    acces = _demande(a.programme, a.coordinateur, genre=GenreDemande.ACCES, parcours=parcours)
    _repondre(acces, a.coordinateur)
    parcours.refresh_from_db()
    assert parcours.statut == Statut.EN_COURS
    assert Enfant.objects.get(pk=parcours.enfant_id).anonymise_le is None


def test_les_motifs_de_sortie_d_une_demande_ne_se_choisissent_pas_a_la_main(a):
    from parcours.forms import SortieForm

    parcours = _parcours(a.programme)
    with pytest.raises(ValidationError) as erreur:
        parcours_sortir(
            parcours=parcours,
            date_sortie=timezone.localdate(),
            motif_sortie=MotifSortie.OPPOSITION,
            auteur=a.coordinateur,
            version=parcours.version,
        )
    assert "registre des demandes" in erreur.value.message_dict["motif_sortie"][0]
    choix = {c for c, _l in SortieForm().fields["motif_sortie"].choices}
    assert not choix & {"opposition", "effacement", "transfert"}


def test_une_demande_ne_vise_qu_un_parcours_de_son_programme(client, a):
    ailleurs = _parcours(pre(nom="PRE voisin").programme)
    delegue = dpo(a.programme)
    connecter(client, delegue)
    reponse = client.post(
        reverse("droits:creer", args=[a.programme.pk]),
        _corps(numero_parcours=ailleurs.pk),
    )
    assert reponse.status_code == 200
    assert "Aucun parcours de ce programme ne porte ce numéro." in reponse.content.decode()
    assert not DemandeDroit.objects.exists()


# --- The pages ---------------------------------------------------------------------------------


def _corps(**kwargs):
    return {
        "genre": "acces",
        "demandeur": "le père",
        "canal": "courriel",
        "recue_le": timezone.localdate().isoformat(),
        "numero_parcours": "",
        "objet": "",
        "suivie_par": "",
        "jeton": jeton(),
    } | {k: str(v) for k, v in kwargs.items()}


def test_le_dpo_enregistre_une_demande_une_seule_fois_meme_envoyee_deux_fois(client, a):
    parcours = _parcours(a.programme)
    delegue = dpo(a.programme)
    connecter(client, delegue)
    corps = _corps(numero_parcours=parcours.pk)
    url = reverse("droits:creer", args=[a.programme.pk])

    premiere = client.post(url, corps)
    seconde = client.post(url, corps)

    demande = DemandeDroit.objects.get()
    assert premiere.status_code == seconde.status_code == 302
    assert premiere["Location"] == seconde["Location"]
    # Nobody chosen: the person who records it follows it.
    assert (demande.parcours_id, demande.suivie_par_id) == (parcours.pk, delegue.pk)
    assert demande.echeance == echeance_legale(timezone.localdate(), prolongee=False)
    page = client.get(premiere["Location"]).content.decode()
    assert demande.echeance.strftime("%d/%m/%Y") in page
    assert "Zorgheb" not in page  # never the child's name


def test_une_saisie_incomplete_est_refusee_en_francais_et_garde_ce_qui_est_tape(client, a):
    connecter(client, dpo(a.programme))
    demain = (timezone.localdate() + timedelta(days=1)).isoformat()
    reponse = client.post(
        reverse("droits:creer", args=[a.programme.pk]),
        _corps(genre="", canal="", recue_le=demain, demandeur="le tuteur"),
    )
    texte = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Choisissez le droit que la famille exerce." in texte
    assert "Indiquez comment la demande est arrivée." in texte
    assert "doit être comprise entre" in texte
    assert 'value="le tuteur"' in texte
    assert not DemandeDroit.objects.exists()


def _corps_reponse(demande, **kwargs):
    return {
        "statut": "satisfaite",
        "suivie_par": "",
        "motif_prolongation": "",
        "reponse": "Le dossier a été remis.",
        "repondue_le": timezone.localdate().isoformat(),
        "preuve": "Remis en main propre, reçu signé",
        "version": str(demande.version),
    } | kwargs


def test_le_dpo_repond_et_une_version_perimee_est_un_conflit(client, a):
    demande = _demande(a.programme, a.coordinateur)
    connecter(client, dpo(a.programme))
    url = reverse("droits:demande", args=[a.programme.pk, demande.pk])

    perime = client.post(url, _corps_reponse(demande, version="0", reponse="Écrasé"))
    assert perime.status_code == 409
    assert "Écrasé" in perime.content.decode()
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.RECUE

    incomplet = client.post(url, _corps_reponse(demande, preuve=""))
    assert incomplet.status_code == 200
    assert "Gardez la preuve de la réponse" in incomplet.content.decode()

    assert client.post(url, _corps_reponse(demande)).status_code == 302
    demande.refresh_from_db()
    assert (demande.statut, demande.version) == (StatutDemande.SATISFAITE, 2)
    assert "Traiter la demande" not in client.get(url).content.decode()


def test_le_dossier_d_acces_se_produit_depuis_la_demande_par_la_coordination_seulement(client, a):
    parcours = _parcours(a.programme)
    demande = _demande(a.programme, a.coordinateur, parcours=parcours)
    url = reverse("droits:demande", args=[a.programme.pk, demande.pk])
    dossier = reverse("droits:dossier_pdf", args=[a.programme.pk, demande.pk])

    delegue = dpo(a.programme)
    connecter(client, delegue)
    assert dossier not in client.get(url).content.decode()
    assert client.get(dossier).status_code == 404  # the DPO never opens a child's file
    assert not TraceAcces.objects.using(ALIAS).filter(evenement=Evenement.DROIT_ACCES).exists()

    connecter(client, a.coordinateur)
    assert dossier in client.get(url).content.decode()
    reponse = client.get(dossier)
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    entree = TraceAcces.objects.using(ALIAS).get(evenement=Evenement.DROIT_ACCES)
    assert (entree.user_id, entree.object_id) == (a.coordinateur.pk, parcours.pk)
    demande.refresh_from_db()
    assert demande.dossier_produit_le is not None


def test_une_rectification_mene_a_l_historique_des_modifications(client, a):
    parcours = _parcours(a.programme)
    demande = _demande(
        a.programme, a.coordinateur, genre=GenreDemande.RECTIFICATION, parcours=parcours
    )
    connecter(client, a.coordinateur)
    page = client.get(reverse("droits:demande", args=[a.programme.pk, demande.pk]))
    assert reverse("parcours:historique_modifications", args=[parcours.pk]) in page.content.decode()


NOMS = ["registre", "creer", "export_csv", "export_xlsx"]
NOMS_DEMANDE = ["demande", "dossier_pdf"]


@pytest.mark.parametrize("qui", ["coordinateur_ailleurs", "dpo_ailleurs", "referent", "pilote"])
def test_le_registre_404_hors_de_la_gestion_et_du_dpo_du_programme(client, a, qui):
    parcours = _parcours(a.programme)
    demande = _demande(a.programme, a.coordinateur, parcours=parcours)
    if qui == "coordinateur_ailleurs":
        user = pre(nom="Autre PRE").coordinateur
    elif qui == "dpo_ailleurs":
        user = dpo(pre(nom="Autre PRE").programme)
    elif qui == "referent":
        user = professionnel(a.porteuse).user
    else:
        user = UserFactory()
        role_attribuer(user=user, programme=a.programme, role=Role.PILOTAGE)
    connecter(client, user)
    for nom in NOMS:
        url = reverse(f"droits:{nom}", args=[a.programme.pk])
        assert client.get(url).status_code == 404, nom
        assert client.post(url, _corps()).status_code in (404, 405), nom
    for nom in NOMS_DEMANDE:
        url = reverse(f"droits:{nom}", args=[a.programme.pk, demande.pk])
        assert client.get(url).status_code == 404, nom
    assert (
        client.post(
            reverse("droits:demande", args=[a.programme.pk, demande.pk]), _corps_reponse(demande)
        ).status_code
        == 404
    )
    assert DemandeDroit.objects.count() == 1
    assert DemandeDroit.objects.get().statut == StatutDemande.RECUE


def test_une_demande_d_un_autre_programme_404_meme_pour_le_dpo(client, a):
    b = pre(nom="PRE voisin")
    demande = _demande(b.programme, b.coordinateur)
    connecter(client, dpo(a.programme))
    # Its own programme in the URL, another programme's request: 404.
    assert (
        client.get(reverse("droits:demande", args=[a.programme.pk, demande.pk])).status_code == 404
    )


def test_le_registre_demande_une_connexion(client, a):
    reponse = client.get(reverse("droits:registre", args=[a.programme.pk]))
    assert reponse.status_code == 302
    assert reverse("login") in reponse["Location"]


@pytest.mark.parametrize("nombre", [1, 20])
def test_le_registre_coute_autant_avec_peu_ou_beaucoup_de_demandes(
    client, a, django_assert_num_queries, nombre
):
    for _i in range(nombre):
        _demande(a.programme, a.coordinateur, parcours=_parcours(a.programme))
    connecter(client, dpo(a.programme))
    url = reverse("droits:registre", args=[a.programme.pk])
    client.get(url)
    with django_assert_num_queries(REQUETES_REGISTRE):
        assert client.get(url).status_code == 200


# Session, user; savepoint; the programme (role check); the count and the page (with the
# person following each request); release. No session save, no DSFR configuration on a second
# request (issue 18, point 3).
REQUETES_REGISTRE = 7


def test_le_registre_s_exporte_en_csv_et_xlsx_et_l_export_est_trace(client, a):
    parcours = _parcours(a.programme)
    _demande(a.programme, a.coordinateur, parcours=parcours, genre=GenreDemande.OPPOSITION)
    _demande(a.programme, a.coordinateur)
    delegue = dpo(a.programme)
    connecter(client, delegue)

    reponse = client.get(reverse("droits:export_csv", args=[a.programme.pk]))
    lignes = list(
        csv.reader(
            io.StringIO(b"".join(reponse.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert len(lignes) == 3
    assert lignes[0][:2] == ["Numéro", "Droit exercé"]
    assert {lignes[1][1], lignes[2][1]} == {"Opposition (article 21)", "Accès (article 15)"}
    assert "Zorgheb" not in str(lignes)
    xlsx = client.get(reverse("droits:export_xlsx", args=[a.programme.pk]))
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    assert (
        TraceAcces.objects.using(ALIAS)
        .filter(user_id=delegue.pk, evenement=Evenement.EXPORT, programme_id=a.programme.pk)
        .count()
        == 2
    )


# --- The reminder ------------------------------------------------------------------------------


def test_le_rappel_previent_la_coordination_et_la_personne_qui_suit_avant_l_echeance(a):
    delegue = dpo(a.programme)
    recue = timezone.localdate() - timedelta(days=20)
    demande = _demande(a.programme, delegue, recue_le=recue)
    loin = demande.echeance - timedelta(days=8)
    proche = demande.echeance - timedelta(days=7)

    rappels_scanner(le=loin)
    assert not Rappel.objects.filter(genre=GENRE).exists()

    rappels_scanner(le=proche)
    rappels = Rappel.objects.filter(genre=GENRE, object_id=demande.pk)
    assert set(rappels.values_list("destinataire_id", flat=True)) == {
        a.coordinateur.pk,
        delegue.pk,
    }
    assert set(rappels.values_list("echeance", flat=True)) == {demande.echeance}
    rappels_scanner(le=proche)  # a second scan creates nothing more
    assert rappels.count() == 2

    # Extended: the reminder of the first deadline has no reason any more.
    _repondre(
        demande,
        delegue,
        statut=StatutDemande.EN_COURS,
        prolongee=True,
        motif_prolongation="Demandes nombreuses ce mois-ci.",
        reponse="",
        repondue_le=None,
        preuve="",
    )
    rappels_scanner(le=proche)
    assert set(rappels.values_list("statut", flat=True)) == {StatutRappel.ANNULE}


def test_le_rappel_s_arrete_quand_la_demande_a_sa_reponse(a):
    demande = _demande(a.programme, a.coordinateur)
    le = demande.echeance - timedelta(days=1)
    rappels_scanner(le=le)
    assert Rappel.objects.filter(genre=GENRE).count() == 1
    _repondre(demande, a.coordinateur)
    rappels_scanner(le=le)
    assert Rappel.objects.get(genre=GENRE).statut == StatutRappel.ANNULE


def test_le_rappel_ne_nomme_jamais_l_enfant(a):
    from reussite.core.rappels import rendre

    parcours = _parcours(a.programme)
    demande = _demande(a.programme, a.coordinateur, parcours=parcours)
    rappels_scanner(le=demande.echeance)
    [(_rappel, rendu)] = rendre(list(Rappel.objects.filter(genre=GENRE)))
    assert f"n° {demande.pk}" in rendu.titre
    assert "Zorgheb" not in rendu.titre + rendu.texte
    assert rendu.lien == reverse("droits:demande", args=[a.programme.pk, demande.pk])


def test_un_parcours_est_une_cle_protegee(a):
    """A request keeps its pathway: the pathway cannot be deleted under the register."""
    from django.db.models import ProtectedError

    parcours = _parcours(a.programme)
    _demande(a.programme, a.coordinateur, parcours=parcours)
    with pytest.raises(ProtectedError):
        Parcours.objects.filter(pk=parcours.pk).delete()


def test_un_parcours_transfere_nomme_le_programme_a_informer_et_son_delegue(client, a):
    from parcours.models import StatutTransfert, Transfert
    from tests.factories.core import cadre_juridique

    b = pre(nom="PRE des Tilleuls")
    cadre_juridique(b.programme, dpo_email="dpo@tilleuls.exemple.test")
    parcours = _parcours(a.programme)
    Transfert.objects.create(
        parcours_origine=parcours,
        programme_origine=a.programme,
        programme_destination=b.programme,
        statut=StatutTransfert.ACCEPTE,
        decide_le=timezone.now(),
    )
    demande = _demande(a.programme, a.coordinateur, parcours=parcours)
    autre = _demande(a.programme, a.coordinateur, parcours=_parcours(a.programme))
    connecter(client, dpo(a.programme))

    page = client.get(reverse("droits:demande", args=[a.programme.pk, demande.pk]))
    texte = page.content.decode()
    assert "transféré" in texte and "PRE des Tilleuls" in texte
    assert "dpo@tilleuls.exemple.test" in texte
    page = client.get(reverse("droits:demande", args=[a.programme.pk, autre.pk]))
    assert 'id="transfert"' not in page.content.decode()
