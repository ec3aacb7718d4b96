"""Arbitrary text in every free-text field of the main forms (pathway creation, note, offer,
unmet need): never a 500, and the text is escaped wherever it is shown back."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.acces.monde import _corps_creation, construire_monde, corps
from tests.conftest import connecter
from tests.factories.partage import partenaire, professionnel
from tests.partenaires.test_offres import donnees_offre

pytestmark = pytest.mark.django_db

# Always a character HTML must escape, then anything (hypothesis excludes surrogates).
# NUL is refused by the whole site with a 400 (reussite.core.saisie; the URL sweep tests it).
TEXTE = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=300).map(
    lambda t: f"<i>{t}"
)


def _verifier(client: Client, reponse, valeurs: list[str], page: str):
    assert reponse.status_code in (200, 302), (page, reponse.status_code)
    pages = [reponse]
    if reponse.status_code == 302:
        pages.append(client.get(reponse["Location"]))
        assert pages[-1].status_code == 200, (page, reponse["Location"])
    for rendu in pages:
        texte = rendu.content.decode()
        for valeur in valeurs:
            propre = valeur.replace("\x00", "").strip()
            if len(propre) > 3:
                assert propre not in texte, (page, "non échappé", propre)


@pytest.mark.lent  # property-based fuzzing of the main forms (8 s on the 2-core machine)
def test_texte_arbitraire_dans_les_formulaires_principaux():
    monde = construire_monde()
    coordination = connecter(Client(), monde.a.coordinateur)
    d = monde.p
    structure = partenaire(monde.a.programme)
    membre = connecter(Client(), professionnel(structure).user)

    formulaires = [
        (
            coordination,
            reverse("parcours:creer"),
            _corps_creation(monde),
            ["enfant-nom", "enfant-prenom", "famille-adresse", "responsables-0-nom"],
        ),
        (
            coordination,
            reverse("parcours:note_ajouter", args=[d.parcours.pk]),
            corps("parcours:note_ajouter", d),
            ["texte"],
        ),
        (
            coordination,
            reverse("parcours:besoin_ajouter", args=[d.parcours.pk]),
            corps("parcours:besoin_ajouter", d),
            ["territoire", "description"],
        ),
        (
            membre,
            reverse("partenaires:offre_creer"),
            {
                **donnees_offre(),
                "structure": structure.pk,
                "unite_capacite": "places",
                "periode_capacite": "annee_scolaire",
                "programmes": [monde.a.programme.pk],
            },
            ["intitule", "description", "territoire"],
        ),
    ]

    @given(donnees=st.data())
    def essai(donnees):
        for client, url, base, champs in formulaires:
            valeurs = {champ: donnees.draw(TEXTE, label=f"{url} {champ}") for champ in champs}
            reponse = client.post(url, {**base, **valeurs})
            _verifier(client, reponse, list(valeurs.values()), url)

    essai()
