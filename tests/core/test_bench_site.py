"""The whole-site benchmark's inventory (reussite/devtools/bench_site_inventaire.py, issue 18).

Every route of the URL resolver is measured (some user gets 200 in GET), POST-only (405 for
everyone) or excluded with a reason. A page another change adds fails
`test_chaque_route_est_mesuree_post_seulement_ou_exclue` until it is reachable by the
benchmark's users or excluded with its reason: no page escapes the benchmark silently.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from parcours.models import CanalDemande, GenreDemande, ReunionEPS
from parcours.services import DonneesDemande, demande_droit_creer, reunion_planifier
from partenaires import services as services_partenaires
from reussite.core.models import Role
from reussite.core.services import role_attribuer
from reussite.devtools import bench_site
from tests.acces.balayage import Route
from tests.acces.monde import _pilote, construire_monde
from tests.conftest import connecter
from tests.factories import actions as fabrique_actions
from tests.factories.core import UserFactory, dpo
from tests.factories.partage import partenaire

pytestmark = [pytest.mark.lent, pytest.mark.django_db]


def _avec_role(programme, role):
    user = UserFactory()
    role_attribuer(user=user, programme=programme, role=role)
    return user


def contexte_de_test():
    """The access sweep's world, with what the routes outside the sweep need in programme A:
    an EPS meeting with one pathway examined, a convention with a party and a commitment, an
    offer published; and the benchmark's roles."""
    monde = construire_monde()
    programme = monde.a.programme
    reunion = reunion_planifier(
        programme=programme,
        date_heure=timezone.now() + timedelta(days=1),
        lieu="Salle du conseil",
        invites=[monde.referent],
        parcours=[monde.p.parcours],
        auteur=monde.a.coordinateur,
    )
    # Its day has come (planned in the future, moved back as time passes): decisions are taken.
    ReunionEPS.objects.filter(pk=reunion.pk).update(date=timezone.now() - timedelta(days=1))
    administrateur = _avec_role(programme, Role.ADMINISTRATEUR)
    convention = services_partenaires.convention_creer(
        programme=programme,
        auteur=administrateur,
        intitule="Convention réussite",
        objet="Mutualiser l’aide aux devoirs",
        date_debut=date(2025, 1, 1),
        date_fin=date(2026, 12, 31),
    )
    partie = services_partenaires.partie_ajouter(
        convention=convention, structure=partenaire(programme)
    )
    services_partenaires.engagement_ajouter(
        partie=partie, annee=2025, nature="financier", quantite=Decimal("100")
    )
    fabrique_actions.offre(monde.structure, programme)
    # A signed convention: the funders' evidence packs (issue 21) name its party.
    from partenaires.models import Convention

    signee = services_partenaires.convention_creer(
        programme=programme,
        auteur=administrateur,
        intitule="Convention signée",
        objet="Financer les ateliers",
        date_debut=date(2025, 1, 1),
        date_fin=date(2025, 12, 31),
    )
    services_partenaires.partie_ajouter(convention=signee, structure=monde.structure)
    Convention.objects.filter(pk=signee.pk).update(
        statut="en_vigueur", date_signature=date(2025, 1, 1)
    )
    # A family's request in the rights register (issue 19).
    demande_droit_creer(
        programme=programme,
        donnees=DonneesDemande(
            genre=GenreDemande.ACCES,
            demandeur="la mère",
            canal=CanalDemande.COURRIER,
            recue_le=timezone.localdate(),
            parcours=monde.p.parcours,
        ),
        auteur=monde.a.coordinateur,
    )
    personnel = UserFactory(is_staff=True, is_superuser=True)
    utilisateurs = {
        "coordination": monde.a.coordinateur,
        "référent": monde.referent.user,
        "partenaire": monde.intervenant.user,
        "pilotage": _pilote(programme),
        "administration": administrateur,
        "personnel": personnel,
        "délégué à la protection des données": dpo(programme),
    }
    # A request addressed to the benchmark's partner (the generated data's dossier has one).
    bench_site._solliciter(monde.p, monde.intervenant, monde.a.coordinateur)
    contexte = bench_site.Contexte(utilisateurs, programme, monde.p.parcours, monde.p)
    clients = {role: connecter(Client(), u) for role, u in utilisateurs.items()}
    return contexte, clients | bench_site.clients_api(utilisateurs)


def test_chaque_route_est_mesuree_post_seulement_ou_exclue():
    contexte, clients = contexte_de_test()
    routes = bench_site.routes_du_site()

    pages, post_seulement, exclues, problemes = bench_site.inventaire(routes, contexte, clients)

    assert not problemes, "\n".join(problemes)
    mesurees = {p.nom for p in pages}
    noms = {str(r.nom) for r in routes}
    assert mesurees | set(post_seulement) | set(exclues) == noms
    # The pages the issue names are measured, as the roles that use them.
    for nom, role in [
        ("parcours:detail", "partenaire"),
        ("parcours:detail", "référent"),
        ("parcours:mes_suivis", "partenaire"),
        ("parcours:actions", "coordination"),
        ("parcours:a_risque", "référent"),
        ("parcours:eps_liste", "coordination"),
        ("parcours:statistiques", "pilotage"),
        ("parcours:statistiques_enquete", "personnel"),
        ("parcours:fiche_pdf", "coordination"),
        ("parcours:droit_acces_pdf", "coordination"),
        ("droits:registre", "délégué à la protection des données"),
        ("droits:demande", "délégué à la protection des données"),
        ("programmes:anomalies", "délégué à la protection des données"),
        ("parcours:eps_releve", "coordination"),
        # --- transitions (issue 21): the coordination's list and a sheet the family agreed to
        ("parcours:transitions", "coordination"),
        ("parcours:transition", "référent"),
        ("parcours:transition_fiche_pdf", "coordination"),
        # --- the funders' evidence packs (issue 21), as the steering committee reads them
        ("parcours:preuves", "pilotage"),
        ("parcours:preuves_dossier", "pilotage"),
        ("parcours:preuves_dossier", "administration"),
        # --- network import (issue 17): the administrator's page, templates and preview
        ("partenaires:import_reseau", "administration"),
        ("partenaires:import_reseau_modele_xlsx", "administration"),
        ("partenaires:import_reseau_apercu", "administration"),
        ("parcours:import_modele_xlsx", "coordination"),
        ("admin:core_traceacces_changelist", "personnel"),
        ("admin:core_rappel_changelist", "personnel"),
        ("admin:core_user_changelist", "personnel"),
    ]:
        assert any(p.nom == nom and p.role == role for p in pages), (nom, role)
    # A page that only some roles reach is measured for those only.
    assert not any(p.nom == "parcours:actions" and p.role == "partenaire" for p in pages)
    # Filtered variants are pages of their own.
    assert any(p.cle == "parcours:liste?statut=en_cours [coordination]" for p in pages)


def test_l_inventaire_signale_une_page_nouvelle_que_le_banc_n_atteint_pas():
    contexte, clients = contexte_de_test()
    nouvelles = [
        # A new kind of id that no source knows.
        Route(
            "parcours:piece",
            "parcours/<int:pk>/pieces/<int:piece_pk>/",
            ("pk", "piece_pk"),
            0,
            True,
        ),
    ]

    _pages, _post, _exclues, problemes = bench_site.inventaire(nouvelles, contexte, clients)

    assert len(problemes) == 1
    assert "parcours:piece" in problemes[0]
    assert "IDS_RESEAU" in problemes[0]


def test_une_route_que_personne_n_atteint_est_signalee(monkeypatch):
    """The pathway list, with a parameter that makes it unreachable for everyone, stands for a
    new page that needs something the benchmark's users lack."""
    contexte, clients = contexte_de_test()
    route = next(r for r in bench_site.routes_du_site() if r.nom == "parcours:detail")
    contexte.parcours = type("Inexistant", (), {"pk": 2_000_000_000})()

    pages, _post, _exclues, problemes = bench_site.inventaire([route], contexte, clients)

    assert pages == []
    assert len(problemes) == 1 and "aucun utilisateur n’obtient 200" in problemes[0]


def test_les_exclusions_designent_des_routes_existantes_et_ont_une_raison():
    noms = {str(r.nom) for r in bench_site.routes_du_site()}
    # ProConnect's routes exist only when PROCONNECT_ENABLED.
    proconnect = {"oidc_authentication_init", "oidc_authentication_callback"}
    assert set(bench_site.EXCLUES) - proconnect <= noms, set(bench_site.EXCLUES) - noms
    assert all(len(raison) > 15 for raison in bench_site.EXCLUES.values())
    for motif, raison in bench_site.EXCLUES_MOTIFS:
        assert any(motif.search(nom) for nom in noms), motif.pattern
        assert len(raison) > 15
    assert set(bench_site.PARAMETRES) <= noms
    # A product page is never excluded by a pattern meant for the administration.
    assert bench_site.exclusion("parcours:detail") is None
    assert bench_site.exclusion("admin:core_traceacces_changelist") is None
    assert bench_site.exclusion("admin:core_traceacces_change") is not None
