"""Importing an existing caseload (issue 17, point 2): dry run, French errors per row and
column, all-or-nothing confirmation, idempotent re-import, bad files refused."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from parcours.models import (
    Consentement,
    Enfant,
    ImportParcours,
    Parcours,
    Statut,
    StatutImport,
)
from parcours.services import imports as service
from parcours.services.imports import COLONNES, import_analyser, import_appliquer
from reussite.core.imports import lecture
from tests.conftest import connecter
from tests.factories.core import administrateur
from tests.factories.parcours import EnfantFactory
from tests.factories.partage import pre, professionnel
from tests.support.formulaires import jeton

pytestmark = pytest.mark.django_db

ENTETES = [c.cle for c in COLONNES]


def _ligne(identifiant="A-1", **valeurs) -> dict:
    naissance = date.today() - timedelta(days=365 * 9)
    return {
        "identifiant": identifiant,
        "nom": "Martin",
        "prenom": "Léa",
        "date_naissance": naissance.strftime("%d/%m/%Y"),
        "sexe": "F",
        "niveau_scolaire": "CE2",
        "commune": "Villeneuve",
        "responsable_nom": "Martin",
        "responsable_prenom": "Sophie",
        "responsable_lien": "mère",
        "responsable_telephone": "06 39 98 00 01",
        "statut": "en cours",
        "date_entree": (date.today() - timedelta(days=200)).strftime("%d/%m/%Y"),
        "orienteur": "École / établissement scolaire",
        "motifs": "résultats scolaires|Isolement social",
        "consentement_date_signature": (date.today() - timedelta(days=190)).strftime("%d/%m/%Y"),
        "consentement_date_expiration": (date.today() + timedelta(days=100)).strftime("%d/%m/%Y"),
        "consentement_finalites": "accompagnement",
        **valeurs,
    }


def _csv(*lignes: dict, encodage="utf-8-sig", separateur=";", entetes=None) -> SimpleUploadedFile:
    entetes = entetes or ENTETES
    texte = separateur.join(entetes) + "\r\n"
    for ligne in lignes:
        texte += separateur.join(ligne.get(e, "") for e in entetes) + "\r\n"
    return SimpleUploadedFile("parcours.csv", texte.encode(encodage), content_type="text/csv")


@pytest.fixture
def a():
    return pre(nom="PRE Alpha")


def _analyser(a, fichier) -> ImportParcours:
    return import_analyser(programme=a.programme, auteur=a.coordinateur, fichier=fichier)


def _erreurs(imp) -> dict[int, list]:
    return {ligne["ligne"]: ligne["erreurs"] for ligne in imp.lignes if ligne["erreurs"]}


def test_l_analyse_n_ecrit_rien_puis_la_confirmation_cree_tout(a):
    referent = professionnel(a.porteuse)
    imp = _analyser(
        a,
        _csv(
            _ligne("A-1", referent_email=referent.user.email.upper()),
            _ligne("A-2", nom="Benali", prenom="Adam", sexe="M", statut="repérage"),
            _ligne(
                "A-3",
                nom="Diallo",
                prenom="Aya",
                statut="sorti",
                date_sortie=date.today().strftime("%d/%m/%Y"),
                motif_sortie="déménagement",
            ),
        ),
    )

    assert [ligne["action"] for ligne in imp.lignes] == ["creer", "creer", "creer"]
    assert not Enfant.objects.exists()

    imp = import_appliquer(import_id=imp.pk)

    assert imp.statut == StatutImport.TERMINE
    assert imp.resultat["crees"] == [2, 3, 4]
    lea = Parcours.objects.get(enfant__identifiant_externe="A-1")
    assert (lea.statut, lea.referent, lea.orienteur) == (Statut.EN_COURS, referent, "ecole")
    assert lea.motifs_orientation == ["resultats_scolaires", "isolement_social"]
    assert lea.consentements.get().est_valide()
    assert lea.enfant.famille.responsables.get().prenom == "Sophie"
    assert Parcours.objects.get(enfant__identifiant_externe="A-2").statut == Statut.REPERAGE
    sorti = Parcours.objects.get(enfant__identifiant_externe="A-3")
    assert (sorti.statut, sorti.motif_sortie) == (Statut.SORTI, "demenagement")
    # In the change history as an import by that person.
    from pghistory.models import Events

    contextes = {
        (e.pgh_context or {}).get("import") for e in Events.objects.tracks(lea.enfant).all()
    }
    assert contextes == {imp.pk}


def test_reimporter_le_meme_fichier_ne_change_rien_et_un_fichier_corrige_met_a_jour(a):
    fichier = _csv(_ligne("A-1"), _ligne("A-2", nom="Benali", prenom="Adam"))
    import_appliquer(import_id=_analyser(a, fichier).pk)
    versions = dict(Enfant.objects.values_list("identifiant_externe", "version"))

    meme = _analyser(a, _csv(_ligne("A-1"), _ligne("A-2", nom="Benali", prenom="Adam")))
    assert [ligne["action"] for ligne in meme.lignes] == ["inchange", "inchange"]
    import_appliquer(import_id=meme.pk)
    assert dict(Enfant.objects.values_list("identifiant_externe", "version")) == versions

    corrige = _analyser(
        a, _csv(_ligne("A-1", niveau_scolaire="CM1"), _ligne("A-2", nom="Benali", prenom="Adam"))
    )
    assert [ligne["action"] for ligne in corrige.lignes] == ["modifier", "inchange"]
    import_appliquer(import_id=corrige.pk)
    assert Enfant.objects.count() == 2
    assert Enfant.objects.get(identifiant_externe="A-1").niveau_scolaire == "cm1"


def test_chaque_erreur_nomme_la_ligne_la_colonne_et_le_probleme(a):
    EnfantFactory(
        programme=a.programme,
        nom="Existant",
        prenom="Déjà",
        date_naissance=date(2015, 5, 4),
    )
    imp = _analyser(
        a,
        _csv(
            _ligne("L2", referent_email="inconnu@exemple.test"),
            _ligne("L3", nom="Vieux", date_naissance="01/01/1950"),
            _ligne(
                "L4", nom="Sans", consentement_date_signature="", consentement_date_expiration=""
            ),
            _ligne("L5", nom="EXISTANT", prenom="deja", date_naissance="04/05/2015"),
            _ligne("L6", nom="Autre", sexe="X"),
            _ligne("L2", nom="Double"),
        ),
    )

    erreurs = _erreurs(imp)
    assert [ligne["action"] for ligne in imp.lignes] == ["rejet"] * 6
    assert erreurs[2][0][0] == "referent_email" and "référent inconnu" in erreurs[2][0][1]
    assert erreurs[3][0][0] == "date_naissance"
    assert erreurs[4][0][0] == "consentement_date_signature"
    assert "demande le consentement écrit" in erreurs[4][0][1]
    assert "doublon probable" in erreurs[5][0][1]
    assert erreurs[6][0][0] == "sexe"
    assert erreurs[7] == [["identifiant", "identifiant déjà présent ligne 2."]]


def test_le_csv_d_excel_en_windows_1252_et_les_colonnes_manquantes_ou_inconnues(a):
    imp = _analyser(a, _csv(_ligne(nom="Lefèvre", prenom="Zoé"), encodage="cp1252"))
    assert imp.lignes[0]["valeurs"]["nom"] == "Lefèvre"
    assert imp.lignes[0]["action"] == "creer"
    avec_virgules = _analyser(
        a, _csv(_ligne("B-1", nom="Virgule"), separateur=",", encodage="utf-8")
    )
    assert avec_virgules.lignes[0]["action"] == "creer"

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as erreur:
        _analyser(a, _csv(_ligne(), entetes=[e for e in ENTETES if e != "sexe"] + ["pointure"]))
    assert "Colonnes manquantes : sexe." in erreur.value.messages[0]
    assert "Colonnes inconnues : pointure" in erreur.value.messages[0]


def test_les_fichiers_trop_gros_ou_trop_longs_sont_refuses(a, monkeypatch):
    from django.core.exceptions import ValidationError

    monkeypatch.setattr(lecture, "LIGNES_MAX", 2)
    with pytest.raises(ValidationError, match="dépasse 2 lignes"):
        _analyser(a, _csv(_ligne("1"), _ligne("2"), _ligne("3")))
    gros = SimpleUploadedFile("gros.csv", b"x" * (lecture.TAILLE_MAX + 1))
    with pytest.raises(ValidationError, match="dépasse 10 Mo"):
        _analyser(a, gros)


def _xlsx(lignes: list[list]) -> SimpleUploadedFile:
    classeur = Workbook()
    feuille = classeur.active
    for ligne in lignes:
        feuille.append(ligne)
    tampon = io.BytesIO()
    classeur.save(tampon)
    return SimpleUploadedFile("parcours.xlsx", tampon.getvalue())


def test_un_xlsx_est_lu_sans_evaluer_ses_formules_et_une_bombe_est_refusee(a, monkeypatch):
    from django.core.exceptions import ValidationError

    valeurs = _ligne()
    ligne = [valeurs.get(e, "") for e in ENTETES]
    piegee = list(ligne)
    piegee[ENTETES.index("identifiant")] = "A-2"
    piegee[ENTETES.index("nom")] = '=HYPERLINK("http://exemple.test","x")'
    imp = _analyser(a, _xlsx([ENTETES, ligne, piegee]))

    assert imp.lignes[0]["action"] == "creer"
    # openpyxl keeps no computed value for a formula it wrote: read as a value, it is empty,
    # never computed.
    assert imp.lignes[1]["action"] == "rejet"
    assert imp.lignes[1]["erreurs"][0][0] == "nom"

    monkeypatch.setattr(lecture, "DECOMPRESSE_MAX", 1000)
    with pytest.raises(ValidationError, match="anormalement volumineux"):
        _analyser(a, _xlsx([ENTETES, ligne]))


def test_une_ligne_modifiee_depuis_l_analyse_est_refusee_et_listee(a):
    import_appliquer(import_id=_analyser(a, _csv(_ligne("A-1"), _ligne("A-2", nom="Benali"))).pk)
    corrige = _analyser(
        a,
        _csv(
            _ligne("A-1", niveau_scolaire="CM1"), _ligne("A-2", nom="Benali", niveau_scolaire="CM2")
        ),
    )
    enfant = Enfant.objects.get(identifiant_externe="A-1")
    Enfant.objects.filter(pk=enfant.pk).update(version=enfant.version + 1, classe="CE2 B")

    imp = import_appliquer(import_id=corrige.pk)

    assert imp.resultat["perimes"] == [2]
    assert imp.resultat["modifies"] == [3]
    assert Enfant.objects.get(identifiant_externe="A-1").niveau_scolaire == "ce2"


def test_tout_ou_rien_une_erreur_a_l_ecriture_n_importe_aucune_ligne(a):
    referent = professionnel(a.porteuse)
    imp = _analyser(
        a, _csv(_ligne("A-1"), _ligne("A-2", nom="Benali", referent_email=referent.user.email))
    )
    referent.actif = False  # left the structure between the dry run and the confirmation
    referent.save()

    imp = import_appliquer(import_id=imp.pk)

    assert imp.statut == StatutImport.ECHEC
    assert "ligne 3" in imp.resultat["erreur"]
    assert not Enfant.objects.exists() and not Consentement.objects.exists()


# --- Pages ------------------------------------------------------------------------------------


def test_le_parcours_de_la_page_analyse_apercu_confirmation(client, a):
    connecter(client, a.coordinateur)
    page = client.get(reverse("parcours:import"))
    modele = client.get(reverse("parcours:import_modele"))

    envoi = client.post(
        reverse("parcours:import"),
        {"jeton": jeton(), "programme": a.programme.pk, "fichier": _csv(_ligne("A-1"))},
    )
    imp = ImportParcours.objects.get()
    apercu = client.get(reverse("parcours:import_apercu", args=[imp.pk]))
    confirme = client.post(
        reverse("parcours:import_apercu", args=[imp.pk]), {"version": imp.version}
    )
    encore = client.post(reverse("parcours:import_apercu", args=[imp.pk]), {"version": imp.version})

    assert "consentement_date_signature" in page.content.decode()
    assert modele.content.decode("utf-8-sig").startswith("identifiant;nom;prenom")
    assert envoi["Location"] == reverse("parcours:import_apercu", args=[imp.pk])
    assert "1 enfant à créer" in apercu.content.decode()
    assert confirme.status_code == 302
    assert encore.status_code == 409  # confirmed already: the version moved on
    assert Enfant.objects.count() == 1
    resultat = client.get(reverse("parcours:import_apercu", args=[imp.pk])).content.decode()
    assert "1 enfant créé" in resultat


def test_un_mauvais_fichier_donne_un_rapport_en_francais_jamais_une_erreur_500(client, a):
    connecter(client, a.coordinateur)
    for contenu in (b"\x00\x01\x02binaire", b"PK\x03\x04pas un zip", b"nom;prenom\nA;B\n"):
        reponse = client.post(
            reverse("parcours:import"),
            {
                "jeton": jeton(),
                "programme": a.programme.pk,
                "fichier": SimpleUploadedFile("f.csv", contenu),
            },
        )
        assert reponse.status_code == 200
        assert "fr-alert--error" in reponse.content.decode()
    assert not ImportParcours.objects.exists()


def test_un_grand_fichier_est_importe_en_arriere_plan(
    client, a, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(service.FLUX, "seuil_arriere_plan", 1)
    imp = _analyser(a, _csv(_ligne("A-1"), _ligne("A-2", nom="Benali")))
    connecter(client, a.coordinateur)
    envoyes = []
    from parcours import tasks

    monkeypatch.setattr(tasks.import_parcours_appliquer, "delay", envoyes.append)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("parcours:import_apercu", args=[imp.pk]), {"version": imp.version})

    assert envoyes == [imp.pk]
    assert ImportParcours.objects.get().statut == StatutImport.EN_COURS
    assert (
        "L’import a commencé"
        in client.get(reverse("parcours:import_apercu", args=[imp.pk])).content.decode()
    )
    assert tasks.import_parcours_appliquer(imp.pk) == StatutImport.TERMINE
    assert Enfant.objects.count() == 2


def test_seule_la_coordination_du_programme_ouvre_un_import(client, a):
    imp = _analyser(a, _csv(_ligne()))
    b = pre(nom="PRE Bêta")
    partenaire = professionnel(a.porteuse)
    for user, attendu in ((a.coordinateur, 200), (b.coordinateur, 404), (partenaire.user, 404)):
        connecter(client, user)
        assert client.get(reverse("parcours:import_apercu", args=[imp.pk])).status_code == attendu
    assert client.get(reverse("parcours:import")).status_code == 403


# 5 since issue 18, point 3 (no session save, the DSFR configuration kept for a minute).
REQUETES_APERCU = 5


@pytest.mark.parametrize("nombre", [1, 20])
def test_l_apercu_coute_le_meme_nombre_de_requetes(client, a, django_assert_num_queries, nombre):
    imp = _analyser(a, _csv(*[_ligne(f"A-{i}", nom=f"Enfant{i}") for i in range(nombre)]))
    connecter(client, a.coordinateur)
    client.get(reverse("parcours:import_apercu", args=[imp.pk]))
    with django_assert_num_queries(REQUETES_APERCU):
        client.get(reverse("parcours:import_apercu", args=[imp.pk]))


# --- Templates (issue 17: a template for each import, read back without an error) ------------


def test_les_modeles_csv_et_xlsx_se_relisent_sans_erreur(client, a):
    from openpyxl import load_workbook

    connecter(client, a.coordinateur)
    csv_ = client.get(reverse("parcours:import_modele"))
    xlsx = client.get(reverse("parcours:import_modele_xlsx"))

    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="modele-import-parcours.xlsx"' in xlsx["Content-Disposition"]
    for nom, contenu in (("modele.csv", csv_.content), ("modele.xlsx", xlsx.content)):
        imp = _analyser(a, SimpleUploadedFile(nom, contenu))
        assert [(ligne["action"], ligne["erreurs"]) for ligne in imp.lignes] == [("creer", [])]
    assert import_appliquer(import_id=imp.pk).statut == StatutImport.TERMINE
    assert Enfant.objects.get().identifiant_externe == "ANC-0001"

    classeur = load_workbook(io.BytesIO(xlsx.content))
    feuille = classeur.worksheets[0]
    assert [c.value for c in feuille[1]] == ENTETES
    listes = {
        ENTETES[cellule.column - 1]
        for validation in feuille.data_validations.dataValidation
        for plage in validation.sqref.ranges
        for cellule in feuille[plage.coord][0]
    }
    assert listes == {
        "sexe",
        "niveau_scolaire",
        "responsable_lien",
        "statut",
        "motif_sortie",
        "orienteur",
    }
    # The lists hold the French labels, in a hidden sheet; the columns are explained.
    valeurs_statut = [c.value for c in classeur["Listes"]["D"][1:] if c.value]
    assert "En attente de consentement" in valeurs_statut
    assert classeur["Listes"].sheet_state == "hidden"
    assert classeur["Colonnes"]["A2"].value == "identifiant"


def test_le_modele_xlsx_est_construit_une_fois_par_jour_et_par_langue(client, a, monkeypatch):
    """Issue 18: building the XLSX template took 250 to 350 ms of CPU on every download. A
    process builds it once; the example row's dates follow the day, so a new day builds it
    again, and so does another language."""
    import time_machine
    from django.utils import translation
    from openpyxl import load_workbook

    from reussite.core.imports import modeles

    monkeypatch.setattr(modeles, "_MODELES_XLSX", {}, raising=False)
    construits = []
    construire = modeles.modele_xlsx

    def compter(colonnes, exemples):
        construits.append(1)
        return construire(colonnes, exemples)

    monkeypatch.setattr(modeles, "modele_xlsx", compter)
    url = reverse("parcours:import_modele_xlsx")

    def date_entree(reponse):
        feuille = load_workbook(io.BytesIO(reponse.content)).worksheets[0]
        return feuille.cell(row=2, column=ENTETES.index("date_entree") + 1).value

    with time_machine.travel(date(2026, 3, 10), tick=False):
        connecter(client, a.coordinateur)
        premier, second = client.get(url), client.get(url)
        assert len(construits) == 1
        assert premier.content == second.content
        assert date_entree(second) == "10/03/2025"
        with translation.override("en"):
            modeles.reponse_modele(COLONNES, {}, nom="modele-import-parcours", format_="xlsx")
        assert len(construits) == 2
    with time_machine.travel(date(2026, 3, 11), tick=False):
        connecter(client, a.coordinateur)
        assert date_entree(client.get(url)) == "11/03/2025"
    assert len(construits) == 3


def test_les_modeles_404_hors_coordination(client, a):
    for user in (professionnel(a.porteuse).user, administrateur(a.programme)):
        # The partner and the administrator (who imports the network, not the caseload).
        connecter(client, user)
        for nom in ("parcours:import_modele", "parcours:import_modele_xlsx"):
            assert client.get(reverse(nom)).status_code == 404
    client.logout()
    assert client.get(reverse("parcours:import_modele_xlsx")).status_code == 302


# --- Confirmation in bulk (issue 17: 300 rows in seconds, not minutes) -----------------------


def _cout_de_la_confirmation(a, nombre: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    referent = professionnel(a.porteuse)
    imp = _analyser(
        a,
        _csv(
            *[
                _ligne(
                    f"N{nombre}-{i}",
                    nom=f"Enfant{nombre}x{i}",
                    referent_email=referent.user.email if i % 2 else "",
                    statut="en cours" if i % 3 else "repérage",
                )
                for i in range(nombre)
            ]
        ),
    )
    with CaptureQueriesContext(connection) as requetes:
        assert import_appliquer(import_id=imp.pk).statut == StatutImport.TERMINE
    return len(requetes)


def test_la_confirmation_ecrit_les_lignes_en_masse_a_cout_constant(a):
    """The rows to create cost the same number of queries for 3 rows and for 30."""
    peu = _cout_de_la_confirmation(a, 3)
    beaucoup = _cout_de_la_confirmation(a, 30)
    assert beaucoup <= peu + 4, (peu, beaucoup)
    assert Parcours.objects.count() == 33
    # Every pathway has its history and its child its search key.
    assert all(p.historique.exists() for p in Parcours.objects.all())
    assert not Enfant.objects.filter(recherche="").exists()
