"""Objectives, actions, the offer picker and collective actions: the services' rules, who may
open each page (a delivering professional included), concurrent edits and query budgets."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from parcours.models import Action, Objectif, Parcours, StatutAction, StatutObjectif
from parcours.services import (
    action_avancer,
    action_modifier,
    objectif_modifier,
)
from partenaires.models import Domaine
from reussite.core.ecriture import ConflitDeModification
from reussite.core.models import TraceAcces
from reussite.core.trace import ALIAS as TRACE
from tests.acces.balayage import client_de, erreurs
from tests.acces.monde import Monde, construire_monde
from tests.conftest import connecter
from tests.factories import actions as fab
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import (
    consentement,
    nommer_referent,
    partenaire,
    pre,
    professionnel,
    version_actuelle,
)
from tests.support.donnees_partagees import copie_pour, monde_partage
from tests.support.formulaires import jeton

pytestmark = pytest.mark.django_db

AUJOURDHUI = timezone.localdate()  # the programme's day (Europe/Paris), not the machine's


# Built once for the module (1 to 2 s each on the 2-core machine), each test rolled back.
_monde_du_module = monde_partage(construire_monde)


@pytest.fixture
def monde(_monde_du_module, db, settings) -> Monde:
    return copie_pour(_monde_du_module, settings)


def _livreur(monde: Monde):
    """A professional of the partner structure named by p's consent who delivers one action."""
    pro = professionnel(monde.structure)
    action = fab.action(
        monde.p.parcours,
        auteur=monde.a.coordinateur,
        intitule="Soutien en mathématiques",
        professionnel=pro,
    )
    return pro, action


# --- Services: objectives -----------------------------------------------------------------------


def test_clore_un_objectif_date_sa_cloture_et_exige_un_resultat(monde):
    objectif = monde.p.objectif
    auteur = monde.a.coordinateur
    version_parcours = Parcours.objects.get(pk=monde.p.parcours.pk).version

    with pytest.raises(ValidationError) as erreur:
        objectif_modifier(
            objectif=objectif,
            donnees={"statut": "atteint"},
            version=version_actuelle(objectif),
            auteur=auteur,
        )
    assert "commentaire_resultat" in erreur.value.message_dict

    clos = objectif_modifier(
        objectif=objectif,
        donnees={"statut": StatutObjectif.ATTEINT, "commentaire_resultat": "Lit seul."},
        version=objectif.version,
        auteur=auteur,
    )
    assert clos.date_cloture == AUJOURDHUI
    assert clos.version == objectif.version + 1
    assert Parcours.objects.get(pk=monde.p.parcours.pk).version == version_parcours + 1

    rouvert = objectif_modifier(
        objectif=clos,
        donnees={"statut": StatutObjectif.OUVERT},
        version=version_actuelle(clos),
        auteur=auteur,
    )
    assert rouvert.date_cloture is None


def test_un_objectif_clos_ne_recoit_plus_de_nouvelle_action(monde):
    objectif = objectif_modifier(
        objectif=monde.p.objectif,
        donnees={"statut": StatutObjectif.ABANDONNE, "commentaire_resultat": "Famille partie."},
        version=version_actuelle(monde.p.objectif),
        auteur=monde.a.coordinateur,
    )
    with pytest.raises(ValidationError) as erreur:
        fab.action(monde.p.parcours, auteur=monde.a.coordinateur, objectif=objectif)
    assert "objectif" in erreur.value.message_dict
    with pytest.raises(ValidationError):  # another pathway's objective
        fab.action(monde.p2.parcours, auteur=monde.a.coordinateur, objectif=monde.p.objectif)


# --- Services: actions --------------------------------------------------------------------------


def test_une_action_avance_sans_revenir_en_arriere(monde):
    action, auteur = monde.p.action, monde.a.coordinateur
    action = action_modifier(
        action=action,
        donnees={"statut": StatutAction.EN_COURS},
        version=version_actuelle(action),
        auteur=auteur,
    )
    action = action_modifier(
        action=action,
        donnees={"statut": StatutAction.REALISEE, "resultat": "Dix séances suivies."},
        version=version_actuelle(action),
        auteur=auteur,
    )
    with pytest.raises(ValidationError) as erreur:
        action_modifier(
            action=action,
            donnees={"statut": StatutAction.EN_COURS},
            version=version_actuelle(action),
            auteur=auteur,
        )
    assert "ne peut pas passer" in str(erreur.value)


@pytest.mark.parametrize(
    ("donnees", "champ"),
    [
        ({"statut": StatutAction.EN_COURS, "date_debut": AUJOURDHUI + timedelta(days=5)}, "statut"),
        ({"statut": StatutAction.REALISEE, "date_debut": AUJOURDHUI + timedelta(days=1)}, "statut"),
        ({"date_fin": AUJOURDHUI - timedelta(days=30)}, "date_fin"),
        ({"cout": Decimal("-1.00")}, "cout"),
    ],
)
def test_les_dates_et_le_cout_d_une_action_sont_verifies(monde, donnees, champ):
    with pytest.raises(ValidationError) as erreur:
        fab.action(monde.p.parcours, auteur=monde.a.coordinateur, **donnees)
    assert champ in erreur.value.message_dict


def test_le_cout_est_un_decimal_exact(monde):
    action = fab.action(monde.p.parcours, auteur=monde.a.coordinateur, cout=Decimal("33.33"))
    assert Action.objects.get(pk=action.pk).cout == Decimal("33.33")


def test_confier_une_action_exige_un_consentement_qui_couvre_la_structure(monde):
    auteur = monde.a.coordinateur
    with pytest.raises(ValidationError) as erreur:
        fab.action(monde.p.parcours, auteur=auteur, professionnel=monde.etranger)
    assert "consentement" in erreur.value.message_dict["professionnel"][0]
    assert not Parcours.objects.visibles_par(monde.etranger.user).exists()

    # Covered by the consent: delivering the action opens the pathway to them.
    couvert = monde.p.candidat
    action = fab.action(monde.p.parcours, auteur=auteur, professionnel=couvert)
    assert action.structure_id == couvert.structure_id
    assert Parcours.objects.visibles_par(couvert.user).filter(pk=monde.p.parcours.pk).exists()
    assert not Parcours.objects.modifiables_par(couvert.user).exists()

    # Once the action is done, they are no longer an intervenant through it.
    action_avancer(
        action=action,
        statut=StatutAction.REALISEE,
        resultat="Fait.",
        version=version_actuelle(action),
        auteur=auteur,
    )
    assert not Parcours.objects.visibles_par(couvert.user).exists()


def test_une_offre_complete_demande_une_confirmation(monde):
    auteur = monde.a.coordinateur
    offre = fab.offre(monde.structure, monde.a.programme, capacite=1)
    premiere = fab.action(monde.p2.parcours, auteur=auteur, offre=offre)

    with pytest.raises(ValidationError) as erreur:
        fab.action(monde.p.parcours, auteur=auteur, offre=offre)
    assert "capacité" in erreur.value.message_dict["confirmer_capacite"][0]
    assert not Action.objects.filter(parcours=monde.p.parcours, offre=offre).exists()

    fab.action(monde.p.parcours, auteur=auteur, offre=offre, confirmer=True)
    assert Action.objects.filter(offre=offre).count() == 2

    # An abandoned action frees its place.
    action_avancer(
        action=premiere,
        statut=StatutAction.ABANDONNEE,
        resultat="",
        version=version_actuelle(premiere),
        auteur=auteur,
    )
    seconde = Action.objects.get(parcours=monde.p.parcours, offre=offre)
    action_avancer(
        action=seconde,
        statut=StatutAction.ABANDONNEE,
        resultat="",
        version=seconde.version,
        auteur=auteur,
    )
    assert fab.action(monde.p2.parcours, auteur=auteur, offre=offre).offre_id == offre.pk


def test_une_offre_d_un_autre_programme_est_refusee(monde):
    offre_b = fab.offre(monde.q.structure, monde.b.programme)
    with pytest.raises(ValidationError) as erreur:
        fab.action(monde.p.parcours, auteur=monde.a.coordinateur, offre=offre_b)
    assert "offre" in erreur.value.message_dict


def test_deux_enregistrements_depuis_la_meme_version_le_second_est_refuse(monde):
    action, auteur = monde.p.action, monde.a.coordinateur
    version = action.version
    action_modifier(action=action, donnees={"resultat": "Premier"}, version=version, auteur=auteur)
    with pytest.raises(ConflitDeModification) as conflit:
        action_modifier(
            action=action, donnees={"resultat": "Second"}, version=version, auteur=auteur
        )
    assert conflit.value.actuel.resultat == "Premier"
    assert Action.objects.get(pk=action.pk).resultat == "Premier"

    objectif = monde.p.objectif
    objectif_modifier(
        objectif=objectif, donnees={"intitule": "A"}, version=objectif.version, auteur=auteur
    )
    with pytest.raises(ConflitDeModification):
        objectif_modifier(
            objectif=objectif, donnees={"intitule": "B"}, version=objectif.version, auteur=auteur
        )
    assert Objectif.objects.get(pk=objectif.pk).intitule == "A"


def test_rien_ne_s_ecrit_sur_un_parcours_sorti(monde):
    from parcours.services import parcours_sortir

    parcours_sortir(
        version=version_actuelle(monde.p.parcours),
        parcours=monde.p.parcours,
        date_sortie=AUJOURDHUI,
        motif_sortie="demenagement",
        auteur=monde.a.coordinateur,
    )
    with pytest.raises(ValidationError):
        fab.objectif(monde.p.parcours, auteur=monde.a.coordinateur)
    with pytest.raises(ValidationError):
        fab.action(monde.p.parcours, auteur=monde.a.coordinateur)


# --- Services: collective actions -------------------------------------------------------------


def test_un_enfant_ne_participe_qu_une_fois_a_une_action_collective(monde):
    auteur, collective = monde.a.coordinateur, monde.p.collective
    participation = fab.inscrire(collective, monde.p.parcours, auteur=auteur)
    assert participation.collective_id == collective.pk
    assert participation.intitule == collective.intitule
    with pytest.raises(ValidationError) as erreur:
        fab.inscrire(collective, monde.p.parcours, auteur=auteur)
    assert "participe déjà" in str(erreur.value)
    with pytest.raises(ValidationError):  # a child of another programme
        fab.inscrire(collective, monde.q.parcours, auteur=auteur)
    assert Action.objects.filter(collective=collective).count() == 1


def test_l_animateur_d_une_action_collective_suit_les_regles_du_partage(monde):
    auteur = monde.a.coordinateur
    collective = fab.collective(
        monde.a.programme, monde.etranger.structure, auteur=auteur, professionnel=monde.etranger
    )
    with pytest.raises(ValidationError) as erreur:
        fab.inscrire(collective, monde.p.parcours, auteur=auteur)
    assert "consentement" in str(erreur.value)


# --- Pages: the authorization matrix ------------------------------------------------------------

ROLES = [
    "anonyme",
    "autre_programme",
    "partenaire_non_affecte",
    "partenaire_affecte",
    "livreur",
    "referent",
    "coordinateur",
]
EQUIPE = {"referent", "coordinateur"}


def _utilisateur(monde: Monde, role: str, livreur):
    return {
        "anonyme": None,
        "autre_programme": monde.b.coordinateur,
        "partenaire_non_affecte": monde.non_affecte.user,
        "partenaire_affecte": monde.intervenant.user,
        "livreur": livreur.user,
        "referent": monde.referent.user,
        "coordinateur": monde.a.coordinateur,
    }[role]


def _pages(monde: Monde, action_livree) -> dict[str, tuple[str, set[str] | int]]:
    """URL → roles that may open it (others: 404), or the 403 of coordination pages."""
    pk = monde.p.parcours.pk
    return {
        reverse("parcours:objectif_ajouter", args=[pk]): EQUIPE,
        reverse("parcours:objectif_modifier", args=[pk, monde.p.objectif.pk]): EQUIPE,
        reverse("parcours:action_choisir_offre", args=[pk]): EQUIPE,
        reverse("parcours:action_ajouter", args=[pk]): EQUIPE,
        reverse("parcours:action_modifier", args=[pk, action_livree.pk]): EQUIPE | {"livreur"},
        reverse("parcours:action_modifier", args=[pk, monde.p.action.pk]): EQUIPE,
        reverse("parcours:collective_detail", args=[monde.p.collective.pk]): {"coordinateur"},
        reverse("parcours:collectives"): 403,
        reverse("parcours:collective_creer"): 403,
    }


@pytest.mark.parametrize("role", ROLES)
def test_matrice_des_pages_objectifs_et_actions(role, client, monde):
    livreur, action_livree = _livreur(monde)
    user = _utilisateur(monde, role, livreur)
    if user is not None:
        connecter(client, user)
    nom = monde.p.parcours.enfant.nom
    for url, autorises in _pages(monde, action_livree).items():
        reponse = client.get(url)
        if user is None:
            assert reponse.status_code == 302, url
            assert reponse.url.startswith(reverse("login")), url
            continue
        if autorises == 403:
            attendu = 200 if role in {"coordinateur", "autre_programme"} else 403
        else:
            attendu = 200 if role in autorises else 404
        assert reponse.status_code == attendu, (url, role, reponse.status_code)
        if attendu == 404:
            assert nom not in reponse.content.decode(), url


def test_le_professionnel_qui_realise_l_action_ne_change_que_son_statut_et_son_resultat(
    client, monde
):
    livreur, action = _livreur(monde)
    connecter(client, livreur.user)
    url = reverse("parcours:action_modifier", args=[monde.p.parcours.pk, action.pk])
    page = client.get(url)
    assert set(page.context["form"].fields) == {"statut", "resultat"}

    reponse = client.post(
        url,
        {
            "version": action.version,
            "statut": StatutAction.EN_COURS,
            "resultat": "Première séance faite.",
            "intitule": "Piraté",
            "cout": "9999",
            "professionnel": monde.etranger.pk,
        },
    )

    assert reponse.status_code == 302, erreurs(reponse)
    action.refresh_from_db()
    assert (action.statut, action.resultat) == (StatutAction.EN_COURS, "Première séance faite.")
    assert (
        TraceAcces.objects.using(TRACE)
        .filter(user_id=livreur.user.pk, object_id=monde.p.parcours.pk, evenement="modification")
        .exists()
    )
    assert (action.intitule, action.cout, action.professionnel_id) == (
        "Soutien en mathématiques",
        None,
        livreur.pk,
    )
    # The pathway page offers them that one action to update, and nothing else to write.
    detail = client.get(reverse("parcours:objectifs", args=[monde.p.parcours.pk]))
    actions = [a for o in detail.context["objectifs"] for a in o.liste_actions]
    actions += detail.context["actions_sans_objectif"]
    assert {a.pk for a in actions if a.modifiable} == {action.pk}
    assert not detail.context["peut_ajouter_action"]


# --- Pages: forms, conflict, picker -----------------------------------------------------------


def test_ajouter_un_objectif_puis_le_modifier(client, monde):
    connecter(client, monde.referent.user)
    pk = monde.p.parcours.pk
    reponse = client.post(
        reverse("parcours:objectif_ajouter", args=[pk]),
        {
            "jeton": jeton(),
            "domaine": Domaine.SPORT,
            "intitule": "Nager 25 mètres",
            "statut": "ouvert",
        },
    )
    assert reponse.status_code == 302, erreurs(reponse)
    objectif = Objectif.objects.get(parcours_id=pk, intitule="Nager 25 mètres")
    assert objectif.statut == StatutObjectif.OUVERT
    detail = client.get(reverse("parcours:objectifs", args=[pk])).content.decode()
    assert "Nager 25 mètres" in detail

    # Closing without an outcome: refused, the input kept.
    url = reverse("parcours:objectif_modifier", args=[pk, objectif.pk])
    reponse = client.post(
        url,
        {
            "version": objectif.version,
            "domaine": Domaine.SPORT,
            "intitule": "Nager 50 mètres",
            "statut": "atteint",
        },
    )
    assert reponse.status_code == 200
    assert "Indiquez le résultat" in reponse.content.decode()
    assert 'value="Nager 50 mètres"' in reponse.content.decode()


def test_un_conflit_garde_la_saisie_et_montre_la_version_enregistree(client, monde):
    connecter(client, monde.a.coordinateur)
    action = monde.p.action
    url = reverse("parcours:action_modifier", args=[monde.p.parcours.pk, action.pk])
    corps = {
        "version": action.version,
        "intitule": action.intitule,
        "objectif": action.objectif_id,
        "structure": action.structure_id,
        "date_debut": action.date_debut.isoformat(),
        "statut": StatutAction.EN_COURS,
    }
    premier = client.post(url, corps | {"resultat": "Saisie de la première personne"})
    assert premier.status_code == 302, erreurs(premier)

    second = client.post(url, corps | {"resultat": "Saisie de la seconde personne"})

    assert second.status_code == 409
    texte = second.content.decode()
    assert "Quelqu’un a enregistré cette fiche avant vous" in texte
    assert "Saisie de la seconde personne" in texte  # what was typed, kept
    assert Action.objects.get(pk=action.pk).resultat == "Saisie de la première personne"
    # Saving again from the version now saved applies the input.
    version = Action.objects.get(pk=action.pk).version
    troisieme = client.post(
        url, corps | {"version": version, "resultat": "Saisie de la seconde personne"}
    )
    assert troisieme.status_code == 302, erreurs(troisieme)
    assert Action.objects.get(pk=action.pk).resultat == "Saisie de la seconde personne"


def test_le_catalogue_du_parcours_ne_montre_que_les_offres_publiees_disponibles_et_a_son_age(
    client, monde
):
    a, b = monde.a.programme, monde.b.programme
    fab.offre(monde.structure, a, intitule="Lecture du soir")
    fab.offre(monde.structure, a, intitule="Club ado", age_min=13, age_max=16)
    fab.offre(monde.structure, a, intitule="Offre close", active=False)
    fab.offre(
        monde.structure,
        a,
        intitule="Offre passée",
        disponible_du=AUJOURDHUI - timedelta(days=60),
        disponible_au=AUJOURDHUI - timedelta(days=1),
    )
    fab.offre(monde.q.structure, b, intitule="Offre de B")
    connecter(client, monde.a.coordinateur)
    url = reverse("parcours:action_choisir_offre", args=[monde.p.parcours.pk])

    reponse = client.get(url)

    intitules = [o.intitule for o in reponse.context["page"].object_list]
    assert intitules == ["Lecture du soir"]
    assert reponse.context["filtre"].form["age"].value() == monde.p.parcours.enfant.age()
    lien = reverse("parcours:action_ajouter", args=[monde.p.parcours.pk])
    assert f"{lien}?offre=" in reponse.content.decode()
    # The age filter can be emptied to see every age.
    tous = client.get(url, {"age": ""})
    assert sorted(o.intitule for o in tous.context["page"].object_list) == [
        "Club ado",
        "Lecture du soir",
    ]


def test_choisir_une_offre_complete_avertit_et_demande_de_confirmer(client, monde):
    auteur = monde.a.coordinateur
    offre = fab.offre(
        monde.structure, monde.a.programme, intitule="Orthophonie", domaine=Domaine.LANGAGE
    )
    offre.capacite = 1
    offre.save()
    fab.action(monde.p2.parcours, auteur=auteur, offre=offre)
    langage = fab.objectif(
        monde.p.parcours, auteur=auteur, domaine=Domaine.LANGAGE, intitule="Parler en classe"
    )
    connecter(client, auteur)
    url = reverse("parcours:action_ajouter", args=[monde.p.parcours.pk])

    page = client.get(url, {"offre": offre.pk})

    assert page.status_code == 200
    assert "Offre complète" in page.content.decode()
    initial = page.context["form"].initial
    assert (initial["intitule"], initial["structure"], initial["objectif"]) == (
        "Orthophonie",
        monde.structure.pk,
        langage.pk,
    )
    corps = {
        "offre": offre.pk,
        "intitule": "Orthophonie",
        "structure": monde.structure.pk,
        "objectif": langage.pk,
        "date_debut": AUJOURDHUI.isoformat(),
        "statut": "prevue",
        "cout": "120.00",
    }
    refuse = client.post(url, corps)
    assert refuse.status_code == 200
    assert "a atteint sa capacité" in refuse.content.decode()
    assert not Action.objects.filter(parcours=monde.p.parcours, offre=offre).exists()

    accepte = client.post(url, corps | {"jeton": jeton(), "confirmer_capacite": "on"})
    assert accepte.status_code == 302, erreurs(accepte)
    action = Action.objects.get(parcours=monde.p.parcours, offre=offre)
    assert (action.objectif_id, action.cout) == (langage.pk, Decimal("120.00"))


# Session, user, savepoints, the pathway, then the filter's structure choices, the count and the
# page of offers with their capacity figures (subqueries, not one query per offer). No session
# save and no DSFR configuration on a second request (issue 18, point 3).
REQUETES_CATALOGUE = 9


@pytest.mark.parametrize("nombre", [2, 20])
def test_le_catalogue_coute_le_meme_nombre_de_requetes(
    nombre, client, monde, django_assert_num_queries
):
    for numero in range(nombre):
        offre = fab.offre(
            partenaire(monde.a.programme),
            monde.a.programme,
            intitule=f"Offre {numero}",
            capacite=3 if numero % 2 else None,
        )
        if numero % 2:
            fab.action(monde.p2.parcours, auteur=monde.a.coordinateur, offre=offre)
    connecter(client, monde.a.coordinateur)
    url = reverse("parcours:action_choisir_offre", args=[monde.p.parcours.pk])
    client.get(url)

    with django_assert_num_queries(REQUETES_CATALOGUE):
        reponse = client.get(url)

    assert len(reponse.context["page"].object_list) == nombre


# --- Collective actions: nobody sees through them who else takes part ---------------------------


def test_une_action_collective_ne_montre_que_les_enfants_que_l_on_peut_voir(client, monde):
    auteur = monde.a.coordinateur
    collective = monde.p.collective
    troisieme = ParcoursFactory(programme=monde.a.programme, enfant__nom="Troisièmeenfant")
    for parcours in (monde.p.parcours, monde.p2.parcours, troisieme):
        fab.inscrire(collective, parcours, auteur=auteur)
    detail = reverse("parcours:objectifs", args=[monde.p.parcours.pk])
    nom_p2 = monde.p2.parcours.enfant.nom

    # The partner référent of p and p2 sees p2 named, and the third child only counted.
    texte = client_de(monde.referent.user).get(detail).content.decode()
    assert collective.intitule in texte
    assert nom_p2 in texte
    assert "Troisièmeenfant" not in texte
    assert "et 1 autre enfant" in texte

    # The intervenant of p only sees that two other children take part.
    texte = client_de(monde.intervenant.user).get(detail).content.decode()
    assert collective.intitule in texte
    assert nom_p2 not in texte and "Troisièmeenfant" not in texte
    assert "et 2 autres enfants" in texte

    # The coordinator sees everyone on the collective action's page.
    page = client_de(auteur).get(reverse("parcours:collective_detail", args=[collective.pk]))
    assert {p.pk for p in page.context["participants"]} == {
        monde.p.parcours.pk,
        monde.p2.parcours.pk,
        troisieme.pk,
    }
    assert page.context["autres"] == 0


REQUETES_COLLECTIVE = 8


@pytest.mark.parametrize("nombre", [1, 20])
def test_les_enfants_a_inscrire_sont_listes_sans_gabarit_ni_instance_par_option(
    nombre, client, monde, django_assert_num_queries
):
    """Issue 18: a programme's coordinator chooses among thousands of pathways on the collective
    action's page; one template per option (and a pathway and its child built for each) made
    the page cost 285 ms at both scales. Same options, same order, same labels."""
    for numero in range(nombre):
        ParcoursFactory(
            programme=monde.a.programme,
            enfant__nom=f"Inscriptible{numero:02}",
            enfant__prenom="Lou",
        )
    connecter(client, monde.a.coordinateur)
    url = reverse("parcours:collective_detail", args=[monde.p.collective.pk])
    client.get(url)

    with django_assert_num_queries(REQUETES_COLLECTIVE):
        page = client.get(url)

    assert "django/forms/widgets/select_option.html" not in {g.name for g in page.templates}
    attendues = list(page.context["form"].fields["parcours"].queryset.select_related("enfant"))
    assert len(attendues) >= nombre
    options = re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', page.content.decode())
    assert options == [("", "Choisir")] + [
        (str(p.pk), f"{p.enfant.nom} {p.enfant.prenom}") for p in attendues
    ]
    assert f'<option value="{attendues[-1].pk}">' in page.content.decode()


def test_le_coordinateur_cree_une_action_collective_et_y_inscrit_des_enfants(client, monde):
    connecter(client, monde.a.coordinateur)
    reponse = client.post(
        reverse("parcours:collective_creer"),
        {
            "jeton": jeton(),
            "programme": monde.a.programme.pk,
            "intitule": "Atelier cuisine",
            "structure": monde.structure.pk,
            "date_debut": (AUJOURDHUI + timedelta(days=3)).isoformat(),
            "lieu": "Centre social",
        },
    )
    assert reponse.status_code == 302, erreurs(reponse)
    collective = monde.a.programme.actions_collectives.get(intitule="Atelier cuisine")
    url = reverse("parcours:collective_inscrire", args=[collective.pk])
    for parcours in (monde.p.parcours, monde.p2.parcours):
        assert client.post(url, {"parcours": parcours.pk}).status_code == 302
    # A child of another programme is not a choice; a second inscription neither.
    for parcours in (monde.q.parcours, monde.p.parcours):
        client.post(url, {"parcours": parcours.pk})
    assert set(
        Action.objects.filter(collective=collective).values_list("parcours_id", flat=True)
    ) == {monde.p.parcours.pk, monde.p2.parcours.pk}
    liste = client.get(reverse("parcours:collectives"))
    assert "Atelier cuisine" in liste.content.decode()


def test_un_autre_coordinateur_n_inscrit_personne_a_une_action_collective(client, monde):
    autre = pre(nom="PRE C")
    structure = partenaire(autre.programme)
    parcours = ParcoursFactory(programme=autre.programme)
    consentement(parcours, structures=[structure], auteur=autre.coordinateur)
    nommer_referent(parcours, professionnel(structure), auteur=autre.coordinateur)
    connecter(client, autre.coordinateur)
    url = reverse("parcours:collective_inscrire", args=[monde.p.collective.pk])
    assert client.post(url, {"parcours": parcours.pk}).status_code == 404
    assert not Action.objects.filter(collective=monde.p.collective).exists()


def test_un_parcours_sorti_n_ouvre_plus_ses_formulaires_meme_au_coordinateur(client, monde):
    from parcours.services import parcours_sortir

    parcours_sortir(
        version=version_actuelle(monde.p.parcours),
        parcours=monde.p.parcours,
        date_sortie=AUJOURDHUI,
        motif_sortie="demenagement",
        auteur=monde.a.coordinateur,
    )
    connecter(client, monde.a.coordinateur)
    pk = monde.p.parcours.pk
    for url in (
        reverse("parcours:objectif_ajouter", args=[pk]),
        reverse("parcours:objectif_modifier", args=[pk, monde.p.objectif.pk]),
        reverse("parcours:action_ajouter", args=[pk]),
        reverse("parcours:action_choisir_offre", args=[pk]),
        reverse("parcours:action_modifier", args=[pk, monde.p.action.pk]),
    ):
        assert client.get(url).status_code == 404, url
    detail = client.get(reverse("parcours:objectifs", args=[pk]))
    assert detail.status_code == 200
    assert not detail.context["peut_ajouter_action"]
