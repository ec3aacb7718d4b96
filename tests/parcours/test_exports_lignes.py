"""The rows of the pathway and action exports, read as tuples (issue 18, point 2).

The exports used to build nine model instances per row; they now read `values_list` of the
exported columns. A varied data set (every optional relation present and absent, a user known
only by their address, texts starting like formulas, quotes, separators and line breaks,
empty and decimal numbers) must give the same bytes as before."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.http import QueryDict

from parcours.exports import tableau_actions, tableau_parcours
from parcours.models import Action, ActionCollective, Objectif, Parcours
from partenaires import services as services_conventions
from partenaires.models import Domaine
from reussite.core import exports
from reussite.core.models import Role
from reussite.core.services import role_attribuer
from tests.factories import actions as fabrique
from tests.factories.core import UserFactory
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import partenaire, pre, professionnel

pytestmark = pytest.mark.django_db


class Jeu:
    def __init__(self):
        self.a, self.b = pre(nom="PRE Alpha"), pre(nom="PRE Bêta")
        programme = self.a.programme
        self.ecole = partenaire(programme, nom="École Jules-Ferry")
        self.asso = partenaire(programme, nom='+Asso; "Lire"')
        self.ines = professionnel(
            self.asso,
            user=UserFactory(first_name="Inès", last_name="Durand", email="ines@exemple.test"),
        )
        self.sans_nom = professionnel(
            self.ecole, user=UserFactory(first_name="", last_name="", email="=sans@exemple.test")
        )
        self.p1 = self.parcours(
            programme,
            enfant={
                "nom": "=Martin",
                "prenom": "Léa",
                "date_naissance": date(2016, 3, 4),
                "sexe": "F",
                "niveau_scolaire": "ce1",
                "classe": "CE1 B",
                "etablissement": self.ecole,
                "qpv": True,
            },
            statut="en_cours",
            orienteur="ecole",
            referent=self.ines,
            date_entree=date(2025, 9, 1),
            date_prochaine_revue=date(2026, 1, 15),
        )
        self.p2 = self.parcours(
            programme,
            enfant={
                "nom": "Nguyen",
                "prenom": "Tom",
                "date_naissance": date(2014, 11, 30),
                "sexe": "M",
                "niveau_scolaire": "",
                "classe": "",
            },
            statut="sorti",
            orienteur="pmi",
            referent=self.sans_nom,
            date_entree=date(2024, 1, 8),
            date_sortie=date(2026, 6, 30),
            motif_sortie="demenagement",
        )
        self.p3 = self.parcours(
            programme,
            enfant={"nom": "Petit", "prenom": "Zoé", "date_naissance": date(2019, 12, 31)},
            statut="reperage",
            orienteur="famille",
            date_entree=date(2026, 2, 2),
        )
        # Another programme's rows never reach programme A's coordinator.
        self.parcours(
            self.b.programme,
            enfant={"nom": "Autre", "prenom": "Bêta"},
            date_entree=date(2026, 1, 1),
        )
        admin = UserFactory()
        role_attribuer(user=admin, programme=programme, role=Role.ADMINISTRATEUR)
        convention = services_conventions.convention_creer(
            programme=programme,
            auteur=admin,
            intitule="Convention lecture 2026",
            objet="Lecture",
            date_debut=date(2025, 1, 1),
            date_fin=date(2027, 12, 31),
        )
        objectif = Objectif.objects.create(
            parcours=self.p1, domaine=Domaine.SCOLARITE, intitule="Lire ; écrire"
        )
        objectif_sante = Objectif.objects.create(
            parcours=self.p2, domaine=Domaine.SANTE, intitule="@Voir l’orthophoniste"
        )
        offre = fabrique.offre(self.asso, programme, intitule="Aide aux devoirs")
        collective = ActionCollective.objects.create(
            programme=programme,
            intitule="Atelier « conte »",
            structure=self.asso,
            date_debut=date(2026, 1, 5),
        )
        Action.objects.create(
            parcours=self.p1,
            objectif=objectif,
            intitule="Séances de lecture",
            offre=offre,
            collective=collective,
            structure=self.asso,
            professionnel=self.ines,
            date_debut=date(2026, 1, 5),
            date_fin=date(2026, 3, 31),
            statut="en_cours",
            resultat='Bonne "progression"\nà suivre; en mars',
            cout=Decimal("120.50"),
            heures=Decimal("12.5"),
            convention=convention,
        )
        Action.objects.create(
            parcours=self.p1, intitule="-2 séances", date_debut=date(2025, 10, 1), statut="prevue"
        )
        Action.objects.create(
            parcours=self.p2,
            objectif=objectif_sante,
            intitule="Bilan",
            structure=self.ecole,
            professionnel=self.sans_nom,
            date_debut=date(2025, 10, 1),
            statut="realisee",
            resultat="\tfait",
            cout=Decimal("0.00"),
        )

    @staticmethod
    def parcours(programme, *, enfant, **donnees) -> Parcours:
        return ParcoursFactory(
            programme=programme, enfant=EnfantFactory(programme=programme, **enfant), **donnees
        )


@pytest.fixture
def jeu():
    return Jeu()


def _csv(tableau) -> bytes:
    return "".join(exports.lignes_csv(tableau.entetes, tableau.lignes())).encode()


def _feuille_xlsx(tableau) -> str:
    contenu = b"".join(exports._xlsx_neutralise(tableau))
    with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


# --- Golden rows: what the exports wrote before rows were read as tuples (main at 4b44edd,
# checked by running this test there; a comparison with the former row functions passed too
# before they were removed), byte for byte. ---------------------------------------------------

DEBUT_FEUILLE, FIN_FEUILLE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
    "</sheetData></worksheet>",
)

CSV_PARCOURS = [
    "\ufeffProgramme;Nom;Prénom;Date de naissance;Sexe;Niveau scolaire;Classe;École;QPV;Statut;Orienté par;Référent;Date d’entrée;Date de sortie;Motif de sortie;Prochaine revue\r\n",
    "PRE Alpha;'=Martin;Léa;04/03/2016;Fille;CE1;CE1 B;École Jules-Ferry;oui;En cours;École / établissement scolaire;Inès Durand;01/09/2025;;;15/01/2026\r\n",
    "PRE Alpha;Nguyen;Tom;30/11/2014;Garçon;;;;non;Sorti;PMI;'=sans@exemple.test;08/01/2024;30/06/2026;Déménagement;\r\n",
    "PRE Alpha;Petit;Zoé;31/12/2019;Fille;;;;non;Repérage;Famille;;02/02/2026;;;\r\n",
]

XLSX_PARCOURS = [
    '<row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve">Programme</t></is></c><c r="B1" t="inlineStr"><is><t xml:space="preserve">Nom</t></is></c><c r="C1" t="inlineStr"><is><t xml:space="preserve">Prénom</t></is></c><c r="D1" t="inlineStr"><is><t xml:space="preserve">Date de naissance</t></is></c><c r="E1" t="inlineStr"><is><t xml:space="preserve">Sexe</t></is></c><c r="F1" t="inlineStr"><is><t xml:space="preserve">Niveau scolaire</t></is></c><c r="G1" t="inlineStr"><is><t xml:space="preserve">Classe</t></is></c><c r="H1" t="inlineStr"><is><t xml:space="preserve">École</t></is></c><c r="I1" t="inlineStr"><is><t xml:space="preserve">QPV</t></is></c><c r="J1" t="inlineStr"><is><t xml:space="preserve">Statut</t></is></c><c r="K1" t="inlineStr"><is><t xml:space="preserve">Orienté par</t></is></c><c r="L1" t="inlineStr"><is><t xml:space="preserve">Référent</t></is></c><c r="M1" t="inlineStr"><is><t xml:space="preserve">Date d’entrée</t></is></c><c r="N1" t="inlineStr"><is><t xml:space="preserve">Date de sortie</t></is></c><c r="O1" t="inlineStr"><is><t xml:space="preserve">Motif de sortie</t></is></c><c r="P1" t="inlineStr"><is><t xml:space="preserve">Prochaine revue</t></is></c></row>',
    '<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve">PRE Alpha</t></is></c><c r="B2" t="inlineStr"><is><t xml:space="preserve">\'=Martin</t></is></c><c r="C2" t="inlineStr"><is><t xml:space="preserve">Léa</t></is></c><c r="D2" s="1"><v>42433</v></c><c r="E2" t="inlineStr"><is><t xml:space="preserve">Fille</t></is></c><c r="F2" t="inlineStr"><is><t xml:space="preserve">CE1</t></is></c><c r="G2" t="inlineStr"><is><t xml:space="preserve">CE1 B</t></is></c><c r="H2" t="inlineStr"><is><t xml:space="preserve">École Jules-Ferry</t></is></c><c r="I2" t="inlineStr"><is><t xml:space="preserve">oui</t></is></c><c r="J2" t="inlineStr"><is><t xml:space="preserve">En cours</t></is></c><c r="K2" t="inlineStr"><is><t xml:space="preserve">École / établissement scolaire</t></is></c><c r="L2" t="inlineStr"><is><t xml:space="preserve">Inès Durand</t></is></c><c r="M2" s="1"><v>45901</v></c><c r="P2" s="1"><v>46037</v></c></row>',
    '<row r="3"><c r="A3" t="inlineStr"><is><t xml:space="preserve">PRE Alpha</t></is></c><c r="B3" t="inlineStr"><is><t xml:space="preserve">Nguyen</t></is></c><c r="C3" t="inlineStr"><is><t xml:space="preserve">Tom</t></is></c><c r="D3" s="1"><v>41973</v></c><c r="E3" t="inlineStr"><is><t xml:space="preserve">Garçon</t></is></c><c r="I3" t="inlineStr"><is><t xml:space="preserve">non</t></is></c><c r="J3" t="inlineStr"><is><t xml:space="preserve">Sorti</t></is></c><c r="K3" t="inlineStr"><is><t xml:space="preserve">PMI</t></is></c><c r="L3" t="inlineStr"><is><t xml:space="preserve">\'=sans@exemple.test</t></is></c><c r="M3" s="1"><v>45299</v></c><c r="N3" s="1"><v>46203</v></c><c r="O3" t="inlineStr"><is><t xml:space="preserve">Déménagement</t></is></c></row>',
    '<row r="4"><c r="A4" t="inlineStr"><is><t xml:space="preserve">PRE Alpha</t></is></c><c r="B4" t="inlineStr"><is><t xml:space="preserve">Petit</t></is></c><c r="C4" t="inlineStr"><is><t xml:space="preserve">Zoé</t></is></c><c r="D4" s="1"><v>43830</v></c><c r="E4" t="inlineStr"><is><t xml:space="preserve">Fille</t></is></c><c r="I4" t="inlineStr"><is><t xml:space="preserve">non</t></is></c><c r="J4" t="inlineStr"><is><t xml:space="preserve">Repérage</t></is></c><c r="K4" t="inlineStr"><is><t xml:space="preserve">Famille</t></is></c><c r="M4" s="1"><v>46055</v></c></row>',
]

CSV_ACTIONS = [
    "\ufeffProgramme;Nom de l’enfant;Prénom de l’enfant;Action;Objectif;Domaine;Offre;Action collective;Structure;Professionnel;Début;Fin prévue;Statut;Résultat;Coût (euros);Volume horaire;Convention\r\n",
    'PRE Alpha;\'=Martin;Léa;Séances de lecture;"Lire ; écrire";Scolarité;Aide aux devoirs;Atelier « conte »;"\'+Asso; ""Lire""";Inès Durand;05/01/2026;31/03/2026;En cours;"Bonne ""progression""\nà suivre; en mars";120,50;12,5;Convention lecture 2026\r\n',
    "PRE Alpha;'=Martin;Léa;'-2 séances;;;;;;;01/10/2025;;Prévue;;;;\r\n",
    "PRE Alpha;Nguyen;Tom;Bilan;'@Voir l’orthophoniste;Santé;;;École Jules-Ferry;'=sans@exemple.test;01/10/2025;;Réalisée;'\tfait;0,00;;\r\n",
]

XLSX_ACTIONS = [
    '<row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve">Programme</t></is></c><c r="B1" t="inlineStr"><is><t xml:space="preserve">Nom de l’enfant</t></is></c><c r="C1" t="inlineStr"><is><t xml:space="preserve">Prénom de l’enfant</t></is></c><c r="D1" t="inlineStr"><is><t xml:space="preserve">Action</t></is></c><c r="E1" t="inlineStr"><is><t xml:space="preserve">Objectif</t></is></c><c r="F1" t="inlineStr"><is><t xml:space="preserve">Domaine</t></is></c><c r="G1" t="inlineStr"><is><t xml:space="preserve">Offre</t></is></c><c r="H1" t="inlineStr"><is><t xml:space="preserve">Action collective</t></is></c><c r="I1" t="inlineStr"><is><t xml:space="preserve">Structure</t></is></c><c r="J1" t="inlineStr"><is><t xml:space="preserve">Professionnel</t></is></c><c r="K1" t="inlineStr"><is><t xml:space="preserve">Début</t></is></c><c r="L1" t="inlineStr"><is><t xml:space="preserve">Fin prévue</t></is></c><c r="M1" t="inlineStr"><is><t xml:space="preserve">Statut</t></is></c><c r="N1" t="inlineStr"><is><t xml:space="preserve">Résultat</t></is></c><c r="O1" t="inlineStr"><is><t xml:space="preserve">Coût (euros)</t></is></c><c r="P1" t="inlineStr"><is><t xml:space="preserve">Volume horaire</t></is></c><c r="Q1" t="inlineStr"><is><t xml:space="preserve">Convention</t></is></c></row>',
    '<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve">PRE Alpha</t></is></c><c r="B2" t="inlineStr"><is><t xml:space="preserve">\'=Martin</t></is></c><c r="C2" t="inlineStr"><is><t xml:space="preserve">Léa</t></is></c><c r="D2" t="inlineStr"><is><t xml:space="preserve">Séances de lecture</t></is></c><c r="E2" t="inlineStr"><is><t xml:space="preserve">Lire ; écrire</t></is></c><c r="F2" t="inlineStr"><is><t xml:space="preserve">Scolarité</t></is></c><c r="G2" t="inlineStr"><is><t xml:space="preserve">Aide aux devoirs</t></is></c><c r="H2" t="inlineStr"><is><t xml:space="preserve">Atelier « conte »</t></is></c><c r="I2" t="inlineStr"><is><t xml:space="preserve">\'+Asso; "Lire"</t></is></c><c r="J2" t="inlineStr"><is><t xml:space="preserve">Inès Durand</t></is></c><c r="K2" s="1"><v>46027</v></c><c r="L2" s="1"><v>46112</v></c><c r="M2" t="inlineStr"><is><t xml:space="preserve">En cours</t></is></c><c r="N2" t="inlineStr"><is><t xml:space="preserve">Bonne "progression"\nà suivre; en mars</t></is></c><c r="O2"><v>120.50</v></c><c r="P2"><v>12.5</v></c><c r="Q2" t="inlineStr"><is><t xml:space="preserve">Convention lecture 2026</t></is></c></row>',
    '<row r="3"><c r="A3" t="inlineStr"><is><t xml:space="preserve">PRE Alpha</t></is></c><c r="B3" t="inlineStr"><is><t xml:space="preserve">\'=Martin</t></is></c><c r="C3" t="inlineStr"><is><t xml:space="preserve">Léa</t></is></c><c r="D3" t="inlineStr"><is><t xml:space="preserve">\'-2 séances</t></is></c><c r="K3" s="1"><v>45931</v></c><c r="M3" t="inlineStr"><is><t xml:space="preserve">Prévue</t></is></c></row>',
    '<row r="4"><c r="A4" t="inlineStr"><is><t xml:space="preserve">PRE Alpha</t></is></c><c r="B4" t="inlineStr"><is><t xml:space="preserve">Nguyen</t></is></c><c r="C4" t="inlineStr"><is><t xml:space="preserve">Tom</t></is></c><c r="D4" t="inlineStr"><is><t xml:space="preserve">Bilan</t></is></c><c r="E4" t="inlineStr"><is><t xml:space="preserve">\'@Voir l’orthophoniste</t></is></c><c r="F4" t="inlineStr"><is><t xml:space="preserve">Santé</t></is></c><c r="I4" t="inlineStr"><is><t xml:space="preserve">École Jules-Ferry</t></is></c><c r="J4" t="inlineStr"><is><t xml:space="preserve">\'=sans@exemple.test</t></is></c><c r="K4" s="1"><v>45931</v></c><c r="M4" t="inlineStr"><is><t xml:space="preserve">Réalisée</t></is></c><c r="N4" t="inlineStr"><is><t xml:space="preserve">\'\tfait</t></is></c><c r="O4"><v>0.00</v></c></row>',
]


@pytest.mark.parametrize(
    ("construire", "csv_attendu", "xlsx_attendu"),
    [
        (tableau_parcours, CSV_PARCOURS, XLSX_PARCOURS),
        (tableau_actions, CSV_ACTIONS, XLSX_ACTIONS),
    ],
)
def test_les_exports_ecrivent_les_octets_attendus(jeu, construire, csv_attendu, xlsx_attendu):
    tableau = construire(jeu.a.coordinateur, QueryDict())
    assert _csv(tableau).decode() == "".join(csv_attendu)
    assert _feuille_xlsx(tableau) == DEBUT_FEUILLE + "".join(xlsx_attendu) + FIN_FEUILLE


def test_les_lignes_sont_lues_sans_instance_de_modele(jeu, monkeypatch):
    """Issue 18: a 10,000-row export built nine model instances per row (most of its time)."""

    def interdit(cls, *args, **kwargs):
        raise AssertionError(f"instance de {cls.__name__} construite pour une ligne")

    for modele in (Parcours, Action, Objectif, ActionCollective):
        monkeypatch.setattr(modele, "from_db", classmethod(interdit))
    for construire in (tableau_parcours, tableau_actions):
        tableau = construire(jeu.a.coordinateur, QueryDict())
        assert _csv(tableau).count(b"\r\n") == 4
        assert _feuille_xlsx(tableau).count("<row ") == 4
