"""The one write pattern (reussite/core/ecriture.py), form by form.

Every edit form: a save based on a stale version, or on no version at all, is a conflict — the
409 page shows what was typed and nothing is written. Every creation form: the same form sent
twice (its one-time token) creates one row, and the second submission lands where the first did.
The forms are read from their pages, as a browser would post them.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from parcours.models import (
    Action,
    ActionCollective,
    Addendum,
    BesoinNonCouvert,
    Consentement,
    Document,
    Enfant,
    Examen,
    Famille,
    InformationPreoccupante,
    Intervenant,
    Note,
    Objectif,
    Parcours,
    ReunionEPS,
    Rupture,
)
from parcours.services import ordre_du_jour_ajouter, reunion_planifier
from partenaires.models import Convention, Engagement, Offre, PartieConvention, Professionnel
from partenaires.services import conventions as services_conventions
from reussite.core.ecriture import ConflitDeModification, verrouiller
from reussite.core.models import EnvoiFormulaire, Role
from reussite.core.services import role_attribuer
from reussite.core.tasks import envois_purger
from tests.acces.balayage import client_de, erreurs
from tests.acces.monde import Monde, construire_monde
from tests.factories import actions as fab
from tests.factories.core import UserFactory
from tests.factories.partage import fichier_png, professionnel
from tests.parcours.vues import formulaire, saisir
from tests.support.donnees_partagees import copie_pour, monde_partage

pytestmark = pytest.mark.django_db

TEXTE = "Saisie-à-garder-7431"


# Built once for the module (1 to 2 s each on the 2-core machine), each test rolled back.
_monde_du_module = monde_partage(construire_monde)


@pytest.fixture
def monde(_monde_du_module, db, settings) -> Monde:
    return copie_pour(_monde_du_module, settings)


def _administrateur(monde: Monde):
    user = UserFactory()
    role_attribuer(user=user, programme=monde.a.programme, role=Role.ADMINISTRATEUR)
    return user


def _convention(monde: Monde, auteur) -> Convention:
    convention = services_conventions.convention_creer(
        programme=monde.a.programme,
        auteur=auteur,
        intitule="Convention réussite",
        objet="Mutualiser l’aide aux devoirs",
        date_debut=date(2025, 1, 1),
        date_fin=date(2026, 12, 31),
    )
    services_conventions.partie_ajouter(convention=convention, structure=monde.structure)
    return convention


def _reunion(monde: Monde) -> ReunionEPS:
    reunion = reunion_planifier(
        programme=monde.a.programme,
        date_heure=timezone.now() + timedelta(days=1),
        lieu="Salle du conseil",
        invites=[monde.referent],
        parcours=[],
        auteur=monde.a.coordinateur,
    )
    ordre_du_jour_ajouter(reunion=reunion, parcours=monde.p.parcours)
    # Its day has come (it started an hour ago): attendance and decisions may be recorded.
    ReunionEPS.objects.filter(pk=reunion.pk).update(date=timezone.now() - timedelta(hours=1))
    reunion.refresh_from_db()
    return reunion


# --- Edit forms -----------------------------------------------------------------------------


@dataclass
class Edition:
    """An edit page, the row its version belongs to, and a text control typed into."""

    url: str
    ligne: object
    champ: str | None  # the control typed into (None: a form without free text)
    controle: str  # a control that identifies the form on its page
    user: object
    page: str | None = None  # where the form sits, when not on its own URL
    valeur: str = TEXTE  # what is typed into `champ`
    autres: dict | None = None  # the other controls a valid submission needs


def _edition(nom: str, monde: Monde) -> Edition:
    p, coordinateur = monde.p, monde.a.coordinateur
    parcours = p.parcours
    if nom == "parcours":
        url = reverse("parcours:modifier", args=[parcours.pk])
        revue = (date.today() + timedelta(days=45)).isoformat()
        champ = "parcours-date_prochaine_revue"
        return Edition(url, parcours, champ, champ, coordinateur, valeur=revue)
    if nom == "enfant":
        url = reverse("parcours:modifier_enfant", args=[parcours.pk])
        return Edition(url, parcours.enfant, "enfant-nom", "enfant-nom", coordinateur)
    if nom == "famille":
        url = reverse("parcours:modifier_famille", args=[parcours.pk])
        ligne = parcours.enfant.famille
        return Edition(url, ligne, "famille-adresse", "famille-adresse", coordinateur)
    if nom == "objectif":
        url = reverse("parcours:objectif_modifier", args=[parcours.pk, p.objectif.pk])
        return Edition(url, p.objectif, "intitule", "intitule", coordinateur)
    if nom == "action":
        url = reverse("parcours:action_modifier", args=[parcours.pk, p.action.pk])
        return Edition(url, p.action, "resultat", "resultat", coordinateur)
    if nom == "note":
        url = reverse("parcours:note_modifier", args=[parcours.pk, p.note.pk])
        return Edition(url, p.note, "texte", "texte", coordinateur)
    if nom == "rupture":
        url = reverse("parcours:rupture_reponse", args=[parcours.pk, p.rupture.pk])
        autres = {"date_reponse": date.today().isoformat()}
        return Edition(url, p.rupture, "reponse", "reponse", coordinateur, autres=autres)
    if nom == "sortie":
        url = reverse("parcours:sortir", args=[parcours.pk])
        autres = {"motif_sortie": "demenagement"}
        return Edition(url, parcours, "commentaire", "motif_sortie", coordinateur, autres=autres)
    if nom == "statut":
        # An open pathway's status change is its confirmed suspension (issue 15, point 15): the
        # synthesis has no suspend button any more, the confirmation page carries the version.
        url = reverse("parcours:suspendre", args=[parcours.pk])
        autres = {"confirmer": "on"}
        return Edition(url, parcours, "commentaire", "commentaire", coordinateur, autres=autres)
    if nom == "examen_eps":
        reunion = _reunion(monde)
        examen = Examen.objects.get(reunion=reunion)
        url = reverse("parcours:eps_examen", args=[reunion.pk, examen.pk])
        champ = "decision-releve_conclusions"
        autres = {"decision-decision": "maintien"}
        return Edition(url, examen, champ, champ, coordinateur, autres=autres)
    if nom == "presences_eps":
        reunion = _reunion(monde)
        url = reverse("parcours:eps_presences", args=[reunion.pk])
        page = reverse("parcours:eps_reunion", args=[reunion.pk])
        # Unticked boxes post nothing: the attendance form is the page's one with a version.
        return Edition(url, reunion, None, "version", coordinateur, page=page)
    if nom == "offre":
        offre = fab.offre(monde.structure, monde.a.programme)
        url = reverse("partenaires:offre_modifier", args=[offre.pk])
        return Edition(url, offre, "intitule", "intitule", coordinateur)
    if nom == "convention":
        admin = _administrateur(monde)
        convention = _convention(monde, admin)
        url = reverse("partenaires:convention_modifier", args=[convention.pk])
        return Edition(url, convention, "intitule", "intitule", admin)
    raise AssertionError(nom)


EDITIONS = [
    "parcours",
    "enfant",
    "famille",
    "objectif",
    "action",
    "note",
    "rupture",
    "sortie",
    "statut",
    "examen_eps",
    "presences_eps",
    "offre",
    "convention",
]


def _etat(ligne) -> dict:
    return type(ligne).objects.values().get(pk=ligne.pk)


@pytest.mark.parametrize("cas", ["perimee", "absente"])
@pytest.mark.parametrize("nom", EDITIONS)
def test_une_modification_sur_une_version_perimee_ou_absente_est_un_conflit(monde, nom, cas):
    edition = _edition(nom, monde)
    client = client_de(edition.user)
    page = client.get(edition.page or edition.url)
    assert page.status_code == 200
    donnees = formulaire(page, edition.controle)
    assert donnees["version"] == [str(_etat(edition.ligne)["version"])]
    if edition.champ is not None:
        donnees[edition.champ] = [edition.valeur]
    for cle, valeur in (edition.autres or {}).items():
        donnees[cle] = [valeur]
    if cas == "perimee":
        # Someone saved the row meanwhile.
        type(edition.ligne).objects.filter(pk=edition.ligne.pk).update(version=F("version") + 1)
    else:
        del donnees["version"]
    avant = _etat(edition.ligne)

    reponse = client.post(edition.url, donnees)

    assert reponse.status_code == 409, erreurs(reponse)
    contenu = reponse.content.decode()
    assert "Quelqu’un a enregistré cette fiche avant vous" in contenu
    if edition.champ is not None:
        assert edition.valeur in contenu  # nothing typed is lost
    assert 'href="' in contenu and "Ouvrir la version à jour" in contenu
    assert _etat(edition.ligne) == avant


def test_la_meme_modification_sur_la_version_lue_est_enregistree(monde):
    """Positive control of the test above: the page's own version is accepted."""
    edition = _edition("enfant", monde)
    client = client_de(edition.user)
    donnees = saisir(formulaire(client.get(edition.url), "enfant-nom"), enfant__nom=TEXTE)

    assert client.post(edition.url, donnees).status_code == 302
    enfant = Enfant.objects.get(pk=edition.ligne.pk)
    assert (enfant.nom, enfant.version) == (TEXTE, 2)


def test_une_saisie_invalide_garde_la_version_lue_et_non_la_version_actuelle(monde):
    """Re-rendered with its errors, the form still says which version it was read at: a save
    made meanwhile is still detected on the next submission."""
    edition = _edition("objectif", monde)
    client = client_de(edition.user)
    donnees = saisir(formulaire(client.get(edition.url), "intitule"), intitule="")
    Objectif.objects.filter(pk=edition.ligne.pk).update(version=F("version") + 1)

    reponse = client.post(edition.url, donnees)

    assert reponse.status_code == 200
    assert formulaire(reponse, "intitule")["version"] == donnees["version"]


def test_verrouiller_refuse_une_version_absente(monde):
    famille = Famille.objects.get(pk=monde.p.parcours.enfant.famille_id)
    with pytest.raises(ConflitDeModification) as conflit:
        verrouiller(famille, None)
    assert conflit.value.actuel.pk == famille.pk
    assert verrouiller(famille, famille.version).pk == famille.pk


# --- Creation forms -------------------------------------------------------------------------


@dataclass
class Creation:
    url: str  # where the form posts
    page: str  # where the form is shown
    controle: str | None
    saisie: dict
    lignes: object  # a queryset counting what the form creates
    user: object


def _creation(nom: str, monde: Monde) -> Creation:
    p, coordinateur = monde.p, monde.a.coordinateur
    pk = p.parcours.pk
    aujourdhui = date.today()

    def sur_sa_page(route, args, controle, saisie, lignes, user=coordinateur):
        url = reverse(route, args=args)
        return Creation(url, url, controle, saisie, lignes, user)

    if nom == "objectif":
        return sur_sa_page(
            "parcours:objectif_ajouter",
            [pk],
            "intitule",
            {"domaine": "sport", "intitule": TEXTE},
            Objectif.objects.filter(intitule=TEXTE),
        )
    if nom == "action":
        return sur_sa_page(
            "parcours:action_ajouter",
            [pk],
            "intitule",
            {"intitule": TEXTE, "date_debut": aujourdhui.isoformat(), "statut": "prevue"},
            Action.objects.filter(intitule=TEXTE),
        )
    if nom == "action_collective":
        return sur_sa_page(
            "parcours:collective_creer",
            [],
            "intitule",
            {
                "programme": monde.a.programme.pk,
                "intitule": TEXTE,
                "structure": monde.structure.pk,
                "date_debut": aujourdhui.isoformat(),
            },
            ActionCollective.objects.filter(intitule=TEXTE),
        )
    if nom == "note":
        return sur_sa_page(
            "parcours:note_ajouter",
            [pk],
            "texte",
            {"texte": TEXTE, "visibilite": "equipe"},
            Note.objects.filter(texte=TEXTE),
        )
    if nom == "addendum":
        return sur_sa_page(
            "parcours:note_addendum",
            [pk, p.note.pk],
            "texte",
            {"texte": TEXTE},
            Addendum.objects.filter(texte=TEXTE),
        )
    if nom == "information_preoccupante":
        return sur_sa_page(
            "parcours:information_preoccupante",
            [pk],
            "transmise_par",
            {
                "date_transmission": aujourdhui.isoformat(),
                "transmise_par": TEXTE,
                "reference": "CRIP-1",
            },
            InformationPreoccupante.objects.filter(parcours_id=pk),
        )
    if nom == "rupture":
        return sur_sa_page(
            "parcours:rupture_ajouter",
            [pk],
            "description",
            {"type": "demenagement", "date": aujourdhui.isoformat(), "description": TEXTE},
            Rupture.objects.filter(description=TEXTE),
        )
    if nom == "document":
        return sur_sa_page(
            "parcours:document_ajouter",
            [pk],
            "titre",
            {"titre": TEXTE},
            Document.objects.filter(titre=TEXTE),
        )
    if nom == "besoin":
        return sur_sa_page(
            "parcours:besoin_ajouter",
            [pk],
            "description",
            {"domaine": "culture", "territoire": "Nord", "description": TEXTE},
            BesoinNonCouvert.objects.filter(description=TEXTE),
        )
    if nom == "consentement":
        return sur_sa_page(
            "parcours:consentement",
            [pk],
            "date_signature",
            {
                "date_signature": aujourdhui.isoformat(),
                "date_expiration": (aujourdhui + timedelta(days=100)).isoformat(),
                "signataires": [p.titulaire.pk],
                "structures": [p.structure.pk],
                "finalites": ["accompagnement", "partage"],
            },
            Consentement.objects.filter(parcours_id=pk),
        )
    if nom == "intervenant":
        candidat = professionnel(monde.a.porteuse)
        return Creation(
            reverse("parcours:intervenant_ajouter", args=[pk]),
            reverse("parcours:partage", args=[pk]),  # its section (issue 15, point 15)
            "intervenant-professionnel",
            {"intervenant-professionnel": candidat.pk},
            Intervenant.objects.filter(parcours_id=pk),
            coordinateur,
        )
    if nom == "enfant_et_famille":
        url = reverse("parcours:creer")
        return Creation(
            url,
            url,
            "enfant-nom",
            {
                "programme-programme": monde.a.programme.pk,
                "enfant-nom": TEXTE,
                "enfant-prenom": "Lou",
                "enfant-date_naissance": (aujourdhui - timedelta(days=9 * 365)).isoformat(),
                "enfant-sexe": "F",
                "famille-commune": "Villeneuve",
                "responsables-0-nom": TEXTE,
                "responsables-0-lien": "mere",
                "parcours-date_entree": aujourdhui.isoformat(),
                "parcours-motifs_orientation": ["resultats_scolaires"],
                "parcours-orienteur": "ecole",
            },
            Enfant.objects.filter(nom=TEXTE),
            coordinateur,
        )
    if nom == "enfant_fratrie":  # --- issue 15, point 18: a sibling joins the family
        url = reverse("parcours:famille_ajouter_enfant", args=[p.parcours.enfant.famille_id])
        return Creation(
            url,
            url,
            "enfant-nom",
            {
                "enfant-nom": TEXTE,
                "enfant-prenom": "Lou",
                "enfant-date_naissance": (aujourdhui - timedelta(days=7 * 365)).isoformat(),
                "enfant-sexe": "F",
                "parcours-date_entree": aujourdhui.isoformat(),
                "parcours-motifs_orientation": ["resultats_scolaires"],
                "parcours-orienteur": "ecole",
            },
            Enfant.objects.filter(nom=TEXTE, famille_id=p.parcours.enfant.famille_id),
            coordinateur,
        )
    if nom == "reunion_eps":
        demain = timezone.localtime() + timedelta(days=1)
        return sur_sa_page(
            "parcours:eps_planifier",
            [],
            "lieu",
            {"date": demain.strftime("%Y-%m-%dT14:00"), "lieu": TEXTE},
            ReunionEPS.objects.filter(lieu=TEXTE),
        )
    if nom == "offre":
        membre = professionnel(monde.structure)
        return sur_sa_page(
            "partenaires:offre_creer",
            [],
            "intitule",
            {
                "intitule": TEXTE,
                "description": "Deux soirs par semaine",
                "type_service": "soutien_scolaire",
                "domaine": "scolarite",
                "structure": monde.structure.pk,
                "programmes": [monde.a.programme.pk],
            },
            Offre.objects.filter(intitule=TEXTE),
            user=membre.user,
        )
    if nom == "invitation":
        return sur_sa_page(
            "partenaires:inviter",
            [monde.structure.pk],
            "email",
            {"prenom": "Inès", "nom": TEXTE, "email": "ines@example.org", "fonction": "animateur"},
            Professionnel.objects.filter(user__last_name=TEXTE),
            user=_administrateur(monde),
        )
    if nom in ("convention", "partie", "engagement", "renouvellement"):
        admin = _administrateur(monde)
        if nom == "convention":
            return sur_sa_page(
                "partenaires:convention_creer",
                [],
                "intitule",
                {
                    "p-programme": monde.a.programme.pk,
                    "intitule": TEXTE,
                    "objet": "Parentalité",
                    "date_debut": "2025-01-01",
                    "date_fin": "2026-12-31",
                },
                Convention.objects.filter(intitule=TEXTE),
                user=admin,
            )
        convention = _convention(monde, admin)
        page = reverse("partenaires:convention_detail", args=[convention.pk])
        if nom == "partie":
            return Creation(
                reverse("partenaires:convention_partie_ajouter", args=[convention.pk]),
                page,
                "partie-structure",
                {"partie-structure": monde.etranger.structure_id},
                PartieConvention.objects.filter(convention=convention),
                admin,
            )
        if nom == "engagement":
            partie = convention.parties.get()
            return Creation(
                reverse(
                    "partenaires:convention_engagement_ajouter", args=[convention.pk, partie.pk]
                ),
                page,
                f"e{partie.pk}-quantite",
                {
                    f"e{partie.pk}-annee": "2025",
                    f"e{partie.pk}-nature": "financier",
                    f"e{partie.pk}-quantite": "1500.50",
                },
                Engagement.objects.filter(partie=partie),
                admin,
            )
        Convention.objects.filter(pk=convention.pk).update(
            statut="signee", date_signature=date(2025, 1, 1)
        )
        return Creation(
            reverse("partenaires:convention_renouveler", args=[convention.pk]),
            page,
            None,  # a single unticked box: the form is found by its action
            {},
            Convention.objects.filter(renouvelle=convention),
            admin,
        )
    if nom == "ordre_du_jour_eps":
        reunion = reunion_planifier(
            programme=monde.a.programme,
            date_heure=timezone.now() + timedelta(days=1),
            lieu="Salle du conseil",
            invites=[],
            auteur=coordinateur,
        )
        Parcours.objects.filter(pk=pk).update(date_prochaine_revue=aujourdhui)
        return Creation(
            reverse("parcours:eps_confirmer", args=[reunion.pk]),
            reverse("parcours:eps_reunion", args=[reunion.pk]),
            None,  # unticked boxes: the form is found by its action
            {"proposes-parcours": [str(pk)]},
            Examen.objects.filter(reunion=reunion),
            coordinateur,
        )
    raise AssertionError(nom)


CREATIONS = [
    "objectif",
    "action",
    "action_collective",
    "note",
    "addendum",
    "information_preoccupante",
    "rupture",
    "document",
    "besoin",
    "consentement",
    "intervenant",
    "enfant_et_famille",
    "enfant_fratrie",
    "reunion_eps",
    "ordre_du_jour_eps",
    "offre",
    "invitation",
    "convention",
    "partie",
    "engagement",
    "renouvellement",
]


def _jeton_du_formulaire(contenu: str, action: str) -> list[str]:
    """The token of the page's form that posts to `action`."""
    debut = contenu.index(f'action="{action}"')
    formulaire_html = contenu[debut : contenu.index("</form>", debut)]
    return re.findall(r'name="jeton" value="([^"]+)"', formulaire_html)


FICHIERS = {"document": "fichier", "consentement": "fichier"}


@pytest.mark.parametrize("nom", CREATIONS)
def test_un_formulaire_de_creation_envoye_deux_fois_cree_une_seule_ligne(monde, nom):
    creation = _creation(nom, monde)
    client = client_de(creation.user)
    page = client.get(creation.page)
    assert page.status_code == 200
    if creation.controle is None:
        donnees = {"jeton": _jeton_du_formulaire(page.content.decode(), creation.url)}
    else:
        donnees = formulaire(page, creation.controle)
    assert donnees.get("jeton"), "the form carries no one-time token"
    for cle, valeur in creation.saisie.items():
        donnees[cle] = valeur if isinstance(valeur, list) else [str(valeur)]
    avant = creation.lignes.count()

    def envoyer():
        corps = dict(donnees)
        if nom in FICHIERS:
            corps[FICHIERS[nom]] = fichier_png()
        return client.post(creation.url, corps)

    premiere = envoyer()
    assert premiere.status_code == 302, erreurs(premiere)
    seconde = envoyer()  # a double click, a reload, a replayed request

    assert creation.lignes.count() == avant + 1
    assert seconde.status_code == 302
    assert seconde["Location"] == premiere["Location"]
    suite = client.get(seconde["Location"])
    assert "Ce formulaire a déjà été envoyé" in suite.content.decode()


def test_un_formulaire_de_creation_sans_jeton_ne_cree_rien(monde):
    client = client_de(monde.a.coordinateur)
    url = reverse("parcours:objectif_ajouter", args=[monde.p.parcours.pk])
    donnees = saisir(formulaire(client.get(url), "intitule"), domaine="sport", intitule=TEXTE)
    del donnees["jeton"]

    reponse = client.post(url, donnees)

    assert reponse.status_code == 200
    assert "n’a pas pu être vérifié" in reponse.content.decode()
    assert formulaire(reponse, "intitule")["intitule"] == [TEXTE]  # the input is kept
    assert formulaire(reponse, "intitule")["jeton"]  # and a token to send it with
    assert not Objectif.objects.filter(intitule=TEXTE).exists()


def test_un_envoi_refuse_rend_son_jeton(monde):
    """A creation refused by its service leaves the token unused: the corrected form, sent
    with the same token, creates the row."""
    client = client_de(monde.a.coordinateur)
    url = reverse("parcours:rupture_ajouter", args=[monde.p.parcours.pk])
    donnees = formulaire(client.get(url), "description")
    demain = (date.today() + timedelta(days=1)).isoformat()
    saisir(donnees, type="demenagement", date=demain, description=TEXTE)

    refusee = client.post(url, donnees)
    assert refusee.status_code == 200
    assert formulaire(refusee, "description")["jeton"] == donnees["jeton"]
    assert not EnvoiFormulaire.objects.exists()

    saisir(donnees, date=date.today().isoformat())
    assert client.post(url, donnees).status_code == 302
    assert Rupture.objects.filter(description=TEXTE).count() == 1


def test_la_purge_oublie_les_jetons_de_plus_d_une_semaine(monde):
    user = monde.a.coordinateur
    ancien = EnvoiFormulaire.objects.create(
        jeton="00000000-0000-4000-8000-000000000001",
        user=user,
        cree_le=timezone.now() - timedelta(days=8),
    )
    recent = EnvoiFormulaire.objects.create(jeton="00000000-0000-4000-8000-000000000002", user=user)

    assert envois_purger() == 1

    assert list(EnvoiFormulaire.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not EnvoiFormulaire.objects.filter(pk=ancien.pk).exists()
    assert Parcours.objects.exists()  # nothing else touched
