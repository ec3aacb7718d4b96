"""Guardian's `user.has_perm(perm, obj)` answers exactly what the access module answers, for every
role of the URL sweep (ARCHITECTURE.md: "No `has_perm` anywhere may grant what the access module
refuses"), before and after the facts that change it (an exit, a consent's end)."""

from datetime import date

import pytest
from django.http import Http404

from parcours.access import Capacite, parcours_pour
from parcours.services import parcours_sortir
from reussite.core.backends import ObjectPermissionBackend
from tests.acces.monde import _pilote
from tests.factories.core import UserFactory
from tests.factories.partage import version_actuelle

PERMISSIONS = {
    "parcours.view_parcours": Capacite.LECTURE,
    "parcours.change_parcours": Capacite.ECRITURE,
}


def _utilisateurs(monde) -> dict:
    return {
        "coordinateur-a": monde.a.coordinateur,
        "coordinateur-b": monde.b.coordinateur,
        "referent": monde.referent.user,
        "intervenant": monde.intervenant.user,
        "intervenant-porteuse": monde.p2.intervenant.professionnel.user,
        "non-affecte": monde.non_affecte.user,
        "etranger": monde.etranger.user,
        "pilotage-a": _pilote(monde.a.programme),
        "personnel": UserFactory(is_staff=True),
    }


def _acces(user, parcours, capacite) -> bool:
    try:
        parcours_pour(user=user, pk=parcours.pk, capacite=capacite)
    except Http404:
        return False
    return True


def _ecarts(monde, utilisateurs) -> list:
    ecarts = []
    for qui, user in utilisateurs.items():
        for dossier in (monde.p, monde.p2, monde.q):
            for perm, capacite in PERMISSIONS.items():
                # A fresh user each time: guardian caches permissions on the instance.
                user.refresh_from_db()
                attendu = _acces(user, dossier.parcours, capacite)
                if user.has_perm(perm, dossier.parcours) != attendu:
                    ecarts.append((qui, dossier.parcours.enfant.nom, perm, attendu))
    return ecarts


@pytest.mark.django_db
def test_has_perm_repond_comme_le_module_d_acces_pour_chaque_role_du_balayage(monde):
    utilisateurs = _utilisateurs(monde)
    # Positive controls, so that the comparison cannot pass with everything refused.
    assert monde.a.coordinateur.has_perm("parcours.change_parcours", monde.p.parcours)
    assert monde.referent.user.has_perm("parcours.change_parcours", monde.p.parcours)
    assert monde.intervenant.user.has_perm("parcours.view_parcours", monde.p.parcours)
    assert not monde.intervenant.user.has_perm("parcours.change_parcours", monde.p.parcours)

    assert _ecarts(monde, utilisateurs) == []

    # After the exit the référent reads without writing and the intervenant sees nothing.
    parcours_sortir(
        version=version_actuelle(monde.p.parcours),
        parcours=monde.p.parcours,
        date_sortie=date.today(),
        motif_sortie="demenagement",
        auteur=monde.a.coordinateur,
    )
    monde.p.parcours.refresh_from_db()
    assert _ecarts(monde, utilisateurs) == []
    assert monde.referent.user.has_perm("parcours.view_parcours", monde.p.parcours)
    assert not monde.referent.user.has_perm("parcours.change_parcours", monde.p.parcours)
    assert not monde.intervenant.user.has_perm("parcours.view_parcours", monde.p.parcours)


@pytest.mark.django_db
def test_le_backend_du_projet_remplace_celui_de_guardian(settings, monde):
    assert "reussite.core.backends.ObjectPermissionBackend" in settings.AUTHENTICATION_BACKENDS
    assert "guardian.backends.ObjectPermissionBackend" not in settings.AUTHENTICATION_BACKENDS
    backend = ObjectPermissionBackend()
    assert backend.get_all_permissions(monde.referent.user, monde.p.parcours) == {
        "view_parcours",
        "change_parcours",
    }
    assert backend.get_all_permissions(monde.b.coordinateur, monde.p.parcours) == set()
    # Another app's label never matches a pathway.
    assert not backend.has_perm(monde.a.coordinateur, "core.view_parcours", monde.p.parcours)
