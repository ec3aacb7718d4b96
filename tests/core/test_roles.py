"""Programme roles answered by one module (reussite/core/roles.py), with one policy for staff."""

import pytest
from django.urls import reverse

from partenaires.access import offre_modifiable_par, peut_inviter
from partenaires.models import Offre
from partenaires.selectors import programmes_du_reseau, structures_annuaire
from reussite.core import roles
from reussite.core.models import Role, TraceAcces
from reussite.core.services import role_attribuer
from reussite.core.trace import ALIAS
from tests.conftest import connecter
from tests.factories.core import UserFactory
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import partenaire, pre

pytestmark = pytest.mark.django_db


def test_coordination_ou_administration_s_ecrit_une_fois():
    a, b = pre(nom="PRE A"), pre(nom="PRE B")
    admin = UserFactory()
    role_attribuer(user=admin, programme=b.programme, role=Role.ADMINISTRATEUR)

    assert list(roles.programmes_de_gestion(a.coordinateur)) == [a.programme]
    assert list(roles.programmes_de_gestion(admin)) == [b.programme]
    assert list(roles.programmes_administres(admin)) == [b.programme]
    assert not roles.programmes_coordonnes(admin).exists()
    assert roles.a_un_role(admin, roles.GESTION, b.programme.pk)
    assert not roles.a_un_role(admin, roles.GESTION, a.programme.pk)


def test_le_personnel_de_la_plateforme_n_a_aucun_role_de_programme():
    """One staff policy: `is_staff` opens the Django admin and the platform-wide statistics,
    never a programme's network (the directory's copy used to give staff every programme)."""
    a = pre(nom="PRE A")
    structure = partenaire(a.programme)
    offre = Offre.objects.create(structure=structure, intitule="Soutien", domaine="scolarite")
    offre.programmes.set([a.programme])
    staff = UserFactory(is_staff=True)

    assert not roles.programmes_administres(staff).exists()
    assert not roles.programmes_de_gestion(staff).exists()
    assert not programmes_du_reseau(staff).exists()
    assert not structures_annuaire(staff).exists()
    assert not peut_inviter(staff)
    assert not offre_modifiable_par(staff, offre)
    assert roles.vue_plateforme(staff)
    assert not roles.vue_plateforme(a.coordinateur)


def test_la_page_besoin_trace_le_refus_d_un_parcours_sorti(client):
    """The unmet-need page used to trace a closed pathway's read as allowed, then answer 404;
    the access module refuses it in one step (`MODIFICATION` needs an open pathway), traced
    as refused."""
    a = pre(nom="PRE A")
    parcours = ParcoursFactory(programme=a.programme, sorti=True)
    connecter(client, a.coordinateur)
    avant = TraceAcces.objects.using(ALIAS).count()

    reponse = client.get(reverse("parcours:besoin_ajouter", args=[parcours.pk]))

    assert reponse.status_code == 404
    entrees = list(TraceAcces.objects.using(ALIAS).order_by("pk"))[avant:]
    assert [e.autorise for e in entrees] == [False]
