"""The funder's evidence pack (issue 21): its figures (sums, year boundaries, masking under five
for whoever is not the coordinator, a party with nothing), who may produce it (404 for
everyone else, on every new URL), the files built through the core's exports, and the pages'
query budgets."""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from parcours.exports_preuves import construire_preuves, ecrire_preuves
from parcours.models import BesoinNonCouvert, Sollicitation, Statut, StatutAction
from parcours.selectors import dossier_preuves
from parcours.services import sollicitation_creer
from partenaires import services as services_partenaires
from partenaires.access import financeur_pour
from partenaires.models import Convention, StatutConvention
from reussite.core.models import DemandeExport, Role
from reussite.core.services import role_attribuer
from tests.conftest import connecter
from tests.factories import actions as fab
from tests.factories.core import UserFactory
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import consentement, nommer_referent, partenaire, pre, professionnel

pytestmark = pytest.mark.django_db

ANNEE = date.today().year - 1
NOM = "Zéphyrine"


def _avec_role(programme, role):
    user = UserFactory()
    role_attribuer(user=user, programme=programme, role=role)
    return user


def _convention(programme, auteur, *parties, debut=None, fin=None, statut="en_vigueur"):
    convention = services_partenaires.convention_creer(
        programme=programme,
        auteur=auteur,
        intitule=f"Convention {len(parties)} parties",
        objet="Mutualiser l’aide aux devoirs",
        date_debut=debut or date(ANNEE - 1, 1, 1),
        date_fin=fin or date(ANNEE + 1, 12, 31),
    )
    resultat = [
        services_partenaires.partie_ajouter(convention=convention, structure=s) for s in parties
    ]
    if statut != StatutConvention.PROJET:
        _signer(convention, statut)
    return convention, resultat


def _signer(convention, statut="en_vigueur"):
    # Signing needs a scanned document and signatories: not what these tests are about.
    Convention.objects.filter(pk=convention.pk).update(
        statut=statut, date_signature=convention.date_debut
    )


class Monde:
    """Programme A with a funder (the CAF) and a delivering partner (a judo club) party to one
    convention; programme B elsewhere."""

    def __init__(self):
        self.a, self.b = pre(nom="PRE A"), pre(nom="PRE B")
        self.admin = _avec_role(self.a.programme, Role.ADMINISTRATEUR)
        self.pilote = _avec_role(self.a.programme, Role.PILOTAGE)
        self.caf = partenaire(self.a.programme, nom="CAF du Nord")
        self.club = partenaire(self.a.programme, nom="Club de judo")
        self.membre_club = professionnel(self.club)
        self.convention, (self.partie_caf, self.partie_club) = _convention(
            self.a.programme, self.admin, self.caf, self.club, statut=StatutConvention.PROJET
        )
        services_partenaires.engagement_ajouter(
            partie=self.partie_caf, annee=ANNEE, nature="financier", quantite=Decimal("10000")
        )
        services_partenaires.engagement_ajouter(
            partie=self.partie_caf, annee=ANNEE + 1, nature="financier", quantite=Decimal("777")
        )
        services_partenaires.engagement_ajouter(
            partie=self.partie_club, annee=ANNEE, nature="heures", quantite=Decimal("40")
        )
        services_partenaires.engagement_ajouter(
            partie=self.partie_club, annee=ANNEE, nature="financier", quantite=Decimal("2000")
        )
        _signer(self.convention)
        self.parcours = []

    def enfant(self, programme=None):
        programme = programme or self.a.programme
        parcours = ParcoursFactory(
            programme=programme,
            statut=Statut.EN_COURS,
            enfant=EnfantFactory(programme=programme, nom=NOM),
        )
        self.parcours.append(parcours)
        return parcours

    def action(self, parcours, *, debut, structure=None, cout="100", heures="2", **kwargs):
        objectif = kwargs.pop("objectif", None)
        if objectif is None:
            objectif = fab.objectif(
                parcours, auteur=self.a.coordinateur, domaine=kwargs.pop("domaine", "sport")
            )
            # Opened with the pathway, early in the pack's year.
            type(objectif).objects.filter(pk=objectif.pk).update(date_ouverture=date(ANNEE, 1, 15))
        return fab.action(
            parcours,
            auteur=self.a.coordinateur,
            intitule=kwargs.pop("intitule", "Judo du mercredi"),
            objectif=objectif,
            convention=self.convention,
            structure=structure or self.club,
            date_debut=debut,
            cout=Decimal(cout),
            heures=Decimal(heures),
            statut=kwargs.pop("statut", StatutAction.EN_COURS),
            hors_consentement=True,
            **kwargs,
        )

    def financeur(self, user=None, structure=None):
        return financeur_pour(
            user=user or self.a.coordinateur,
            programme_pk=self.a.programme.pk,
            structure_pk=(structure or self.caf).pk,
            annee=ANNEE,
        )


@pytest.fixture
def m() -> Monde:
    return Monde()


def client_de(user) -> Client:
    return connecter(Client(), user)


def _url(m, structure=None, annee=ANNEE, programme=None):
    return (
        reverse("parcours:preuves_dossier")
        + f"?programme={(programme or m.a.programme).pk}&structure={(structure or m.caf).pk}"
        + f"&annee={annee}"
    )


# --- Rules ----------------------------------------------------------------------------------


def test_les_sommes_suivent_les_engagements_et_les_actions_de_l_annee(m):
    enfants = [m.enfant() for _i in range(6)]
    for p in enfants:
        m.action(p, debut=date(ANNEE, 3, 1), cout="150.50", heures="3")
    # The CAF delivers one action itself: its own consumption.
    m.action(enfants[0], debut=date(ANNEE, 6, 1), structure=m.caf, cout="80", intitule="Sortie")
    # Abandoned: consumes nothing, reaches nobody.
    m.action(m.enfant(), debut=date(ANNEE, 6, 1), statut=StatutAction.ABANDONNEE, cout="999")

    caf = dossier_preuves(m.financeur(), ANNEE)
    assert caf.engage_euros == Decimal("10000")
    assert caf.consomme_euros == Decimal("80")
    assert caf.consomme_conventions_euros == Decimal("983.00")  # 6 × 150.50 + 80
    assert caf.enfants == 6 and caf.nombre_actions == 7
    judo = next(a for a in caf.actions if a.action == "Judo du mercredi")
    assert (judo.nombre, judo.enfants, judo.cout, judo.heures) == (
        6,
        6,
        Decimal("903.00"),
        Decimal("18.0"),
    )
    club = dossier_preuves(m.financeur(structure=m.club), ANNEE)
    assert club.engage_euros == Decimal("2000")
    assert club.consomme_euros == Decimal("903.00")
    heures = next(e for e in club.engagements if e.unite == "heures")
    assert (heures.engage, heures.consomme) == (Decimal("40"), Decimal("18.0"))
    # The same figures as the convention's page.
    from parcours.selectors.mutualisation import totaux_convention

    ligne = next(
        ligne
        for ligne in totaux_convention(m.convention)["lignes"]
        if ligne["annee"] == ANNEE and ligne["partie"].structure_id == m.club.pk
    )
    assert (ligne["engage"], ligne["consomme"]) == (club.engage_euros, club.consomme_euros)
    # Outcomes by domain of the children reached: 7 objectives in sport, all open.
    (sport,) = caf.resultats
    assert sport.libelle == "Sport" and sport.total == 7
    assert caf.domaines == ["Sport"]


def test_les_bornes_de_l_annee(m):
    p = m.enfant()
    m.action(p, debut=date(ANNEE - 1, 12, 31), cout="1")
    m.action(p, debut=date(ANNEE, 1, 1), cout="10")
    m.action(p, debut=date(ANNEE, 12, 31), cout="100")
    m.action(p, debut=date(ANNEE + 1, 1, 1), cout="1000")
    # An objective closed the day before the year began is not the year's.
    ancien = fab.objectif(p, auteur=m.a.coordinateur, domaine="culture")
    type(ancien).objects.filter(pk=ancien.pk).update(
        statut="atteint", date_ouverture=date(ANNEE - 1, 2, 1), date_cloture=date(ANNEE - 1, 12, 31)
    )
    # Requests sent on the 31 December at 23:30 in Paris belong to that year.
    objectif = p.objectifs.filter(domaine="sport").first()
    for instant, domaine in [
        (datetime(ANNEE - 1, 12, 31, 23, 30), "sport"),
        (datetime(ANNEE, 12, 31, 23, 30), "sport"),
        (datetime(ANNEE, 6, 1, 12, 0), "culture"),  # not a domain of the CAF
    ]:
        s = sollicitation_creer(
            parcours=p,
            objectif=objectif,
            structure=m.club,
            professionnel=None,
            demande="Une place au club",
            motif="Se dépenser",
            echeance=date.today() + timedelta(days=10),
            auteur=m.a.coordinateur,
        )
        Sollicitation.objects.filter(pk=s.pk).update(
            envoyee_le=timezone.make_aware(instant), domaine=domaine
        )
    BesoinNonCouvert.objects.create(
        programme=m.a.programme,
        domaine="sport",
        tranche_age="6-10",
        description="Natation",
        date_signalement=date(ANNEE, 12, 31),
    )
    BesoinNonCouvert.objects.create(
        programme=m.a.programme,
        domaine="sport",
        tranche_age="6-10",
        description="Escalade",
        date_signalement=date(ANNEE + 1, 1, 1),
    )

    d = dossier_preuves(m.financeur(), ANNEE)
    assert d.consomme_conventions_euros == Decimal("110")
    assert d.nombre_actions == 2
    assert [ligne.libelle for ligne in d.resultats] == ["Sport"]
    assert d.sollicitations_total == 1 and d.besoins_total == 1


def test_sous_cinq_les_effectifs_sont_masques_sauf_pour_la_coordination(m):
    quatre = [m.enfant() for _i in range(4)]
    for p in quatre:
        m.action(p, debut=date(ANNEE, 3, 1), intitule="Judo")
    six = [m.enfant() for _i in range(6)]
    for p in six:
        m.action(p, debut=date(ANNEE, 3, 1), intitule="Piscine", domaine="sante")

    coordination = dossier_preuves(m.financeur(), ANNEE)
    assert not coordination.masque
    assert {a.action: a.enfants for a in coordination.actions} == {"Judo": 4, "Piscine": 6}
    for user in (m.pilote, m.admin):
        d = dossier_preuves(m.financeur(user), ANNEE)
        assert d.masque
        assert {a.action: (a.nombre, a.enfants) for a in d.actions} == {
            "Judo": (None, None),
            "Piscine": (6, 6),
        }
        assert d.enfants == 10
        # Outcomes: 4 sport objectives (masked), 6 health; no grand total under masking.
        assert {ligne.libelle: ligne.total for ligne in d.resultats} == {"Santé": 6, "Sport": None}
        # Money is not a count of people: never masked.
        assert d.consomme_conventions_euros == Decimal("1000")
    page = client_de(m.pilote).get(_url(m)).content.decode()
    assert "&lt; 5" in page and NOM not in page


def test_une_partie_sans_rien_a_un_dossier_vide_mais_valable(m):
    vide = partenaire(m.a.programme, nom="Fondation discrète")
    _convention(m.a.programme, m.admin, vide, debut=date(ANNEE, 1, 1), fin=date(ANNEE, 12, 31))
    d = dossier_preuves(m.financeur(structure=vide), ANNEE)
    assert (d.engage_euros, d.consomme_euros, d.enfants, d.nombre_actions) == (0, 0, 0, 0)
    assert d.actions == d.resultats == d.sollicitations == d.besoins == []
    assert d.domaines == []
    page = client_de(m.a.coordinateur).get(_url(m, structure=vide))
    assert page.status_code == 200
    assert "Aucun engagement pour cette année." in page.content.decode()


def test_une_annee_hors_des_conventions_ou_un_brouillon_repondent_404(m):
    client = client_de(m.a.coordinateur)
    assert client.get(_url(m, annee=ANNEE + 2)).status_code == 404
    assert client.get(_url(m, annee="deux-mille")).status_code == 404
    assert client.get(_url(m).split("&annee=")[0]).status_code == 404  # no year at all
    sans_annee = f"programme={m.a.programme.pk}&structure={m.caf.pk}"
    reponse = client.post(
        reverse("exports:demander"), {"genre": "preuves", "format": "pdf", "filtres": sans_annee}
    )
    assert reponse.status_code == 404 and not DemandeExport.objects.exists()
    brouillon = partenaire(m.a.programme, nom="Mairie annexe")
    _convention(m.a.programme, m.admin, brouillon, statut=StatutConvention.PROJET)
    assert client.get(_url(m, structure=brouillon)).status_code == 404
    # A structure working with the programme but party to no convention.
    assert client.get(_url(m, structure=partenaire(m.a.programme))).status_code == 404


# --- Permissions ----------------------------------------------------------------------------


def test_la_gestion_et_le_pilotage_produisent_le_dossier(m):
    for user in (m.a.coordinateur, m.admin, m.pilote):
        client = client_de(user)
        liste = client.get(reverse("parcours:preuves"))
        assert liste.status_code == 200 and "CAF du Nord" in liste.content.decode()
        assert client.get(_url(m)).status_code == 200


def test_un_partenaire_un_referent_une_autre_coordination_recoivent_404_partout(m):
    p = m.enfant()
    consentement(p, structures=[m.club], auteur=m.a.coordinateur)
    nommer_referent(p, m.membre_club, auteur=m.a.coordinateur)
    referent_pre = professionnel(m.a.porteuse)
    nommer_referent(m.enfant(), referent_pre, auteur=m.a.coordinateur)
    autres = [
        m.membre_club.user,
        referent_pre.user,
        m.b.coordinateur,
        _avec_role(m.b.programme, Role.PILOTAGE),
    ]
    filtres = f"programme={m.a.programme.pk}&structure={m.caf.pk}&annee={ANNEE}"
    for user in autres:
        client = client_de(user)
        assert client.get(_url(m)).status_code == 404, user
        if user in (m.membre_club.user, referent_pre.user):
            # No programme role at all: the list itself does not exist for them.
            assert client.get(reverse("parcours:preuves")).status_code == 404
        assert (
            client.get(reverse("parcours:preuves"), {"programme": m.a.programme.pk}).status_code
            == 404
        )
        reponse = client.post(
            reverse("exports:demander"), {"genre": "preuves", "format": "pdf", "filtres": filtres}
        )
        assert reponse.status_code == 404
    assert not DemandeExport.objects.exists()
    # A structure of another programme, named under programme A: 404 for A's coordinator.
    b_partie = partenaire(m.b.programme, nom="CAF d’ailleurs")
    _convention(m.b.programme, m.b.coordinateur, b_partie)
    client = client_de(m.a.coordinateur)
    assert client.get(_url(m, structure=b_partie)).status_code == 404
    assert client.get(_url(m, structure=b_partie, programme=m.b.programme)).status_code == 404
    assert (
        client.get(reverse("parcours:preuves"), {"programme": m.b.programme.pk}).status_code == 404
    )
    # Anonymous: to the login page.
    anonyme = Client().get(_url(m))
    assert anonyme.status_code == 302 and "connexion" in anonyme["Location"]


def test_le_travail_en_arriere_plan_rejoue_l_acces_du_demandeur(m):
    with pytest.raises(Http404):
        from django.http import QueryDict

        construire_preuves(
            m.membre_club.user,
            QueryDict(f"programme={m.a.programme.pk}&structure={m.caf.pk}&annee={ANNEE}"),
        )


# --- Files ----------------------------------------------------------------------------------


def test_le_tableur_et_le_pdf_portent_les_memes_chiffres_sans_identite(m):
    m.caf.nom = "=CAF du Nord"
    m.caf.save()
    for _i in range(5):
        m.action(m.enfant(), debut=date(ANNEE, 3, 1), cout="200")
    from django.http import QueryDict

    construction = construire_preuves(
        m.pilote, QueryDict(f"programme={m.a.programme.pk}&structure={m.caf.pk}&annee={ANNEE}")
    )
    etapes = []
    sortie = io.BytesIO()
    ecrire_preuves(construction, "xlsx", sortie, etapes.append)
    assert etapes == [1, 2, 3, 4, 5, 6] and construction.compter() == 6
    classeur = load_workbook(io.BytesIO(sortie.getvalue()))
    assert classeur.sheetnames == [
        "Synthèse",
        "Conventions",
        "Engagements",
        "Actions financées",
        "Résultats des objectifs",
        "Sollicitations",
        "Besoins non couverts",
    ]
    synthese = {ligne[0]: ligne[1] for ligne in classeur["Synthèse"].iter_rows(values_only=True)}
    assert synthese["Financeur"] == "'=CAF du Nord"
    assert synthese["Engagé (euros)"] == 10000
    assert synthese["Consommé par toutes les actions des conventions (euros)"] == 1000
    assert synthese["Enfants touchés"] == 5
    texte = "".join(
        str(c)
        for f in classeur.worksheets
        for ligne in f.iter_rows(values_only=True)
        for c in ligne
    )
    assert NOM not in texte
    pdf = io.BytesIO()
    ecrire_preuves(construction, "pdf", pdf)
    assert pdf.getvalue().startswith(b"%PDF")


def test_la_page_demande_le_dossier_a_l_export_en_arriere_plan(
    m, django_capture_on_commit_callbacks
):
    client = client_de(m.admin)
    page = client.get(_url(m)).content.decode()
    assert 'name="genre" value="preuves"' in page and "Préparer le PDF" in page
    filtres = f"programme={m.a.programme.pk}&amp;structure={m.caf.pk}&amp;annee={ANNEE}"
    assert filtres in page
    with django_capture_on_commit_callbacks() as rappels:
        reponse = client.post(
            reverse("exports:demander"),
            {"genre": "preuves", "format": "pdf", "filtres": filtres.replace("&amp;", "&")},
        )
    demande = DemandeExport.objects.get()
    assert (demande.genre, demande.format, demande.demandeur) == ("preuves", "pdf", m.admin)
    assert reponse["Location"] == reverse("exports:demande", args=[demande.pk])
    assert len(rappels) == 1
    # No CSV for a document, and no synchronous build.
    assert (
        client.post(
            reverse("exports:demander"),
            {"genre": "preuves", "format": "csv", "filtres": filtres.replace("&amp;", "&")},
        ).status_code
        == 404
    )


# --- Query budgets --------------------------------------------------------------------------


def _requetes(client, url) -> int:
    client.get(url)  # the session's and the content types' first reads are not the page's
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url).status_code == 200
    return len(requetes)


# Pinned exactly. Every page: the session, the user, the header's reads (4; the DSFR settings
# are cached and the session is renewed at most once a minute); the list: the programmes, the
# parties with their conventions.
REQUETES_LISTE = 6
# The pack: the programme, the structure, its years; the parties and their commitments, the
# actions (rows and totals), the outcomes, the domains (served, offered), requests, needs.
REQUETES_DOSSIER = 16


def test_la_liste_coute_le_meme_nombre_de_requetes_pour_1_ou_20_parties(m):
    client = client_de(m.a.coordinateur)
    url = reverse("parcours:preuves")
    une = _requetes(client, url)
    for i in range(19):
        _convention(m.a.programme, m.admin, partenaire(m.a.programme, nom=f"Partie {i}"))
    vingt = _requetes(client, url)
    assert (une, vingt) == (REQUETES_LISTE, REQUETES_LISTE)


def test_le_dossier_coute_le_meme_nombre_de_requetes_pour_1_ou_20_actions(m):
    client = client_de(m.pilote)
    m.action(m.enfant(), debut=date(ANNEE, 3, 1))
    une = _requetes(client, _url(m))
    for i in range(19):
        m.action(m.enfant(), debut=date(ANNEE, 4, 1), intitule=f"Atelier {i}", domaine="culture")
    vingt = _requetes(client, _url(m))
    assert (une, vingt) == (REQUETES_DOSSIER, REQUETES_DOSSIER)
