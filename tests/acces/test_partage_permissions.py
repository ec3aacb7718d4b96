"""Derived permissions on pathways (DOMAIN.md rules 1, 2 and 5; ARCHITECTURE.md "One path for
access"): who sees a child's pathway, from which facts, and when that access ends."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from parcours.access import LECTURE, parcours_pour
from parcours.forms import ConsentementForm
from parcours.models import (
    Consentement,
    Finalite,
    Intervenant,
    MotifSortie,
    Parcours,
    ParcoursUserObjectPermission,
    Statut,
)
from parcours.permissions import (
    droits_attendus,
    parcours_permissions_recalculer,
    permissions_attendues,
    permissions_recalculer_pour_user,
)
from parcours.services import (
    DonneesCreation,
    DonneesResponsable,
    consentement_enregistrer,
    consentement_retirer,
    enfant_et_parcours_creer,
    intervenant_retirer,
    parcours_modifier,
    parcours_sortir,
    portefeuille_passer,
)
from parcours.tasks import permissions_recalculer_nuit
from partenaires.models import Fonction
from partenaires.services import charte_signer, professionnel_desactiver, professionnel_reactiver
from reussite.core.charte import CHARTE_VERSION
from reussite.core.fichiers import TAILLE_MAX, type_document
from reussite.core.models import Programme, Role
from reussite.core.services import charte_accepter, role_attribuer, role_retirer
from tests.conftest import connecter
from tests.factories.core import UserFactory
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import (
    PDF,
    ajouter_intervenant,
    consentement,
    nommer_referent,
    partenaire,
    png,
    pre,
    professionnel,
    titulaire,
    version_actuelle,
)

pytestmark = pytest.mark.django_db

VUE, MODIF = "view_parcours", "change_parcours"


def aujourdhui() -> date:
    return date.today()


def jours(n: int) -> timedelta:
    return timedelta(days=n)


def voit(user, parcours) -> bool:
    return Parcours.objects.visibles_par(user).filter(pk=parcours.pk).exists()


def modifie(user, parcours) -> bool:
    return Parcours.objects.modifiables_par(user).filter(pk=parcours.pk).exists()


def lignes(parcours) -> set[tuple[int, str]]:
    return set(
        ParcoursUserObjectPermission.objects.filter(content_object=parcours).values_list(
            "user_id", "permission__codename"
        )
    )


def attendues(parcours, le: date | None = None) -> set[tuple[int, str]]:
    """What the facts grant, read from the database (not from a stale instance)."""
    return permissions_attendues(Parcours.objects.get(pk=parcours.pk), le=le)


def droits(parcours) -> dict:
    return droits_attendus(Parcours.objects.get(pk=parcours.pk))


def lignes_de(user) -> int:
    return ParcoursUserObjectPermission.objects.filter(user=user).count()


@pytest.fixture
def a():
    return pre(nom="PRE A")


@pytest.fixture
def structure(a):
    """A partner structure of programme A, charter signed."""
    return partenaire(a.programme, nom="Association Coup de pouce")


@pytest.fixture
def p(a):
    return ParcoursFactory(programme=a.programme, statut=Statut.EN_COURS)


def partage(a, parcours, structure, **kwargs):
    return consentement(parcours, structures=[structure], auteur=a.coordinateur, **kwargs)


def affecter(a, parcours, pro, role: str):
    if role == "referent":
        nommer_referent(parcours, pro, auteur=a.coordinateur)
    else:
        ajouter_intervenant(parcours, pro, auteur=a.coordinateur)


def affecter_sans_controle(parcours, pro, role: str):
    """Write the assignment fact directly (the services refuse it) to test the derivation."""
    if role == "referent":
        Parcours.objects.filter(pk=parcours.pk).update(referent=pro)
    else:
        Intervenant.objects.create(parcours=parcours, professionnel=pro)
    parcours_permissions_recalculer(parcours=parcours)


# --- Rule 1: before consent, the PRE team only -----------------------------------------------


def test_referent_de_la_porteuse_voit_et_modifie_avant_tout_consentement(a):
    referent = professionnel(a.porteuse, fonction=Fonction.REFERENT)
    parcours = ParcoursFactory(programme=a.programme, referent=referent)

    assert not parcours.consentements.exists()
    assert voit(referent.user, parcours)
    assert modifie(referent.user, parcours)
    accordees = {(referent.user_id, VUE), (referent.user_id, MODIF)}
    assert attendues(parcours) == accordees == lignes(parcours)
    assert droits(parcours)[(referent.user_id, VUE)] is None  # no expiry


def test_referent_de_la_porteuse_doit_aussi_accepter_la_charte(a):
    referent = professionnel(a.porteuse, charte_acceptee=False)
    parcours = ParcoursFactory(programme=a.programme, referent=referent)
    assert not voit(referent.user, parcours)

    charte_accepter(user=referent.user, version=CHARTE_VERSION)
    permissions_recalculer_pour_user(user=referent.user)
    assert voit(referent.user, parcours)


def test_le_coordinateur_voit_tout_son_programme_sans_ligne_par_parcours(a, p):
    autre = pre(nom="PRE B")
    q = ParcoursFactory(programme=autre.programme)
    assert voit(a.coordinateur, p)
    assert modifie(a.coordinateur, p)
    assert not voit(a.coordinateur, q)
    assert lignes_de(a.coordinateur) == 0


# --- Rule 2: a partner needs assignment × consent naming the structure × charters -------------


@pytest.mark.parametrize("role", ["referent", "intervenant"])
def test_partenaire_affecte_et_couvert_voit_le_parcours(a, p, structure, role):
    pro = professionnel(structure)
    partage(a, p, structure)
    assert not voit(pro.user, p)  # named in the consent, not assigned yet: nothing

    affecter(a, p, pro, role)

    assert voit(pro.user, p)
    assert modifie(pro.user, p) is (role == "referent")
    assert Parcours.objects.suivis_par(pro.user).filter(pk=p.pk).exists()
    assert lignes(p) == attendues(p)


@pytest.mark.parametrize("role", ["referent", "intervenant"])
def test_partenaire_sans_consentement_ne_voit_rien(a, p, structure, role):
    pro = professionnel(structure)
    affecter_sans_controle(p, pro, role)
    assert not voit(pro.user, p)
    assert lignes_de(pro.user) == 0


@pytest.mark.parametrize("role", ["referent", "intervenant"])
def test_partenaire_dont_la_structure_n_est_pas_nommee_ne_voit_rien(a, p, structure, role):
    autre_structure = partenaire(a.programme)
    pro = professionnel(structure)
    partage(a, p, autre_structure)
    affecter_sans_controle(p, pro, role)
    assert not voit(pro.user, p)
    assert lignes_de(pro.user) == 0


@pytest.mark.parametrize("role", ["referent", "intervenant"])
def test_partenaire_dont_la_structure_n_a_pas_signe_la_charte(a, p, role):
    structure = partenaire(a.programme, charte_signee=False)
    pro = professionnel(structure)
    partage(a, p, structure)
    affecter(a, p, pro, role)
    assert not voit(pro.user, p)

    # Signing recomputes at once, through the partenaires hook.
    charte_signer(
        structure=structure,
        version=CHARTE_VERSION,
        date_signature=aujourdhui(),
        signataire="La présidente",
    )
    assert voit(pro.user, p)


def test_signature_d_une_autre_version_de_la_charte_ne_suffit_pas(a, p):
    structure = partenaire(a.programme, charte_signee=False)
    charte_signer(
        structure=structure, version="2019-1", date_signature=aujourdhui(), signataire="X"
    )
    pro = professionnel(structure)
    partage(a, p, structure)
    ajouter_intervenant(p, pro, auteur=a.coordinateur)
    assert not voit(pro.user, p)


@pytest.mark.parametrize("role", ["referent", "intervenant"])
def test_partenaire_sans_charte_personnelle_ne_voit_rien(a, p, structure, role):
    pro = professionnel(structure, charte_acceptee=False)
    partage(a, p, structure)
    affecter(a, p, pro, role)
    assert not voit(pro.user, p)

    charte_accepter(user=pro.user, version=CHARTE_VERSION)
    permissions_recalculer_pour_user(user=pro.user)
    assert voit(pro.user, p)


def test_collegue_non_affecte_d_une_structure_nommee_ne_voit_rien(a, p, structure):
    affecte, collegue = professionnel(structure), professionnel(structure)
    partage(a, p, structure)
    ajouter_intervenant(p, affecte, auteur=a.coordinateur)
    assert voit(affecte.user, p)
    assert not voit(collegue.user, p)
    assert not Parcours.objects.suivis_par(collegue.user).exists()


def test_intervenant_retire_perd_l_acces(a, p, structure):
    pro = professionnel(structure)
    partage(a, p, structure)
    intervenant = ajouter_intervenant(p, pro, auteur=a.coordinateur)
    intervenant_retirer(intervenant=intervenant, auteur=a.coordinateur)
    assert not voit(pro.user, p)
    assert lignes_de(pro.user) == 0


# --- Withdrawal and expiry ------------------------------------------------------------------


def test_retrait_du_consentement_retire_l_acces_immediatement(a, p, structure):
    referent, intervenant = professionnel(structure), professionnel(structure)
    equipe = professionnel(a.porteuse)
    c = partage(a, p, structure)
    nommer_referent(p, referent, auteur=a.coordinateur)
    ajouter_intervenant(p, intervenant, auteur=a.coordinateur)
    ajouter_intervenant(p, equipe, auteur=a.coordinateur)
    assert voit(referent.user, p) and voit(intervenant.user, p)

    consentement_retirer(
        consentement=c, date_retrait=aujourdhui(), motif="La famille refuse", auteur=a.coordinateur
    )

    for pro in (referent, intervenant):
        assert not voit(pro.user, p)
        assert not modifie(pro.user, p)
        assert lignes_de(pro.user) == 0
        with pytest.raises(Http404):
            parcours_pour(user=pro.user, pk=p.pk, capacite=LECTURE)
    # The PRE team does not depend on the consent.
    assert voit(equipe.user, p)
    assert voit(a.coordinateur, p)


def test_retrait_d_un_consentement_quand_un_autre_couvre_encore_la_structure(a, p, structure):
    pro = professionnel(structure)
    ancien = partage(a, p, structure, date_expiration=aujourdhui() + jours(30))
    partage(a, p, structure, date_expiration=aujourdhui() + jours(300))
    ajouter_intervenant(p, pro, auteur=a.coordinateur)

    consentement_retirer(
        consentement=ancien, date_retrait=aujourdhui(), motif="Remplacé", auteur=a.coordinateur
    )

    assert voit(pro.user, p)
    assert droits(p)[(pro.user_id, VUE)] == aujourdhui() + jours(300)


def test_consentement_qui_expire_demain_couvre_aujourd_hui_mais_plus_demain(a, p, structure):
    pro = professionnel(structure)
    partage(a, p, structure, date_expiration=aujourdhui() + jours(1))
    ajouter_intervenant(p, pro, auteur=a.coordinateur)

    assert voit(pro.user, p)
    ligne = ParcoursUserObjectPermission.objects.get(user=pro.user, content_object=p)
    assert ligne.expire_le == aujourdhui() + jours(1)
    assert (pro.user_id, VUE) in attendues(p)
    assert (pro.user_id, VUE) not in attendues(p, le=aujourdhui() + jours(1))


@pytest.mark.parametrize("expiration", [0, -1], ids=["expire-aujourdhui", "expire-hier"])
def test_l_expiration_prend_effet_a_sa_date_sans_rien_enregistrer(a, p, structure, expiration):
    """Rows computed while the consent was valid are ignored by every read from its expiry
    date on, although nothing was saved since (the nightly task has not run yet)."""
    referent = professionnel(structure)
    partage(
        a,
        p,
        structure,
        date_signature=aujourdhui() - jours(60),
        date_expiration=aujourdhui() + jours(expiration),
    )
    affecter_sans_controle(p, referent, "referent")
    parcours_permissions_recalculer(parcours=p, le=aujourdhui() - jours(10))
    avant = list(
        ParcoursUserObjectPermission.objects.filter(user=referent.user).values_list(
            "pk", "permission__codename", "expire_le"
        )
    )
    assert {(codename, expire_le) for _pk, codename, expire_le in avant} == {
        (VUE, aujourdhui() + jours(expiration)),
        (MODIF, aujourdhui() + jours(expiration)),
    }

    assert not voit(referent.user, p)
    assert not modifie(referent.user, p)
    assert not Parcours.objects.suivis_par(referent.user).exists()
    with pytest.raises(Http404):
        parcours_pour(user=referent.user, pk=p.pk, capacite=LECTURE)
    assert attendues(p) == set()
    assert (referent.user_id, VUE) in attendues(p, le=aujourdhui() - jours(10))
    # Nothing was written by the reads: the rows are still there, untouched.
    apres = list(
        ParcoursUserObjectPermission.objects.filter(user=referent.user).values_list(
            "pk", "permission__codename", "expire_le"
        )
    )
    assert apres == avant

    # The nightly task then makes the tables true again.
    assert permissions_recalculer_nuit() == 1
    assert lignes_de(referent.user) == 0


def test_l_expiration_rend_la_page_du_parcours_introuvable(client, a, p, structure):
    pro = professionnel(structure)
    partage(a, p, structure, date_signature=aujourdhui() - jours(60), date_expiration=aujourdhui())
    affecter_sans_controle(p, pro, "intervenant")
    parcours_permissions_recalculer(parcours=p, le=aujourdhui() - jours(1))
    assert lignes_de(pro.user) == 1

    reponse = connecter(client, pro.user).get(reverse("parcours:detail", args=[p.pk]))
    assert reponse.status_code == 404


# --- Rule 5: exit -----------------------------------------------------------------------------


def test_sortie_le_referent_garde_la_lecture_30_jours_et_les_intervenants_la_perdent(
    a, p, structure
):
    referent, intervenant = professionnel(structure), professionnel(structure)
    equipe = professionnel(a.porteuse)
    partage(a, p, structure, date_expiration=aujourdhui() + jours(300))
    nommer_referent(p, referent, auteur=a.coordinateur)
    ajouter_intervenant(p, intervenant, auteur=a.coordinateur)
    ajouter_intervenant(p, equipe, auteur=a.coordinateur)

    parcours_sortir(
        version=version_actuelle(p),
        parcours=p,
        date_sortie=aujourdhui(),
        motif_sortie=MotifSortie.OBJECTIFS_ATTEINTS,
        auteur=a.coordinateur,
    )

    assert voit(referent.user, p)
    assert not modifie(referent.user, p)
    assert not voit(intervenant.user, p)
    assert not voit(equipe.user, p)
    assert lignes(p) == {(referent.user_id, VUE)}
    assert (referent.user_id, VUE) in attendues(p, le=aujourdhui() + jours(30))
    assert attendues(p, le=aujourdhui() + jours(31)) == set()


def test_sortie_le_referent_perd_la_lecture_apres_30_jours_sans_recalcul(a):
    referent = professionnel(a.porteuse)
    parcours = ParcoursFactory(
        programme=a.programme, referent=referent, date_entree=aujourdhui() - jours(200)
    )
    parcours_sortir(
        version=version_actuelle(parcours),
        parcours=parcours,
        date_sortie=aujourdhui() - jours(40),
        motif_sortie=MotifSortie.DEMENAGEMENT,
        auteur=a.coordinateur,
    )
    assert not voit(referent.user, parcours)

    # Rows as they were computed on the day of the exit: they end on day 31, read-time.
    parcours_permissions_recalculer(parcours=parcours, le=aujourdhui() - jours(40))
    assert ParcoursUserObjectPermission.objects.get(user=referent.user).expire_le == (
        aujourdhui() - jours(9)
    )
    assert not voit(referent.user, parcours)
    with pytest.raises(Http404):
        parcours_pour(user=referent.user, pk=parcours.pk, capacite=LECTURE)


# --- Handover and deactivation ----------------------------------------------------------------


def test_passation_de_portefeuille_donne_tous_les_parcours_ouverts_au_nouveau_referent(a):
    ancien, nouveau = professionnel(a.porteuse), professionnel(a.porteuse)
    ouverts = [ParcoursFactory(programme=a.programme, referent=ancien) for _ in range(3)]
    sorti = ParcoursFactory(programme=a.programme, referent=ancien, sorti=True)
    autre = ParcoursFactory(programme=a.programme, referent=professionnel(a.porteuse))

    nombre = portefeuille_passer(
        programme=a.programme, ancien=ancien, nouveau=nouveau, auteur=a.coordinateur
    )

    assert nombre == 3
    for parcours in ouverts:
        parcours.refresh_from_db()
        assert parcours.referent == nouveau
        assert voit(nouveau.user, parcours) and modifie(nouveau.user, parcours)
        assert not voit(ancien.user, parcours)
        assert lignes(parcours) == attendues(parcours)
    sorti.refresh_from_db()
    assert sorti.referent == ancien  # an exited pathway stays with its référent (30-day read)
    assert not voit(nouveau.user, sorti)
    assert not voit(nouveau.user, autre)
    assert set(Parcours.objects.suivis_par(nouveau.user)) == set(ouverts)


def test_passation_vers_un_partenaire_non_couvert_est_refuse_en_entier(a, structure):
    ancien = professionnel(a.porteuse)
    nouveau = professionnel(structure)
    couvert = ParcoursFactory(programme=a.programme, referent=ancien)
    non_couvert = ParcoursFactory(programme=a.programme, referent=ancien)
    partage(a, couvert, structure)

    with pytest.raises(ValidationError) as erreur:
        portefeuille_passer(
            programme=a.programme, ancien=ancien, nouveau=nouveau, auteur=a.coordinateur
        )

    assert "consentement" in str(erreur.value)
    assert {
        p.referent_id for p in Parcours.objects.filter(pk__in=[couvert.pk, non_couvert.pk])
    } == {ancien.pk}
    assert not Parcours.objects.visibles_par(nouveau.user).exists()


def test_desactiver_une_adhesion_met_fin_a_tous_ses_acces(a, structure):
    pro = professionnel(structure)
    refere, suivi = (ParcoursFactory(programme=a.programme) for _ in range(2))
    for parcours in (refere, suivi):
        partage(a, parcours, structure)
    nommer_referent(refere, pro, auteur=a.coordinateur)
    ajouter_intervenant(suivi, pro, auteur=a.coordinateur)
    assert Parcours.objects.visibles_par(pro.user).count() == 2

    professionnel_desactiver(professionnel=pro)

    assert not Parcours.objects.visibles_par(pro.user).exists()
    assert not Parcours.objects.modifiables_par(pro.user).exists()
    assert lignes_de(pro.user) == 0

    professionnel_reactiver(professionnel=pro)
    assert Parcours.objects.visibles_par(pro.user).count() == 2


def test_desactiver_l_adhesion_porteuse_d_un_referent(a):
    referent = professionnel(a.porteuse)
    parcours = ParcoursFactory(programme=a.programme, referent=referent)
    professionnel_desactiver(professionnel=referent)
    assert not voit(referent.user, parcours)
    assert lignes(parcours) == set()


def test_un_compte_desactive_ne_voit_plus_rien_meme_avec_ses_lignes(client, a, p, structure):
    pro = professionnel(structure)
    partage(a, p, structure)
    ajouter_intervenant(p, pro, auteur=a.coordinateur)
    connecter(client, pro.user)
    assert client.get(reverse("parcours:detail", args=[p.pk])).status_code == 200

    pro.user.is_active = False
    pro.user.save(update_fields=["is_active"])

    assert lignes_de(pro.user) > 0  # not recomputed: the read decides
    assert not Parcours.objects.visibles_par(pro.user).exists()
    assert not Parcours.objects.suivis_par(pro.user).exists()
    reponse = client.get(reverse("parcours:detail", args=[p.pk]))
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("login"))
    # The derivation agrees, so the nightly task will remove the rows.
    assert attendues(p) == set()


def test_un_coordinateur_desactive_ne_voit_plus_son_programme(a, p):
    a.coordinateur.is_active = False
    a.coordinateur.save(update_fields=["is_active"])
    assert not Parcours.objects.visibles_par(a.coordinateur).exists()
    assert not Programme.objects.avec_role(a.coordinateur, Role.COORDINATEUR).exists()


# --- Deleting and recreating never inherits ---------------------------------------------------


def test_supprimer_puis_recreer_un_parcours_n_herite_d_aucune_permission(a, structure):
    pro = professionnel(structure)
    enfant = EnfantFactory(programme=a.programme)
    ancien = ParcoursFactory(programme=a.programme, enfant=enfant)
    partage(a, ancien, structure)
    ajouter_intervenant(ancien, pro, auteur=a.coordinateur)
    ancien_pk = ancien.pk
    assert voit(pro.user, ancien)

    Parcours.objects.filter(pk=ancien_pk).delete()
    assert not ParcoursUserObjectPermission.objects.filter(content_object_id=ancien_pk).exists()

    nouveau = ParcoursFactory(programme=a.programme, enfant=enfant)
    assert nouveau.pk != ancien_pk
    assert not voit(pro.user, nouveau)
    assert lignes(nouveau) == set() == attendues(nouveau)
    assert lignes_de(pro.user) == 0
    assert voit(a.coordinateur, nouveau)


# --- Assigning goes through the sharing rules -------------------------------------------------


def _non_couvert(a, parcours, structure, cas: str):
    if cas == "autre-structure":
        partage(a, parcours, partenaire(a.programme))
    elif cas == "retire":
        c = partage(a, parcours, structure)
        consentement_retirer(
            consentement=c, date_retrait=aujourdhui(), motif="Refus", auteur=a.coordinateur
        )
    elif cas == "expire":
        partage(
            a,
            parcours,
            structure,
            date_signature=aujourdhui() - jours(400),
            date_expiration=aujourdhui() - jours(1),
        )
    elif cas == "renouvele-sans-elle":
        ancien = partage(a, parcours, structure, date_signature=aujourdhui() - jours(20))
        consentement(
            parcours,
            structures=[partenaire(a.programme)],
            auteur=a.coordinateur,
            date_signature=aujourdhui(),
            renouvelle=ancien,
        )
    elif cas == "sans-finalite-partage":
        # A row the service now refuses to write (written before the rule, or by hand).
        sans_partage = Consentement.objects.create(
            parcours=parcours,
            date_signature=aujourdhui() - jours(5),
            date_expiration=aujourdhui() + jours(100),
            finalites=[Finalite.ACCOMPAGNEMENT],
        )
        sans_partage.structures.set([structure])


CAS_NON_COUVERTS = [
    "sans-consentement",
    "autre-structure",
    "retire",
    "expire",
    "renouvele-sans-elle",
    "sans-finalite-partage",
]


@pytest.mark.parametrize("cas", CAS_NON_COUVERTS)
def test_ajouter_un_intervenant_non_couvert_est_refuse(a, p, structure, cas):
    pro = professionnel(structure)
    _non_couvert(a, p, structure, cas)

    with pytest.raises(ValidationError) as erreur:
        ajouter_intervenant(p, pro, auteur=a.coordinateur)

    assert "Le consentement de la famille ne couvre pas" in " ".join(
        erreur.value.message_dict["professionnel"]
    )
    assert not Intervenant.objects.filter(parcours=p).exists()
    assert not voit(pro.user, p)


@pytest.mark.parametrize("cas", CAS_NON_COUVERTS)
def test_nommer_un_referent_partenaire_non_couvert_est_refuse(a, p, structure, cas):
    pro = professionnel(structure)
    _non_couvert(a, p, structure, cas)

    with pytest.raises(ValidationError) as erreur:
        parcours_modifier(
            parcours=p,
            donnees={"referent": pro},
            version=version_actuelle(p),
            auteur=a.coordinateur,
        )

    assert "ne couvre pas" in " ".join(erreur.value.message_dict["referent"])
    p.refresh_from_db()
    assert p.referent is None
    assert not voit(pro.user, p)


def test_professionnel_d_une_structure_hors_programme_est_refuse(a, p):
    autre = pre(nom="PRE B")
    etranger = professionnel(partenaire(autre.programme))
    with pytest.raises(ValidationError) as erreur:
        ajouter_intervenant(p, etranger, auteur=a.coordinateur)
    assert "ne travaille pas avec ce programme" in str(erreur.value)


def test_creer_un_parcours_avec_un_referent_partenaire_est_refuse(a, structure):
    pro = professionnel(structure)
    donnees = DonneesCreation(
        enfant={
            "nom": "Martin",
            "prenom": "Lina",
            "date_naissance": aujourdhui() - jours(365 * 7),
            "sexe": "F",
        },
        parcours={
            "orienteur": "ecole",
            "motifs_orientation": ["langage"],
            "date_entree": aujourdhui(),
            "referent": pro,
        },
        responsables=[DonneesResponsable(nom="Martin", lien="mere")],
    )
    with pytest.raises(ValidationError) as erreur:
        enfant_et_parcours_creer(programme=a.programme, auteur=a.coordinateur, donnees=donnees)
    assert "ne couvre pas" in str(erreur.value)
    assert not Parcours.objects.filter(programme=a.programme).exists()


# --- Consent rules ----------------------------------------------------------------------------


def test_deux_signataires_exiges_quand_le_programme_le_demande(a, p, structure):
    Programme.objects.filter(pk=a.programme.pk).update(consentement_deux_signataires=True)
    mere, pere = titulaire(p), titulaire(p, lien="pere")

    with pytest.raises(ValidationError) as erreur:
        partage(a, p, structure, signataires=[mere])
    assert "deux titulaires" in " ".join(erreur.value.message_dict["signataires"])
    with pytest.raises(ValidationError):
        partage(a, p, structure, signataires=[mere, mere])
    assert not Consentement.objects.filter(parcours=p).exists()

    c = partage(a, p, structure, signataires=[mere, pere])
    assert set(c.signataires.all()) == {mere, pere}


def test_un_seul_titulaire_suffit_quand_la_famille_n_en_a_qu_un(a, p, structure):
    Programme.objects.filter(pk=a.programme.pk).update(consentement_deux_signataires=True)
    mere = titulaire(p)
    titulaire(p, lien="autre", autorite_parentale=False)
    assert partage(a, p, structure, signataires=[mere]).pk


def test_un_signataire_suffit_quand_le_programme_ne_demande_pas_les_deux(a, p, structure):
    mere = titulaire(p)
    titulaire(p, lien="pere")
    assert partage(a, p, structure, signataires=[mere]).pk


def test_signataire_d_une_autre_famille_refuse(a, p, structure):
    etranger = titulaire(ParcoursFactory(programme=a.programme))
    with pytest.raises(ValidationError) as erreur:
        partage(a, p, structure, signataires=[etranger])
    assert "signataires" in erreur.value.message_dict


def test_structure_qui_ne_travaille_pas_avec_le_programme_refusee(a, p):
    etrangere = partenaire(pre(nom="PRE B").programme)
    with pytest.raises(ValidationError) as erreur:
        partage(a, p, etrangere)
    assert "structures" in erreur.value.message_dict


def test_signature_future_refusee(a, p, structure):
    with pytest.raises(ValidationError):
        partage(a, p, structure, date_signature=aujourdhui() + jours(1))


# --- The signed form: checked by content, not by name -----------------------------------------


def _formulaire(parcours, fichier, titulaire_pk):
    return ConsentementForm(
        {
            "date_signature": aujourdhui().isoformat(),
            "date_expiration": (aujourdhui() + jours(100)).isoformat(),
            "signataires": [titulaire_pk],
            "finalites": [Finalite.ACCOMPAGNEMENT],
        },
        {"fichier": fichier},
        parcours=parcours,
    )


def test_un_texte_nomme_pdf_est_refuse(a, p, structure):
    mere = titulaire(p)

    def faux():
        return SimpleUploadedFile(
            "consentement.pdf", b"Ceci n'est pas un PDF.\n" * 20, "application/pdf"
        )

    with pytest.raises(ValidationError) as erreur:
        type_document(faux())
    assert erreur.value.code == "type"
    with pytest.raises(ValidationError):
        partage(a, p, structure, fichier=faux())
    formulaire = _formulaire(p, faux(), mere.pk)
    assert not formulaire.is_valid()
    assert "fichier" in formulaire.errors
    assert not Consentement.objects.filter(parcours=p).exists()


def test_une_image_png_renommee_en_exe_reste_acceptee_car_seul_le_contenu_compte(a, p):
    assert type_document(SimpleUploadedFile("scan.exe", png())) == "image/png"


@pytest.mark.parametrize(
    ("nom", "contenu", "extension"),
    [("Lina MARTIN.png", png(), ".png"), ("Lina MARTIN.pdf", PDF, ".pdf")],
    ids=["png", "pdf"],
)
def test_un_vrai_png_ou_pdf_est_accepte_et_range_sans_son_nom(
    a, p, structure, nom, contenu, extension
):
    mere = titulaire(p)
    assert _formulaire(p, SimpleUploadedFile(nom, contenu), mere.pk).is_valid()

    c = partage(a, p, structure, fichier=SimpleUploadedFile(nom, contenu))

    assert c.fichier.name.startswith("consentements/")
    assert c.fichier.name.endswith(extension)
    assert "MARTIN" not in c.fichier.name and "Lina" not in c.fichier.name
    with c.fichier.open("rb") as lu:
        assert lu.read() == contenu


def test_un_fichier_de_plus_de_10_mo_est_refuse(a, p, structure):
    assert type_document(SimpleUploadedFile("limite.png", png(TAILLE_MAX))) == "image/png"

    trop_gros = png(TAILLE_MAX + 1)
    assert len(trop_gros) == TAILLE_MAX + 1
    with pytest.raises(ValidationError) as erreur:
        type_document(SimpleUploadedFile("gros.png", trop_gros))
    assert erreur.value.code == "taille"
    with pytest.raises(ValidationError):
        partage(a, p, structure, fichier=SimpleUploadedFile("gros.png", trop_gros))
    assert not Consentement.objects.filter(parcours=p).exists()


# --- Programme roles are object permissions on Programme --------------------------------------


def test_roles_de_programme_par_objet_coordinateur_en_a_referent_partenaire_en_b(client):
    a, b = pre(nom="PRE A"), pre(nom="PRE B")
    structure_b = partenaire(b.programme)
    pro = professionnel(structure_b)
    user = pro.user
    role_attribuer(user=user, programme=a.programme, role=Role.COORDINATEUR)
    dans_a = [ParcoursFactory(programme=a.programme) for _ in range(3)]
    le_sien, autre_de_b = (ParcoursFactory(programme=b.programme) for _ in range(2))
    partage(b, le_sien, structure_b)
    partage(b, autre_de_b, structure_b)
    nommer_referent(le_sien, pro, auteur=b.coordinateur)

    assert list(Programme.objects.avec_role(user, Role.COORDINATEUR)) == [a.programme]
    assert user.has_perm(f"core.{Role.COORDINATEUR.value}", a.programme)
    assert not user.has_perm(f"core.{Role.COORDINATEUR.value}", b.programme)
    assert set(Parcours.objects.visibles_par(user)) == {*dans_a, le_sien}
    assert set(Parcours.objects.modifiables_par(user)) == {*dans_a, le_sien}
    assert set(Parcours.objects.suivis_par(user)) == {le_sien}

    connecter(client, user)
    assert client.get(reverse("parcours:detail", args=[dans_a[0].pk])).status_code == 200
    assert client.get(reverse("parcours:detail", args=[le_sien.pk])).status_code == 200
    assert client.get(reverse("parcours:detail", args=[autre_de_b.pk])).status_code == 404


def test_mes_suivis_exclut_ce_que_le_coordinateur_voit_par_son_role(a):
    porteuse_pro = professionnel(a.porteuse, user=a.coordinateur)
    tous = [ParcoursFactory(programme=a.programme) for _ in range(3)]
    le_sien = ParcoursFactory(programme=a.programme, referent=porteuse_pro)

    assert set(Parcours.objects.visibles_par(a.coordinateur)) == {*tous, le_sien}
    assert list(Parcours.objects.suivis_par(a.coordinateur)) == [le_sien]


# --- Facts that must end access, found by this suite ------------------------------------------


def test_retirer_le_role_de_coordinateur_prend_effet_immediatement(a, p):
    role_retirer(user=a.coordinateur, programme=a.programme, role=Role.COORDINATEUR)
    assert not voit(a.coordinateur, p)
    assert not modifie(a.coordinateur, p)


def test_un_renouvellement_qui_ne_nomme_plus_la_structure_lui_retire_l_acces(a, p, structure):
    pro = professionnel(structure)
    autre = partenaire(a.programme)
    ancien = partage(a, p, structure)
    ajouter_intervenant(p, pro, auteur=a.coordinateur)

    consentement(
        p,
        structures=[autre],
        auteur=a.coordinateur,
        date_signature=aujourdhui(),
        renouvelle=ancien,
    )

    assert not voit(pro.user, p)


def test_un_consentement_sans_la_finalite_partage_n_ouvre_rien_aux_partenaires(a, p, structure):
    pro = professionnel(structure)
    with pytest.raises(ValidationError) as erreur:
        consentement_enregistrer(
            parcours=p,
            date_signature=aujourdhui(),
            date_expiration=aujourdhui() + jours(100),
            signataires=[titulaire(p)],
            structures=[structure],
            finalites=[Finalite.ACCOMPAGNEMENT],
            auteur=a.coordinateur,
        )
    assert set(erreur.value.message_dict) == {"finalites"}
    assert not p.consentements.exists()

    # Such a row, written before the rule or by hand, opens nothing either.
    sans_partage = Consentement.objects.create(
        parcours=p,
        date_signature=aujourdhui() - jours(5),
        date_expiration=aujourdhui() + jours(100),
        finalites=[Finalite.ACCOMPAGNEMENT],
    )
    sans_partage.structures.set([structure])
    for role in ("referent", "intervenant"):
        affecter_sans_controle(p, pro, role)
        assert (pro.user_id, VUE) not in attendues(p)
        assert not voit(pro.user, p)
    assert lignes_de(pro.user) == 0


def test_l_api_guardian_ne_donne_pas_une_ligne_expiree(a, p, structure):
    """`has_perm` goes through the project's backend (reussite.core.backends), which answers
    with `visibles_par`: an expired row grants nothing. Lists never use guardian's
    `get_objects_for_user` / `prefetch_perms`, which read the rows alone."""
    pro = professionnel(structure)
    partage(a, p, structure, date_signature=aujourdhui() - jours(60), date_expiration=aujourdhui())
    affecter_sans_controle(p, pro, "intervenant")
    parcours_permissions_recalculer(parcours=p, le=aujourdhui() - jours(1))
    assert not voit(pro.user, p)

    assert not pro.user.has_perm("parcours.view_parcours", p)


def test_desactiver_une_adhesion_depuis_l_administration_met_fin_aux_acces(client, a, p, structure):
    pro = professionnel(structure)
    partage(a, p, structure)
    ajouter_intervenant(p, pro, auteur=a.coordinateur)
    admin = UserFactory(is_staff=True, is_superuser=True)
    connecter(client, admin)

    reponse = client.post(
        reverse("admin:partenaires_professionnel_change", args=[pro.pk]),
        {"user": pro.user_id, "structure": structure.pk, "fonction": pro.fonction, "depuis": ""},
    )

    assert reponse.status_code == 302
    pro.refresh_from_db()
    assert pro.actif is False
    assert not voit(pro.user, p)
