"""Importing the partner network (issue 17, point 2): structures, their professionals and their
offers from one file; a dry run with French errors per row and column, an all-or-nothing
confirmation, idempotent re-import (structures matched by SIRET or name and commune),
invitations only when asked, pages for the programme's administrators alone."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partenaires import tasks
from partenaires.models import (
    ImportReseau,
    Offre,
    Partenariat,
    Professionnel,
    StatutImportReseau,
    Structure,
    TypeStructure,
)
from partenaires.services.imports import (
    COLONNES_RESEAU,
    FLUX_RESEAU,
    import_reseau_analyser,
    import_reseau_appliquer,
)
from reussite.core.models import User
from tests.conftest import connecter
from tests.factories.actions import offre
from tests.factories.core import UserFactory, administrateur
from tests.factories.partage import pre, professionnel
from tests.factories.partenaires import StructureFactory
from tests.support.formulaires import jeton

pytestmark = pytest.mark.django_db

ENTETES = [c.cle for c in COLONNES_RESEAU]


def _structure(nom="Association Les Petits Pas", commune="Villeneuve", **valeurs) -> dict:
    return {
        "nature": "structure",
        "structure_nom": nom,
        "structure_commune": commune,
        "structure_type": "Association",
        "structure_telephone": "01 99 00 12 34",
        **valeurs,
    }


def _pro(email="camille@petits-pas.test", nom="Association Les Petits Pas", **valeurs) -> dict:
    return {
        "nature": "Professionnel",
        "structure_nom": nom,
        "structure_commune": "Villeneuve",
        "professionnel_email": email,
        "professionnel_prenom": "Camille",
        "professionnel_nom": "Exemple",
        "professionnel_fonction": "Animateur·rice",
        **valeurs,
    }


def _offre(intitule="Aide aux devoirs", nom="Association Les Petits Pas", **valeurs) -> dict:
    return {
        "nature": "offre",
        "structure_nom": nom,
        "structure_commune": "Villeneuve",
        "offre_intitule": intitule,
        "offre_type_service": "Aide aux devoirs, soutien scolaire",
        "offre_domaine": "scolarité",
        "offre_age_min": "6",
        "offre_age_max": "11",
        "offre_capacite": "12",
        **valeurs,
    }


def _csv(*lignes: dict, entetes=None, encodage="utf-8-sig") -> SimpleUploadedFile:
    entetes = entetes or ENTETES
    texte = ";".join(entetes) + "\r\n"
    for ligne in lignes:
        texte += ";".join(ligne.get(e, "") for e in entetes) + "\r\n"
    return SimpleUploadedFile("reseau.csv", texte.encode(encodage), content_type="text/csv")


@pytest.fixture
def a():
    p = pre(nom="PRE Alpha")
    p.admin = administrateur(p.programme)
    return p


def _analyser(a, fichier, inviter=False) -> ImportReseau:
    return import_reseau_analyser(
        programme=a.programme, auteur=a.admin, fichier=fichier, inviter=inviter
    )


def _actions(imp) -> list[str]:
    return [ligne["action"] for ligne in imp.lignes]


def _erreurs(imp) -> dict[int, list]:
    return {ligne["ligne"]: ligne["erreurs"] for ligne in imp.lignes if ligne["erreurs"]}


def test_l_analyse_n_ecrit_rien_puis_la_confirmation_cree_structure_professionnel_et_offre(a):
    # A professional's row may come before its structure's.
    imp = _analyser(a, _csv(_pro(), _structure(), _offre()))

    assert _actions(imp) == ["creer", "creer", "creer"], _erreurs(imp)
    assert not Structure.objects.filter(nom="Association Les Petits Pas").exists()

    imp = import_reseau_appliquer(import_id=imp.pk)

    assert imp.statut == StatutImportReseau.TERMINE, imp.resultat
    assert imp.resultat["crees"] == [2, 3, 4]
    structure = Structure.objects.get(nom="Association Les Petits Pas")
    assert (structure.type, structure.telephone) == (TypeStructure.ASSOCIATION, "01 99 00 12 34")
    assert Partenariat.objects.filter(structure=structure, programme=a.programme).exists()
    membre = Professionnel.objects.get(structure=structure)
    assert (membre.user.email, membre.fonction) == ("camille@petits-pas.test", "animateur")
    assert not membre.user.has_usable_password()
    cree = Offre.objects.get(structure=structure)
    assert (cree.domaine, cree.age_min, cree.age_max, cree.capacite) == ("scolarite", 6, 11, 12)
    assert list(cree.programmes.all()) == [a.programme]
    assert imp.resultat["invitations"] == 0 and not mail.outbox


def test_reimporter_le_meme_fichier_ne_change_rien_et_un_fichier_corrige_met_a_jour(a):
    lignes = (_structure(), _pro(), _offre())
    import_reseau_appliquer(import_id=_analyser(a, _csv(*lignes)).pk)
    avant = (
        list(Structure.objects.values()),
        list(Professionnel.objects.values()),
        list(Offre.objects.values("pk", "version", "capacite")),
    )

    meme = _analyser(a, _csv(*lignes))
    assert _actions(meme) == ["inchange", "inchange", "inchange"]
    assert import_reseau_appliquer(import_id=meme.pk).resultat["inchanges"] == [2, 3, 4]
    assert avant == (
        list(Structure.objects.values()),
        list(Professionnel.objects.values()),
        list(Offre.objects.values("pk", "version", "capacite")),
    )

    corrige = _analyser(
        a,
        _csv(
            _structure(structure_telephone="01 99 00 56 78"),
            _pro(professionnel_fonction="Éducateur·rice"),
            _offre(offre_capacite="20"),
        ),
    )
    assert _actions(corrige) == ["modifier", "modifier", "modifier"]
    import_reseau_appliquer(import_id=corrige.pk)
    assert Structure.objects.filter(nom="Association Les Petits Pas").count() == 1
    assert Structure.objects.get(nom="Association Les Petits Pas").telephone == "01 99 00 56 78"
    assert Professionnel.objects.get(user__email="camille@petits-pas.test").fonction == "educateur"
    assert Offre.objects.get().capacite == 20


def test_une_structure_existante_est_trouvee_par_siret_ou_par_nom_et_commune(a):
    b = pre(nom="PRE Bêta")
    par_siret = StructureFactory(nom="CMP du Val", siret="12345678901234", commune="Valence")
    partagee = StructureFactory(
        nom="Maison des Solidarités", commune="Villeneuve", programmes=[b.programme]
    )
    imp = _analyser(
        a,
        _csv(
            # Another name, the same SIRET: the same structure.
            _structure("Centre médico-psychologique", structure_siret="123 456 789 01234"),
            # Accent- and case-insensitive name and commune; shared with another programme.
            _structure(
                "maison des solidarites", "VILLENEUVE", structure_telephone="01 99 00 00 01"
            ),
        ),
    )

    assert _actions(imp) == ["modifier", "modifier"]
    assert all(ligne["rattacher"] for ligne in imp.lignes)
    assert "partagée avec d’autres programmes" in imp.lignes[1]["avertissement"]
    import_reseau_appliquer(import_id=imp.pk)

    assert Structure.objects.count() == 4  # the two, and both porteuses: nothing created
    assert set(par_siret.programmes.all()) == {a.programme}
    assert set(partagee.programmes.all()) == {a.programme, b.programme}
    partagee.refresh_from_db()
    assert partagee.telephone == ""  # shared: attached, never edited from here
    par_siret.refresh_from_db()
    # Not shared: it takes the file's values, here its name.
    assert par_siret.nom == "Centre médico-psychologique"


def test_chaque_erreur_nomme_la_ligne_la_colonne_et_le_probleme(a):
    UserFactory(email="deja@ailleurs.test")
    b = pre(nom="PRE Bêta")
    commune = StructureFactory(nom="Ville de Villeneuve", programmes=[a.programme, b.programme])
    offre(commune, a.programme, b.programme, intitule="Piscine")
    imp = _analyser(
        a,
        _csv(
            _structure(),
            _pro(nom="Structure inconnue"),
            _pro(email="deja@ailleurs.test"),
            _pro(email="autre@petits-pas.test", professionnel_fonction="astronaute"),
            _offre(offre_age_min="12", offre_age_max="6"),
            _structure("Sans type", structure_type=""),
            _structure("Mauvais SIRET", structure_siret="123"),
            _offre("Piscine", nom="Ville de Villeneuve"),
            {"nature": "fusée", "structure_nom": "X"},
        ),
    )

    erreurs = _erreurs(imp)
    assert _actions(imp) == ["creer"] + ["rejet"] * 8
    assert erreurs[3][0][0] == "structure_nom" and "structure inconnue" in erreurs[3][0][1]
    assert erreurs[4] == [
        [
            "professionnel_email",
            "un compte existe déjà avec cette adresse électronique, hors de cette structure.",
        ]
    ]
    assert erreurs[5][0][0] == "professionnel_fonction" and "astronaute" in erreurs[5][0][1]
    assert erreurs[6][0][0] == "offre_age_max"
    assert erreurs[7][0] == ["structure_type", "valeur obligatoire pour une structure."]
    assert erreurs[8][0] == ["structure_siret", "un SIRET compte 14 chiffres."]
    assert "seule sa structure la modifie" in erreurs[9][0][1]
    assert erreurs[10][0][0] == "nature"
    assert commune.offres.get().programmes.count() == 2


def test_tout_ou_rien_une_erreur_a_l_ecriture_n_importe_aucune_ligne(a):
    imp = _analyser(a, _csv(_structure(), _pro(), _offre()))
    # An account with that e-mail appears between the dry run and the confirmation.
    UserFactory(email="camille@petits-pas.test")

    imp = import_reseau_appliquer(import_id=imp.pk)

    assert imp.statut == StatutImportReseau.ECHEC
    assert "ligne 3" in imp.resultat["erreur"]
    assert not Structure.objects.filter(nom="Association Les Petits Pas").exists()
    assert not Offre.objects.exists()


def test_une_ligne_modifiee_depuis_l_analyse_est_refusee_et_listee(a):
    import_reseau_appliquer(import_id=_analyser(a, _csv(_structure(), _offre())).pk)
    corrige = _analyser(
        a, _csv(_structure(structure_telephone="01 99 00 99 99"), _offre(offre_capacite="30"))
    )
    Offre.objects.update(version=5, capacite=15)  # edited on its page meanwhile

    imp = import_reseau_appliquer(import_id=corrige.pk)

    assert imp.resultat["perimes"] == [3]
    assert imp.resultat["modifies"] == [2]
    assert Offre.objects.get().capacite == 15


def test_les_invitations_ne_partent_que_si_l_import_les_demande_et_apres_validation(
    a, django_capture_on_commit_callbacks, monkeypatch
):
    envoyees = []
    monkeypatch.setattr(tasks.invitations_envoyer, "delay", lambda *args: envoyees.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        import_reseau_appliquer(import_id=_analyser(a, _csv(_structure(), _pro())).pk)
    assert envoyees == []

    with django_capture_on_commit_callbacks(execute=True):
        imp = import_reseau_appliquer(
            import_id=_analyser(
                a, _csv(_structure(), _pro(), _pro("dominique@petits-pas.test")), inviter=True
            ).pk
        )
    nouveau = Professionnel.objects.get(user__email="dominique@petits-pas.test")
    assert envoyees == [([nouveau.pk], a.admin.pk)]
    assert imp.resultat["invitations"] == 1

    assert tasks.invitations_envoyer(*envoyees[0]) == 1
    assert [m.to for m in mail.outbox] == [["dominique@petits-pas.test"]]
    assert "Association Les Petits Pas" in mail.outbox[0].body


# --- Pages ------------------------------------------------------------------------------------


def test_le_parcours_des_pages_analyse_apercu_confirmation(client, a):
    connecter(client, a.admin)
    page = client.get(reverse("partenaires:import_reseau"))
    envoi = client.post(
        reverse("partenaires:import_reseau"),
        {"jeton": jeton(), "programme": a.programme.pk, "fichier": _csv(_structure(), _offre())},
    )
    imp = ImportReseau.objects.get()
    url = reverse("partenaires:import_reseau_apercu", args=[imp.pk])
    apercu = client.get(url)
    confirme = client.post(url, {"version": imp.version})
    encore = client.post(url, {"version": imp.version})

    assert "structure_siret" in page.content.decode()
    assert envoi["Location"] == url
    assert "2 lignes à créer" in apercu.content.decode()
    assert confirme.status_code == 302
    assert encore.status_code == 409
    assert "2 lignes créées" in client.get(url).content.decode()
    assert Offre.objects.filter(structure__nom="Association Les Petits Pas").exists()


def test_un_mauvais_fichier_donne_un_rapport_en_francais_jamais_une_erreur_500(client, a):
    connecter(client, a.admin)
    for contenu in (b"\x00\x01binaire", b"PK\x03\x04pas un zip", b"nom;prenom\nA;B\n"):
        reponse = client.post(
            reverse("partenaires:import_reseau"),
            {
                "jeton": jeton(),
                "programme": a.programme.pk,
                "fichier": SimpleUploadedFile("f.csv", contenu),
            },
        )
        assert reponse.status_code == 200
        assert "fr-alert--error" in reponse.content.decode()
    assert not ImportReseau.objects.exists()


def test_importer_le_reseau_refuse_un_programme_d_ailleurs(client, a):
    b = pre(nom="PRE Bêta")
    connecter(client, a.admin)
    reponse = client.post(
        reverse("partenaires:import_reseau"),
        {"jeton": jeton(), "programme": b.programme.pk, "fichier": _csv(_structure())},
    )
    assert reponse.status_code == 200
    assert not ImportReseau.objects.exists()


def test_seule_l_administration_du_programme_importe_le_reseau(client, a):
    imp = _analyser(a, _csv(_structure()))
    b = pre(nom="PRE Bêta")
    autres = (
        a.coordinateur,  # coordinates, does not administer
        administrateur(b.programme),
        professionnel(a.porteuse).user,
    )
    urls = [
        reverse("partenaires:import_reseau"),
        reverse("partenaires:import_reseau_modele"),
        reverse("partenaires:import_reseau_modele_xlsx"),
        reverse("partenaires:import_reseau_apercu", args=[imp.pk]),
    ]
    for user in autres:
        connecter(client, user)
        for url in urls[3:] if user == autres[1] else urls:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(urls[3], {"version": imp.version}).status_code == 404
    # Another programme's administrator has its own import page, never this import.
    connecter(client, autres[1])
    assert client.get(urls[0]).status_code == 200
    assert client.get(urls[3]).status_code == 404
    client.logout()
    assert client.get(urls[0]).status_code == 302
    assert ImportReseau.objects.get().statut == StatutImportReseau.ANALYSE


def test_les_modeles_csv_et_xlsx_se_relisent_sans_erreur(client, a):
    from openpyxl import load_workbook

    connecter(client, a.admin)
    csv_ = client.get(reverse("partenaires:import_reseau_modele"))
    xlsx = client.get(reverse("partenaires:import_reseau_modele_xlsx"))
    assert 'filename="modele-import-reseau.xlsx"' in xlsx["Content-Disposition"]
    for nom, contenu in (("modele.csv", csv_.content), ("modele.xlsx", xlsx.content)):
        imp = _analyser(a, SimpleUploadedFile(nom, contenu))
        assert [(ligne["action"], ligne["erreurs"]) for ligne in imp.lignes] == [
            ("creer", [])
        ] * 3, nom
    assert import_reseau_appliquer(import_id=imp.pk).statut == StatutImportReseau.TERMINE
    assert User.objects.filter(email="camille.exemple@petits-pas.exemple.test").exists()

    feuille = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert [c.value for c in feuille[1]] == ENTETES
    listes = {
        ENTETES[cellule.column - 1]
        for validation in feuille.data_validations.dataValidation
        for plage in validation.sqref.ranges
        for cellule in feuille[plage.coord][0]
    }
    assert listes == {
        "nature",
        "structure_type",
        "professionnel_fonction",
        "offre_type_service",
        "offre_domaine",
        "offre_unite_capacite",
    }


def test_un_grand_fichier_du_reseau_est_importe_en_arriere_plan(
    client, a, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(FLUX_RESEAU, "seuil_arriere_plan", 1)
    imp = _analyser(a, _csv(_structure(), _offre()))
    envoyes = []
    monkeypatch.setattr(tasks.import_reseau_appliquer, "delay", envoyes.append)
    connecter(client, a.admin)
    url = reverse("partenaires:import_reseau_apercu", args=[imp.pk])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"version": imp.version})

    assert envoyes == [imp.pk]
    assert ImportReseau.objects.get().statut == StatutImportReseau.EN_COURS
    assert "L’import a commencé" in client.get(url).content.decode()
    assert tasks.import_reseau_appliquer(imp.pk) == StatutImportReseau.TERMINE
    assert tasks.import_reseau_appliquer(imp.pk) == StatutImportReseau.TERMINE  # twice: no-op
    assert Offre.objects.filter(structure__nom="Association Les Petits Pas").count() == 1


@pytest.mark.parametrize("nombre", [1, 20])
def test_l_apercu_du_reseau_coute_le_meme_nombre_de_requetes(
    client, a, django_assert_num_queries, nombre
):
    imp = _analyser(a, _csv(*[_structure(f"Structure {i}") for i in range(nombre)]))
    connecter(client, a.admin)
    url = reverse("partenaires:import_reseau_apercu", args=[imp.pk])
    client.get(url)
    with django_assert_num_queries(REQUETES_APERCU):
        client.get(url)


# The session is renewed at most once a minute and the DSFR settings are cached.
REQUETES_APERCU = 5
