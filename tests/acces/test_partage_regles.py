"""Derived permissions on pathways (DOMAIN.md rules 1 and 2; ARCHITECTURE.md "One path for
access"): who sees a child's pathway before consent and from which facts once it is shared, and
the programme roles held as object permissions."""

import pytest
from django.urls import reverse

from parcours.models import Parcours
from parcours.permissions import permissions_recalculer_pour_user
from parcours.services import intervenant_retirer
from partenaires.models import Fonction
from partenaires.services import charte_signer
from reussite.core.charte import CHARTE_VERSION
from reussite.core.models import Programme, Role
from reussite.core.services import charte_accepter, role_attribuer
from tests.acces.partage import (
    MODIF,
    VUE,
    affecter,
    affecter_sans_controle,
    attendues,
    aujourdhui,
    droits,
    lignes,
    lignes_de,
    modifie,
    partage,
    voit,
)
from tests.conftest import connecter
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import (
    ajouter_intervenant,
    nommer_referent,
    partenaire,
    pre,
    professionnel,
)

pytestmark = pytest.mark.django_db


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
