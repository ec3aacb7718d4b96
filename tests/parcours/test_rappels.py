"""Coordination reminders: the scan finds what is due once, sends leave once, reasons end."""

import threading
from datetime import date, timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parcours.models import Parcours, Statut
from parcours.services import consentement_retirer, parcours_sortir
from reussite.core import rappels as service
from reussite.core.models import FrequenceCourriels, Rappel, StatutRappel
from tests.factories.core import coordinateur
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import (
    consentement,
    nommer_referent,
    partenaire,
    pre,
    professionnel,
    version_actuelle,
)

pytestmark = pytest.mark.django_db

AUJOURDHUI = date(2026, 11, 28)


def _dossier(equipe, structure, *, revue=None, referent=None, nom="Synthétique"):
    parcours = ParcoursFactory(
        programme=equipe.programme,
        statut=Statut.EN_COURS,
        enfant=EnfantFactory(programme=equipe.programme, nom=nom, prenom="Lou"),
        date_prochaine_revue=revue,
    )
    # Signed before the scans' fixed day, whatever day the tests run on.
    c = consentement(
        parcours,
        structures=[structure],
        auteur=equipe.coordinateur,
        date_signature=AUJOURDHUI - timedelta(days=5),
        date_expiration=AUJOURDHUI + timedelta(days=180),
    )
    if referent is not None:
        nommer_referent(parcours, referent, auteur=equipe.coordinateur)
    return Parcours.objects.get(pk=parcours.pk), c


@pytest.fixture
def equipe():
    return pre(nom="PRE Rappels")


@pytest.fixture
def structure(equipe):
    return partenaire(equipe.programme)


@pytest.fixture
def referent(structure):
    return professionnel(structure, user__frequence_courriels=FrequenceCourriels.IMMEDIAT)


def _rappels(genre=None):
    qs = Rappel.objects.order_by("pk")
    if genre:
        qs = qs.filter(genre=genre)
    return list(qs.values_list("genre", "object_id", "destinataire_id", "echeance"))


def test_une_revue_proche_previent_le_referent_et_la_coordination_une_seule_fois(
    equipe, structure, referent
):
    revue = AUJOURDHUI + timedelta(days=10)  # within the programme's 15 days
    parcours, _c = _dossier(equipe, structure, revue=revue, referent=referent)
    _dossier(equipe, structure, revue=AUJOURDHUI + timedelta(days=40), referent=referent)

    bilan = service.rappels_scanner(le=AUJOURDHUI)
    service.rappels_scanner(le=AUJOURDHUI + timedelta(days=1))

    assert bilan.crees["revue_proche"] == 2
    assert sorted(_rappels("revue_proche")) == sorted(
        [
            ("revue_proche", parcours.pk, referent.user_id, revue),
            ("revue_proche", parcours.pk, equipe.coordinateur.pk, revue),
        ]
    )


def test_une_revue_depassee_puis_une_nouvelle_date_font_deux_evenements(
    equipe, structure, referent
):
    parcours, _c = _dossier(
        equipe, structure, revue=AUJOURDHUI - timedelta(days=1), referent=referent
    )
    service.rappels_scanner(le=AUJOURDHUI)
    assert len(_rappels("revue_depassee")) == 2

    Parcours.objects.filter(pk=parcours.pk).update(date_prochaine_revue=AUJOURDHUI + timedelta(5))
    bilan = service.rappels_scanner(le=AUJOURDHUI)

    # The old review reminders lost their reason; the new date is announced.
    assert bilan.annules == 2
    assert len(_rappels("revue_proche")) == 2


def test_le_nombre_de_requetes_du_scan_ne_depend_pas_du_nombre_de_parcours(
    equipe, structure, referent
):
    def requetes():
        with CaptureQueriesContext(connection) as contexte:
            service.rappels_scanner(le=AUJOURDHUI)
        return len(contexte.captured_queries)

    def un_de_chaque():
        _dossier(equipe, structure, revue=AUJOURDHUI + timedelta(days=3), referent=referent)
        _dossier(equipe, structure, revue=AUJOURDHUI - timedelta(days=3), referent=referent)

    un_de_chaque()
    requetes()  # content types cached
    un_de_chaque()
    peu = requetes()
    for _i in range(8):
        un_de_chaque()
    beaucoup = requetes()

    assert Rappel.objects.count() > 20
    assert beaucoup == peu


def test_un_consentement_proche_de_l_expiration_puis_retire_ne_rappelle_plus(
    equipe, structure, referent
):
    _parcours, c = _dossier(equipe, structure, referent=referent)
    c.date_expiration = AUJOURDHUI + timedelta(days=20)
    c.save(update_fields=["date_expiration"])

    service.rappels_scanner(le=AUJOURDHUI)
    [rappel] = Rappel.objects.filter(genre="consentement_bientot")
    assert rappel.destinataire_id == referent.user_id
    assert rappel.statut == StatutRappel.A_ENVOYER

    consentement_retirer(
        consentement=c,
        date_retrait=AUJOURDHUI,
        motif="Retrait synthétique",
        auteur=equipe.coordinateur,
    )
    service.rappels_scanner(le=AUJOURDHUI)
    rappel.refresh_from_db()
    assert rappel.statut == StatutRappel.ANNULE
    assert not (
        Rappel.objects.visibles()
        .filter(destinataire_id=referent.user_id, genre__startswith="consentement")
        .exists()
    )


def test_un_parcours_sans_activite_previent_son_referent(equipe, structure, referent):
    parcours, _c = _dossier(equipe, structure, referent=referent)
    il_y_a_longtemps = timezone.now() - timedelta(days=equipe.programme.delai_inactivite_jours + 3)
    Parcours.objects.filter(pk=parcours.pk).update(derniere_activite=il_y_a_longtemps)

    service.rappels_scanner(le=timezone.localdate())

    [rappel] = Rappel.objects.filter(genre="parcours_inactif")
    assert rappel.destinataire_id == referent.user_id
    assert rappel.echeance == il_y_a_longtemps.date() + timedelta(
        days=equipe.programme.delai_inactivite_jours
    )


def test_un_parcours_sorti_n_appelle_plus_de_rappel(equipe, structure, referent):
    parcours, _c = _dossier(
        equipe, structure, revue=AUJOURDHUI - timedelta(days=3), referent=referent
    )
    service.rappels_scanner(le=AUJOURDHUI)
    parcours_sortir(
        version=version_actuelle(parcours),
        parcours=parcours,
        date_sortie=date.today(),
        motif_sortie="demenagement",
        auteur=equipe.coordinateur,
    )
    service.rappels_scanner(le=AUJOURDHUI)
    assert set(Rappel.objects.values_list("statut", flat=True)) == {StatutRappel.ANNULE}


def test_l_envoi_part_une_fois_avec_un_message_id_tire_de_la_ligne(equipe, structure, referent):
    parcours, _c = _dossier(equipe, structure, revue=date.today() + timedelta(3), referent=referent)
    service.rappels_scanner()
    rappel = Rappel.objects.get(genre="revue_proche", destinataire_id=referent.user_id)

    assert service.rappel_envoyer(rappel_id=rappel.pk) == "envoyé"
    # The same task message delivered again: nothing more leaves.
    assert service.rappel_envoyer(rappel_id=rappel.pk).startswith("déjà traité")

    [courriel] = mail.outbox
    assert courriel.extra_headers["Message-ID"] == rappel.message_id
    assert "Synthétique" not in courriel.subject
    assert "Lou S." in courriel.body
    assert f"/parcours/{parcours.pk}/" in courriel.body
    rappel.refresh_from_db()
    assert rappel.statut == StatutRappel.ENVOYE


@pytest.mark.django_db(transaction=True)
def test_deux_livraisons_simultanees_n_envoient_qu_un_courriel(equipe, structure, referent):
    _dossier(equipe, structure, revue=date.today() + timedelta(3), referent=referent)
    service.rappels_scanner()
    rappel = Rappel.objects.get(genre="revue_proche", destinataire_id=referent.user_id)
    dans_l_envoi, relache = threading.Event(), threading.Event()
    envoi_reel = mail.EmailMultiAlternatives.send

    def envoi_lent(message, *args, **kwargs):
        dans_l_envoi.set()
        relache.wait(5)
        return envoi_reel(message, *args, **kwargs)

    resultats = []

    def livrer():
        try:
            resultats.append(service.rappel_envoyer(rappel_id=rappel.pk))
        except service.RappelOccupe:
            resultats.append("occupé : réessayer")
        finally:
            connection.close()

    mail.EmailMultiAlternatives.send = envoi_lent
    try:
        premiere = threading.Thread(target=livrer)
        premiere.start()
        assert dans_l_envoi.wait(5)
        # The second delivery arrives while the first holds the row.
        seconde = threading.Thread(target=livrer)
        seconde.start()
        seconde.join(5)
        relache.set()
        premiere.join(5)
    finally:
        mail.EmailMultiAlternatives.send = envoi_reel

    assert sorted(resultats) == ["envoyé", "occupé : réessayer"]
    # The retry finds it sent.
    assert service.rappel_envoyer(rappel_id=rappel.pk).startswith("déjà traité")
    assert len(mail.outbox) == 1


def test_un_echec_smtp_laisse_le_rappel_a_envoyer_puis_echec_au_dernier_essai(
    equipe, structure, referent, monkeypatch
):
    _dossier(equipe, structure, revue=date.today() + timedelta(3), referent=referent)
    service.rappels_scanner()
    rappel = Rappel.objects.get(genre="revue_proche", destinataire_id=referent.user_id)

    def panne(*args, **kwargs):
        raise SMTPServerDisconnected("connexion perdue")

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", panne)
    with pytest.raises(service.EnvoiImpossible):
        service.rappel_envoyer(rappel_id=rappel.pk)
    # The claim counted the attempt before the email left.
    rappel.refresh_from_db()
    assert (rappel.statut, rappel.tentatives) == (StatutRappel.EN_COURS, 1)
    assert rappel.reserve_le is not None
    assert service.rappel_noter_echec(rappel_id=rappel.pk, erreur="perdue", essais_max=3) == 1
    rappel.refresh_from_db()
    assert (rappel.statut, rappel.tentatives, rappel.erreur) == (
        StatutRappel.A_ENVOYER,
        1,
        "perdue",
    )

    for _essai in range(2):
        with pytest.raises(service.EnvoiImpossible):
            service.rappel_envoyer(rappel_id=rappel.pk)
        tentatives = service.rappel_noter_echec(rappel_id=rappel.pk, erreur="perdue", essais_max=3)
    assert tentatives == 3
    rappel.refresh_from_db()
    assert rappel.statut == StatutRappel.ECHEC
    assert mail.outbox == []


def test_rien_n_est_mis_en_file_si_la_transaction_est_annulee(
    equipe, structure, referent, django_capture_on_commit_callbacks
):
    _dossier(equipe, structure, revue=date.today() + timedelta(3), referent=referent)
    with django_capture_on_commit_callbacks() as rappels_en_file:
        try:
            with transaction.atomic():
                service.rappels_scanner()
                raise RuntimeError("annulation")
        except RuntimeError:
            pass
    assert rappels_en_file == []
    assert not Rappel.objects.filter(genre="revue_proche").exists()


def test_le_recapitulatif_quotidien_regroupe_les_rappels_du_jour(equipe, structure):
    referent = professionnel(structure, user__frequence_courriels=FrequenceCourriels.QUOTIDIEN)
    for i in range(3):
        _dossier(
            equipe, structure, revue=date.today() + timedelta(i + 1), referent=referent, nom=f"N{i}"
        )
    service.rappels_scanner()

    assert referent.user_id in service.destinataires_du_resume()
    service.resume_envoyer(user_id=referent.user_id, jour=date.today())
    service.resume_envoyer(user_id=referent.user_id, jour=date.today())

    [courriel] = [m for m in mail.outbox if m.to == [referent.user.email]]
    assert courriel.body.count("La revue du parcours de Lou N.") == 3
    assert set(
        Rappel.objects.filter(destinataire_id=referent.user_id).values_list("statut", flat=True)
    ) == {StatutRappel.RESUME}


def test_in_app_seulement_ne_part_jamais_par_courriel(equipe, structure):
    referent = professionnel(structure, user__frequence_courriels=FrequenceCourriels.AUCUN)
    _dossier(equipe, structure, revue=date.today() + timedelta(2), referent=referent)
    service.rappels_scanner()
    rappel = Rappel.objects.get(destinataire_id=referent.user_id, genre="revue_proche")
    assert rappel.statut == StatutRappel.SANS_COURRIEL
    assert service.rappel_envoyer(rappel_id=rappel.pk).startswith("déjà traité")
    assert Rappel.objects.non_lus().filter(destinataire_id=referent.user_id).count() == 2


def test_un_coordinateur_d_un_autre_programme_ne_recoit_rien(equipe, structure, referent):
    autre = pre(nom="Autre PRE")
    coordinateur(autre.programme)
    _dossier(equipe, structure, revue=AUJOURDHUI, referent=referent)
    service.rappels_scanner(le=AUJOURDHUI)
    destinataires = set(Rappel.objects.values_list("destinataire_id", flat=True))
    assert destinataires == {referent.user_id, equipe.coordinateur.pk}


def test_une_action_en_retard_previent_son_professionnel_et_le_referent_jusqu_a_son_resultat(
    equipe, structure, referent
):
    from parcours.models import Action, StatutAction

    parcours, _c = _dossier(equipe, structure, referent=referent)
    realisateur = professionnel(structure)
    action = Action.objects.create(
        parcours=parcours,
        intitule="Atelier synthétique",
        structure=structure,
        professionnel=realisateur,
        date_debut=AUJOURDHUI - timedelta(days=30),
        date_fin=AUJOURDHUI - timedelta(days=2),
        statut=StatutAction.EN_COURS,
    )

    service.rappels_scanner(le=AUJOURDHUI)
    assert sorted(_rappels("action_en_retard")) == sorted(
        [
            ("action_en_retard", action.pk, realisateur.user_id, action.date_fin),
            ("action_en_retard", action.pk, referent.user_id, action.date_fin),
        ]
    )

    Action.objects.filter(pk=action.pk).update(
        statut=StatutAction.REALISEE, resultat="Objectif atteint"
    )
    service.rappels_scanner(le=AUJOURDHUI)
    assert set(
        Rappel.objects.filter(genre="action_en_retard").values_list("statut", flat=True)
    ) == {StatutRappel.ANNULE}


def test_un_besoin_non_couvert_ancien_previent_la_coordination(equipe, structure, referent):
    from parcours.models import BesoinNonCouvert
    from partenaires.models import Domaine

    besoin = BesoinNonCouvert.objects.create(
        programme=equipe.programme,
        domaine=Domaine.SANTE,
        tranche_age="6-10",
        description="Bilan orthophonique introuvable",
        date_signalement=AUJOURDHUI - timedelta(days=61),
    )
    BesoinNonCouvert.objects.create(
        programme=equipe.programme,
        domaine=Domaine.SPORT,
        tranche_age="6-10",
        description="Récent",
        date_signalement=AUJOURDHUI - timedelta(days=10),
    )

    service.rappels_scanner(le=AUJOURDHUI)

    assert _rappels("besoin_en_attente") == [
        ("besoin_en_attente", besoin.pk, equipe.coordinateur.pk, AUJOURDHUI - timedelta(days=1))
    ]
    [(_rappel, rendu)] = service.rendre(list(Rappel.objects.filter(genre="besoin_en_attente")))
    assert "Santé" in rendu.texte


def test_une_affectation_previent_le_professionnel_apres_validation_seulement(
    equipe, structure, referent, django_capture_on_commit_callbacks
):
    from tests.factories.partage import ajouter_intervenant

    parcours, _c = _dossier(equipe, structure)
    nouveau = professionnel(structure, user__frequence_courriels=FrequenceCourriels.IMMEDIAT)

    with django_capture_on_commit_callbacks(execute=False) as en_file:
        ajouter_intervenant(parcours, nouveau, auteur=equipe.coordinateur)

    [rappel] = Rappel.objects.filter(genre="affectation", destinataire=nouveau.user)
    assert rappel.object_id == parcours.pk
    assert len(en_file) == 1  # the immediate send, enqueued on commit
    service.rappel_envoyer(rappel_id=rappel.pk)
    assert "Un parcours vous a été confié" in mail.outbox[0].subject


@pytest.mark.django_db(transaction=True)
def test_deux_scans_simultanes_ne_creent_qu_un_rappel_par_evenement(equipe, structure, referent):
    """Two beat processes at once: the unique constraint decides, not the timing."""
    _dossier(equipe, structure, revue=AUJOURDHUI + timedelta(days=3), referent=referent)
    depart = threading.Barrier(2)
    erreurs = []

    def scanner():
        try:
            depart.wait(5)
            service.rappels_scanner(le=AUJOURDHUI)
        except Exception as exc:
            erreurs.append(exc)
        finally:
            connection.close()

    fils = [threading.Thread(target=scanner) for _i in range(2)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(30)

    assert not erreurs
    assert len(_rappels("revue_proche")) == 2  # the référent and the coordinator, once each


def test_confier_une_action_a_un_professionnel_le_previent(equipe, structure, referent):
    from parcours.services import action_creer

    parcours, _c = _dossier(equipe, structure, referent=referent)
    realisatrice = professionnel(structure)

    action_creer(
        parcours=parcours,
        donnees={
            "intitule": "Soutien scolaire synthétique",
            "structure": structure,
            "professionnel": realisatrice,
            "date_debut": date.today(),
        },
        auteur=equipe.coordinateur,
    )

    assert Rappel.objects.filter(
        genre="affectation", destinataire=realisatrice.user, object_id=parcours.pk
    ).exists()


def test_une_action_confiee_reste_une_raison_d_affectation_puis_la_perd(
    equipe, structure, referent
):
    from parcours.models import Action, StatutAction
    from parcours.services import action_creer

    parcours, _c = _dossier(equipe, structure, referent=referent)
    realisatrice = professionnel(structure, user__frequence_courriels=FrequenceCourriels.IMMEDIAT)
    action = action_creer(
        parcours=parcours,
        donnees={
            "intitule": "Atelier synthétique",
            "structure": structure,
            "professionnel": realisatrice,
            "date_debut": date.today(),
        },
        auteur=equipe.coordinateur,
    )
    rappel = Rappel.objects.get(genre="affectation", destinataire=realisatrice.user)

    service.rappels_scanner()
    rappel.refresh_from_db()
    assert rappel.statut == StatutRappel.A_ENVOYER

    Action.objects.filter(pk=action.pk).update(statut=StatutAction.ABANDONNEE)
    service.rappels_scanner()
    rappel.refresh_from_db()
    assert rappel.statut == StatutRappel.ANNULE


# --- Conventions ending -------------------------------------------------------------------------


def _convention(equipe, *, fin, statut="en_vigueur", intitule="Convention aide aux devoirs"):
    from partenaires.models import Convention

    return Convention.objects.create(
        programme=equipe.programme,
        intitule=intitule,
        objet="Mutualiser l’aide aux devoirs",
        date_debut=fin - timedelta(days=700),
        date_fin=fin,
        statut=statut,
        date_signature=None if statut == "projet" else fin - timedelta(days=700),
    )


@pytest.fixture
def administrateur(equipe):
    from reussite.core.models import Role
    from reussite.core.services import role_attribuer
    from tests.factories.core import UserFactory

    admin = UserFactory(frequence_courriels=FrequenceCourriels.IMMEDIAT)
    role_attribuer(user=admin, programme=equipe.programme, role=Role.ADMINISTRATEUR)
    return admin


def test_une_convention_qui_finit_previent_les_administrateurs_a_90_30_et_0_jours(
    equipe, administrateur
):
    fin = AUJOURDHUI + timedelta(days=100)
    convention = _convention(equipe, fin=fin)
    _convention(equipe, fin=fin, statut="projet", intitule="Projet jamais signé")
    autre = pre(nom="Autre PRE")
    _convention(autre, fin=fin, intitule="Convention d’ailleurs")

    # A scan a week over the 100 days, and every day around each step (90, 30 and 0 days
    # before the end: days 10, 70 and 100): a daily scan of all 101 days took 20 s.
    etapes = {9, 10, 11, 69, 70, 71, 99, 100}
    jours = [AUJOURDHUI + timedelta(days=n) for n in sorted(set(range(0, 101, 7)) | etapes)]
    for jour in jours:
        service.rappels_scanner(le=jour)

    # Once per step, to the programme's administrator only (not its coordinator, not the
    # other programme's people); the superseded unread steps were withdrawn as new ones came.
    assert [r[3] for r in _rappels("convention_fin")] == [
        fin - timedelta(days=90),
        fin - timedelta(days=30),
        fin,
    ]
    assert {r[1:3] for r in _rappels("convention_fin")} == {(convention.pk, administrateur.pk)}
    dernier = Rappel.objects.filter(genre="convention_fin").latest("echeance")
    [(_rappel, rendu)] = service.rendre([dernier])
    assert "Convention aide aux devoirs" in rendu.texte
    assert rendu.lien == f"/partenaires/conventions/{convention.pk}/"


def test_une_convention_creee_a_20_jours_de_sa_fin_n_est_annoncee_qu_une_fois(
    equipe, administrateur
):
    convention = _convention(equipe, fin=AUJOURDHUI + timedelta(days=20))

    service.rappels_scanner(le=AUJOURDHUI)
    service.rappels_scanner(le=AUJOURDHUI + timedelta(days=1))

    assert _rappels("convention_fin") == [
        ("convention_fin", convention.pk, administrateur.pk, AUJOURDHUI - timedelta(days=10))
    ]


def test_une_convention_renouvelee_ou_resiliee_ne_rappelle_plus(equipe, administrateur):
    from partenaires.models import Convention

    renouvelee = _convention(equipe, fin=AUJOURDHUI + timedelta(days=60), intitule="A")
    resiliee = _convention(equipe, fin=AUJOURDHUI + timedelta(days=60), intitule="B")
    service.rappels_scanner(le=AUJOURDHUI)
    assert len(_rappels("convention_fin")) == 2

    successeur = _convention(equipe, fin=AUJOURDHUI + timedelta(days=800), statut="projet")
    Convention.objects.filter(pk=successeur.pk).update(renouvelle=renouvelee)
    Convention.objects.filter(pk=resiliee.pk).update(
        statut="resiliee", date_resiliation=AUJOURDHUI, motif_resiliation="Fin du partenariat"
    )
    bilan = service.rappels_scanner(le=AUJOURDHUI + timedelta(days=1))

    assert bilan.annules == 2
    assert set(Rappel.objects.filter(genre="convention_fin").values_list("statut", flat=True)) == {
        StatutRappel.ANNULE
    }


def test_la_reprise_renvoie_les_reservations_abandonnees_et_les_envois_jamais_partis(
    equipe, structure, django_capture_on_commit_callbacks, monkeypatch
):
    from reussite.core import tasks

    # The enqueued task runs here, in the test's transaction.
    monkeypatch.setattr(
        tasks.rappel_envoyer, "delay", lambda pk: service.rappel_envoyer(rappel_id=pk)
    )
    referent = professionnel(structure, user__frequence_courriels=FrequenceCourriels.IMMEDIAT)
    for i in range(4):
        _dossier(
            equipe, structure, revue=date.today() + timedelta(i + 1), referent=referent, nom=f"R{i}"
        )
    with django_capture_on_commit_callbacks():
        service.rappels_scanner()
    vieux = timezone.now() - service.DELAI_REPRISE - timedelta(minutes=1)
    recent = timezone.now()
    abandonne, jamais_parti, en_cours, reessai_proche = Rappel.objects.filter(
        destinataire_id=referent.user_id, genre="revue_proche"
    ).order_by("pk")
    # Claimed long ago and never marked: its sender died between claim and mark.
    Rappel.objects.filter(pk=abandonne.pk).update(
        statut=StatutRappel.EN_COURS, reserve_le=vieux, tentatives=1
    )
    Rappel.objects.filter(pk=jamais_parti.pk).update(cree_le=vieux)
    # Being sent right now, and a failed attempt whose retry is still due: left alone.
    Rappel.objects.filter(pk=en_cours.pk).update(
        statut=StatutRappel.EN_COURS, reserve_le=recent, cree_le=vieux, tentatives=1
    )
    Rappel.objects.filter(pk=reessai_proche.pk).update(cree_le=vieux, reserve_le=recent)
    Rappel.objects.exclude(
        pk__in=[abandonne.pk, jamais_parti.pk, en_cours.pk, reessai_proche.pk]
    ).update(statut=StatutRappel.ENVOYE)

    with django_capture_on_commit_callbacks(execute=True):
        assert service.rappels_reprendre() == 2
    # The abandoned claim is claimed again and sent with the row's Message-ID.
    envoyes = {m.extra_headers["Message-ID"] for m in mail.outbox}
    assert envoyes == {abandonne.message_id, jamais_parti.message_id}
    assert set(
        Rappel.objects.filter(pk__in=[abandonne.pk, jamais_parti.pk]).values_list(
            "statut", "tentatives"
        )
    ) == {(StatutRappel.ENVOYE, 2), (StatutRappel.ENVOYE, 1)}


def test_des_envois_interrompus_a_chaque_essai_finissent_dans_les_rappels_non_remis(
    equipe, structure, referent
):
    _dossier(equipe, structure, revue=date.today() + timedelta(3), referent=referent)
    service.rappels_scanner()
    rappel = Rappel.objects.get(genre="revue_proche", destinataire_id=referent.user_id)
    # Every claim so far was cut short (worker killed before its mark).
    Rappel.objects.filter(pk=rappel.pk).update(
        statut=StatutRappel.EN_COURS, tentatives=service.ESSAIS_MAX
    )
    assert service.rappel_envoyer(rappel_id=rappel.pk) == "échec"
    rappel.refresh_from_db()
    assert rappel.statut == StatutRappel.ECHEC
    assert rappel.erreur
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("frequence", [FrequenceCourriels.IMMEDIAT, FrequenceCourriels.QUOTIDIEN])
def test_le_courriel_part_sans_transaction_ouverte_ni_ligne_verrouillee(
    equipe, structure, monkeypatch, frequence
):
    from reussite.core import tasks

    monkeypatch.setattr(tasks.rappel_envoyer, "delay", lambda pk: None)  # sent by hand below
    referent = professionnel(structure, user__frequence_courriels=frequence)
    _dossier(equipe, structure, revue=date.today() + timedelta(3), referent=referent)
    with transaction.atomic():
        service.rappels_scanner()
    rappel = Rappel.objects.get(genre="revue_proche", destinataire_id=referent.user_id)
    envoi_reel = mail.EmailMultiAlternatives.send
    pendant = []

    def envoi(message, *args, **kwargs):
        libre = threading.Event()

        def verifier():  # another connection: the row must be free
            try:
                with transaction.atomic(), connection.cursor() as curseur:
                    curseur.execute(
                        "SELECT statut FROM core_rappel WHERE id = %s FOR UPDATE NOWAIT",
                        [rappel.pk],
                    )
                    pendant.append(curseur.fetchone()[0])
                    libre.set()
            finally:
                connection.close()

        fil = threading.Thread(target=verifier)
        fil.start()
        fil.join(10)
        pendant.append((connection.in_atomic_block, libre.is_set()))
        return envoi_reel(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", envoi)
    if frequence == FrequenceCourriels.IMMEDIAT:
        assert service.rappel_envoyer(rappel_id=rappel.pk) == "envoyé"
    else:
        assert service.resume_envoyer(user_id=referent.user_id, jour=date.today()) != ""
    assert pendant == [StatutRappel.EN_COURS, (False, True)]
    assert len(mail.outbox) == 1
    assert Rappel.objects.get(pk=rappel.pk).statut in {StatutRappel.ENVOYE, StatutRappel.RESUME}
