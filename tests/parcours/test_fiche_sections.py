"""The pathway's page in sections, one URL each (issue 15, point 15), the confirmed suspension,
and actions delivered by a structure that the family's consent does not name (point 17).

The access sweep (tests/acces/test_acces_urls.py) walks every section for every role; the query
counts are pinned in tests/parcours/test_parcours_views.py (`REQUETES`)."""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from parcours.models import Action, ChangementStatut, Parcours, Statut
from tests.acces.balayage import SECTIONS_FICHE, client_de, erreurs
from tests.acces.monde import Monde, construire_monde, corps, empreinte
from tests.factories import actions as fab
from tests.factories.partage import professionnel
from tests.support.donnees_partagees import copie_pour, monde_partage
from tests.support.formulaires import jeton

pytestmark = pytest.mark.django_db

ONGLETS = {
    "parcours:detail": "Synthèse",
    "parcours:objectifs": "Objectifs et actions",
    "parcours:journal": "Journal",
    "parcours:partage": "Partage et consentement",
    "parcours:historique": "Historique",
}


# Built once for the module (1 to 2 s each on the 2-core machine), each test rolled back.
_monde_du_module = monde_partage(construire_monde)


@pytest.fixture
def monde(_monde_du_module, db, settings) -> Monde:
    return copie_pour(_monde_du_module, settings)


def _url(nom: str, parcours: Parcours) -> str:
    return reverse(nom, args=[parcours.pk])


def _onglets(html: str) -> list[tuple[str, str, bool]]:
    """(href, label, current) of each tab link of the sections' navigation."""
    nav = re.search(r'<nav class="reussite-onglets[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "no section navigation"
    return [
        (href, re.sub(r"\s+", " ", libelle).strip(), bool(courant))
        for href, courant, libelle in re.findall(
            r'<a class="fr-tabs__tab"\s+href="([^"]+)"\s*(aria-current="page")?>(.*?)</a>',
            nav.group(1),
            re.S,
        )
    ]


# --- Sections and tabs ----------------------------------------------------------------------


def test_chaque_section_a_son_url_et_marque_son_onglet(monde):
    assert set(ONGLETS) == SECTIONS_FICHE
    parcours = monde.p.parcours
    client = client_de(monde.a.coordinateur)
    attendus = [(_url(nom, parcours), libelle) for nom, libelle in ONGLETS.items()]

    for nom, libelle in ONGLETS.items():
        reponse = client.get(_url(nom, parcours))

        assert reponse.status_code == 200, nom
        onglets = _onglets(reponse.content.decode())
        assert [(href, texte) for href, texte, _ in onglets] == attendus
        # Exactly one current tab, the section's own, marked as the current page.
        assert [texte for _, texte, courant in onglets if courant] == [libelle]
        assert f"{libelle} — Parcours de" in reponse.content.decode()


def test_chaque_section_montre_sa_part_de_la_fiche_et_seulement_elle(monde):
    parcours = monde.p.parcours
    client = client_de(monde.a.coordinateur)
    pages = {nom: client.get(_url(nom, parcours)).content.decode() for nom in ONGLETS}
    reperes = {
        "parcours:detail": ('id="titre-identite"', 'id="titre-famille"', 'id="titre-parcours"'),
        "parcours:objectifs": ('id="titre-objectifs-actions"', 'id="titre-besoins"'),
        "parcours:journal": ('id="titre-chronologie"', 'id="evenements"'),
        "parcours:partage": ('id="titre-consentements"', 'id="titre-intervenants"'),
        "parcours:historique": (
            'id="titre-historique"',
            'id="titre-consultations"',
            'id="titre-protection"',
        ),
    }
    for nom, ids in reperes.items():
        for autre, html in pages.items():
            for repere in ids:
                assert (repere in html) == (autre == nom), (repere, autre)


def test_le_filtre_du_journal_reste_dans_sa_section(monde):
    client = client_de(monde.a.coordinateur)
    url = _url("parcours:journal", monde.p.parcours)

    reponse = client.get(url, {"type": "rupture"})

    assert {e.type for e in reponse.context["chronologie"]} == {"rupture"}
    assert f'action="{url}#chronologie"' in reponse.content.decode()


@pytest.mark.parametrize(
    ("nom", "donnees", "section"),
    [
        ("parcours:note_ajouter", {"texte": "Une note", "visibilite": "equipe"}, "journal"),
        ("parcours:objectif_ajouter", {"domaine": "scolarite", "intitule": "Lire"}, "objectifs"),
        ("parcours:intervenant_ajouter", None, "partage"),
        ("parcours:besoin_ajouter", None, "objectifs"),
    ],
)
def test_une_ecriture_revient_a_la_section_d_ou_elle_part(monde, nom, donnees, section):
    parcours = monde.p.parcours
    if donnees is None:
        donnees = corps(nom, monde.p)
    else:
        donnees = donnees | {"statut": "ouvert", "jeton": jeton()}
    reponse = client_de(monde.a.coordinateur).post(_url(nom, parcours), donnees)

    assert reponse.status_code == 302, erreurs(reponse)
    assert reponse["Location"] == _url(f"parcours:{section}", parcours)


# --- Suspension: a secondary action, confirmed ----------------------------------------------


def test_la_synthese_n_a_plus_de_bouton_suspendre_mais_une_action_secondaire(monde):
    parcours = monde.p.parcours
    assert parcours.statut == Statut.EN_COURS
    html = client_de(monde.a.coordinateur).get(_url("parcours:detail", parcours)).content.decode()

    assert "Passer à « Suspendu »" not in html
    secondaires = re.search(r'<ul[^>]*id="actions-secondaires"[^>]*>(.*?)</ul>', html, re.S)
    assert secondaires
    assert f'href="{_url("parcours:suspendre", parcours)}"' in secondaires.group(1)
    assert f'href="{_url("parcours:sortir", parcours)}"' in secondaires.group(1)
    assert "fr-btn--tertiary" in secondaires.group(1)


def test_suspendre_exige_la_confirmation(monde):
    parcours = monde.p.parcours
    client = client_de(monde.a.coordinateur)
    url = _url("parcours:suspendre", parcours)
    page = client.get(url)
    assert page.status_code == 200
    assert "Je confirme la suspension du parcours" in page.content.decode()
    avant = empreinte()

    # The old one-click button, and the confirmation page without the box: nothing changes.
    bouton = client.post(
        _url("parcours:changer_statut", parcours),
        {"statut": Statut.SUSPENDU, "version": parcours.version},
    )
    sans_case = client.post(url, {"version": parcours.version, "commentaire": "Pause"})

    assert bouton.status_code == 302
    assert sans_case.status_code == 200
    assert "Cochez la confirmation pour suspendre le parcours." in sans_case.content.decode()
    assert empreinte() == avant

    confirme = client.post(
        url, {"version": parcours.version, "commentaire": "Pause", "confirmer": "on"}
    )

    assert confirme.status_code == 302, erreurs(confirme)
    assert confirme["Location"] == _url("parcours:detail", parcours)
    parcours.refresh_from_db()
    assert parcours.statut == Statut.SUSPENDU
    assert ChangementStatut.objects.filter(
        parcours=parcours, nouveau_statut=Statut.SUSPENDU, commentaire="Pause"
    ).exists()
    # Resuming is a step forward: a button of the synthesis again.
    html = client.get(_url("parcours:detail", parcours)).content.decode()
    assert "Passer à « En cours »" in html
    assert client.get(url).status_code == 302  # nothing left to suspend


def test_suspendre_depuis_une_version_perimee_est_un_conflit(monde):
    parcours = monde.p.parcours
    reponse = client_de(monde.a.coordinateur).post(
        _url("parcours:suspendre", parcours),
        {"version": parcours.version - 1, "confirmer": "on"},
    )
    assert reponse.status_code == 409
    parcours.refresh_from_db()
    assert parcours.statut == Statut.EN_COURS


# --- Point 17: a structure the consent does not name ------------------------------------------


def _action_hors_consentement(monde: Monde) -> dict:
    return {
        "intitule": "Atelier théâtre",
        "structure": monde.etranger.structure_id,
        "date_debut": date.today().isoformat(),
        "statut": "prevue",
    }


def test_une_action_d_une_structure_non_nommee_demande_confirmation(monde):
    parcours = monde.p.parcours
    structure = monde.etranger.structure
    client = client_de(monde.a.coordinateur)
    url = _url("parcours:action_ajouter", parcours)
    donnees = _action_hors_consentement(monde) | {"jeton": jeton()}

    avertie = client.post(url, donnees)

    assert avertie.status_code == 200
    html = avertie.content.decode()
    assert "Structure non nommée par le consentement" in html
    assert f"Le consentement de la famille ne nomme pas {structure.nom}" in html
    assert 'name="confirmer_consentement"' in html
    assert not Action.objects.filter(parcours=parcours, intitule="Atelier théâtre").exists()

    confirmee = client.post(url, donnees | {"confirmer_consentement": "on"})

    assert confirmee.status_code == 302, erreurs(confirmee)
    assert confirmee["Location"] == _url("parcours:objectifs", parcours)
    assert Action.objects.filter(
        parcours=parcours, intitule="Atelier théâtre", structure=structure
    ).exists()


def test_une_structure_nommee_par_le_consentement_ne_demande_rien(monde):
    parcours = monde.p.parcours
    client = client_de(monde.a.coordinateur)
    url = _url("parcours:action_ajouter", parcours)
    assert 'name="confirmer_consentement"' not in client.get(url).content.decode()

    reponse = client.post(
        url,
        _action_hors_consentement(monde) | {"structure": monde.structure.pk, "jeton": jeton()},
    )

    assert reponse.status_code == 302, erreurs(reponse)


def test_le_service_refuse_aussi_sans_confirmation(monde):
    with pytest.raises(ValidationError) as refus:
        fab.action(
            monde.p.parcours,
            auteur=monde.a.coordinateur,
            structure=monde.etranger.structure,
        )
    assert "confirmer_consentement" in refus.value.error_dict


def test_la_fiche_dit_que_ses_professionnels_ne_voient_pas_l_enfant_et_c_est_vrai(monde):
    parcours = monde.p.parcours
    structure = monde.etranger.structure
    fab.action(
        parcours,
        auteur=monde.a.coordinateur,
        intitule="Atelier théâtre",
        structure=structure,
        hors_consentement=True,
    )
    coordination = client_de(monde.a.coordinateur)
    phrase = (
        f"Les professionnels de {structure.nom} ne voient pas l’enfant : le consentement de la "
        "famille ne nomme pas cette structure."
    )

    objectifs = coordination.get(_url("parcours:objectifs", parcours)).content.decode()
    partage = coordination.get(_url("parcours:partage", parcours))

    assert phrase in objectifs
    assert "Ne voit pas l’enfant" in objectifs  # on the action's row
    assert [s.pk for s in partage.context["structures_hors_consentement"]] == [structure.pk]
    # The structure named by the consent is not listed.
    assert monde.structure.nom not in re.search(
        r'id="hors-consentement".*?</div>', objectifs, re.S
    ).group(0)
    # What the page says is true: that structure's professionals get 404 on every section.
    for pro in (monde.etranger, professionnel(structure)):
        client = client_de(pro.user)
        for nom in SECTIONS_FICHE:
            assert client.get(_url(nom, parcours)).status_code == 404, (pro, nom)


def test_choisir_l_offre_d_une_structure_non_nommee_avertit_des_l_ouverture(monde):
    offre = fab.offre(monde.etranger.structure, monde.a.programme, intitule="Théâtre")
    page = client_de(monde.a.coordinateur).get(
        _url("parcours:action_ajouter", monde.p.parcours), {"offre": offre.pk}
    )

    assert page.status_code == 200
    html = page.content.decode()
    assert "Structure non nommée par le consentement" in html
    assert 'name="confirmer_consentement"' in html
