"""Siblings (issue 15, point 18): a child added to an existing family instead of a duplicated
one, from the family's page, the pathway's page, and the duplicate warning of « Nouveau
parcours ». Services, the selector that finds the family, the pages and who may open them,
the access trail, the double submit, and query budgets."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from parcours.models import Enfant, Famille, Parcours, ResponsableLegal, Statut
from parcours.selectors import familles_correspondantes
from parcours.services import DonneesCreation, DonneesResponsable, enfant_et_parcours_creer
from reussite.core.models import Evenement, TraceAcces, User
from reussite.core.trace import ALIAS as TRACE
from tests.conftest import connecter
from tests.factories.monde import construire_monde
from tests.factories.parcours import ParcoursFactory, ResponsableLegalFactory
from tests.factories.partage import (
    Pre,
    pre,
    professionnel,
)
from tests.factories.partenaires import StructureFactory
from tests.parcours.vues import formulaire, saisir
from tests.support.donnees_partagees import copie_pour, monde_partage
from tests.support.formulaires import jeton

pytestmark = pytest.mark.django_db

AUJOURD_HUI = date.today()
# « Prénom NOM »: the capitals are the CSS's (reussite/core/noms.py).
HELENE = 'Hélène\xa0<span class="reussite-nom-famille">Benali</span>'


@dataclass
class Monde:
    a: Pre
    b: Pre
    aine: Parcours  # the eldest child of the Benali family, in programme A
    mere: ResponsableLegal
    referent: User  # partner référent of the eldest's pathway (consent names their structure)
    intervenant: User  # delivers something on the eldest's pathway: not its team
    autre: Parcours  # another family of programme A


def _construire() -> Monde:
    m = construire_monde(
        nom="PRE A",
        enfant={"nom": "Benali", "prenom": "Yanis", "quartier": "Les Tilleuls", "qpv": True},
    )
    b = pre(nom="PRE B")
    mere = ResponsableLegalFactory(
        famille=m.parcours.enfant.famille,
        nom="Benali",
        prenom="Hélène",
        telephone="06 39 98 00 01",
        email="h.benali@example.org",
    )
    autre = ParcoursFactory(programme=m.programme, enfant__nom="Morel")
    return Monde(m.pre, b, m.parcours, mere, m.referent.user, m.intervenant.user, autre)


# Built once per module (tests/support/donnees_partagees.py); each test gets a fresh copy and
# its changes are rolled back.
_monde_du_module = monde_partage(_construire)


@pytest.fixture
def monde(_monde_du_module, db, settings) -> Monde:
    return copie_pour(_monde_du_module, settings)


def corps_frere(**remplacements) -> dict:
    return {
        "jeton": jeton(),
        "enfant-nom": "Benali",
        "enfant-prenom": "Inès",
        "enfant-date_naissance": (AUJOURD_HUI - timedelta(days=365 * 6)).isoformat(),
        "enfant-sexe": "F",
        "parcours-orienteur": "famille",
        "parcours-motifs_orientation": ["langage"],
        "parcours-date_entree": AUJOURD_HUI.isoformat(),
        **remplacements,
    }


def url_ajout(parcours: Parcours) -> str:
    return reverse("parcours:famille_ajouter_enfant", args=[parcours.enfant.famille_id])


def url_famille(parcours: Parcours) -> str:
    return reverse("parcours:famille_detail", args=[parcours.enfant.famille_id])


def donnees_frere(existante: Famille, **autres) -> DonneesCreation:
    return DonneesCreation(
        enfant={
            "nom": "Benali",
            "prenom": "Inès",
            "date_naissance": AUJOURD_HUI - timedelta(days=365 * 6),
            "sexe": "F",
        },
        parcours={
            "orienteur": "famille",
            "motifs_orientation": ["langage"],
            "date_entree": AUJOURD_HUI,
        },
        famille_existante=existante,
        **autres,
    )


# --- Service ----------------------------------------------------------------------------------


def test_un_frere_rejoint_la_famille_et_ses_responsables_sans_rien_dupliquer(monde):
    famille = monde.aine.enfant.famille
    familles, responsables = Famille.objects.count(), ResponsableLegal.objects.count()

    parcours = enfant_et_parcours_creer(
        programme=monde.a.programme, auteur=monde.a.coordinateur, donnees=donnees_frere(famille)
    )

    assert parcours.enfant.famille_id == famille.pk
    assert (Famille.objects.count(), ResponsableLegal.objects.count()) == (familles, responsables)
    # Consent is the pathway's own: the sibling starts without one, seen by the PRE team only.
    assert parcours.statut == Statut.REPERAGE
    assert not parcours.consentements.exists()
    assert not Parcours.objects.visibles_par(monde.referent).filter(pk=parcours.pk).exists()


@pytest.mark.parametrize(
    "en_trop",
    [
        {"famille": {"adresse": "Ailleurs"}},
        {"responsables": [DonneesResponsable(nom="Benali", lien="mere")]},
    ],
)
def test_un_frere_ne_reprend_ni_adresse_ni_responsables_saisis(monde, en_trop):
    famille = monde.aine.enfant.famille
    with pytest.raises(ValidationError, match="reprend sa famille telle quelle"):
        enfant_et_parcours_creer(
            programme=monde.a.programme,
            auteur=monde.a.coordinateur,
            donnees=donnees_frere(famille, **en_trop),
        )
    assert famille.enfants.count() == 1
    assert famille.responsables.count() == 2


def test_on_ne_rattache_aucun_enfant_a_une_famille_anonymisee(monde):
    famille = monde.aine.enfant.famille
    # Anonymised meanwhile: the instance the caller holds is stale, the locked row is not.
    Famille.objects.filter(pk=famille.pk).update(anonymise_le=timezone.now())

    with pytest.raises(ValidationError, match="anonymisée"):
        enfant_et_parcours_creer(
            programme=monde.a.programme,
            auteur=monde.a.coordinateur,
            donnees=donnees_frere(famille),
        )
    assert famille.enfants.count() == 1


# --- Selector: the families a new child's guardians may already belong to ----------------------


@pytest.mark.parametrize(
    "saisi",
    [
        {"nom": "BENALI", "prenom": "helene"},  # case and accents aside
        {"nom": "Bénali", "telephone": "+33 6 39 98 00 01"},  # the same number, written otherwise
        {"nom": "benali", "email": "H.Benali@example.org"},
    ],
)
def test_la_famille_d_un_responsable_deja_connu_est_retrouvee(monde, saisi):
    trouvees = familles_correspondantes(
        user=monde.a.coordinateur, programme=monde.a.programme, responsables=[saisi]
    )

    assert [f.pk for f in trouvees] == [monde.aine.enfant.famille_id]
    assert [e.pk for e in trouvees[0].enfants_visibles] == [monde.aine.enfant_id]


@pytest.mark.parametrize(
    "saisi",
    [
        {"nom": "Benali"},  # a name alone says nothing
        {"nom": "Benali", "prenom": "Samia"},
        {"nom": "Martin", "telephone": "06 39 98 00 01"},  # the number, another name
        {"nom": "", "prenom": "Hélène"},
    ],
)
def test_un_responsable_different_ne_propose_aucune_famille(monde, saisi):
    assert not familles_correspondantes(
        user=monde.a.coordinateur, programme=monde.a.programme, responsables=[saisi]
    )


def test_les_familles_proposees_restent_celles_que_l_on_voit(monde):
    saisi = [{"nom": "Benali", "prenom": "Hélène"}]
    # Another programme's coordinator, about programme A or their own: nothing.
    assert not familles_correspondantes(
        user=monde.b.coordinateur, programme=monde.a.programme, responsables=saisi
    )
    assert not familles_correspondantes(
        user=monde.b.coordinateur, programme=monde.b.programme, responsables=saisi
    )
    # An anonymised family cannot be proposed: nothing can be attached to it.
    Famille.objects.filter(pk=monde.aine.enfant.famille_id).update(anonymise_le=timezone.now())
    assert not familles_correspondantes(
        user=monde.a.coordinateur, programme=monde.a.programme, responsables=saisi
    )


# --- Who opens the family's pages --------------------------------------------------------------

# (family page, add a child) for each kind of user.
MATRICE = {
    "anonyme": ("connexion", "connexion"),
    "coordinateur": (200, 200),
    "referent": (200, 404),  # the pathway's team reads the family; creating is coordination
    "intervenant": (404, 404),
    "coordinateur_b": (404, 404),
    "non_affecte": (404, 404),
}


def _user(monde: Monde, qui: str) -> User | None:
    return {
        "anonyme": None,
        "coordinateur": monde.a.coordinateur,
        "referent": monde.referent,
        "intervenant": monde.intervenant,
        "coordinateur_b": monde.b.coordinateur,
        "non_affecte": professionnel(monde.a.porteuse).user,
    }[qui]


@pytest.mark.parametrize("qui", MATRICE)
def test_matrice_des_pages_de_la_famille(client, monde, qui):
    user = _user(monde, qui)
    if user is not None:
        connecter(client, user)
    avant = (Enfant.objects.count(), Parcours.objects.count())

    for url, attendu in zip(
        (url_famille(monde.aine), url_ajout(monde.aine)), MATRICE[qui], strict=True
    ):
        lecture = client.get(url)
        # The family's page answers GET only (405 to every POST, before any check).
        envoi = client.post(url, corps_frere()) if url == url_ajout(monde.aine) else lecture
        if attendu == "connexion":
            assert lecture.status_code == envoi.status_code == 302
            assert lecture["Location"].startswith(reverse("login"))
            continue
        assert lecture.status_code == attendu, url
        if attendu == 404:
            assert envoi.status_code == 404
            assert "Benali" not in lecture.content.decode()
    if MATRICE[qui][1] != 200:
        assert (Enfant.objects.count(), Parcours.objects.count()) == avant


def test_la_page_de_la_famille_montre_ses_enfants_et_ses_responsables(client, monde):
    cadette = ParcoursFactory(
        programme=monde.a.programme,
        enfant__famille=monde.aine.enfant.famille,
        enfant__nom="Benali",
        enfant__prenom="Nour",
        enfant__date_naissance=AUJOURD_HUI - timedelta(days=365 * 4),
    )
    connecter(client, monde.a.coordinateur)

    reponse = client.get(url_famille(monde.aine))

    contenu = reponse.content.decode()
    assert [p.pk for p in reponse.context["parcours_de_la_famille"]] == [monde.aine.pk, cadette.pk]
    titre = reponse.context["titre_famille"]  # after its first guardian
    assert titre.startswith("Famille de ")
    assert f'<h1 class="fr-col">{escape(titre)}</h1>' in contenu
    assert HELENE in contenu
    assert reverse("parcours:detail", args=[cadette.pk]) in contenu
    assert url_ajout(monde.aine) in contenu  # « Ajouter un enfant à cette famille »


def test_le_referent_ne_voit_dans_la_famille_que_les_parcours_qu_il_suit(client, monde):
    ParcoursFactory(
        programme=monde.a.programme,
        enfant__famille=monde.aine.enfant.famille,
        enfant__nom="Cachée",
    )
    connecter(client, monde.referent)

    reponse = client.get(url_famille(monde.aine))

    assert [p.pk for p in reponse.context["parcours_de_la_famille"]] == [monde.aine.pk]
    contenu = reponse.content.decode()
    assert "Cachée" not in contenu and "CACHÉE" not in contenu
    assert url_ajout(monde.aine) not in contenu


def test_la_page_du_parcours_propose_d_ajouter_un_enfant_a_la_famille(client, monde):
    detail = reverse("parcours:detail", args=[monde.aine.pk])
    connecter(client, monde.a.coordinateur)
    contenu = client.get(detail).content.decode()
    assert f'href="{url_ajout(monde.aine)}"' in contenu
    assert "Ajouter un enfant à cette famille" in contenu
    assert f'href="{url_famille(monde.aine)}"' in contenu

    connecter(client, monde.referent)
    contenu = client.get(detail).content.decode()
    assert f'href="{url_famille(monde.aine)}"' in contenu
    assert url_ajout(monde.aine) not in contenu


def test_la_lecture_et_le_refus_de_la_famille_sont_traces(client, monde):
    famille = monde.aine.enfant.famille
    type_famille = ContentType.objects.get_for_model(Famille)
    connecter(client, monde.a.coordinateur)
    assert client.get(url_famille(monde.aine)).status_code == 200
    connecter(client, monde.b.coordinateur)
    assert client.get(url_ajout(monde.aine)).status_code == 404

    entrees = list(
        TraceAcces.objects.using(TRACE)
        .filter(content_type=type_famille, object_id=famille.pk)
        .order_by("pk")
        .values_list("user_id", "evenement", "autorise", "programme_id", "page")
    )
    assert entrees == [
        (
            monde.a.coordinateur.pk,
            Evenement.LECTURE,
            True,
            monde.a.programme.pk,
            "parcours:famille_detail",
        ),
        (monde.b.coordinateur.pk, Evenement.REFUS, False, None, "parcours:famille_ajouter_enfant"),
    ]


# --- Adding a child ----------------------------------------------------------------------------


def test_le_formulaire_est_prerempli_avec_la_famille(client, monde):
    connecter(client, monde.a.coordinateur)

    reponse = client.get(url_ajout(monde.aine))

    donnees = formulaire(reponse, "enfant-nom")
    assert donnees["enfant-nom"] == ["Benali"]
    assert donnees["enfant-quartier"] == ["Les Tilleuls"]
    assert donnees["enfant-qpv"] == ["on"]
    assert donnees["jeton"]
    # Nothing about the family is typed again.
    assert not [nom for nom in donnees if nom.startswith(("famille-", "responsables-"))]
    assert HELENE in reponse.content.decode()


def test_ajouter_un_enfant_le_rattache_a_la_famille(client, monde):
    famille = monde.aine.enfant.famille
    connecter(client, monde.a.coordinateur)
    donnees = saisir(
        formulaire(client.get(url_ajout(monde.aine)), "enfant-nom"),
        enfant__prenom="Inès",
        enfant__date_naissance=(AUJOURD_HUI - timedelta(days=365 * 6)).isoformat(),
        enfant__sexe="F",
        parcours__orienteur="famille",
        parcours__motifs_orientation=["langage"],
    )

    reponse = client.post(url_ajout(monde.aine), donnees)

    assert reponse.status_code == 302
    cadette = Enfant.objects.get(prenom="Inès")
    parcours = cadette.parcours.get()
    assert reponse["Location"] == reverse("parcours:detail", args=[parcours.pk])
    assert cadette.famille_id == famille.pk
    assert (cadette.nom, cadette.quartier, cadette.qpv) == ("Benali", "Les Tilleuls", True)
    assert Famille.objects.filter(programme=monde.a.programme).count() == 2
    assert famille.responsables.count() == 2
    assert parcours.programme_id == monde.a.programme.pk
    # Both children on the family page.
    page = client.get(url_famille(monde.aine))
    assert {p.enfant_id for p in page.context["parcours_de_la_famille"]} == {
        monde.aine.enfant_id,
        cadette.pk,
    }


def test_un_double_envoi_cree_un_seul_enfant(client, monde):
    connecter(client, monde.a.coordinateur)
    corps = corps_frere()

    premiere = client.post(url_ajout(monde.aine), corps)
    seconde = client.post(url_ajout(monde.aine), corps)

    assert premiere.status_code == seconde.status_code == 302
    assert seconde["Location"] == premiere["Location"]
    assert Enfant.objects.filter(prenom="Inès").count() == 1
    assert "déjà été envoyé" in client.get(seconde["Location"]).content.decode()


def test_un_homonyme_dans_la_famille_demande_confirmation(client, monde):
    connecter(client, monde.a.coordinateur)
    aine = monde.aine.enfant
    corps = corps_frere(
        **{
            "enfant-prenom": aine.prenom,
            "enfant-date_naissance": aine.date_naissance.isoformat(),
        }
    )

    reponse = client.post(url_ajout(monde.aine), corps)

    assert reponse.status_code == 200
    assert reponse.context["doublons"] == [aine]
    assert Enfant.objects.filter(famille_id=aine.famille_id).count() == 1
    confirme = client.post(url_ajout(monde.aine), {**corps, "confirmation-confirmer": "on"})
    assert confirme.status_code == 302
    assert Enfant.objects.filter(famille_id=aine.famille_id).count() == 2


def test_les_identifiants_d_un_autre_programme_sont_refuses(client, monde):
    connecter(client, monde.a.coordinateur)
    ecole_b = StructureFactory(ecole=True, programmes=[monde.b.programme])

    reponse = client.post(
        url_ajout(monde.aine), corps_frere(**{"enfant-etablissement": ecole_b.pk})
    )

    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in reponse.content.decode()
    assert not Enfant.objects.filter(prenom="Inès").exists()


def test_une_famille_anonymisee_ne_recoit_plus_d_enfant(client, monde):
    Famille.objects.filter(pk=monde.aine.enfant.famille_id).update(anonymise_le=timezone.now())
    connecter(client, monde.a.coordinateur)

    assert client.get(url_ajout(monde.aine)).status_code == 404
    famille = client.get(url_famille(monde.aine))
    assert famille.status_code == 200
    assert url_ajout(monde.aine) not in famille.content.decode()
    assert (
        url_ajout(monde.aine)
        not in client.get(reverse("parcours:detail", args=[monde.aine.pk])).content.decode()
    )


# --- The duplicate warning of « Nouveau parcours » proposes the family --------------------------


def corps_creation(monde: Monde, **remplacements) -> dict:
    return {
        "jeton": jeton(),
        "programme-programme": monde.a.programme.pk,
        "enfant-nom": "Benali",
        "enfant-prenom": "Inès",
        "enfant-date_naissance": (AUJOURD_HUI - timedelta(days=365 * 6)).isoformat(),
        "enfant-sexe": "F",
        "famille-adresse": "3 rue Neuve",
        "responsables-TOTAL_FORMS": 2,
        "responsables-INITIAL_FORMS": 0,
        "responsables-MIN_NUM_FORMS": 0,
        "responsables-MAX_NUM_FORMS": 4,
        "responsables-0-nom": "BENALI",
        "responsables-0-prenom": "Helene",
        "responsables-0-lien": "mere",
        "responsables-0-autorite_parentale": "on",
        "responsables-1-autorite_parentale": "on",
        "parcours-orienteur": "ecole",
        "parcours-motifs_orientation": ["resultats_scolaires"],
        "parcours-date_entree": AUJOURD_HUI.isoformat(),
        **remplacements,
    }


def test_l_avertissement_propose_de_rattacher_l_enfant_a_la_famille_connue(client, monde):
    connecter(client, monde.a.coordinateur)
    familles = Famille.objects.count()

    reponse = client.post(reverse("parcours:creer"), corps_creation(monde))

    assert reponse.status_code == 200
    assert Famille.objects.count() == familles
    assert [f.pk for f in reponse.context["familles"]] == [monde.aine.enfant.famille_id]
    contenu = reponse.content.decode()
    bouton = re.search(r"<button[^>]*formaction=\"([^\"]+)\"[^>]*>\s*Rattacher", contenu)
    assert bouton is not None
    assert bouton.group(1) == url_ajout(monde.aine)
    assert 'id="avertissements"' in contenu


def test_rattacher_reprend_la_saisie_sur_la_page_de_la_famille(client, monde):
    """The warning's button posts the whole form to the family's page: the child and the
    pathway typed come back there, attached to the family, and nothing is created yet."""
    connecter(client, monde.a.coordinateur)
    corps = corps_creation(monde, rattacher=str(monde.aine.enfant.famille_id))
    enfants = Enfant.objects.count()

    repris = client.post(url_ajout(monde.aine), corps)

    assert repris.status_code == 200
    assert Enfant.objects.count() == enfants
    donnees = formulaire(repris, "enfant-nom")
    assert donnees["enfant-prenom"] == ["Inès"]
    assert donnees["parcours-orienteur"] == ["ecole"]
    assert donnees["jeton"] == [corps["jeton"]]
    assert not repris.context["form_enfant"].errors

    cree = client.post(url_ajout(monde.aine), donnees)

    assert cree.status_code == 302
    cadette = Enfant.objects.get(prenom="Inès")
    assert cadette.famille_id == monde.aine.enfant.famille_id
    assert not ResponsableLegal.objects.filter(nom="BENALI").exists()


def test_confirmer_cree_quand_meme_une_nouvelle_famille(client, monde):
    connecter(client, monde.a.coordinateur)
    familles = Famille.objects.count()

    reponse = client.post(
        reverse("parcours:creer"), corps_creation(monde, **{"confirmation-confirmer": "on"})
    )

    assert reponse.status_code == 302
    assert Famille.objects.count() == familles + 1


def test_sans_responsable_connu_aucune_famille_n_est_proposee(client, monde):
    connecter(client, monde.a.coordinateur)

    reponse = client.post(
        reverse("parcours:creer"),
        corps_creation(monde, **{"responsables-0-prenom": "Samia"}),
    )

    assert reponse.status_code == 302  # nothing to check: created at once


# --- Query budgets -----------------------------------------------------------------------------

# The session, the user and the charter, the family (authorised in one query), its guardians,
# its children's pathways, the DSFR settings; the session saved.
REQUETES_FAMILLE = 12
# …and, on the form, the last sibling (what it prefills), the schools, the professionals and the
# structures of the programme.
REQUETES_AJOUT = 15


def _fratrie(monde: Monde, nombre: int) -> None:
    for numero in range(nombre - 1):
        ParcoursFactory(
            programme=monde.a.programme,
            enfant__famille=monde.aine.enfant.famille,
            enfant__nom=f"Benali{numero}",
            referent=professionnel(monde.a.porteuse),
        )


@pytest.mark.parametrize("nombre", [1, 20])
def test_la_page_de_la_famille_coute_autant_avec_1_ou_20_enfants(
    client, monde, django_assert_num_queries, nombre
):
    _fratrie(monde, nombre)
    connecter(client, monde.a.coordinateur)

    with (
        django_assert_num_queries(REQUETES_FAMILLE),
        # The family's content type (a cold cache), then the trail's row.
        django_assert_num_queries(2, connection=connections[TRACE]),
    ):
        reponse = client.get(url_famille(monde.aine))

    assert len(reponse.context["parcours_de_la_famille"]) == nombre


@pytest.mark.parametrize("nombre", [1, 20])
def test_le_formulaire_d_ajout_coute_autant_avec_1_ou_20_enfants(
    client, monde, django_assert_num_queries, nombre
):
    _fratrie(monde, nombre)
    connecter(client, monde.a.coordinateur)

    with django_assert_num_queries(REQUETES_AJOUT):
        reponse = client.get(url_ajout(monde.aine))

    assert reponse.status_code == 200
