"""Continuity gaps of issue 21: anonymisation of the new free texts, redirected requests that
become a request to the suggested structure, the school level's school year, the transitions'
change history, the schemes in the pathway's PDF and in the API."""

import json
from datetime import date, timedelta

import pytest
from django.apps import apps

from parcours.models import Dispositif, Parcours, ParoleFamille, Sollicitation, Statut, Transition
from parcours.services import (
    TEXTE_SUPPRIME,
    dispositif_ajouter,
    enfants_anonymiser,
    parole_ajouter,
    sollicitation_repondre,
    transition_creer,
    transition_modifier,
)
from tests.parcours.test_sollicitations import Reseau

pytestmark = pytest.mark.django_db

SECRETS = (
    "Un bilan orthophonique",
    "Difficultés de langage repérées à l’école",
    "Voir le CMPP Voltaire",
    "Appeler le secrétariat",
    "Collège Jean-Moulin",
    "Mme Ladoucette, CPE",
    "Je veux nager",
    "Mme Petit au 06",
    "Centre social Nord",
)


@pytest.fixture
def r() -> Reseau:
    return Reseau()


def _evenements(modele):
    return apps.get_model("parcours", f"{modele}Event").objects


def _remplir(r: Reseau):
    """A pathway with every free text of issue 21, each edited once so that the history has
    rows to scrub."""
    sollicitation = r.solliciter()
    sollicitation_repondre(
        sollicitation=sollicitation,
        donnees={
            "statut": "refusee",
            "motif_refus": "autre",
            "commentaire_reponse": "Appeler le secrétariat",
        },
        version=sollicitation.version,
        auteur=r.etranger.user,
    )
    Sollicitation.objects.filter(pk=sollicitation.pk).update(redirigee_vers="Voir le CMPP Voltaire")
    parcours = Parcours.objects.get(pk=r.parcours.pk)
    transition = transition_creer(
        parcours=parcours,
        annee_rentree=2027,
        auteur=r.a.coordinateur,
        donnees={"type": "cm2_6e", "etablissement_accueil": "Collège Jean-Moulin"},
    )
    transition_modifier(
        transition=transition,
        version=transition.version,
        auteur=r.a.coordinateur,
        donnees={"referent_accueil": "Mme Ladoucette, CPE"},
    )
    dispositif_ajouter(
        parcours=parcours,
        auteur=r.a.coordinateur,
        type="clas",
        date_debut=date.today() - timedelta(days=30),
        precision="Centre social Nord",
        accord_contact=True,
        contact="Mme Petit au 06",
    )
    parole_ajouter(
        objectif=r.objectif,
        auteur=r.a.coordinateur,
        locuteur="enfant",
        moment="souhaits",
        date=date.today(),
        texte="Je veux nager",
    )
    return sollicitation, transition


def test_l_anonymisation_efface_les_textes_de_l_issue_21_et_leur_historique(r):
    sollicitation, transition = _remplir(r)
    assert _evenements("Transition").filter(pgh_obj_id=transition.pk).count() == 2
    textes_avant = json.dumps(
        [list(_evenements(m).values()) for m in ("Sollicitation", "Transition")],
        default=str,
        ensure_ascii=False,
    )
    assert "Collège Jean-Moulin" in textes_avant and "Un bilan orthophonique" in textes_avant
    Parcours.objects.filter(pk=r.parcours.pk).update(
        statut=Statut.SORTI,
        date_entree=date(2022, 9, 1),
        date_sortie=date(2023, 6, 30),
        motif_sortie="demenagement",
    )

    assert enfants_anonymiser().enfants == 1

    sollicitation.refresh_from_db()
    assert (sollicitation.demande, sollicitation.motif, sollicitation.commentaire_reponse) == (
        TEXTE_SUPPRIME,
        TEXTE_SUPPRIME,
        TEXTE_SUPPRIME,
    )
    # What the obstacles report counts stays.
    assert (sollicitation.statut, sollicitation.motif_refus, sollicitation.domaine) == (
        "refusee",
        "autre",
        "sante",
    )
    transition.refresh_from_db()
    assert (transition.type, transition.annee_rentree) == ("cm2_6e", 2027)
    lignes = [
        list(m.objects.filter(**f).values())
        for m, f in (
            (Sollicitation, {"parcours": r.parcours}),
            (Transition, {"parcours": r.parcours}),
            (Dispositif, {"parcours": r.parcours}),
            (ParoleFamille, {"objectif__parcours": r.parcours}),
        )
    ] + [
        list(_evenements(m).values())
        for m in ("Sollicitation", "Transition", "Parcours", "Enfant", "Famille")
    ]
    textes = json.dumps(lignes, default=str, ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in textes, secret
