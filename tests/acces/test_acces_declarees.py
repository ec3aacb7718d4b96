"""The access sweep, declared views: ids read from the query string or the body are refused
when they belong elsewhere. The declarations: tests/acces/balayage.py; the world: tests/acces/monde.py."""

from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from parcours.models import (
    Action,
    ActionCollective,
    Consentement,
    EchangeOrientation,
    Famille,
    Parcours,
    ResponsableLegal,
)
from partenaires.models import Convention, Professionnel
from reussite.core.models import DemandeExport, Rappel
from tests.acces.balayage import (
    BALAYEES,
    DECLAREES,
    INEXISTANT,
    NUL,
    PROTECTION,
    REQUETES_MES_SUIVIS,
    SONDES,
    _parcourir,
    balayer,
    client_de,
    envoyer,
    erreurs,
    ids_de,
    methodes_non_applicables,
    refus,
    url_de,
)
from tests.acces.monde import (
    _convention,
    _convention_signee,
    _corps_creation,
    _fichier_import,
    _pilote,
    corps,
    empreinte,
)
from tests.conftest import connecter
from tests.factories import actions as fabrique_actions
from tests.factories import orientations as fabrique_orientations
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import (
    ajouter_intervenant,
    consentement,
    partenaire,
    pre,
    professionnel,
)
from tests.factories.partenaires import StructureFactory
from tests.support.formulaires import jeton

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "champ",
    [
        "programme-programme",
        "enfant-etablissement",
        "parcours-referent",
        "parcours-orienteur_structure",
    ],
)
def test_creer_refuse_les_identifiants_d_un_autre_programme(monde, champ):
    etrangers = {
        "programme-programme": monde.b.programme.pk,
        "enfant-etablissement": monde.ecole_b.pk,
        "parcours-referent": monde.q.parcours.referent_id,
        "parcours-orienteur_structure": monde.q.structure.pk,
    }
    avant = empreinte()

    reponse = envoyer(
        client_de(monde.a.coordinateur),
        "POST",
        reverse("parcours:creer"),
        _corps_creation(monde, **{champ: etrangers[champ]}),
    )

    assert reponse.status_code == 200
    prefixe, nom = champ.split("-", 1)
    assert "Sélectionnez un choix valide" in str(erreurs(reponse)[f"form_{prefixe}"].get(nom)), (
        erreurs(reponse)
    )
    assert empreinte() == avant


def test_creer_avec_les_identifiants_du_programme_cree_le_parcours(monde):
    """Positive control of the test above: the same body with programme A's ids is accepted."""
    reponse = envoyer(
        client_de(monde.a.coordinateur), "POST", reverse("parcours:creer"), _corps_creation(monde)
    )
    assert reponse.status_code == 302, erreurs(reponse)
    assert Parcours.objects.filter(programme=monde.a.programme, enfant__nom="Nouveau").exists()


def test_passation_refuse_les_identifiants_d_un_autre_programme(monde):
    client = client_de(monde.a.coordinateur)
    nouveau = professionnel(monde.a.porteuse)
    referent_b = monde.q.parcours.referent
    avant = empreinte()
    for donnees in (
        {"programme": monde.b.programme.pk, "ancien": referent_b.pk, "nouveau": nouveau.pk},
        {"programme": monde.a.programme.pk, "ancien": referent_b.pk, "nouveau": nouveau.pk},
        {"programme": monde.a.programme.pk, "ancien": monde.referent.pk, "nouveau": referent_b.pk},
    ):
        reponse = envoyer(client, "POST", reverse("parcours:passation"), donnees)
        assert reponse.status_code == 200, donnees
        assert "Sélectionnez un choix valide" in reponse.contenu.decode(), donnees
    assert empreinte() == avant
    # Not a coordinator: no transfer page at all.
    assert (
        envoyer(client_de(monde.referent.user), "GET", reverse("parcours:passation")).status_code
        == 403
    )


def test_intervenant_ajouter_refuse_un_professionnel_non_couvert_ou_d_ailleurs(monde):
    url = reverse("parcours:intervenant_ajouter", args=[monde.p.parcours.pk])
    d_ailleurs = Professionnel.objects.get(pk=monde.q.candidat.pk)  # partner of programme B
    for user in (monde.a.coordinateur, monde.referent.user):
        client = client_de(user)
        avant = empreinte()
        for pro in (d_ailleurs, monde.etranger):
            reponse = envoyer(client, "POST", url, {"intervenant-professionnel": pro.pk})
            assert reponse.status_code == 302
            assert empreinte() == avant, pro
    assert not Parcours.objects.visibles_par(monde.etranger.user).exists()
    assert (
        not Parcours.objects.visibles_par(d_ailleurs.user)
        .filter(programme=monde.a.programme)
        .exists()
    )


def test_modifier_refuse_les_identifiants_d_un_autre_programme(monde):
    client = client_de(monde.a.coordinateur)
    url = reverse("parcours:modifier", args=[monde.p.parcours.pk])
    avant = empreinte()
    for champ, valeur in (
        ("parcours-referent", monde.q.parcours.referent_id),
        ("parcours-orienteur_structure", monde.q.structure.pk),
        ("parcours-referent", monde.etranger.pk),  # of programme A, but not covered by consent
    ):
        donnees = corps("parcours:modifier", monde.p) | {champ: valeur}
        reponse = envoyer(client, "POST", url, donnees)
        assert reponse.status_code == 200, (champ, valeur)
        assert empreinte() == avant, (champ, valeur)


def test_modifier_enfant_refuse_une_ecole_d_un_autre_programme(monde):
    client = client_de(monde.a.coordinateur)
    url = reverse("parcours:modifier_enfant", args=[monde.p.parcours.pk])
    avant = empreinte()
    donnees = corps("parcours:modifier_enfant", monde.p) | {
        "enfant-etablissement": monde.ecole_b.pk
    }
    reponse = envoyer(client, "POST", url, donnees)
    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in reponse.contenu.decode()
    assert empreinte() == avant


def test_modifier_famille_refuse_un_responsable_d_une_autre_famille(monde):
    client = client_de(monde.a.coordinateur)
    url = reverse("parcours:modifier_famille", args=[monde.p.parcours.pk])
    autre = monde.q.titulaire  # a guardian in programme B
    donnees = corps("parcours:modifier_famille", monde.p) | {
        "responsables-0-id": autre.pk,
        "responsables-0-nom": "Piraté",
    }
    envoyer(client, "POST", url, donnees)

    autre.refresh_from_db()
    assert autre.nom != "Piraté"
    assert autre.famille_id == monde.q.parcours.enfant.famille_id
    assert (
        not ResponsableLegal.objects.filter(nom="Piraté")
        .exclude(famille_id=monde.p.parcours.enfant.famille_id)
        .exists()
    )


def test_modifier_famille_enregistre_un_responsable_modifie(monde):
    """The legitimate edit of a guardian through the same formset."""
    client = client_de(monde.a.coordinateur)
    url = reverse("parcours:modifier_famille", args=[monde.p.parcours.pk])
    donnees = corps("parcours:modifier_famille", monde.p) | {
        "responsables-0-telephone": "07 11 22 33 44"
    }

    reponse = envoyer(client, "POST", url, donnees)

    assert reponse.status_code == 302, erreurs(reponse)
    monde.p.titulaire.refresh_from_db()
    assert monde.p.titulaire.telephone == "07 11 22 33 44"


@pytest.mark.parametrize("nom", ["parcours:consentement", "parcours:consentement_renouveler"])
def test_consentement_refuse_les_identifiants_d_ailleurs(monde, nom):
    client = client_de(monde.a.coordinateur)
    route = next(r for r in BALAYEES if r.nom == nom)
    url = url_de(route, ids_de(monde.p))
    avant = empreinte()
    for champ, valeur in (
        ("signataires", [monde.q.titulaire.pk]),
        ("signataires", [monde.p2.titulaire.pk]),  # same programme, another family
        ("structures", [monde.q.structure.pk]),
    ):
        donnees = corps(nom, monde.p) | {champ: valeur}
        reponse = envoyer(client, "POST", url, donnees)
        assert reponse.status_code == 200, (champ, valeur)
        assert "Sélectionnez un choix valide" in reponse.contenu.decode()
        assert empreinte() == avant


def test_les_filtres_des_listes_ne_les_elargissent_jamais(monde):
    etranger_b = monde.q.parcours.enfant.nom
    fiche_b = reverse("parcours:detail", args=[monde.q.parcours.pk])
    filtres = {
        "referent": monde.q.parcours.referent_id,
        "etablissement": monde.ecole_b.pk,
        "programme": monde.b.programme.pk,
        "q": etranger_b,
    }
    for user, nom in (
        (monde.a.coordinateur, "parcours:liste"),
        (monde.intervenant.user, "parcours:liste"),
        (monde.intervenant.user, "parcours:mes_suivis"),
        (monde.non_affecte.user, "parcours:mes_suivis"),
        (monde.a.coordinateur, "parcours:a_risque"),
        (monde.referent.user, "parcours:a_risque"),
    ):
        client = client_de(user)
        for cle, valeur in filtres.items():
            reponse = client.get(reverse(nom), {cle: valeur})
            assert reponse.status_code == 200
            assert fiche_b not in reponse.content.decode(), (nom, cle)
            visibles = set(Parcours.objects.visibles_par(user).values_list("pk", flat=True))
            assert {p.pk for p in reponse.context["page"].object_list} <= visibles
        sans_filtre = client.get(reverse(nom)).context["page"].paginator.count
        assert sans_filtre <= len(visibles)
    intervenant = client_de(monde.intervenant.user).get(reverse("parcours:mes_suivis"))
    assert [p.pk for p in intervenant.context["page"].object_list] == [monde.p.parcours.pk]


def test_action_ajouter_refuse_une_offre_ou_des_identifiants_d_ailleurs(monde):
    client = client_de(monde.a.coordinateur)
    url = reverse("parcours:action_ajouter", args=[monde.p.parcours.pk])
    offre_b = fabrique_actions.offre(monde.q.structure, monde.b.programme, intitule="Offre de B")
    offre_a = fabrique_actions.offre(monde.structure, monde.a.programme, intitule="Offre de A")
    avant = empreinte()

    # An offer published to another programme only: nothing about it is shown.
    reponse = envoyer(client, "GET", f"{url}?offre={offre_b.pk}")
    assert reponse.status_code == 404
    assert "Offre de B" not in reponse.contenu.decode()
    for champ, valeur in (
        ("offre", offre_b.pk),
        ("objectif", monde.p2.objectif.pk),  # same programme, another child's objective
        ("structure", monde.q.structure.pk),
        ("professionnel", monde.q.parcours.referent_id),
        ("convention", _convention(monde.b.programme).pk),
    ):
        donnees = corps("parcours:action_ajouter", monde.p) | {champ: valeur}
        reponse = envoyer(client, "POST", url, donnees)
        assert reponse.status_code == 200, (champ, valeur)
        assert "Sélectionnez un choix valide" in reponse.contenu.decode(), champ
        assert empreinte() == avant, champ

    # Positive control: the programme's own offer pre-fills the form, and is saved with it.
    reponse = envoyer(client, "GET", f"{url}?offre={offre_a.pk}")
    assert reponse.status_code == 200
    assert reponse.context["form"].initial["offre"] == offre_a.pk
    donnees = corps("parcours:action_ajouter", monde.p) | {"offre": offre_a.pk}
    assert envoyer(client, "POST", url, donnees).status_code == 302
    assert Action.objects.filter(parcours=monde.p.parcours, offre=offre_a).exists()


def test_collective_creer_refuse_les_identifiants_d_un_autre_programme(monde):
    client = client_de(monde.a.coordinateur)
    url = reverse("parcours:collective_creer")
    offre_b = fabrique_actions.offre(monde.q.structure, monde.b.programme)
    valide = {
        "programme": monde.a.programme.pk,
        "intitule": "Atelier théâtre",
        "structure": monde.structure.pk,
        "date_debut": date.today().isoformat(),
    }
    avant = empreinte()
    for champ, valeur in (
        ("programme", monde.b.programme.pk),
        ("offre", offre_b.pk),
        ("structure", monde.q.structure.pk),
        ("professionnel", monde.q.parcours.referent_id),
        ("convention", _convention(monde.b.programme).pk),
    ):
        reponse = envoyer(client, "POST", url, valide | {champ: valeur})
        assert reponse.status_code == 200, champ
        assert "Sélectionnez un choix valide" in reponse.contenu.decode(), champ
        assert empreinte() == avant, champ
    # Not a coordinator: no such page at all.
    assert envoyer(client_de(monde.referent.user), "GET", url).status_code == 403
    # Positive control.
    assert envoyer(client, "POST", url, valide | {"jeton": jeton()}).status_code == 302
    assert ActionCollective.objects.filter(intitule="Atelier théâtre").count() == 1


# --- Extra POST fields are ignored ------------------------------------------------------------


def test_les_champs_en_trop_sont_ignores_sur_les_pages_de_modification(monde):
    client = client_de(monde.a.coordinateur)
    parcours = monde.p.parcours
    enfant = parcours.enfant
    en_trop = {
        "programme": monde.b.programme.pk,
        "enfant": monde.q.parcours.enfant_id,
        "referent": monde.q.parcours.referent_id,
        "famille": monde.q.parcours.enfant.famille_id,
        "parcours": monde.q.parcours.pk,
        "enregistre_par": monde.b.coordinateur.pk,
        "version": "",
    }
    for nom, prefixe in (
        ("parcours:modifier", "parcours"),
        ("parcours:modifier_enfant", "enfant"),
        ("parcours:modifier_famille", "famille"),
        ("parcours:consentement", ""),
    ):
        donnees = dict(corps(nom, monde.p))
        for cle, valeur in en_trop.items():
            donnees.setdefault(cle, valeur)
            if prefixe:
                donnees.setdefault(f"{prefixe}-{cle}", valeur)
        url = reverse(nom, args=[parcours.pk])
        reponse = envoyer(client, "POST", url, donnees)
        assert reponse.status_code == 302, (nom, erreurs(reponse))

    parcours.refresh_from_db()
    enfant.refresh_from_db()
    assert (parcours.programme_id, parcours.enfant_id) == (monde.a.programme.pk, enfant.pk)
    assert parcours.referent_id == monde.referent.pk
    assert (enfant.programme_id, enfant.famille_id) == (
        monde.a.programme.pk,
        monde.p.titulaire.famille_id,
    )
    assert Famille.objects.get(pk=enfant.famille_id).programme_id == monde.a.programme.pk
    nouveau = Consentement.objects.filter(parcours=parcours).order_by("pk").last()
    assert nouveau.pk != monde.p.consentement.pk
    assert nouveau.enregistre_par_id == monde.a.coordinateur.pk
    assert (
        not Consentement.objects.filter(parcours=monde.q.parcours)
        .exclude(pk=monde.q.consentement.pk)
        .exists()
    )


# --- The charter interstitial -----------------------------------------------------------------


def test_un_partenaire_sans_charte_passe_par_la_charte_puis_voit_ses_suivis(client):
    # Not "PRE A": the module's shared world (tests/acces/conftest.py) has it.
    a = pre(nom="PRE Charte")
    structure = partenaire(a.programme)
    pro = professionnel(structure, charte_acceptee=False)
    parcours = ParcoursFactory(programme=a.programme, enfant__nom="Interstitiel")
    consentement(parcours, structures=[structure], auteur=a.coordinateur)
    ajouter_intervenant(parcours, pro, auteur=a.coordinateur)
    connecter(client, pro.user)
    suivis = reverse("parcours:mes_suivis")
    charte = reverse("parcours:charte")

    for url in (suivis, reverse("parcours:detail", args=[parcours.pk]), reverse("accueil")):
        reponse = client.get(url)
        assert reponse.status_code == 302, url
        assert reponse["Location"] == f"{charte}?next={url}"

    page = client.get(charte, {"next": suivis})
    assert page.status_code == 200
    assert "J’accepte la charte de confidentialité" in page.content.decode()

    reponse = client.post(charte, {"next": suivis})
    assert reponse.status_code == 302
    assert reponse["Location"] == suivis
    liste = client.get(suivis)
    assert liste.status_code == 200
    assert "Interstitiel" in liste.content.decode()
    assert client.get(reverse("parcours:detail", args=[parcours.pk])).status_code == 200


def test_la_charte_ne_renvoie_pas_hors_du_site(client):
    user = professionnel(partenaire(pre(nom="PRE Charte").programme), charte_acceptee=False).user
    connecter(client, user)
    reponse = client.post(reverse("parcours:charte"), {"next": "https://exemple.org/piege"})
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("accueil")


@pytest.mark.parametrize("nombre", [1, 30])
def test_mes_suivis_coute_le_meme_nombre_de_requetes_quelle_que_soit_sa_longueur(
    client, django_assert_num_queries, nombre
):
    a = pre(nom="PRE Suivis")
    structure = partenaire(a.programme)
    pro = professionnel(structure)
    referent = professionnel(a.porteuse)
    ecole = StructureFactory(ecole=True, programmes=[a.programme])
    for _ in range(nombre):
        parcours = ParcoursFactory(
            programme=a.programme, referent=referent, enfant__etablissement=ecole
        )
        consentement(parcours, structures=[structure], auteur=a.coordinateur)
        ajouter_intervenant(parcours, pro, auteur=a.coordinateur)
    connecter(client, pro.user)
    url = reverse("parcours:mes_suivis")
    client.get(url)  # the session then remembers the charter

    with django_assert_num_queries(REQUETES_MES_SUIVIS):
        reponse = client.get(url)

    assert reponse.context["page"].paginator.count == nombre
    assert len(reponse.context["page"].object_list) == min(nombre, 25)


# --- offres


def test_offres_les_pages_de_programme_refusent_un_programme_d_ailleurs(monde):
    """The competence map and the needs list take a programme from the query string: another
    programme's id answers 404; the directory's programme filter never widens the list."""
    client = client_de(monde.a.coordinateur)
    for nom in ("parcours:besoins", "parcours:carte_competences"):
        assert client.get(reverse(nom), {"programme": monde.b.programme.pk}).status_code == 404
        assert client.get(reverse(nom), {"programme": monde.a.programme.pk}).status_code == 200
        reponse = client.get(reverse(nom), {"programme": monde.b.programme.pk, "format": "csv"})
        assert reponse.status_code == 404
    assert client_de(monde.non_affecte.user).get(reverse("parcours:besoins")).status_code == 404
    structure_b = StructureFactory(programmes=[monde.b.programme], nom="Maison du PRE B")
    reponse = client.get(reverse("partenaires:annuaire"), {"programme": monde.b.programme.pk})
    assert reponse.status_code == 200
    assert structure_b.nom not in reponse.content.decode()


# --- statistiques


# --- orientations (issue 17) ---------------------------------------------------------------------


@pytest.mark.lent  # a whole-site sweep for one state (CI); the per-role 404 sweep stays in the fast loop
def test_l_orienteur_suit_son_orientation_et_rien_d_autre(monde):
    """The referrer reads their referral and its document and answers the question; every
    other URL of the pathway answers 404, and another referral (p2's, same structure) too."""
    non_applicables = methodes_non_applicables(monde)
    orienteur = monde.p.orienteur.user
    avant = empreinte()

    def attendu(nom, methode):
        if nom in ("parcours:orientation", "parcours:orientation_document") and methode == "GET":
            return 200
        if (nom, methode) == ("parcours:orientation_repondre", "POST"):
            return 302
        return refus(non_applicables)(nom, methode)

    assert not balayer(client_de(orienteur), monde.p, attendu)
    apres = empreinte()
    # Their answer moves the referral and tells the coordination; nothing else changes.
    for modele in ("Orientation", "EchangeOrientation", "Rappel"):
        apres.pop(modele), avant.pop(modele)
    assert apres == avant
    reponse = EchangeOrientation.objects.get(orientation=monde.p.orientation, genre="reponse")
    assert Rappel.objects.filter(
        genre="orientation_a_traiter", object_id=reponse.pk, destinataire=monde.a.coordinateur
    ).exists()
    assert not balayer(client_de(orienteur), monde.p2, refus(non_applicables))
    assert not Parcours.objects.visibles_par(orienteur).exists()


def test_importer_refuse_un_programme_d_ailleurs(monde):
    client = client_de(monde.a.coordinateur)
    avant = empreinte()
    reponse = envoyer(
        client,
        "POST",
        reverse("parcours:import"),
        {"jeton": jeton(), "programme": monde.b.programme.pk, "fichier": _fichier_import("X-1")},
    )
    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in reponse.contenu.decode()
    assert empreinte() == avant
    # Positive control: their own programme's dry run is recorded (and writes no child).
    reponse = envoyer(
        client,
        "POST",
        reverse("parcours:import"),
        {"jeton": jeton(), "programme": monde.a.programme.pk, "fichier": _fichier_import("X-1")},
    )
    assert reponse.status_code == 302, erreurs(reponse)
    apres = empreinte()
    assert len(apres.pop("ImportParcours")) == len(avant.pop("ImportParcours")) + 1
    assert apres == avant
    # Not a coordinator: no import page at all.
    assert (
        envoyer(client_de(monde.referent.user), "GET", reverse("parcours:import")).status_code
        == 403
    )


def test_orienter_refuse_les_identifiants_d_ailleurs(monde):
    client = client_de(monde.p.orienteur.user)
    donnees = {
        "jeton": jeton(),
        "professionnel": monde.p.orienteur.pk,
        **{
            cle: v.isoformat() if isinstance(v, date) else v
            for cle, v in fabrique_orientations.donnees_orientation().items()
        },
        "famille_informee": "on",
        "famille_accepte_contact": "on",
    }
    avant = empreinte()
    for champ, valeur in (
        ("professionnel", monde.p2.orienteur.pk),  # a colleague's membership
        ("professionnel", monde.q.orienteur.pk),
        ("programme", monde.b.programme.pk),
        ("etablissement", monde.ecole_b.pk),
    ):
        reponse = envoyer(
            client, "POST", reverse("parcours:orientation_creer"), donnees | {champ: valeur}
        )
        assert reponse.status_code == 200, champ
        assert "Sélectionnez un choix valide" in reponse.contenu.decode(), champ
    assert empreinte() == avant
    # Positive control: the same body with the referrer's own ids is sent.
    reponse = envoyer(client, "POST", reverse("parcours:orientation_creer"), donnees)
    assert reponse.status_code == 302, erreurs(reponse)
    assert empreinte() != avant


def test_statistiques_refusent_un_programme_d_ailleurs(monde):
    """The statistics and the survey export take a programme from the query string: another
    programme's id answers 404, for a coordinator as for a steering user."""
    for user in (monde.a.coordinateur, _pilote(monde.a.programme)):
        client = client_de(user)
        for nom in (
            "parcours:statistiques",
            "parcours:statistiques_enquete",
            "parcours:statistiques_enquete_xlsx",
        ):
            assert client.get(reverse(nom), {"programme": monde.b.programme.pk}).status_code == 404
            assert client.get(reverse(nom), {"programme": "tous"}).status_code == 404
            assert client.get(reverse(nom), {"programme": monde.a.programme.pk}).status_code == 200
    for nom in ("parcours:statistiques", "parcours:statistiques_enquete"):
        assert client_de(monde.non_affecte.user).get(reverse(nom)).status_code == 404


def test_preuves_refusent_un_programme_une_partie_ou_un_role_d_ailleurs(monde):
    """The evidence packs read the programme, the party and the year from the query string:
    the management and steering of the programme reach them; another programme's id, a party
    of another programme's convention, a partner, a référent and another programme's
    coordinator get 404 (and no background build is recorded for them)."""
    _convention_signee(monde.a, monde.structure)
    partie_b = partenaire(monde.b.programme)
    _convention_signee(monde.b, partie_b)
    dossier = reverse("parcours:preuves_dossier")
    a = {"programme": monde.a.programme.pk, "structure": monde.structure.pk, "annee": 2025}
    for user in (monde.a.coordinateur, _pilote(monde.a.programme)):
        client = client_de(user)
        assert (
            client.get(reverse("parcours:preuves"), {"programme": a["programme"]}).status_code
            == 200
        )
        assert client.get(dossier, a).status_code == 200
        assert (
            client.get(reverse("parcours:preuves"), {"programme": monde.b.programme.pk}).status_code
            == 404
        )
        for remplacement in (
            {"programme": monde.b.programme.pk},
            {"structure": partie_b.pk},
            {"programme": monde.b.programme.pk, "structure": partie_b.pk},
            {"structure": monde.etranger.structure_id},  # of A's network, party to nothing
            {"annee": 2031},
        ):
            assert client.get(dossier, a | remplacement).status_code == 404, remplacement
    for user in (
        monde.referent.user,
        monde.intervenant.user,
        monde.non_affecte.user,
        monde.b.coordinateur,
    ):
        client = client_de(user)
        assert client.get(dossier, a).status_code == 404
        assert (
            client.get(reverse("parcours:preuves"), {"programme": a["programme"]}).status_code
            == 404
        )
        reponse = client.post(
            reverse("exports:demander"),
            {"genre": "preuves", "format": "xlsx", "filtres": urlencode(a)},
        )
        assert reponse.status_code == 404
    assert not DemandeExport.objects.filter(genre="preuves").exists()


def test_statistiques_l_export_des_parcours_ne_s_elargit_jamais(monde):
    """The pathway export is the list with its filters: foreign filter ids never widen it; no
    one but a coordinator gets it (pilotage, partners: 404)."""
    etranger_b = monde.q.parcours.enfant.nom
    client = client_de(monde.a.coordinateur)
    filtres = {
        "referent": monde.q.parcours.referent_id,
        "etablissement": monde.ecole_b.pk,
        "programme": monde.b.programme.pk,
        "q": etranger_b,
    }
    for cle, valeur in filtres.items():
        reponse = client.get(reverse("parcours:parcours_export"), {cle: valeur})
        assert reponse.status_code == 200
        assert etranger_b not in b"".join(reponse.streaming_content).decode(), cle
    complet = b"".join(client.get(reverse("parcours:parcours_export")).streaming_content).decode()
    assert monde.p.parcours.enfant.nom in complet and etranger_b not in complet
    for user in (_pilote(monde.a.programme), monde.intervenant.user, monde.referent.user):
        for nom in ("parcours:parcours_export", "parcours:parcours_export_xlsx"):
            assert client_de(user).get(reverse(nom)).status_code == 404


def test_statistiques_le_pilotage_ne_voit_aucun_enfant_sur_les_listes(monde):
    """Steering reaches no pathway page (swept above) and its lists show no child."""
    client = client_de(_pilote(monde.a.programme))
    noms = [d.parcours.enfant.nom for d in (monde.p, monde.p2)]
    for nom in ("parcours:liste", "parcours:mes_suivis", "parcours:a_risque", "accueil"):
        reponse = client.get(reverse(nom))
        # (exports: the steering user's home redirects to the statistics)
        assert reponse.status_code in (200, 302, 404), nom
        for enfant in noms:
            assert enfant not in reponse.content.decode(), (nom, enfant)
    assert client.get(reverse("parcours:statistiques")).status_code == 200


# --- securite


def test_terminer_une_session_refuse_celle_d_un_autre_compte(monde):
    from reussite.core.models import SessionUtilisateur

    victime = client_de(monde.b.coordinateur)
    ligne = SessionUtilisateur.objects.get(user=monde.b.coordinateur)
    reponse = client_de(monde.a.coordinateur).post(
        reverse("securite:session_terminer"), {"session": ligne.pk}
    )
    assert reponse.status_code == 404
    assert victime.get(reverse("notifications:liste")).status_code == 200


# --- protection


def test_protection_les_exports_et_l_historique_sont_balayes():
    """Their only id is the pathway's: the sweep requests them as everyone (pilotage, partner,
    other programme's coordinator: 404; the référent too, above), GET only (POST answers 405)."""
    assert {route.nom for route in BALAYEES} >= PROTECTION


# --- exports


def test_exports_les_filtres_des_actions_ne_les_elargissent_jamais(monde):
    """The action list and its exports read structure and convention ids from the query
    string: another programme's ids are an invalid choice, and never widen the list."""
    client = client_de(monde.a.coordinateur)
    nom_b = monde.q.action.intitule + " de Bêta"
    Action.objects.filter(pk=monde.q.action.pk).update(intitule=nom_b)
    convention_b = Convention.objects.create(
        programme=monde.b.programme,
        intitule="Convention de B",
        objet="Objet",
        date_debut=date.today(),
        date_fin=date.today() + timedelta(days=300),
    )
    for parametres in (
        {"structure": monde.q.structure.pk},
        {"convention": convention_b.pk},
        {"structure": INEXISTANT},
    ):
        for nom in ("parcours:actions", "parcours:actions_export", "parcours:actions_export_xlsx"):
            reponse = envoyer(client, "GET", reverse(nom) + "?" + urlencode(parametres))
            assert reponse.status_code == 200, (nom, parametres)
            assert nom_b.encode() not in reponse.contenu, (nom, parametres)
            assert monde.q.parcours.enfant.nom.encode() not in reponse.contenu
    for user in (monde.referent.user, monde.b.coordinateur, _pilote(monde.a.programme)):
        autre = client_de(user)
        for nom in ("parcours:actions", "parcours:actions_export"):
            reponse = envoyer(autre, "GET", reverse(nom))
            if user == monde.b.coordinateur:
                assert monde.p.parcours.enfant.nom.encode() not in reponse.contenu
            else:
                assert reponse.status_code == 404, (nom, user)


def test_exports_une_demande_ne_vise_que_ce_que_le_demandeur_voit(monde, settings):
    """`exports:demander` reads the list and its filters from the body: a list the user may
    not see answers 404 and records nothing; foreign ids in the filters never widen it."""
    settings.EXPORTS_SEUIL_ARRIERE_PLAN = 0
    avant = DemandeExport.objects.count()
    url = reverse("exports:demander")
    for user, genre in (
        (_pilote(monde.a.programme), "actions"),
        (monde.referent.user, "actions"),
        (monde.referent.user, "conventions"),
        (monde.a.coordinateur, "inconnu"),
    ):
        corps_ = {"genre": genre, "format": "csv", "filtres": ""}
        assert envoyer(client_de(user), "POST", url, corps_).status_code == 404, (user, genre)
    # A pathway's long PDF (issue 18): the pathway named in the filters must be one whose
    # document the user may have, or nothing is recorded.
    for user, genre, dossier in (
        (monde.a.coordinateur, "fiche", monde.q.parcours),
        (monde.a.coordinateur, "droit_acces", monde.q.parcours),
        (monde.referent.user, "droit_acces", monde.p.parcours),
        (_pilote(monde.a.programme), "fiche", monde.p.parcours),
    ):
        corps_ = {"genre": genre, "format": "pdf", "filtres": urlencode({"parcours": dossier.pk})}
        assert envoyer(client_de(user), "POST", url, corps_).status_code == 404, (user, genre)
    assert DemandeExport.objects.count() == avant
    corps_ = {"genre": "fiche", "format": "pdf", "filtres": f"parcours={monde.p.parcours.pk}"}
    assert envoyer(client_de(monde.a.coordinateur), "POST", url, corps_).status_code == 302
    assert DemandeExport.objects.filter(genre="fiche", demandeur=monde.a.coordinateur).exists()
    from reussite.core.exports_arriere_plan import export_construire

    filtres = urlencode({"structure": monde.q.structure.pk})
    corps_ = {"genre": "actions", "format": "csv", "filtres": filtres}
    assert envoyer(client_de(monde.a.coordinateur), "POST", url, corps_).status_code == 302
    demande = DemandeExport.objects.order_by("-pk").first()
    assert demande.demandeur == monde.a.coordinateur
    export_construire(demande_id=demande.pk)
    demande.refresh_from_db()
    with demande.fichier.open("rb") as fichier:
        contenu = fichier.read()
    assert monde.q.parcours.enfant.nom.encode() not in contenu
    assert monde.p.parcours.enfant.nom.encode() in contenu


def test_un_octet_nul_dans_une_valeur_repond_400_sur_chaque_route(monde):
    """Every route of the project (the ones swept elsewhere included), its lists and searches
    among them, called with a NUL in a GET or POST value: the product's 400 page, nothing
    changed. PostgreSQL refuses NUL in a text literal: this was a 500 (`?q=a%00b`)."""
    from parcours.services import reunion_planifier

    reunion = reunion_planifier(
        programme=monde.a.programme,
        date_heure=timezone.now() + timedelta(days=2),
        lieu="Salle",
        invites=[],
        parcours=[monde.p.parcours],
        auteur=monde.a.coordinateur,
    )
    ids = ids_de(monde.p) | {"reunion_pk": reunion.pk, "examen_pk": reunion.examens.get().pk}
    client = client_de(monde.a.coordinateur)
    avant = empreinte()
    ecarts = []
    for route in _parcourir(get_resolver().url_patterns):
        if route.gabarit.startswith("admin/") or route.nom is None or route.nom in SONDES:
            continue
        url = reverse(route.nom, kwargs={n: ids.get(n, INEXISTANT) for n in route.identifiants})
        # The search box, and every id the view is declared to read.
        champs = {"q", "page", *getattr(DECLAREES.get(route.nom), "champs", ())}
        for cle in champs:
            for methode, reponse in (
                ("GET", client.get(url, {cle: NUL})),
                ("POST", client.post(url, corps(route.nom, monde.p) | {cle: NUL})),
            ):
                if reponse.status_code != 400 or "Requête invalide" not in reponse.content.decode():
                    ecarts.append((route.nom, methode, cle, reponse.status_code))
    assert not ecarts
    assert empreinte() == avant
    # The meeting's search, as reported; and a key holding a NUL.
    recherche = reverse("parcours:eps_reunion", args=[reunion.pk])
    refus_ = client.get(recherche, {"q": NUL})
    assert refus_.status_code == 400
    assert refus_["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in refus_
    assert Client().get(reverse("login"), {"next": NUL}).status_code == 400  # anonymous too
    assert client.get(recherche, {"q": "ab"}).status_code == 200
    assert client.get(reverse("parcours:liste"), {NUL: "x"}).status_code == 400
