"""Data entry refuses nonsense (issue 15, point 12): phone numbers that are not possible French
numbers, dates outside their plausible range (one table, documented), with the DSFR error summary
at the top of the form."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from parcours.models import Parcours, ResponsableLegal
from parcours.services import parcours_modifier
from reussite.core.dates import PLAGES, PlageDates, plage
from reussite.core.telephones import valider_telephone
from tests.acces.balayage import client_de
from tests.acces.monde import construire_monde, corps

pytestmark = pytest.mark.django_db

RACINE = Path(__file__).resolve().parents[2]


# --- The table -------------------------------------------------------------------------------


def test_chaque_plage_de_la_table_est_documentee():
    doc = (RACINE / "docs" / "saisie.md").read_text()
    documentees = set(re.findall(r"^\| `(\w+)` \|", doc, flags=re.MULTILINE))
    assert documentees == set(PLAGES)


@pytest.mark.parametrize("cle", sorted(PLAGES))
def test_chaque_plage_accepte_ses_bornes_et_refuse_au_dela(cle):
    debut, fin = plage(cle)
    PlageDates(cle)(debut)
    PlageDates(cle)(fin)
    for hors in (debut - timedelta(days=1), fin + timedelta(days=1)):
        with pytest.raises(ValidationError) as erreur:
            PlageDates(cle)(hors)
        assert "doit être comprise entre le" in erreur.value.messages[0]


def test_les_plages_demandees():
    aujourdhui = date(2026, 12, 2)
    assert plage("entree", aujourdhui) == (date(2005, 1, 1), date(2027, 12, 2))
    assert plage("sortie", aujourdhui) == (date(2005, 1, 1), date(2027, 12, 2))
    assert plage("consentement_signature", aujourdhui)[1] == aujourdhui
    assert plage("revue", aujourdhui)[1] == date(2028, 12, 2)
    assert plage("convention", aujourdhui) == (date(2000, 1, 1), date(2100, 12, 31))
    debut, fin = plage("naissance", aujourdhui)
    assert fin == aujourdhui and debut <= date(2008, 12, 2)  # 18 years old today still fits
    assert plage("naissance", date(2024, 2, 29))[0] == date(1998, 2, 28)


# --- Phone numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "numero", ["06 39 98 12 34", "0639981234", "+33 6 39 98 12 34", "01 99 00 12 34", ""]
)
def test_un_numero_possible_est_accepte_meme_dans_la_tranche_de_fiction(numero):
    valider_telephone(numero)


@pytest.mark.parametrize("numero", ["abc", "123", "06 39 98 12 34 56 78", "06-39"])
def test_un_numero_impossible_est_refuse(numero):
    with pytest.raises(ValidationError):
        valider_telephone(numero)


# --- Through the pages ------------------------------------------------------------------------


def _resume(texte: str) -> str:
    """The error summary, which must come before the first field of the form."""
    debut = texte.index('class="fr-alert fr-alert--error fr-mb-3w resume-erreurs"')
    return texte[debut : texte.index("</div>", debut)]


def test_les_pages_refusent_un_telephone_ou_une_date_absurde_avec_un_resume_en_tete():
    monde = construire_monde()
    client = client_de(monde.a.coordinateur)
    p = monde.p.parcours
    cas = [
        (
            "parcours:modifier",
            {"parcours-date_entree": "1900-01-01"},
            "La date d’entrée doit être comprise entre le 01/01/2005",
        ),
        (
            "parcours:modifier_famille",
            {"responsables-0-telephone": "abc"},
            "Saisissez un numéro de téléphone",
        ),
        (
            "parcours:modifier_enfant",
            {"enfant-date_naissance": "1950-03-01"},
            "La date de naissance doit être comprise entre le",
        ),
        (
            "parcours:consentement",
            {"date_signature": "1901-05-04"},
            "La date de signature doit être comprise entre le 01/01/2005",
        ),
        (
            "parcours:rupture_ajouter",
            {"date": "2099-01-01"},
            "La date doit être comprise entre le 01/01/2005",
        ),
    ]
    for nom, mauvais, message in cas:
        avant = Parcours.objects.filter(pk=p.pk).values().get()
        reponse = client.post(reverse(nom, args=[p.pk]), corps(nom, monde.p) | mauvais)
        assert reponse.status_code == 200, nom
        texte = reponse.content.decode()
        assert message in texte, nom
        resume = _resume(texte)
        assert message in resume or "Le formulaire contient" in resume, nom
        # The summary comes first, then the fields: the bad value is kept in its field.
        valeur = next(iter(mauvais.values()))
        assert texte.index("resume-erreurs") < texte.index(f'value="{valeur}"'), nom
        assert Parcours.objects.filter(pk=p.pk).values().get() == avant, nom
    assert ResponsableLegal.objects.filter(telephone="abc").count() == 0


def test_le_service_refuse_aussi_une_date_hors_plage():
    monde = construire_monde()
    with pytest.raises(ValidationError) as erreur:
        parcours_modifier(
            parcours=monde.p.parcours,
            donnees={"date_entree": date(1900, 1, 1)},
            auteur=monde.a.coordinateur,
            version=Parcours.objects.get(pk=monde.p.parcours.pk).version,
        )
    assert "date_entree" in erreur.value.message_dict


def test_une_convention_de_1999_est_refusee(client):
    from partenaires import services as services_partenaires
    from reussite.core.models import Role
    from reussite.core.services import role_attribuer
    from tests.factories.core import UserFactory
    from tests.factories.partage import pre

    a = pre()
    admin = UserFactory()
    role_attribuer(user=admin, programme=a.programme, role=Role.ADMINISTRATEUR)
    with pytest.raises(ValidationError):
        services_partenaires.convention_creer(
            programme=a.programme,
            auteur=admin,
            intitule="Convention ancienne",
            objet="x",
            date_debut=date(1999, 1, 1),
            date_fin=date(2001, 1, 1),
        )


# --- The demo data and the factories follow the rules -----------------------------------------


def ecarts_de_saisie() -> list:
    """Every stored value of a field that carries a date range or a phone check, run through
    its validators: what would fail the next time the row goes through a form or a service."""
    from django.apps import apps

    ecarts = []
    for modele in apps.get_models():
        champs = [
            f
            for f in modele._meta.concrete_fields
            if any(isinstance(v, PlageDates) or v is valider_telephone for v in f.validators)
        ]
        if not champs:
            continue
        for ligne in modele.objects.values_list("pk", *(f.attname for f in champs)):
            for champ, valeur in zip(champs, ligne[1:], strict=True):
                if valeur in (None, ""):
                    continue
                try:
                    champ.run_validators(valeur)
                except ValidationError as erreur:
                    ecarts.append((modele.__name__, ligne[0], champ.name, valeur, erreur.messages))
    return ecarts


def test_les_fabriques_des_tests_respectent_les_regles_de_saisie():
    from tests.core.test_saisie_formulaires import _monde_complet

    _monde_complet()
    assert not ecarts_de_saisie()
