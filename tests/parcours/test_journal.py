"""The pathway's journal: notes and their visibility, addenda, the information préoccupante
record, ruptures, documents, the timeline and the pathways at risk."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from parcours.models import (
    Action,
    Addendum,
    Document,
    InformationPreoccupante,
    Note,
    Objectif,
    Parcours,
    Rupture,
    Statut,
    StatutAction,
    TypeRupture,
    Visibilite,
)
from parcours.services import (
    addendum_ajouter,
    document_deposer,
    information_preoccupante_enregistrer,
    note_ajouter,
    note_modifier,
    parcours_sortir,
    rupture_enregistrer,
    rupture_repondre,
)
from partenaires.models import Professionnel
from reussite.core.ecriture import ConflitDeModification
from reussite.core.models import User
from reussite.core.trace import ALIAS as TRACE
from tests.conftest import connecter
from tests.factories.core import UserFactory
from tests.factories.monde import construire_monde
from tests.factories.parcours import ChangementStatutFactory, ParcoursFactory
from tests.factories.partage import (
    PDF,
    Pre,
    consentement,
    fichier_png,
    nommer_referent,
    pre,
    version_actuelle,
)
from tests.support.donnees_partagees import copie_pour, monde_partage
from tests.support.formulaires import jeton

pytestmark = pytest.mark.django_db


@dataclass
class Monde:
    a: Pre
    parcours: Parcours
    referent: Professionnel  # a partner référent
    intervenant: Professionnel  # an assigned partner
    auteur: Professionnel  # another assigned partner, who writes notes
    autre: Professionnel  # same structure, not assigned


def _construire() -> Monde:
    m = construire_monde(
        nom="PRE Journal", intervenants=({}, {}), membres=({},), enfant={"nom": "Journalier"}
    )
    intervenant, auteur = m.intervenants
    return Monde(m.pre, m.parcours, m.referent, intervenant, auteur, m.membres[0])


# Built once per module (tests/support/donnees_partagees.py); each test gets a fresh copy and
# its changes are rolled back.
_monde_du_module = monde_partage(_construire)


@pytest.fixture
def monde(_monde_du_module, db, settings) -> Monde:
    return copie_pour(_monde_du_module, settings)


def _note(monde, visibilite, *, auteur=None, texte=None) -> Note:
    return note_ajouter(
        parcours=Parcours.objects.get(pk=monde.parcours.pk),
        auteur=auteur or monde.auteur.user,
        texte=texte or f"Texte {visibilite}",
        visibilite=visibilite,
    )


def _vieillir(note: Note, heures: int = 25) -> None:
    Note.objects.filter(pk=note.pk).update(cree_le=timezone.now() - timedelta(hours=heures))
    note.refresh_from_db()


# --- Services: notes ----------------------------------------------------------------------------


def test_ecrire_une_note_note_l_activite_du_parcours(monde):
    version = monde.parcours.version
    note = _note(monde, Visibilite.EQUIPE)
    monde.parcours.refresh_from_db()
    assert note.auteur == monde.auteur.user
    assert monde.parcours.version == version + 1


def test_une_note_vide_ou_sur_un_parcours_clos_est_refusee(monde):
    with pytest.raises(ValidationError, match="texte"):
        _note(monde, Visibilite.EQUIPE, texte="   ")
    parcours_sortir(
        version=version_actuelle(monde.parcours),
        parcours=monde.parcours,
        date_sortie=date.today(),
        motif_sortie="demenagement",
        auteur=monde.a.coordinateur,
    )
    with pytest.raises(ValidationError, match="clos"):
        _note(monde, Visibilite.EQUIPE)
    assert not Note.objects.exists()


def test_l_auteur_modifie_sa_note_pendant_24_heures(monde):
    note = _note(monde, Visibilite.EQUIPE)
    _vieillir(note, heures=23)
    modifiee = note_modifier(
        note=note,
        auteur=monde.auteur.user,
        texte="Corrigé",
        visibilite=Visibilite.AUTEUR,
        version=note.version,
    )
    assert (modifiee.texte, modifiee.visibilite, modifiee.version) == (
        "Corrigé",
        Visibilite.AUTEUR,
        2,
    )


def test_apres_24_heures_la_note_ne_se_modifie_plus_mais_accepte_un_addendum(monde):
    note = _note(monde, Visibilite.EQUIPE)
    _vieillir(note)
    with pytest.raises(ValidationError, match="24 heures"):
        note_modifier(
            note=note,
            auteur=monde.auteur.user,
            texte="Trop tard",
            visibilite=Visibilite.EQUIPE,
            version=note.version,
        )
    addendum = addendum_ajouter(note=note, auteur=monde.auteur.user, texte="Précision")
    note.refresh_from_db()
    assert note.texte == "Texte equipe"
    assert addendum.cree_le > note.cree_le
    assert list(note.addenda.values_list("texte", flat=True)) == ["Précision"]


def test_personne_d_autre_que_l_auteur_ne_modifie_une_note(monde):
    note = _note(monde, Visibilite.EQUIPE)
    for user in (monde.a.coordinateur, monde.referent.user, monde.intervenant.user):
        with pytest.raises(ValidationError, match="auteur"):
            note_modifier(
                note=note, auteur=user, texte="Non", visibilite=Visibilite.EQUIPE, version=1
            )


def test_l_equipe_complete_une_note_un_autre_partenaire_non(monde):
    """The service asks the access module who the team is: no verdict passed by the caller."""
    note = _note(monde, Visibilite.EQUIPE)
    addendum_ajouter(note=note, auteur=monde.referent.user, texte="Du référent")
    addendum_ajouter(note=note, auteur=monde.a.coordinateur, texte="De la coordination")
    with pytest.raises(ValidationError):
        addendum_ajouter(note=note, auteur=monde.intervenant.user, texte="Non")
    assert Addendum.objects.count() == 2


def test_deux_modifications_concurrentes_d_une_note_ne_s_ecrasent_pas(monde):
    note = _note(monde, Visibilite.EQUIPE)
    note_modifier(
        note=note, auteur=monde.auteur.user, texte="Premier", visibilite="equipe", version=1
    )
    with pytest.raises(ConflitDeModification) as erreur:
        note_modifier(
            note=note, auteur=monde.auteur.user, texte="Second", visibilite="equipe", version=1
        )
    assert erreur.value.actuel.texte == "Premier"
    note.refresh_from_db()
    assert note.texte == "Premier"


def test_la_page_de_modification_montre_le_conflit_et_garde_la_saisie(client, monde):
    note = _note(monde, Visibilite.EQUIPE)
    url = reverse("parcours:note_modifier", args=[monde.parcours.pk, note.pk])
    connecter(client, monde.auteur.user)
    client.get(url)
    note_modifier(
        note=note,
        auteur=monde.auteur.user,
        texte="Enregistré ailleurs",
        visibilite="equipe",
        version=1,
    )

    reponse = client.post(url, {"texte": "Ma saisie", "visibilite": "equipe", "version": 1})

    assert reponse.status_code == 409
    contenu = reponse.content.decode()
    assert "Ma saisie" in contenu  # what was typed, kept on the conflict page
    assert "Quelqu’un a enregistré cette fiche avant vous" in contenu
    note.refresh_from_db()
    assert note.texte == "Enregistré ailleurs"
    # Saving again, on the version shown, applies the user's text.
    reponse = client.post(url, {"texte": "Ma saisie", "visibilite": "equipe", "version": 2})
    assert reponse.status_code == 302
    note.refresh_from_db()
    assert note.texte == "Ma saisie"


def test_une_note_de_plus_de_24_heures_renvoie_vers_l_addendum(client, monde):
    note = _note(monde, Visibilite.EQUIPE)
    _vieillir(note)
    connecter(client, monde.auteur.user)
    reponse = client.get(reverse("parcours:note_modifier", args=[monde.parcours.pk, note.pk]))
    assert reponse.status_code == 302
    assert reponse.url == reverse("parcours:note_addendum", args=[monde.parcours.pk, note.pk])


# --- Visibility matrix --------------------------------------------------------------------------

# who: visibilities they read (of a note written by `auteur`, an assigned partner)
LECTURES = {
    "coordinateur": {Visibilite.EQUIPE, Visibilite.REFERENT_COORDINATION},
    "referent": {Visibilite.EQUIPE, Visibilite.REFERENT_COORDINATION},
    "intervenant": {Visibilite.EQUIPE},
    "auteur": {Visibilite.EQUIPE, Visibilite.REFERENT_COORDINATION, Visibilite.AUTEUR},
    "autre_partenaire": set(),
}


def _user(monde, qui) -> User:
    return {
        "coordinateur": monde.a.coordinateur,
        "referent": monde.referent.user,
        "intervenant": monde.intervenant.user,
        "auteur": monde.auteur.user,
        "autre_partenaire": monde.autre.user,
    }[qui]


@pytest.mark.parametrize("visibilite", list(Visibilite))
@pytest.mark.parametrize("qui", list(LECTURES))
def test_matrice_de_visibilite_des_notes(client, monde, qui, visibilite):
    note = _note(monde, visibilite, texte=f"Secret-{visibilite}-lisible")
    addendum_ajouter(note=note, auteur=monde.auteur.user, texte=f"Addendum-{visibilite}")
    user = _user(monde, qui)
    connecter(client, user)

    reponse = client.get(reverse("parcours:journal", args=[monde.parcours.pk]))

    lisible = visibilite in LECTURES[qui]
    if qui == "autre_partenaire":
        assert reponse.status_code == 404
    else:
        assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert (f"Secret-{visibilite}-lisible" in contenu) == lisible
    assert (f"Addendum-{visibilite}" in contenu) == lisible
    addendum = client.get(reverse("parcours:note_addendum", args=[monde.parcours.pk, note.pk]))
    peut_completer = lisible and qui in {"coordinateur", "referent", "auteur"}
    assert addendum.status_code == (200 if peut_completer else 404)


def test_lisibles_par_ne_montre_jamais_la_note_privee_d_un_autre(monde):
    privee = _note(monde, Visibilite.AUTEUR)
    for user in (monde.a.coordinateur, monde.referent.user, monde.intervenant.user):
        for equipe in (True, False):
            assert privee not in Note.objects.lisibles_par(user, equipe=equipe)
    assert privee in Note.objects.lisibles_par(monde.auteur.user, equipe=False)


def test_un_intervenant_ecrit_une_note_depuis_la_page(client, monde):
    connecter(client, monde.intervenant.user)
    url = reverse("parcours:note_ajouter", args=[monde.parcours.pk])
    assert client.get(url).status_code == 200

    reponse = client.post(
        url, {"jeton": jeton(), "texte": "Séance faite", "visibilite": Visibilite.EQUIPE}
    )

    assert reponse.status_code == 302
    assert Note.objects.get().auteur == monde.intervenant.user


def test_une_note_invalide_garde_la_saisie(client, monde):
    connecter(client, monde.intervenant.user)
    reponse = client.post(
        reverse("parcours:note_ajouter", args=[monde.parcours.pk]),
        {"jeton": jeton(), "texte": "Gardé", "visibilite": "inconnue"},
    )
    assert reponse.status_code == 200
    assert "Gardé" in reponse.content.decode()
    assert not Note.objects.exists()


# --- Information préoccupante -------------------------------------------------------------------


def test_enregistrer_une_ip_signale_le_parcours(monde):
    ip = information_preoccupante_enregistrer(
        parcours=monde.parcours,
        auteur=monde.a.coordinateur,
        date_transmission=date.today() - timedelta(days=2),
        transmise_par="Coordinatrice",
        reference="CRIP-2026-01",
    )
    monde.parcours.refresh_from_db()
    assert monde.parcours.information_preoccupante_le == ip.date_transmission
    with pytest.raises(ValidationError, match="future"):
        information_preoccupante_enregistrer(
            parcours=monde.parcours,
            auteur=monde.a.coordinateur,
            date_transmission=date.today() + timedelta(days=1),
            transmise_par="X",
        )


def test_l_ip_n_est_vue_que_par_le_referent_et_la_coordination(client, monde):
    information_preoccupante_enregistrer(
        parcours=monde.parcours,
        auteur=monde.a.coordinateur,
        date_transmission=date.today(),
        transmise_par="Coordinatrice",
        reference="CRIP-REF-XYZ",
    )
    url_ip = reverse("parcours:information_preoccupante", args=[monde.parcours.pk])
    detail = reverse("parcours:detail", args=[monde.parcours.pk])
    for qui in ("coordinateur", "referent"):
        connecter(client, _user(monde, qui))
        assert "drapeau-ip" in client.get(detail).content.decode()
        assert "CRIP-REF-XYZ" in client.get(url_ip).content.decode()
        assert "Information préoccupante" in client.get(reverse("parcours:liste")).content.decode()
    for qui in ("intervenant", "auteur"):
        connecter(client, _user(monde, qui))
        page = client.get(detail).content.decode()
        assert "drapeau-ip" not in page and "préoccupante" not in page
        assert client.get(url_ip).status_code == 404
        assert "préoccupante" not in client.get(reverse("parcours:liste")).content.decode()
        assert "préoccupante" not in client.get(reverse("parcours:mes_suivis")).content.decode()


def test_enregistrer_une_ip_par_la_page(client, monde):
    connecter(client, monde.referent.user)
    reponse = client.post(
        reverse("parcours:information_preoccupante", args=[monde.parcours.pk]),
        {
            "jeton": jeton(),
            "date_transmission": date.today().isoformat(),
            "transmise_par": "Référente",
            "reference": "R-1",
        },
    )
    assert reponse.status_code == 302
    assert InformationPreoccupante.objects.get().enregistree_par == monde.referent.user


# --- Ruptures -----------------------------------------------------------------------------------


def test_une_rupture_et_sa_reponse_decidee_plus_tard(monde):
    rupture = rupture_enregistrer(
        parcours=monde.parcours,
        auteur=monde.referent.user,
        type=TypeRupture.DEMENAGEMENT,
        date=date.today() - timedelta(days=3),
    )
    assert rupture.date_reponse is None
    with pytest.raises(ValidationError):
        rupture_repondre(
            version=version_actuelle(rupture),
            rupture=rupture,
            auteur=monde.referent.user,
            reponse="",
            date_reponse=None,
        )
    with pytest.raises(ValidationError, match="précéder"):
        rupture_repondre(
            version=version_actuelle(rupture),
            rupture=rupture,
            auteur=monde.referent.user,
            reponse="Trop tôt",
            date_reponse=date.today() - timedelta(days=10),
        )
    rupture_repondre(
        version=version_actuelle(rupture),
        rupture=rupture,
        auteur=monde.referent.user,
        reponse="Relais avec le PRE de la nouvelle commune",
        date_reponse=date.today(),
    )
    rupture.refresh_from_db()
    assert rupture.reponse.startswith("Relais")


def test_une_reponse_sans_date_est_refusee(monde):
    with pytest.raises(ValidationError):
        rupture_enregistrer(
            parcours=monde.parcours,
            auteur=monde.referent.user,
            type=TypeRupture.EXCLUSION,
            date=date.today(),
            reponse="Sans date",
        )
    assert not Rupture.objects.exists()


def test_les_ruptures_sont_reservees_a_l_equipe(client, monde):
    rupture_enregistrer(
        parcours=monde.parcours,
        auteur=monde.referent.user,
        type=TypeRupture.HOSPITALISATION,
        date=date.today(),
        description="Rupture-confidentielle",
    )
    detail = reverse("parcours:journal", args=[monde.parcours.pk])
    connecter(client, monde.intervenant.user)
    assert "Rupture-confidentielle" not in client.get(detail).content.decode()
    assert (
        client.get(reverse("parcours:rupture_ajouter", args=[monde.parcours.pk])).status_code == 404
    )
    connecter(client, monde.referent.user)
    assert "Rupture-confidentielle" in client.get(detail).content.decode()


# --- Documents ----------------------------------------------------------------------------------


def _document(monde, contenu=PDF, nom="bilan.pdf") -> Document:
    return document_deposer(
        parcours=monde.parcours,
        auteur=monde.a.coordinateur,
        titre="Bilan orthophonique",
        fichier=SimpleUploadedFile(nom, contenu, content_type="application/pdf"),
    )


def test_un_document_est_verifie_par_son_contenu(monde):
    document = _document(monde)
    assert document.type_mime == "application/pdf"
    assert "bilan" not in document.fichier.name
    with pytest.raises(ValidationError, match="PDF"):
        _document(monde, contenu=b"MZ\x90\x00 pas un pdf", nom="faux.pdf")


def test_le_document_est_servi_en_piece_jointe_a_l_equipe_et_refuse_aux_partenaires(client, monde):
    document = _document(monde)
    url = reverse("parcours:document_fichier", args=[monde.parcours.pk, document.pk])
    for qui in ("intervenant", "auteur", "autre_partenaire"):
        connecter(client, _user(monde, qui))
        assert client.get(url).status_code == 404, qui
    for qui in ("coordinateur", "referent"):
        connecter(client, _user(monde, qui))
        reponse = client.get(url)
        assert reponse.status_code == 200
        assert reponse["Content-Disposition"].startswith("attachment")
        assert reponse["Content-Type"] == "application/pdf"
        assert b"".join(reponse.streaming_content) == PDF


def test_archiver_un_document_ne_le_supprime_pas(client, monde):
    document = _document(monde)
    connecter(client, monde.referent.user)
    url = reverse("parcours:document_archiver", args=[monde.parcours.pk, document.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    document.refresh_from_db()
    assert document.archive_le is not None
    assert client.post(url).status_code == 404  # already archived


def test_deposer_un_document_par_la_page(client, monde):
    connecter(client, monde.a.coordinateur)
    url = reverse("parcours:document_ajouter", args=[monde.parcours.pk])
    reponse = client.post(
        url, {"jeton": jeton(), "titre": "Scan", "fichier": fichier_png("scan.png")}
    )
    assert reponse.status_code == 302
    assert Document.objects.get().type_mime == "image/png"


# --- Timeline -----------------------------------------------------------------------------------


def _peupler(monde, nombre: int) -> None:
    """`nombre` events of every kind on the pathway."""
    parcours = monde.parcours
    coordinateur = monde.a.coordinateur
    for i in range(nombre):
        note = Note.objects.create(
            parcours=parcours,
            auteur=monde.auteur.user,
            texte=f"n{i}",
            visibilite=list(Visibilite)[i % 3],
        )
        Addendum.objects.create(note=note, auteur=coordinateur, texte=f"a{i}")
        ChangementStatutFactory(parcours=parcours, auteur=coordinateur)
        objectif = Objectif.objects.create(parcours=parcours, domaine="scolarite", intitule=f"o{i}")
        Action.objects.create(
            parcours=parcours,
            objectif=objectif,
            intitule=f"act{i}",
            date_debut=date.today() - timedelta(days=i),
            date_fin=date.today() + timedelta(days=i % 40),
            statut=StatutAction.EN_COURS,
        )
        Rupture.objects.create(parcours=parcours, type="absence", date=date.today())
        InformationPreoccupante.objects.create(
            parcours=parcours, date_transmission=date.today(), transmise_par="X"
        )
        Document.objects.create(
            parcours=parcours, titre=f"d{i}", fichier="documents/x.pdf", type_mime="application/pdf"
        )


@pytest.mark.parametrize("nombre", [5, 200])
def test_la_chronologie_coute_le_meme_nombre_de_requetes(
    client, monde, django_assert_num_queries, nombre
):
    _peupler(monde, nombre)
    connecter(client, monde.a.coordinateur)
    url = reverse("parcours:journal", args=[monde.parcours.pk])
    client.get(url)  # the session then remembers the charter

    with (
        django_assert_num_queries(REQUETES_CHRONOLOGIE),
        # This read's entry ("who consulted" is in the history section now).
        django_assert_num_queries(1, connection=connections[TRACE]),
    ):
        reponse = client.get(url)

    assert reponse.status_code == 200
    types = {e.type for e in reponse.context["chronologie"]}
    assert {"note", "statut", "objectif", "action", "rupture", "ip", "document"} <= types
    assert reponse.context["a_venir"]


# Fixed whatever the number of events (see test_parcours_views.REQUETES for the page's base):
# the journal's own section of the pathway page (issue 15, point 15). A second request: neither
# the session save nor the DSFR configuration (issue 18, point 3).
REQUETES_CHRONOLOGIE = 15


def test_la_chronologie_se_filtre_par_type_et_montre_l_a_venir(client, monde):
    _note(monde, Visibilite.EQUIPE, texte="Note-filtrable")
    Parcours.objects.filter(pk=monde.parcours.pk).update(
        date_prochaine_revue=date.today() + timedelta(days=10)
    )
    Action.objects.create(
        parcours=monde.parcours,
        intitule="Atelier-qui-finit",
        date_debut=date.today() - timedelta(days=30),
        date_fin=date.today() + timedelta(days=5),
        statut=StatutAction.EN_COURS,
    )
    consentement(
        monde.parcours,
        auteur=monde.a.coordinateur,
        date_expiration=date.today() + timedelta(days=20),
    )
    connecter(client, monde.referent.user)
    url = reverse("parcours:journal", args=[monde.parcours.pk])

    tout = client.get(url)
    a_venir = [e["titre"] for e in tout.context["a_venir"]]
    assert "Revue en EPS" in a_venir
    assert "Expiration du consentement" in a_venir
    assert any("Atelier-qui-finit" in t for t in a_venir)
    notes = client.get(url, {"type": "note"})
    assert {e.type for e in notes.context["chronologie"]} == {"note"}
    assert "Note-filtrable" in notes.content.decode()
    actions = client.get(url, {"type": "action"})
    assert "Note-filtrable" not in actions.content.decode()


def test_un_partenaire_ne_peut_pas_filtrer_sur_les_types_de_l_equipe(client, monde):
    rupture_enregistrer(
        parcours=monde.parcours, auteur=monde.referent.user, type="placement", date=date.today()
    )
    connecter(client, monde.intervenant.user)
    reponse = client.get(reverse("parcours:journal", args=[monde.parcours.pk]), {"type": "rupture"})
    assert not [e for e in reponse.context["chronologie"] if e.type == "rupture"]
    assert "rupture" not in dict(reponse.context["chronologie_types"])


# --- Pathways at risk ---------------------------------------------------------------------------


def _calme(monde, **kwargs) -> Parcours:
    if not kwargs.get("sorti"):
        kwargs.setdefault("statut", Statut.EN_COURS)
    parcours = ParcoursFactory(programme=monde.a.programme, **kwargs)
    # The référent may open it: a consent names their structure (ParcoursFactory alone would
    # name a référent with no right on the pathway).
    consentement(parcours, structures=[monde.referent.structure], auteur=monde.a.coordinateur)
    if not kwargs.get("sorti"):
        nommer_referent(parcours, monde.referent, auteur=monde.a.coordinateur)
    else:
        Parcours.objects.filter(pk=parcours.pk).update(referent=monde.referent)
    Parcours.objects.filter(pk=parcours.pk).update(
        derniere_activite=timezone.now()
        - timedelta(days=monde.a.programme.delai_inactivite_jours + 1)
    )
    return parcours


def test_a_risque_dit_pourquoi(client, monde):
    calme = _calme(monde, enfant__nom="Silencieux")
    en_rupture = ParcoursFactory(
        programme=monde.a.programme, statut=Statut.EN_COURS, enfant__nom="Rompu"
    )
    Rupture.objects.create(parcours=en_rupture, type="exclusion", date=date.today())
    revue = ParcoursFactory(
        programme=monde.a.programme,
        statut=Statut.EN_COURS,
        enfant__nom="Revu",
        date_prochaine_revue=date.today() - timedelta(days=1),
    )
    retard = ParcoursFactory(
        programme=monde.a.programme, statut=Statut.EN_COURS, enfant__nom="Tard"
    )
    Action.objects.create(
        parcours=retard,
        intitule="x",
        date_debut=date.today() - timedelta(days=20),
        date_fin=date.today() - timedelta(days=1),
        statut=StatutAction.EN_COURS,
    )
    sorti = _calme(monde, sorti=True, enfant__nom="Parti")
    connecter(client, monde.a.coordinateur)

    reponse = client.get(reverse("parcours:a_risque"))

    lignes = {p.pk: p for p in reponse.context["lignes"]}
    assert lignes[calme.pk].inactif
    assert lignes[en_rupture.pk].rupture_sans_reponse and not lignes[en_rupture.pk].inactif
    assert lignes[revue.pk].revue_depassee
    assert lignes[retard.pk].action_en_retard
    assert sorti.pk not in lignes
    assert monde.parcours.pk not in lignes
    contenu = reponse.content.decode()
    assert "Rupture sans réponse décidée" in contenu and "Aucune activité depuis" in contenu


def test_a_risque_ne_montre_que_les_parcours_coordonnes_ou_suivis(client, monde):
    calme = _calme(monde)
    autre = pre(nom="Autre PRE")
    etranger = ParcoursFactory(programme=autre.programme, statut=Statut.EN_COURS)
    Parcours.objects.filter(pk=etranger.pk).update(
        derniere_activite=timezone.now() - timedelta(days=400)
    )
    for user, attendus in (
        (monde.a.coordinateur, {calme.pk}),
        (monde.referent.user, {calme.pk}),
        (monde.intervenant.user, set()),
        (autre.coordinateur, {etranger.pk}),
        (UserFactory(), set()),
    ):
        connecter(client, user)
        reponse = client.get(reverse("parcours:a_risque"))
        assert reponse.status_code == 200
        assert {p.pk for p in reponse.context["lignes"]} == attendus


def test_a_risque_ne_montre_pas_un_parcours_que_le_referent_ne_peut_pas_ouvrir(client, monde):
    """A référent named without the right to open the pathway (a partner with no consent
    naming their structure) does not see it at risk either: the list is `visibles_par`."""
    cache = ParcoursFactory(
        programme=monde.a.programme, statut=Statut.EN_COURS, referent=monde.referent
    )
    Parcours.objects.filter(pk=cache.pk).update(
        derniere_activite=timezone.now() - timedelta(days=400)
    )
    assert not Parcours.objects.visibles_par(monde.referent.user).filter(pk=cache.pk).exists()
    connecter(client, monde.referent.user)
    reponse = client.get(reverse("parcours:a_risque"))
    assert cache.pk not in {p.pk for p in reponse.context["lignes"]}
    connecter(client, monde.a.coordinateur)
    reponse = client.get(reverse("parcours:a_risque"))
    assert cache.pk in {p.pk for p in reponse.context["lignes"]}


# The query count of the list with 1 and 100 rows: tests/parcours/test_a_risque.py.


def test_la_chronologie_montre_les_decisions_d_eps_aux_partenaires(client, monde):
    from parcours.models import Decision, Examen, ReunionEPS

    reunion = ReunionEPS.objects.create(
        programme=monde.a.programme, date=timezone.now() - timedelta(days=7), lieu="Mairie"
    )
    Examen.objects.create(
        reunion=reunion,
        parcours=monde.parcours,
        decision=Decision.MAINTIEN,
        releve_conclusions="Conclusions-partagees",
        decide_le=timezone.now() - timedelta(days=7),
    )
    Examen.objects.create(
        reunion=ReunionEPS.objects.create(
            programme=monde.a.programme, date=timezone.now() + timedelta(days=7), lieu="Mairie"
        ),
        parcours=monde.parcours,
    )
    connecter(client, monde.intervenant.user)

    reponse = client.get(reverse("parcours:journal", args=[monde.parcours.pk]), {"type": "eps"})

    evenements = reponse.context["chronologie"]
    assert [e.type for e in evenements] == ["eps"]  # the undecided examination is not shown
    assert "Maintien" in evenements[0].titre
    assert "Conclusions-partagees" in reponse.content.decode()
