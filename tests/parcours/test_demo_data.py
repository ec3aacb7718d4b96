"""`manage.py demo_data`: idempotent, coherent with the domain's rules, realistic, usable."""

import re
from collections import Counter
from datetime import date, timedelta
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from parcours.demo.parametres import NOM_PROGRAMME
from parcours.models import (
    TYPES_DISPOSITIF_RESERVES,
    ChangementStatut,
    Consentement,
    Dispositif,
    Enfant,
    Famille,
    MotifOrientation,
    MotifSortie,
    NiveauScolaire,
    Orientation,
    Orienteur,
    Parcours,
    ParcoursUserObjectPermission,
    ParoleFamille,
    QuestionnaireSortie,
    ResponsableLegal,
    Statut,
    StatutOrientation,
)
from parcours.permissions import (
    DELAI_LECTURE_APRES_SORTIE,
    permissions_attendues,
    permissions_recalculer_pour_user,
)
from parcours.services import AGE_MAX, AGE_MIN, TRANSITIONS, age_a
from parcours.text import normaliser
from partenaires.models import Fonction, Partenariat, Professionnel, Structure, TypeStructure
from reussite.core.charte import CHARTE_VERSION
from reussite.core.models import Programme, ProgrammeUserObjectPermission, Role, User
from reussite.core.services import charte_accepter
from tests.conftest import connecter
from tests.support.donnees_partagees import donnees_du_module

pytestmark = pytest.mark.django_db

MODELES = [
    Programme,
    ProgrammeUserObjectPermission,
    Structure,
    Partenariat,
    User,
    Professionnel,
    Famille,
    ResponsableLegal,
    Enfant,
    Parcours,
    ParcoursUserObjectPermission,
    ChangementStatut,
    Consentement,
    Consentement.signataires.through,
]
ROLES = [
    "coordinateur",
    "référent de parcours",
    "professionnel partenaire",
    "administrateur",
    "comité de pilotage",
    "délégué à la protection des données",
    "coordinateur (PRE de Rive-Claire)",
    "référent (PRE de Rive-Claire)",
]


def _executer(**options) -> str:
    sortie = StringIO()
    call_command("demo_data", stdout=sortie, **options)
    return sortie.getvalue()


def _compter() -> dict[str, int]:
    return {modele._meta.label: modele.objects.count() for modele in MODELES}


def _comptes(sortie: str) -> tuple[str, dict[str, str]]:
    """The printed password and {role label: email}."""
    mot_de_passe = re.search(r"Comptes de démonstration \(mot de passe : (\S+)\)", sortie)[1]
    lignes = sortie.split("Comptes de démonstration", 1)[1].splitlines()[1:]
    comptes = dict(re.fullmatch(r"\s+(.+?)\s{2,}(\S+@\S+)", ligne).groups() for ligne in lignes)
    return mot_de_passe, comptes


@pytest.fixture(scope="module")
def _premiere_execution(django_db_setup, django_db_blocker):
    """The first run's output and rows, shared by the module's tests: a run takes nine seconds
    on the 2-core machine, and each test rolls back what it changes (donnees_du_module)."""
    with donnees_du_module(django_db_blocker), override_settings(DEBUG=True):
        yield _executer()


@pytest.fixture
def sortie(_premiere_execution, db):
    return _premiere_execution


def test_refuse_de_tourner_sans_debug(settings):
    settings.DEBUG = False
    avant = _compter()
    with pytest.raises(CommandError, match="--force"):
        _executer()
    assert _compter() == avant


def test_la_demo_a_ses_volumes_et_ses_comptes_fonctionnent(sortie, client):
    volumes = _compter()
    # The demo programme, and a second one to try transfers with.
    assert volumes["core.Programme"] == 2
    assert volumes["partenaires.Structure"] >= 13
    assert volumes["partenaires.Professionnel"] == 32
    # 200 children, one opened by an accepted referral, and the copy of a transferred child in
    # the second programme.
    assert volumes["parcours.Enfant"] == 202
    assert volumes["parcours.Parcours"] == 202
    assert set(Orientation.objects.values_list("statut", flat=True)) == set(
        StatutOrientation.values
    )
    assert volumes["parcours.Consentement"] > 0
    assert set(Parcours.objects.values_list("statut", flat=True)) == set(Statut.values)

    _verifier_les_comptes(sortie, client)


@pytest.mark.lent  # a second run of the whole demo (9 s on the 2-core machine)
def test_deux_executions_ne_dupliquent_rien(sortie, settings):
    apres_la_premiere = _compter()
    settings.DEBUG = False
    seconde = _executer(force=True)

    assert _compter() == apres_la_premiere
    assert "existe déjà" in seconde
    assert _comptes(seconde) == _comptes(sortie)


def _verifier_les_comptes(sortie, client):
    """Each printed login works and sees what its role may see."""
    mot_de_passe, comptes = _comptes(sortie)
    assert list(comptes) == ROLES
    for email in comptes.values():
        reponse = client.post(reverse("login"), {"username": email, "password": mot_de_passe})
        assert reponse.status_code == 302, email
        assert client.session["_auth_user_id"] == str(User.objects.get(email=email).pk)
        client.logout()

    programme = Programme.objects.get(nom=NOM_PROGRAMME)
    coordinateur = User.objects.get(email=comptes["coordinateur"])
    assert Programme.objects.avec_role(coordinateur, Role.COORDINATEUR).get() == programme
    assert coordinateur.professionnels.get().fonction == Fonction.COORDINATEUR
    assert Parcours.objects.visibles_par(coordinateur).count() == 201
    # The demo partner follows the referrals they sent, and no pathway through them.
    partenaire = User.objects.get(email=comptes["professionnel partenaire"])
    assert Orientation.objects.envoyees_par(partenaire).count() >= 3

    referent = User.objects.get(email=comptes["référent de parcours"])
    assert referent.professionnels.get().structure.type == TypeStructure.PORTEUSE
    fin_de_lecture = date.today() - DELAI_LECTURE_APRES_SORTIE
    attendus = Parcours.objects.filter(referent__user=referent).exclude(
        statut=Statut.SORTI, date_sortie__lt=fin_de_lecture
    )
    visibles = Parcours.objects.visibles_par(referent)
    assert set(visibles) == set(attendus)
    assert 20 <= visibles.ouverts().count() <= 30

    partenaire = User.objects.get(email=comptes["professionnel partenaire"])
    structure = partenaire.professionnels.get().structure
    assert structure.type == TypeStructure.DEPARTEMENT
    # The partner meets the charter page first: nothing is shared before it is accepted.
    assert not Parcours.objects.visibles_par(partenaire).exists()
    charte_accepter(user=partenaire, version=CHARTE_VERSION)
    permissions_recalculer_pour_user(user=partenaire)
    visibles = Parcours.objects.visibles_par(partenaire)
    assert visibles.count() == 2
    assert all(
        any(c.est_valide() and structure in c.structures.all() for c in p.consentements.all())
        for p in visibles
    )

    admin = User.objects.get(email=comptes["administrateur"])
    assert admin.is_staff and admin.is_superuser
    assert Programme.objects.avec_role(admin, Role.ADMINISTRATEUR).get() == programme


def _niveau_attendu(naissance: date, aujourdhui: date) -> int:
    """Index in school order (-1: not at school yet, 12: lycée) for a child never held back."""
    rentree = aujourdhui.year if aujourdhui.month >= 9 else aujourdhui.year - 1
    return max(-1, min(12, rentree - naissance.year - 3))


def test_les_donnees_suivent_les_regles_et_les_proportions_du_domaine(sortie):
    _verifier_les_regles()
    _verifier_les_proportions()


def _verifier_les_regles():
    aujourdhui = date.today()
    ordre_des_niveaux = list(NiveauScolaire)  # non scolarisé, PS ... 3e, lycée
    # The demo programme's pathways, written in bulk (the second programme's one copy was
    # written by the transfer service, whose rules tests/parcours/test_transferts.py checks).
    parcours = list(
        Parcours.objects.filter(programme__nom=NOM_PROGRAMME)
        .select_related("enfant__famille", "referent__structure")
        .prefetch_related("historique", "consentements__signataires")
        .order_by("pk")
    )
    structures_du_programme = set(Partenariat.objects.values_list("structure_id", flat=True))
    accordees = {p.pk: set() for p in parcours}
    for perm in ParcoursUserObjectPermission.objects.select_related("permission"):
        accordees[perm.content_object_id].add((perm.user_id, perm.permission.codename))
    for p in parcours:
        enfant = p.enfant
        assert AGE_MIN <= age_a(enfant.date_naissance, p.date_entree) <= AGE_MAX, p
        rang = ordre_des_niveaux.index(enfant.niveau_scolaire) - 1
        assert rang in {_niveau_attendu(enfant.date_naissance, aujourdhui) - k for k in (0, 1)}
        assert enfant.recherche == normaliser(f"{enfant.nom} {enfant.prenom}")  # bulk_create

        # The history follows the lifecycle and ends on the current status.
        historique = sorted(p.historique.all(), key=lambda c: c.le)
        assert (historique[0].ancien_statut, historique[0].nouveau_statut) == ("", Statut.REPERAGE)
        for avant, apres in pairwise(historique):
            assert apres.ancien_statut == avant.nouveau_statut
            assert apres.nouveau_statut in (*TRANSITIONS[apres.ancien_statut], Statut.SORTI)
        assert historique[-1].nouveau_statut == p.statut
        assert historique[0].le.date() == p.date_entree
        # (The services stamp both with now(), the history a few milliseconds after: the
        # demo's transferred child went through them.)
        assert historique[-1].le <= p.derniere_activite + timedelta(seconds=1)

        # A consent, signed by the child's guardians, for every pathway past "en attente".
        statuts = [c.nouveau_statut for c in historique]
        consentements = list(p.consentements.all())
        assert bool(consentements) == (Statut.DIAGNOSTIC in statuts), p
        for consentement in consentements:
            signataires = list(consentement.signataires.all())
            assert signataires
            assert {s.famille_id for s in signataires} == {enfant.famille_id}
            assert consentement.date_signature <= aujourdhui
        if consentements:
            diagnostic = next(c for c in historique if c.nouveau_statut == Statut.DIAGNOSTIC)
            assert min(c.date_signature for c in consentements) <= diagnostic.le.date()
        if p.est_ouvert and consentements:
            assert any(c.est_valide() for c in consentements), p

        if p.statut == Statut.SORTI:
            assert p.date_entree <= p.date_sortie <= aujourdhui
            assert historique[-1].le.date() == p.date_sortie
            assert p.date_prochaine_revue is None
        if p.referent is not None:
            assert p.referent.structure_id in structures_du_programme

        # Permissions are those the pathway's facts grant, as after the services.
        assert accordees[p.pk] == permissions_attendues(p), p

    enfant = parcours[0].enfant
    assert Parcours.objects.recherche(f"{enfant.prenom} {enfant.nom}").filter(pk=parcours[0].pk)
    sorties = Counter(p.motif_sortie for p in parcours if p.statut == Statut.SORTI)
    assert sorties[MotifSortie.REFUS_FAMILLE] > 0
    ouverts = Parcours.objects.ouverts().filter(programme__nom=NOM_PROGRAMME)
    assert 0 < ouverts.filter(referent__isnull=True).count() <= 0.1 * ouverts.count()
    assert 0 < ouverts.revue_depassee().count() <= 0.1 * ouverts.count()
    porteuse = Partenariat.objects.get(est_porteuse=True, programme__nom=NOM_PROGRAMME).structure
    assert porteuse.type == TypeStructure.PORTEUSE
    referents_porteuse = Professionnel.objects.filter(
        structure=porteuse, fonction=Fonction.REFERENT
    )
    assert 5 <= referents_porteuse.count() <= 7


def _verifier_les_proportions():
    """DOMAIN.md, "Realistic proportions"."""
    aujourdhui = date.today()
    # The 200 generated children; the one a referral opened follows the referral, not the quotas.
    enfants = list(
        Enfant.objects.filter(programme__nom=NOM_PROGRAMME).exclude(
            parcours__orientation_origine__isnull=False
        )
    )
    assert Counter(e.sexe for e in enfants)["M"] == 116  # 58 %
    tranches = Counter(
        "2-5" if e.age() <= 5 else "6-10" if e.age() <= 10 else "11-16" for e in enfants
    )
    assert tranches == {"2-5": 30, "6-10": 105, "11-16": 65}  # 15/52/32, 17+ left out
    assert all(AGE_MIN <= e.age(aujourdhui) <= AGE_MAX for e in enfants)
    assert Counter(e.qpv for e in enfants).most_common(1)[0][0] is True

    fratries = Counter(Counter(e.famille_id for e in enfants).values())
    assert fratries[2] > 0 and fratries[3] > 0 and fratries[1] > fratries[2]
    responsables = Counter(ResponsableLegal.objects.values_list("famille_id", flat=True))
    assert set(responsables.values()) == {1, 2}
    assert len(responsables) == Famille.objects.count()

    parcours = list(Parcours.objects.all())
    statuts = Counter(p.statut for p in parcours)
    assert statuts.most_common(1)[0][0] == Statut.EN_COURS
    orienteurs = Counter(p.orienteur for p in parcours)
    assert orienteurs[Orienteur.ECOLE] > len(parcours) / 2
    motifs = Counter(m for p in parcours for m in p.motifs_orientation)
    assert [m for m, _ in motifs.most_common(2)] == [
        MotifOrientation.RESULTATS_SCOLAIRES,
        MotifOrientation.ISOLEMENT_SOCIAL,
    ]
    types = Counter(Structure.objects.values_list("type", flat=True))
    assert 3 <= types[TypeStructure.ECOLE] <= 4 and types[TypeStructure.ASSOCIATION] == 2
    for type_ in ("departement", "pmi", "caf", "sante", "ville", "porteuse"):
        assert types[type_] >= 1, type_


# --- actions


def test_les_objectifs_et_actions_de_la_demo_suivent_les_regles(sortie):
    from parcours.models import Action, ActionCollective, Objectif, StatutAction
    from parcours.permissions import LECTURE

    programme = Programme.objects.get(nom=NOM_PROGRAMME)
    objectifs = Objectif.objects.filter(parcours__programme=programme)
    actions = Action.objects.filter(parcours__programme=programme).select_related(
        "parcours", "objectif", "professionnel"
    )
    assert objectifs.count() >= 150
    assert (
        objectifs.filter(statut="ouvert").exists() and objectifs.exclude(statut="ouvert").exists()
    )
    assert not objectifs.exclude(statut="ouvert").filter(commentaire_resultat="").exists()
    assert actions.count() >= 150
    assert actions.filter(offre__isnull=False).exists() and actions.filter(offre=None).exists()
    assert set(actions.values_list("statut", flat=True)) == set(StatutAction.values)
    aujourdhui = date.today()
    for action in actions:
        if action.statut in (StatutAction.EN_COURS, StatutAction.REALISEE):
            assert action.date_debut <= aujourdhui, action.pk
        if action.parcours.statut == Statut.SORTI:
            assert not action.est_active, action.pk
        if action.objectif_id is not None:
            assert action.objectif.parcours_id == action.parcours_id
        if action.est_active and action.professionnel_id is not None:
            # Delivering an action made them an intervenant: the consent covers them.
            assert (action.professionnel.user_id, LECTURE) in permissions_attendues(
                action.parcours
            ), action.pk
    collective = ActionCollective.objects.get(programme=programme)
    assert collective.participations.count() >= 5
    assert not collective.participations.exclude(parcours__statut=Statut.EN_COURS).exists()


# --- journal


def test_le_journal_de_demonstration(sortie):
    from parcours.models import Addendum, InformationPreoccupante, Note, Rupture, Visibilite
    from parcours.selectors import parcours_a_risque

    assert set(Note.objects.values_list("visibilite", flat=True)) == set(Visibilite.values)
    assert Addendum.objects.exists()
    assert Rupture.objects.filter(date_reponse__isnull=True).exists()
    assert Rupture.objects.filter(date_reponse__isnull=False).exists()
    ip = InformationPreoccupante.objects.get()
    assert ip.parcours.information_preoccupante_le == ip.date_transmission
    coordinateur = User.objects.get(email=_comptes(sortie)[1]["coordinateur"])
    a_risque = list(parcours_a_risque(coordinateur))
    assert any(p.inactif for p in a_risque)
    assert any(p.rupture_sans_reponse for p in a_risque)
    # A private note is only ever its author's.
    privee = Note.objects.filter(visibilite=Visibilite.AUTEUR).exclude(auteur=coordinateur).first()
    if privee is not None:
        assert privee not in Note.objects.lisibles_par(coordinateur, equipe=True)


# --- eps


def test_la_demo_a_des_passages_a_la_rentree_dans_chaque_etat(sortie):
    from parcours.models import Transition, TypeTransition
    from parcours.services import transition_fiche_autorisee

    transitions = list(Transition.objects.all())
    progressions = {t.progression for t in transitions if t.type != TypeTransition.AUCUNE}
    assert {1, 2, 3, 4} <= progressions
    assert any(t.type == TypeTransition.AUCUNE for t in transitions)
    assert any(transition_fiche_autorisee(t) for t in transitions)
    # Children in transition without a checklist remain, for the June flag.
    sans_liste = Parcours.objects.filter(
        enfant__niveau_scolaire__in=["gs", "cm2", "3e"], statut="en_cours"
    ).exclude(transitions__isnull=False)
    assert sans_liste.exists()


def test_la_demo_a_deux_reunions_eps_passees_et_une_a_venir(sortie):
    from django.utils import timezone

    from parcours.models import Examen, ReunionEPS, StatutReunion

    passees = ReunionEPS.objects.filter(date__lt=timezone.now())
    assert passees.count() == 2
    assert set(passees.values_list("statut", flat=True)) == {StatutReunion.TENUE}
    decides = Examen.objects.filter(reunion__in=passees)
    assert decides.count() >= 10
    assert not decides.filter(decision="").exists()
    assert not decides.filter(releve_conclusions="").exists()
    for examen in decides.select_related("parcours"):
        # The pathway's next review is the one its last examination set.
        assert examen.parcours.date_prochaine_revue is not None
    a_venir = ReunionEPS.objects.get(date__gte=timezone.now())
    assert a_venir.statut == StatutReunion.PLANIFIEE
    assert a_venir.examens.exists() and a_venir.invitations.exists()


# --- offres


def test_offres_un_catalogue_dans_chaque_domaine_et_des_manques(sortie):
    from parcours.models import BesoinNonCouvert
    from parcours.selectors import carte_competences
    from parcours.selectors.mutualisation import offres_avec_utilisation
    from partenaires.models import Domaine, Offre

    programme = Programme.objects.get(nom=NOM_PROGRAMME)
    offres = offres_avec_utilisation(Offre.objects.publiees_pour([programme.pk]))
    assert {o.domaine for o in offres} == set(Domaine.values)
    assert len({o.structure_id for o in offres}) >= 4
    assert any(o.restant is not None and o.restant <= 0 for o in offres)
    assert any(o.unite_capacite == "heures" for o in offres)
    assert BesoinNonCouvert.objects.filter(programme=programme).count() >= 5
    carte = carte_competences(programme)
    assert any(c.manque for _cle, _libelle, cellules in carte.lignes for c in cellules)
    for besoin in BesoinNonCouvert.objects.select_related("parcours__enfant"):
        assert besoin.parcours.enfant.nom not in besoin.description


# --- conventions
def test_la_demo_a_trois_conventions_et_un_administrateur_qui_les_voit(sortie, client):
    from datetime import timedelta

    from parcours.selectors.mutualisation import totaux_convention
    from partenaires.models import Convention
    from partenaires.selectors.conventions import conventions_liste

    _mot_de_passe, comptes = _comptes(sortie)
    admin = User.objects.get(email=comptes["administrateur"])
    conventions = {c.statut: c for c in Convention.objects.all()}
    assert set(conventions) == {"expiree", "en_vigueur", "projet"}
    en_vigueur = conventions["en_vigueur"]
    assert en_vigueur.renouvelle == conventions["expiree"]
    assert en_vigueur.date_fin <= date.today() + timedelta(days=90)
    assert all(c.parties.count() >= 2 for c in conventions.values())
    liste = conventions_liste(admin)
    assert [c.fin_proche for c in liste if c.statut == "en_vigueur"] == [True]
    totaux = totaux_convention(en_vigueur)
    assert totaux["engage"] > 0 and totaux["consomme"] > 0
    assert totaux["solde"] == totaux["engage"] - totaux["consomme"]


def test_la_demo_raconte_une_annee_au_comite_de_pilotage(sortie, client):
    """The steering login sees this year's statistics, masked, with no child anywhere."""
    from parcours.selectors import perimetre_pour, statistiques_programme

    mot_de_passe, comptes = _comptes(sortie)
    pilote = User.objects.get(email=comptes["comité de pilotage"])
    assert Programme.objects.avec_role(pilote, Role.PILOTAGE).get() == Programme.objects.get(
        nom=NOM_PROGRAMME
    )
    annee = date.today().year
    stats = statistiques_programme(
        perimetre_pour(pilote, None), date(annee, 1, 1), date(annee, 12, 31)
    )
    resume = dict(stats["resume"])
    assert stats["masque"]
    assert resume["Enfants suivis"] >= 100 and resume["Entrées"] >= 20 and resume["Sorties"] >= 5
    assert resume["Actions menées"] >= 50 and resume["Réunions d’EPS"] >= 1
    # The school year shows: more entries from September than over the summer.
    entrees = stats["mensuel"]["entrees"].valeurs
    if date.today().month >= 10:
        assert (entrees[8] or 0) > (entrees[7] or 0)
    assert stats["duree_mediane_mois"] is not None
    assert dict(stats["sexe"].lignes)["Garçon"] > dict(stats["sexe"].lignes)["Fille"]

    connexion = client.post(reverse("login"), {"username": pilote.email, "password": mot_de_passe})
    assert connexion.status_code == 302  # the printed password works; then the second factor
    connecter(client, pilote)
    page = client.get(reverse("parcours:statistiques")).content.decode()
    assert "<svg" in page and "Statistiques" in page
    noms = set(Enfant.objects.values_list("nom", flat=True))
    assert not [nom for nom in noms if f">{nom}<" in page or f" {nom} " in page]
    parcours = Parcours.objects.first()
    assert client.get(reverse("parcours:detail", args=[parcours.pk])).status_code == 404


# --- protection


def test_quelques_parcours_de_la_demo_ont_un_historique_de_rectifications(sortie):
    from django.apps import apps

    from parcours.models import Parcours
    from parcours.selectors import HistoriqueModifications
    from reussite.core.noms import nom_complet_texte

    coordinateur = User.objects.get(email=_comptes(sortie)[1]["coordinateur"])
    rectifies = apps.get_model("parcours", "EnfantEvent").objects.filter(
        pgh_label="update", pgh_context__metadata__user=coordinateur.pk
    )
    assert rectifies.count() >= 3
    parcours = Parcours.objects.filter(enfant_id=rectifies.first().pgh_obj_id).get()
    historique = HistoriqueModifications(parcours)
    modifications = [m for m in historique[0:25] if m.action == "Modification"]
    assert {m.objet for m in modifications} >= {"Enfant", "Famille", "Parcours"}
    # « Prénom NOM » (issue 15, point 19), as the history writes names in plain text.
    assert all(m.qui == nom_complet_texte(coordinateur) for m in modifications)


def test_les_donnees_de_demo_respectent_les_regles_de_saisie(sortie):
    """Phone numbers (fiction range 06 39 98 xx xx: possible, not valid) and date ranges."""
    from tests.core.test_saisie_dates import ecarts_de_saisie

    assert not ecarts_de_saisie()


# --- legal frame (issue 19)


def test_la_demo_a_un_cadre_juridique_et_un_dpo_qui_ne_voit_aucun_enfant(sortie, client):
    from reussite.core.models import CadreJuridique

    _mot_de_passe, comptes = _comptes(sortie)
    programme = Programme.objects.get(nom=NOM_PROGRAMME)
    cadre = CadreJuridique.objects.get(programme=programme)
    assert cadre.responsable_nom.startswith("CCAS de") and cadre.bases_legales
    delegue = User.objects.get(email=comptes["délégué à la protection des données"])
    assert Programme.objects.avec_role(delegue, Role.DPO).get() == programme

    connecter(client, delegue)
    espace = client.get(reverse("programmes:protection")).content.decode()
    assert "Journal des accès du programme" in espace
    assert "Le cadre juridique n’est pas renseigné" not in espace
    parcours = Parcours.objects.first()
    assert client.get(reverse("parcours:detail", args=[parcours.pk])).status_code == 404
    # Two families' requests: one open (its deadline within the week), one answered.
    from parcours.models import DemandeDroit

    demandes = DemandeDroit.objects.filter(programme=programme)
    assert sorted(demandes.values_list("statut", flat=True)) == ["recue", "satisfaite"]
    registre = client.get(reverse("droits:registre", args=[programme.pk]))
    assert registre.context["page"].paginator.count == 2


# --- sollicitations (issue 21)
def test_la_demo_a_des_sollicitations_dans_chaque_etat_et_un_rapport_des_obstacles(sortie, client):
    from parcours.models import Sollicitation, StatutSollicitation
    from parcours.selectors import carte_competences

    programme = Programme.objects.get(nom=NOM_PROGRAMME)
    sollicitations = Sollicitation.objects.filter(programme=programme)
    assert set(sollicitations.values_list("statut", flat=True)) == set(StatutSollicitation.values)
    assert sollicitations.filter(action__isnull=False).exists()
    assert sollicitations.filter(statut="refusee").values("motif_refus").distinct().count() == 5
    for s in sollicitations.select_related("parcours__enfant"):
        assert s.parcours.enfant.nom not in s.demande + s.motif
    carte = carte_competences(programme)
    assert any(c.sollicitees for _cle, _libelle, cellules in carte.lignes for c in cellules)
    _mot_de_passe, comptes = _comptes(sortie)
    partenaire = User.objects.get(email=comptes["professionnel partenaire"])
    charte_accepter(user=partenaire, version=CHARTE_VERSION)
    connecter(client, partenaire)
    boite = client.get(reverse("parcours:sollicitations_recues"))
    assert boite.status_code == 200 and len(boite.context["page"].object_list) >= 2
    connecter(client, User.objects.get(email=comptes["coordinateur"]))
    rapport = client.get(reverse("parcours:obstacles"))
    assert rapport.status_code == 200 and len(rapport.context["rapport"].lignes) >= 3


# --- the funders' evidence packs (issue 21)
def test_la_demo_donne_au_financeur_un_dossier_de_preuves_credible(sortie, client):
    """The CAF, party to the convention in force, has a believable pack for this year: money
    committed and consumed, funded actions reaching children, outcomes, requests and needs in
    its domains; the steering login reads it masked, without any child."""
    from parcours.selectors import dossier_preuves
    from partenaires.access import financeur_pour
    from partenaires.models import Convention

    _mot_de_passe, comptes = _comptes(sortie)
    pilote = User.objects.get(email=comptes["comité de pilotage"])
    en_vigueur = Convention.objects.get(statut="en_vigueur")
    caf = en_vigueur.parties.get(structure__nom__icontains="CAF").structure
    # The last year with enough of it behind (in January, the year that just ended).
    annee = date.today().year if date.today().month >= 4 else date.today().year - 1
    financeur = financeur_pour(
        user=pilote, programme_pk=en_vigueur.programme_id, structure_pk=caf.pk, annee=annee
    )
    d = dossier_preuves(financeur, annee)
    assert d.masque and d.engage_euros > 0
    assert d.nombre_actions >= 10 and d.consomme_conventions_euros > 0
    assert d.enfants is not None and d.enfants >= 5
    assert d.resultats and d.domaines
    assert d.sollicitations and d.besoins
    noms = set(Parcours.objects.values_list("enfant__nom", flat=True))
    page = connecter(client, pilote).get(
        reverse("parcours:preuves_dossier"),
        {"programme": en_vigueur.programme_id, "structure": caf.pk, "annee": annee},
    )
    assert page.status_code == 200
    assert not any(f">{nom}<" in page.content.decode() for nom in noms)


# --- second programme (issue 17: transfers between programmes, tried by hand)
def test_la_demo_a_des_dispositifs_des_paroles_et_des_questionnaires(sortie):
    types = set(Dispositif.objects.values_list("type", flat=True))
    assert {"clas", "ppre"} <= types and types & TYPES_DISPOSITIF_RESERVES
    assert Dispositif.objects.filter(date_fin__isnull=False).exists()
    assert ParoleFamille.objects.filter(moment="souhaits").exists()
    assert QuestionnaireSortie.objects.count() >= 5
    for ligne in (*Dispositif.objects.all(), *QuestionnaireSortie.objects.all()):
        ligne.full_clean()
    assert not QuestionnaireSortie.objects.filter(parcours__motif_sortie="refus_famille").exists()


def test_la_demo_a_un_second_programme_pour_essayer_un_transfert(sortie, client):
    from parcours.demo.second_programme import NOM_SECOND_PROGRAMME, TRANSFERABLES
    from parcours.models import Finalite, MotifSortie, StatutTransfert, Transfert

    _mot_de_passe, comptes = _comptes(sortie)
    premier = Programme.objects.get(nom=NOM_PROGRAMME)
    second = Programme.objects.get(nom=NOM_SECOND_PROGRAMME)
    coordinateur = User.objects.get(email=comptes[f"coordinateur ({NOM_SECOND_PROGRAMME})"])
    assert Programme.objects.avec_role(coordinateur, Role.COORDINATEUR).get() == second
    assert Partenariat.objects.get(programme=second).est_porteuse
    # One child already transferred: it exited the first programme, waits for the family's
    # consent in the second.
    transfert = Transfert.objects.get()
    assert transfert.statut == StatutTransfert.ACCEPTE
    assert transfert.parcours_origine.motif_sortie == MotifSortie.TRANSFERT
    assert transfert.parcours_destination.programme == second
    assert transfert.parcours_destination.statut == Statut.EN_ATTENTE_CONSENTEMENT
    assert list(Parcours.objects.visibles_par(coordinateur)) == [transfert.parcours_destination]
    # Open pathways whose family agreed to a transfer: the first coordination can propose one.
    transferables = Parcours.objects.filter(
        programme=premier,
        statut__in=[Statut.EN_COURS, Statut.DIAGNOSTIC],
        consentements__finalites__contains=[Finalite.TRANSFERT],
    ).distinct()
    assert transferables.count() >= TRANSFERABLES
    connecter(client, User.objects.get(email=comptes["coordinateur"]))
    page = client.get(reverse("parcours:transfert_proposer", args=[transferables.first().pk]))
    assert page.status_code == 200
    assert NOM_SECOND_PROGRAMME in page.content.decode()
