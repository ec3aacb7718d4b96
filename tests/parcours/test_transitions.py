"""School transitions (issue 21): the dated rules (school year from September 1st, the level
expected from the birth year, the programme's spring and alert months in Europe/Paris), the
coordination's list, the per-child checklist (authors, optimistic lock, one-time token, French
errors), the hand-over sheet (the family's agreement first, never a note), the June flag in the
pathways at risk and the reminder kind."""

import io
import zoneinfo
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from parcours.models import (
    InformationPreoccupante,
    NiveauScolaire,
    Parcours,
    Statut,
    Transition,
    TypeTransition,
)
from parcours.selectors import (
    annee_rentree,
    annee_scolaire,
    niveau_attendu,
    parcours_a_risque,
    transitions_a_venir,
)
from parcours.services import note_ajouter, rupture_enregistrer, transition_creer
from reussite.core.models import Rappel
from reussite.core.rappels import rappels_scanner
from tests.conftest import connecter
from tests.factories import actions as fabrique_actions
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import (
    ajouter_intervenant,
    consentement,
    nommer_referent,
    partenaire,
    pre,
    professionnel,
)
from tests.support.formulaires import jeton

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
LISTE = reverse("parcours:transitions")
# School year 2026-2027: grande section born in 2021, CM2 in 2016, 3e in 2012.
NAISSANCES = {"gs": date(2021, 6, 1), "cm2": date(2016, 3, 3), "3e": date(2012, 10, 10)}


def _a_paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@pytest.fixture
def printemps():
    with time_machine.travel(_a_paris(2027, 4, 15, 10, 0), tick=False):
        yield date(2027, 4, 15)


@pytest.fixture
def juin():
    with time_machine.travel(_a_paris(2027, 6, 10, 10, 0), tick=False):
        yield date(2027, 6, 10)


@pytest.fixture
def a():
    return pre(nom="PRE des Passages")


def _parcours(a, *, nom, naissance=None, niveau="", referent=None, **kwargs) -> Parcours:
    parcours = ParcoursFactory(
        programme=a.programme,
        statut=Statut.EN_COURS,
        enfant=EnfantFactory(
            programme=a.programme,
            nom=nom,
            date_naissance=naissance or NAISSANCES["cm2"],
            niveau_scolaire=niveau,
        ),
        **kwargs,
    )
    if referent is not None:
        nommer_referent(parcours, referent, auteur=a.coordinateur)
    return parcours


def _noms(qs) -> list[str]:
    return [p.enfant.nom for p in qs]


def _liste(a, **kwargs):
    return transitions_a_venir(Parcours.objects.filter(programme=a.programme), **kwargs)


# --- Rules ----------------------------------------------------------------------------------


def test_l_annee_scolaire_commence_le_1er_septembre():
    assert annee_scolaire(date(2027, 8, 31)) == 2026
    assert annee_scolaire(date(2027, 9, 1)) == 2027
    assert annee_rentree(date(2027, 8, 31)) == 2027
    assert annee_rentree(date(2027, 9, 1)) == 2028
    assert annee_rentree(date(2026, 12, 3)) == 2027


def test_le_niveau_attendu_suit_l_annee_civile_de_naissance():
    # A child enters CP in the September of the calendar year it turns 6.
    assert niveau_attendu(date(2021, 12, 31), 2026) == NiveauScolaire.GS
    assert niveau_attendu(date(2022, 1, 1), 2026) == NiveauScolaire.MS
    assert niveau_attendu(date(2021, 1, 1), 2027) == NiveauScolaire.CP
    assert niveau_attendu(date(2016, 1, 1), 2026) == NiveauScolaire.CM2
    assert niveau_attendu(date(2012, 12, 31), 2026) == NiveauScolaire.TROISIEME
    assert niveau_attendu(date(2025, 1, 1), 2026) == ""


def test_la_liste_deduit_le_niveau_aux_bornes_de_l_annee_de_naissance(a, printemps):
    _parcours(a, nom="Decembre", naissance=date(2021, 12, 31))
    _parcours(a, nom="Janvier", naissance=date(2022, 1, 1))
    _parcours(a, nom="Collegien", naissance=date(2012, 1, 1))
    _parcours(a, nom="Lyceen", naissance=date(2011, 12, 31))

    lignes = list(_liste(a))

    assert _noms(lignes) == ["Collegien", "Decembre"]
    assert {p.enfant.nom: p.type_transition for p in lignes} == {
        "Decembre": TypeTransition.GS_CP,
        "Collegien": TypeTransition.TROISIEME_LYCEE,
    }
    assert all(p.niveau_deduit for p in lignes)


def test_le_niveau_note_sur_l_enfant_prime_sur_la_date_de_naissance(a, printemps):
    _parcours(a, nom="Redoublant", naissance=NAISSANCES["cm2"], niveau=NiveauScolaire.CM1)
    _parcours(a, nom="Avance", naissance=date(2017, 5, 5), niveau=NiveauScolaire.CM2)

    assert _noms(_liste(a)) == ["Avance"]


def test_apres_la_rentree_plus_rien_n_est_liste(a):
    _parcours(a, nom="Rentre", naissance=NAISSANCES["gs"])
    with time_machine.travel(_a_paris(2027, 8, 31, 23, 30), tick=False):
        assert _noms(_liste(a)) == ["Rentre"]
    with time_machine.travel(_a_paris(2027, 9, 1, 0, 30), tick=False):
        assert _noms(_liste(a)) == []


def test_le_printemps_commence_le_1er_mars_a_paris(a):
    _parcours(a, nom="Printanier", naissance=NAISSANCES["gs"])
    # 22:30 UTC on February 28th is still February in Paris (UTC+1)...
    with time_machine.travel(datetime(2027, 2, 28, 22, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))):
        assert _noms(_liste(a)) == []
    # ...23:30 UTC is already March 1st there.
    with time_machine.travel(datetime(2027, 2, 28, 23, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))):
        assert _noms(_liste(a)) == ["Printanier"]


def test_le_mois_du_printemps_se_regle_par_programme(a):
    _parcours(a, nom="Tardif", naissance=NAISSANCES["gs"])
    a.programme.transitions_debut_mois = 5
    a.programme.save()
    with time_machine.travel(_a_paris(2027, 4, 30, 12), tick=False):
        assert _noms(_liste(a)) == []
    with time_machine.travel(_a_paris(2027, 5, 1, 12), tick=False):
        assert _noms(_liste(a)) == ["Tardif"]


# --- The list -------------------------------------------------------------------------------


def test_la_coordination_filtre_par_passage_et_voit_l_avancement(client, a, printemps):
    petit = _parcours(a, nom="Petit", naissance=NAISSANCES["gs"])
    moyen = _parcours(a, nom="Moyen", naissance=NAISSANCES["cm2"])
    _parcours(a, nom="Grand", naissance=NAISSANCES["3e"])
    _parcours(a, nom="Hors", naissance=date(2018, 1, 1))
    transition_creer(
        parcours=moyen,
        annee_rentree=2027,
        auteur=a.coordinateur,
        donnees={"type": TypeTransition.CM2_6E, "contact_le": date(2027, 4, 1)},
    )
    connecter(client, a.coordinateur)

    reponse = client.get(LISTE)
    assert reponse.status_code == 200
    assert _noms(reponse.context["page"].object_list) == ["Grand", "Moyen", "Petit"]
    contenu = reponse.content.decode()
    assert "1 étape(s) sur 4" in contenu and "Pas commencée" in contenu
    assert "Passages à la rentrée de septembre 2027" in contenu
    filtre = client.get(LISTE, {"type": TypeTransition.GS_CP})
    assert _noms(filtre.context["page"].object_list) == ["Petit"]
    assert petit.pk


def test_la_correction_pas_de_changement_retire_l_enfant_de_la_liste(a, printemps):
    p = _parcours(a, nom="Maintenu", naissance=NAISSANCES["cm2"])
    transition_creer(
        parcours=p,
        annee_rentree=2027,
        auteur=a.coordinateur,
        donnees={"type": TypeTransition.AUCUNE},
    )
    assert _noms(_liste(a)) == []


def test_un_partenaire_et_une_autre_coordination_recoivent_404(client, a, printemps):
    structure = partenaire(a.programme)
    referent = professionnel(structure)
    p = _parcours(a, nom="Protege", naissance=NAISSANCES["gs"])
    consentement(p, structures=[structure], auteur=a.coordinateur)
    nommer_referent(p, referent, auteur=a.coordinateur)
    intervenant = professionnel(structure)
    ajouter_intervenant(p, intervenant, auteur=a.coordinateur)
    b = pre(nom="PRE Voisin")

    for user in (referent.user, intervenant.user):
        assert connecter(client, user).get(LISTE).status_code == 404
    autre = connecter(client, b.coordinateur).get(LISTE)
    assert autre.status_code == 200 and "Protege" not in autre.content.decode()
    for nom in ("parcours:transition", "parcours:transition_fiche_pdf"):
        url = reverse(nom, args=[p.pk])
        for user in (intervenant.user, b.coordinateur):
            reponse = connecter(client, user).get(url)
            assert reponse.status_code == 404, (nom, user)
            assert "Protege" not in reponse.content.decode()
    # The partner who refers the child is its team: it fills the checklist.
    assert (
        connecter(client, referent.user)
        .get(reverse("parcours:transition", args=[p.pk]))
        .status_code
        == 200
    )


def test_un_anonyme_est_renvoye_vers_la_connexion(client):
    reponse = client.get(LISTE)
    assert reponse.status_code == 302 and reponse["Location"].startswith(reverse("login"))


# 7 since issue 18, point 3 (no session save, the DSFR configuration kept for a minute).
REQUETES_LISTE = 7


@pytest.mark.parametrize("nombre", [1, 30])
def test_la_liste_coute_le_meme_nombre_de_requetes_avec_1_ou_30_lignes(
    client, a, printemps, django_assert_num_queries, nombre
):
    referent = professionnel(a.porteuse)
    for i in range(nombre):
        p = _parcours(a, nom=f"Passage{i:02d}", naissance=NAISSANCES["cm2"])
        Parcours.objects.filter(pk=p.pk).update(referent=referent)
        if i % 2:
            transition_creer(
                parcours=p,
                annee_rentree=2027,
                auteur=a.coordinateur,
                donnees={"type": TypeTransition.CM2_6E, "contact_le": date(2027, 4, 1)},
            )
    connecter(client, a.coordinateur)
    client.get(LISTE)

    with django_assert_num_queries(REQUETES_LISTE):
        reponse = client.get(LISTE, {"type": TypeTransition.CM2_6E})

    assert len(reponse.context["page"].object_list) == min(nombre, 25)
    assert reponse.context["page"].paginator.count == nombre


# --- The checklist --------------------------------------------------------------------------


def _corps(**changements) -> dict:
    return {
        "type": TypeTransition.CM2_6E,
        "etablissement_accueil": "Collège Jean Zay",
        "referent_accueil": "Mme Durand, CPE",
        "contact_le": "",
        "accord_famille_le": "",
        "fiche_remise_le": "",
        "reunion_le": "",
        **changements,
    }


def test_chaque_etape_est_datee_avec_son_auteur(client, a, printemps):
    referent = professionnel(a.porteuse)
    p = _parcours(a, nom="Auteurs", naissance=NAISSANCES["cm2"], referent=referent)
    url = reverse("parcours:transition", args=[p.pk])
    connecter(client, a.coordinateur)
    assert client.get(url).context["form"].initial["type"] == TypeTransition.CM2_6E

    creation = client.post(url, {"jeton": jeton(), **_corps(contact_le="2027-04-02")})
    assert creation.status_code == 302
    transition = Transition.objects.get(parcours=p)
    assert (transition.contact_le, transition.contact_par) == (date(2027, 4, 2), a.coordinateur)
    assert transition.accord_famille_par is None

    connecter(client, referent.user)
    suite = client.post(
        url,
        {
            "version": transition.version,
            **_corps(
                contact_le="2027-04-02",
                elements_transmis=["scolarite", "objectifs"],
                accord_famille_le="2027-04-10",
            ),
        },
    )
    assert suite.status_code == 302
    transition.refresh_from_db()
    # The contact stays the coordinator's; the agreement is the référent's.
    assert transition.contact_par == a.coordinateur
    assert transition.accord_famille_par == referent.user
    assert transition.progression == 2
    page = client.get(url).content.decode()
    assert "le 10/04/2027" in page and "Télécharger la fiche de liaison" in page


def test_le_meme_formulaire_envoye_deux_fois_cree_une_liste(client, a, printemps):
    p = _parcours(a, nom="Double", naissance=NAISSANCES["cm2"])
    url = reverse("parcours:transition", args=[p.pk])
    connecter(client, a.coordinateur)
    corps = {"jeton": jeton(), **_corps(contact_le="2027-04-02")}

    assert client.post(url, corps).status_code == 302
    assert client.post(url, corps).status_code == 302

    assert Transition.objects.filter(parcours=p).count() == 1


def test_deux_modifications_concurrentes_la_seconde_voit_le_conflit(client, a, printemps):
    p = _parcours(a, nom="Concurrent", naissance=NAISSANCES["cm2"])
    transition = transition_creer(
        parcours=p, annee_rentree=2027, auteur=a.coordinateur, donnees={"type": "cm2_6e"}
    )
    url = reverse("parcours:transition", args=[p.pk])
    connecter(client, a.coordinateur)
    lue = transition.version

    premiere = client.post(url, {"version": lue, **_corps(contact_le="2027-04-03")})
    seconde = client.post(url, {"version": lue, **_corps(reunion_le="2027-06-20")})

    assert premiere.status_code == 302
    assert seconde.status_code == 409
    assert "20/06/2027" in seconde.content.decode() or "2027-06-20" in seconde.content.decode()
    transition.refresh_from_db()
    assert transition.contact_le == date(2027, 4, 3) and transition.reunion_le is None


@pytest.mark.parametrize(
    ("changements", "message"),
    [
        (
            {"fiche_remise_le": "2027-04-10"},
            "La fiche de liaison ne peut être remise qu’après l’accord de la famille.",
        ),
        (
            {"reunion_le": "2027-07-20"},
            "La rencontre doit avoir lieu avant l’été, au plus tard le 05/07/2027.",
        ),
        (
            {"contact_le": "2027-05-20"},
            "La date doit être comprise entre le 01/01/2005 et le 15/04/2027.",
        ),
        (
            {"accord_famille_le": "2027-04-10"},
            "Indiquez ce que la famille accepte de transmettre avant de noter son accord.",
        ),
        ({"type": "inconnu"}, "Sélectionnez un choix valide"),
    ],
)
def test_une_saisie_incoherente_est_refusee_en_francais(client, a, printemps, changements, message):
    p = _parcours(a, nom="Incoherent", naissance=NAISSANCES["cm2"])
    connecter(client, a.coordinateur)

    reponse = client.post(
        reverse("parcours:transition", args=[p.pk]), {"jeton": jeton(), **_corps(**changements)}
    )

    assert reponse.status_code == 200
    assert message in reponse.content.decode()
    assert not Transition.objects.filter(parcours=p).exists()
    # What was typed is kept.
    assert "Collège Jean Zay" in reponse.content.decode()


def test_une_liste_ne_se_remplit_plus_sur_un_parcours_clos(client, a, printemps):
    p = _parcours(a, nom="Clos", naissance=NAISSANCES["cm2"])
    Parcours.objects.filter(pk=p.pk).update(
        statut=Statut.SORTI, date_sortie=date(2027, 4, 1), motif_sortie="demenagement"
    )
    connecter(client, a.coordinateur)
    reponse = client.post(
        reverse("parcours:transition", args=[p.pk]), {"jeton": jeton(), **_corps()}
    )
    assert reponse.status_code == 404
    assert not Transition.objects.exists()


# --- The hand-over sheet --------------------------------------------------------------------


def _texte_pdf(contenu: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(contenu)).pages)


def test_la_fiche_attend_l_accord_de_la_famille_et_ne_contient_aucune_note(client, a, printemps):
    p = _parcours(a, nom="Liaison", naissance=NAISSANCES["cm2"])
    fabrique_actions.objectif(p, auteur=a.coordinateur, intitule="Lire chaque soir")
    note_ajouter(
        parcours=p, auteur=a.coordinateur, texte="Secret de famille", visibilite="referent"
    )
    note_ajouter(parcours=p, auteur=a.coordinateur, texte="Note de l’équipe", visibilite="equipe")
    rupture_enregistrer(parcours=p, auteur=a.coordinateur, type="placement", date=date(2027, 3, 1))
    InformationPreoccupante.objects.create(
        parcours=p,
        date_transmission=date(2027, 3, 2),
        transmise_par="La coordinatrice",
        reference="CRIP-4242",
    )
    url = reverse("parcours:transition_fiche_pdf", args=[p.pk])
    connecter(client, a.coordinateur)

    refus = client.get(url)
    assert refus.status_code == 302
    assert "accord de la famille" in client.get(refus["Location"]).content.decode()

    transition = transition_creer(
        parcours=p,
        annee_rentree=2027,
        auteur=a.coordinateur,
        donnees={
            "type": TypeTransition.CM2_6E,
            "etablissement_accueil": "Collège Jean Zay",
            "elements_transmis": ["scolarite"],
            "accord_famille_le": date(2027, 4, 12),
        },
    )
    reponse = client.get(url)
    assert reponse.status_code == 200 and reponse["Content-Type"] == "application/pdf"
    texte = _texte_pdf(reponse.content)
    assert "Liaison" in texte and "Collège Jean Zay" in texte and "12/04/2027" in texte
    for absent in (
        "Secret de famille",
        "Note de l’équipe",
        "CRIP-4242",
        "placement",
        "Placement",
        "Lire chaque soir",  # objectives were not agreed on
    ):
        assert absent not in texte, absent

    Transition.objects.filter(pk=transition.pk).update(elements_transmis=["scolarite", "objectifs"])
    assert "Lire chaque soir" in _texte_pdf(client.get(url).content)


# --- The June flag and the reminder ---------------------------------------------------------


def test_en_juin_un_passage_sans_plan_est_a_risque_de_rupture(client, a):
    referent = professionnel(a.porteuse)
    sans_plan = _parcours(a, nom="Sansplan", naissance=NAISSANCES["gs"], referent=referent)
    avec_plan = _parcours(a, nom="Avecplan", naissance=NAISSANCES["3e"], referent=referent)
    _parcours(a, nom="Pasdepassage", naissance=date(2018, 1, 1), referent=referent)
    with time_machine.travel(_a_paris(2027, 4, 2, 10), tick=False):
        transition_creer(
            parcours=avec_plan,
            annee_rentree=2027,
            auteur=a.coordinateur,
            donnees={"type": TypeTransition.TROISIEME_LYCEE, "contact_le": date(2027, 4, 1)},
        )
        Parcours.objects.update(derniere_activite=_a_paris(2027, 5, 30))
    utc = zoneinfo.ZoneInfo("UTC")
    with time_machine.travel(datetime(2027, 5, 31, 21, 30, tzinfo=utc)):  # 23:30 in Paris
        assert _noms(parcours_a_risque(a.coordinateur)) == []
    with time_machine.travel(datetime(2027, 5, 31, 22, 30, tzinfo=utc)):  # June 1st in Paris
        lignes = list(parcours_a_risque(referent.user))
        assert _noms(lignes) == ["Sansplan"] and lignes[0].transition_sans_plan
        connecter(client, a.coordinateur)
        reponse = client.get(reverse("parcours:a_risque"), {"motif": "transition_sans_plan"})
        assert _noms(reponse.context["lignes"]) == ["Sansplan"]
        assert "À risque de rupture" in reponse.content.decode()
    assert sans_plan.pk


def test_le_rappel_part_au_referent_en_juin_une_fois_et_cesse_quand_la_liste_est_complete(a):
    referent = professionnel(a.porteuse)
    p = _parcours(a, nom="Rappele", naissance=NAISSANCES["cm2"], referent=referent)
    sans_referent = _parcours(a, nom="Orphelin", naissance=NAISSANCES["gs"])

    assert rappels_scanner(le=date(2027, 5, 31)).crees["transition_incomplete"] == 0
    bilan = rappels_scanner(le=date(2027, 6, 1))
    assert bilan.crees["transition_incomplete"] == 2
    rappels = Rappel.objects.filter(genre="transition_incomplete")
    assert {(r.object_id, r.destinataire_id, r.echeance) for r in rappels} == {
        (p.pk, referent.user_id, date(2027, 6, 1)),
        (sans_referent.pk, a.coordinateur.pk, date(2027, 6, 1)),
    }
    assert rappels_scanner(le=date(2027, 6, 2)).crees["transition_incomplete"] == 0
    # No reminder names the child in its subject.
    from reussite.core.rappels import genre

    rendus = genre("transition_incomplete").rendre(list(rappels))
    assert all("Rappele" not in r.titre and "Orphelin" not in r.titre for r in rendus.values())
    assert rendus[rappels.get(object_id=p.pk).pk].lien == reverse(
        "parcours:transition", args=[p.pk]
    )

    with time_machine.travel(_a_paris(2027, 6, 3, 10), tick=False):
        transition_creer(
            parcours=p,
            annee_rentree=2027,
            auteur=referent.user,
            donnees={
                "type": TypeTransition.CM2_6E,
                "contact_le": date(2027, 6, 1),
                "elements_transmis": ["scolarite"],
                "accord_famille_le": date(2027, 6, 2),
                "fiche_remise_le": date(2027, 6, 3),
                "reunion_le": date(2027, 6, 25),
            },
        )
    assert genre("transition_incomplete").valables(list(rappels), date(2027, 6, 4)) == {
        rappels.get(object_id=sans_referent.pk).pk
    }
    # From September to December nothing is due, and the scan's SQL still compiles.
    assert rappels_scanner(le=date(2027, 10, 1)).crees["transition_incomplete"] == 0


def test_sans_plan_lit_les_memes_parcours_que_transition_sans_plan(a):
    """The « parcours à risque » list reads the transition flag on the columns (`sans_plan`,
    issue 18) rather than on the `type_transition`/`etapes_faites` annotations: the same rows,
    for every recorded level and year (moved on, repeated, recorded later), a level guessed from
    the birth year, and a checklist missing, empty, started or corrected to « aucune »."""
    from parcours.models import Enfant, NiveauScolaire, Transition, TypeTransition
    from parcours.selectors.transitions import (
        avec_liste_de_rentree,
        avec_transition,
        sans_plan,
        transition_sans_plan,
    )

    annee = 2026  # the school year of June 2027
    numero = 0
    for niveau in ["", *NiveauScolaire.values]:
        annees = [None] if not niveau else [None, annee, annee - 1, annee - 3, annee - 9, annee + 1]
        for annee_notee in annees:
            naissances = range(2009, 2024) if not niveau else [date(2016, 3, 3).year]
            for naissance in naissances:
                numero += 1
                p = _parcours(a, nom=f"Enfant{numero:03d}", naissance=date(naissance, 5, 5))
                Enfant.objects.filter(pk=p.enfant_id).update(
                    niveau_scolaire=niveau, niveau_scolaire_annee=annee_notee
                )
                liste = numero % 5
                if liste:
                    Transition.objects.create(
                        parcours=p,
                        annee_rentree=2027 if liste != 4 else 2026,
                        type=TypeTransition.AUCUNE if liste == 1 else TypeTransition.CM2_6E,
                        contact_le=date(2027, 4, 1) if liste == 3 else None,
                    )
    ouverts = Parcours.objects.filter(programme=a.programme).ouverts()
    for le in (date(2027, 5, 31), date(2027, 6, 10), date(2027, 8, 31), date(2027, 9, 1)):
        attendus = set(
            avec_transition(ouverts, le).filter(transition_sans_plan(le)).values_list("pk")
        )
        lus = set(avec_liste_de_rentree(ouverts, le).filter(sans_plan(le)).values_list("pk"))
        assert lus == attendus, le
        assert le.month != 6 or len(attendus) > 10


def test_la_liste_filtre_sur_les_colonnes_et_lit_les_memes_parcours(a):
    """The coordination's list filters the kind of transition on the columns (issue 18): the
    `type_transition` annotation copied into its WHERE and into the paginator's COUNT cost 4,000
    SQL nodes to compile on every page. The same rows as that annotation, for every recorded
    level and year, a level guessed from the birth year, a checklist missing, corrected to
    « aucune » or of another year, and each kind chosen in the filter."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parcours.models import Enfant
    from parcours.selectors.transitions import TYPES_PASSAGE, avec_transition

    annee = 2026  # the school year of spring 2027
    numero = 0
    for niveau in ["", *NiveauScolaire.values]:
        annees = [None] if not niveau else [None, annee, annee - 1, annee - 3, annee + 1]
        naissances = range(2009, 2024) if not niveau else [2016]
        for annee_notee in annees:
            for naissance in naissances:
                numero += 1
                p = _parcours(a, nom=f"Enfant{numero:03d}", naissance=date(naissance, 5, 5))
                Enfant.objects.filter(pk=p.enfant_id).update(
                    niveau_scolaire=niveau, niveau_scolaire_annee=annee_notee
                )
                liste = numero % 4
                if liste:
                    Transition.objects.create(
                        parcours=p,
                        annee_rentree=2027 if liste != 3 else 2026,
                        type=TypeTransition.AUCUNE if liste == 1 else TypeTransition.GS_CP,
                    )
    ouverts = Parcours.objects.filter(programme=a.programme).ouverts()
    for le in (date(2027, 3, 10), date(2027, 8, 31), date(2027, 9, 1)):
        for type_ in ["", *TYPES_PASSAGE]:
            attendus = avec_transition(ouverts, le).filter(
                programme__transitions_debut_mois__lte=le.month if le.month < 9 else 0,
                type_transition__in=[type_] if type_ else TYPES_PASSAGE,
            )
            liste = _liste(a, le=le, type=type_)
            assert list(liste.values_list("pk", flat=True)) == list(
                attendus.order_by("enfant__nom", "enfant__prenom", "pk").values_list(
                    "pk", flat=True
                )
            ), (le, type_)
            assert le.month == 9 or liste.count() > 0
            with CaptureQueriesContext(connection) as requetes:
                liste.count()
                list(liste)
            compte, lignes = (r["sql"] for r in requetes.captured_queries)
            assert "CASE" not in compte
            assert "CASE" not in lignes.split(" WHERE ", 1)[1]
