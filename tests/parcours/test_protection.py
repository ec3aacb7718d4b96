"""Data-protection lifecycle: the right-of-access export, the rectification history, the
anonymisation of children whose retention has ended, and the access-trail purge."""

import json
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from parcours.models import (
    Action,
    Addendum,
    BesoinNonCouvert,
    Consentement,
    Document,
    Enfant,
    Examen,
    Famille,
    Note,
    Objectif,
    Parcours,
    ResponsableLegal,
    ReunionEPS,
    Rupture,
    Sexe,
    Statut,
    Visibilite,
)
from parcours.selectors import indicateurs_enquete, perimetre_pour, statistiques_programme
from parcours.services import TEXTE_SUPPRIME, date_naissance_anonymisee, enfants_anonymiser
from parcours.tasks import parcours_anonymiser_nuit
from partenaires.models import Domaine
from reussite.core.models import Evenement, Role, TraceAcces
from reussite.core.noms import nom_complet_texte
from reussite.core.services import role_attribuer, trace_purger
from reussite.core.tasks import trace_purger_nuit
from reussite.core.trace import ALIAS
from tests.conftest import connecter
from tests.factories.core import UserFactory, coordinateur
from tests.factories.parcours import EnfantFactory, ParcoursFactory, ResponsableLegalFactory
from tests.factories.partage import PDF, nommer_referent, partenaire, pre, professionnel
from tests.parcours.test_statistiques import monde  # noqa: F401  (the hand-checked statistics world)

pytestmark = pytest.mark.django_db

NOM, PRENOM = "Zébulon", "Anatole"


def evenements(modele):
    return apps.get_model("parcours", f"{modele}Event").objects


@pytest.fixture
def dossier():
    """A pathway of a PRE with something in every corner: family, consent, notes of every
    visibility with an addendum, an EPS examination, a document, a partner référent."""
    equipe = pre(nom="PRE des Lilas")
    structure = partenaire(equipe.programme, nom="Centre social des Lilas")
    referent = professionnel(structure)
    parcours = ParcoursFactory(
        programme=equipe.programme,
        en_cours=True,
        enfant__nom=NOM,
        enfant__prenom=PRENOM,
        avec_consentement=True,
        avec_consentement__structures=[structure],
    )
    nommer_referent(parcours, referent, auteur=equipe.coordinateur)
    ResponsableLegalFactory(famille=parcours.enfant.famille, nom="Mère-Zébulon", email="m@ex.fr")
    autre = UserFactory()
    Note.objects.create(
        parcours=parcours,
        auteur=autre,
        texte="Note privée de l’autre",
        visibilite=Visibilite.AUTEUR,
    )
    note = Note.objects.create(
        parcours=parcours,
        auteur=referent.user,
        texte="Rencontre avec la famille",
        visibilite=Visibilite.REFERENT_COORDINATION,
    )
    Addendum.objects.create(note=note, auteur=referent.user, texte="Précision du lendemain")
    reunion = ReunionEPS.objects.create(
        programme=equipe.programme, date=timezone.now(), lieu="Mairie", statut="tenue"
    )
    Examen.objects.create(
        reunion=reunion,
        parcours=parcours,
        decision="maintien",
        decide_le=timezone.now(),
        releve_conclusions="Maintien avec aide aux devoirs",
    )
    Document.objects.create(
        parcours=parcours, titre="Bilan scolaire", fichier=ContentFile(PDF, name="bilan.pdf")
    )
    return {"equipe": equipe, "parcours": parcours, "referent": referent, "structure": structure}


def _url(nom, parcours):
    return reverse(f"parcours:{nom}", args=[parcours.pk])


# --- Right of access --------------------------------------------------------------------------


def test_le_coordinateur_exporte_tout_en_json_et_l_export_est_journalise(client, dossier):
    parcours = dossier["parcours"]
    connecter(client, dossier["equipe"].coordinateur)

    reponse = client.get(_url("droit_acces_json", parcours))

    assert reponse.status_code == 200
    assert reponse["Content-Disposition"].startswith("attachment;")
    assert NOM not in reponse["Content-Disposition"]
    donnees = json.loads(reponse.content)
    assert donnees["enfant"]["nom"] == NOM
    assert donnees["enfant"]["date_naissance"] == parcours.enfant.date_naissance.isoformat()
    noms = {r["nom"] for r in donnees["famille"]["responsables_legaux"]}
    assert "Mère-Zébulon" in noms
    (p,) = donnees["parcours"]
    textes = {n["texte"]: n for n in p["notes"]}
    # Every visibility, another author's private note included: the family's right.
    assert set(textes) == {"Note privée de l’autre", "Rencontre avec la famille"}
    assert textes["Rencontre avec la famille"]["addenda"][0]["texte"] == "Précision du lendemain"
    assert p["consentements"][0]["structures_destinataires"] == ["Centre social des Lilas"]
    assert p["examens_eps"][0]["releve_de_conclusions"] == "Maintien avec aide aux devoirs"
    assert p["documents"][0]["titre"] == "Bilan scolaire"
    assert p["intervenants"] or p["referent"]
    assert p["changements_de_statut"] is not None
    assert any(e["evenement"] == "Consultation" for e in donnees["journal_des_acces"])
    entree = TraceAcces.objects.using(ALIAS).filter(evenement=Evenement.DROIT_ACCES).get()
    assert (entree.user_id, entree.object_id, entree.autorise) == (
        dossier["equipe"].coordinateur.pk,
        parcours.pk,
        True,
    )
    assert entree.content_type == ContentType.objects.get_for_model(Parcours)


def test_le_coordinateur_exporte_un_pdf(client, dossier):
    connecter(client, dossier["equipe"].coordinateur)

    reponse = client.get(_url("droit_acces_pdf", dossier["parcours"]))

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse.content.startswith(b"%PDF")
    assert TraceAcces.objects.using(ALIAS).filter(evenement=Evenement.DROIT_ACCES).count() == 1


def test_la_page_du_parcours_mene_aux_exports_et_a_l_historique_pour_la_coordination(
    client, dossier
):
    parcours = dossier["parcours"]
    connecter(client, dossier["equipe"].coordinateur)
    # The pathway's « Historique » tab carries them.
    page = client.get(_url("historique", parcours)).content.decode()
    for nom in ("droit_acces_pdf", "droit_acces_json", "historique_modifications"):
        assert _url(nom, parcours) in page

    client.logout()
    connecter(client, dossier["referent"].user)
    page = client.get(_url("historique", parcours)).content.decode()
    assert _url("droit_acces_json", parcours) not in page


@pytest.mark.parametrize(
    "qui", ["referent", "pilotage", "administrateur_seul", "autre_coordination"]
)
@pytest.mark.parametrize("nom", ["droit_acces_json", "droit_acces_pdf", "historique_modifications"])
def test_personne_d_autre_n_y_accede_404_trace(client, dossier, qui, nom):
    parcours = dossier["parcours"]
    if qui == "referent":
        user = dossier["referent"].user
    elif qui == "autre_coordination":
        user = coordinateur(pre(nom="PRE voisin").programme)
    else:
        user = UserFactory()
        role = Role.PILOTAGE if qui == "pilotage" else Role.ADMINISTRATEUR
        role_attribuer(user=user, programme=parcours.programme, role=role)
    connecter(client, user)

    reponse = client.get(_url(nom, parcours))

    assert reponse.status_code == 404
    assert NOM not in reponse.content.decode()
    refus = TraceAcces.objects.using(ALIAS).filter(user_id=user.pk, autorise=False)
    assert refus.filter(object_id=parcours.pk).exists()
    assert not TraceAcces.objects.using(ALIAS).filter(evenement=Evenement.DROIT_ACCES).exists()


# --- Rectification history --------------------------------------------------------------------


def test_une_rectification_est_historisee_avec_son_auteur(client, dossier):
    parcours = dossier["parcours"]
    coordo = dossier["equipe"].coordinateur
    connecter(client, coordo)
    from tests.parcours.vues import formulaire, saisir

    url = _url("modifier_enfant", parcours)
    donnees = saisir(formulaire(client.get(url), "enfant-nom"), enfant__nom="Zébulon-Martin")
    assert client.post(url, donnees).status_code == 302

    evenement = evenements("Enfant").filter(pgh_obj_id=parcours.enfant_id, pgh_label="update").get()
    assert evenement.nom == "Zébulon-Martin"
    assert evenement.pgh_context.metadata["user"] == coordo.pk

    page = client.get(_url("historique_modifications", parcours))
    assert page.status_code == 200
    lignes = [
        (c.champ, c.avant, c.apres)
        for e in page.context["page"].object_list
        if e.action == "Modification" and e.objet == "Enfant"
        for c in e.changements
    ]
    assert lignes == [("nom", "Zébulon", "Zébulon-Martin")]
    contenu = page.content.decode()
    # « Prénom NOM » (issue 15, point 19): the history writes names as plain text.
    assert nom_complet_texte(coordo) in contenu
    assert "Historique des modifications" in contenu


def test_une_modification_en_masse_est_historisee_aussi(dossier):
    parcours = dossier["parcours"]
    avant = evenements("Parcours").filter(pgh_obj_id=parcours.pk, pgh_label="update").count()

    Parcours.objects.filter(pk=parcours.pk).update(profil_accompagnement="renforce")
    Enfant.objects.filter(pk=parcours.enfant_id).update(classe="CM1 B")

    mises_a_jour = evenements("Parcours").filter(pgh_obj_id=parcours.pk, pgh_label="update")
    assert mises_a_jour.count() == avant + 1
    assert mises_a_jour.latest("pgh_id").profil_accompagnement == "renforce"
    assert (
        evenements("Enfant").get(pgh_obj_id=parcours.enfant_id, pgh_label="update").classe
        == "CM1 B"
    )


def test_un_changement_de_version_seul_n_est_pas_historise(dossier):
    parcours = dossier["parcours"]
    avant = evenements("Parcours").count()

    Parcours.objects.filter(pk=parcours.pk).update(version=99, derniere_activite=timezone.now())

    assert evenements("Parcours").count() == avant


def test_le_texte_des_notes_n_apparait_pas_dans_l_historique(client, dossier):
    connecter(client, dossier["equipe"].coordinateur)

    contenu = client.get(_url("historique_modifications", dossier["parcours"])).content.decode()

    assert "Note privée de l’autre" not in contenu
    assert "contenu non affiché ici" in contenu


def _rectifier(parcours, fois):
    for i in range(fois):
        Enfant.objects.filter(pk=parcours.enfant_id).update(classe=f"CM{i % 2 + 1} {i}")
        Parcours.objects.filter(pk=parcours.pk).update(referent=parcours.referent_id)


@pytest.mark.parametrize("fois", [1, 40])
def test_l_historique_a_un_nombre_de_requetes_constant(
    client, dossier, fois, django_assert_num_queries
):
    parcours = dossier["parcours"]
    _rectifier(parcours, fois)
    connecter(client, dossier["equipe"].coordinateur)
    url = _url("historique_modifications", parcours)
    client.get(url)  # warm the session and the content types

    # Session, user, second factor, charter, the pathway through `parcours_pour`, the
    # programme role, then three for the history: count, page, names. The same with 1 and with
    # 40 changes (paginated by 25).
    with django_assert_num_queries(NB_REQUETES_HISTORIQUE):
        reponse = client.get(url)
    assert reponse.status_code == 200


# 12 since `Capacite.COORDINATION` is read with the pathway (parcours.access); 8 since the
# session is not saved on every request and the DSFR configuration is kept for a minute
# (issue 18, point 3).
NB_REQUETES_HISTORIQUE = 8


# --- Anonymisation ------------------------------------------------------------------------------


def test_date_de_naissance_anonymisee_garde_le_mois_et_l_annee():
    assert date_naissance_anonymisee(date(2014, 6, 17)) == date(2014, 6, 1)


def _sortir(parcours, le: date, motif="objectifs_atteints"):
    Parcours.objects.filter(pk=parcours.pk).update(
        statut=Statut.SORTI,
        date_entree=min(parcours.date_entree, le - timedelta(days=30)),
        date_sortie=le,
        motif_sortie=motif,
    )


def test_seuls_les_enfants_dont_la_conservation_est_echue_sont_anonymises(dossier):
    programme = dossier["equipe"].programme
    parcours = dossier["parcours"]
    _sortir(parcours, date(2024, 1, 15))
    recent = ParcoursFactory(programme=programme, sorti=True)  # left today: kept
    ouvert = ParcoursFactory(programme=programme, en_cours=True)

    bilan = enfants_anonymiser(le=date(2026, 1, 15))

    assert bilan.enfants == 1
    enfant = Enfant.objects.get(pk=parcours.enfant_id)
    assert str(enfant) == "Enfant anonymisé"
    assert enfant.anonymise_le is not None
    for autre in (recent, ouvert):
        assert Enfant.objects.get(pk=autre.enfant_id).anonymise_le is None
    # One day earlier, nothing would have been due.
    assert enfants_anonymiser(le=date(2026, 1, 15)).enfants == 0


def test_la_duree_se_regle_par_programme(dossier):
    programme = dossier["equipe"].programme
    programme.conservation_mois = 6
    programme.save()
    _sortir(dossier["parcours"], date(2025, 1, 10))

    assert enfants_anonymiser(le=date(2025, 7, 9)).enfants == 0
    assert enfants_anonymiser(le=date(2025, 7, 10)).enfants == 1


def test_l_anonymisation_efface_identite_contacts_textes_fichiers_et_historique(
    dossier, django_capture_on_commit_callbacks
):
    parcours = dossier["parcours"]
    enfant = parcours.enfant
    naissance = enfant.date_naissance
    Enfant.objects.filter(pk=enfant.pk).update(quartier="Les Lilas", classe="CM2 A")
    Rupture.objects.create(
        parcours=parcours,
        type="demenagement",
        date=date.today(),
        description="Part chez sa tante",
        reponse="Appel",
        date_reponse=date.today(),
    )
    objectif = Objectif.objects.create(
        parcours=parcours, domaine=Domaine.SCOLARITE, intitule="Lire avec Zébulon"
    )
    Action.objects.create(
        parcours=parcours, objectif=objectif, intitule="Aide aux devoirs", date_debut=date.today()
    )
    besoin = BesoinNonCouvert.objects.create(
        programme=parcours.programme,
        parcours=parcours,
        domaine=Domaine.SANTE,
        tranche_age="6-10",
        description="Orthophoniste",
    )
    document = Document.objects.get(parcours=parcours)
    chemin = document.fichier.path
    assert document.fichier.storage.exists(document.fichier.name)
    _sortir(parcours, date.today() - timedelta(days=800))

    with django_capture_on_commit_callbacks(execute=True):
        bilan = enfants_anonymiser()

    assert (bilan.enfants, bilan.familles, bilan.fichiers) == (1, 1, 1)
    enfant.refresh_from_db()
    assert (enfant.nom, enfant.prenom, enfant.quartier, enfant.classe) == (
        "anonymisé",
        "Enfant",
        "",
        "",
    )
    assert enfant.date_naissance == naissance.replace(day=1)
    assert enfant.sexe == Sexe.FEMININ
    famille = Famille.objects.get(pk=enfant.famille_id)
    assert (famille.adresse, famille.commune) == ("", "")
    for responsable in ResponsableLegal.objects.filter(famille=famille):
        assert (responsable.nom, responsable.email, responsable.telephone) == ("anonymisé", "", "")
    assert set(Note.objects.filter(parcours=parcours).values_list("texte", flat=True)) == {
        TEXTE_SUPPRIME
    }
    assert Addendum.objects.get(note__parcours=parcours).texte == TEXTE_SUPPRIME
    assert Examen.objects.get(parcours=parcours).releve_conclusions == TEXTE_SUPPRIME
    assert Objectif.objects.get(parcours=parcours).intitule == TEXTE_SUPPRIME
    assert Objectif.objects.get(parcours=parcours).domaine == Domaine.SCOLARITE
    rupture = Rupture.objects.get(parcours=parcours)
    assert (rupture.description, rupture.reponse) == (TEXTE_SUPPRIME, TEXTE_SUPPRIME)
    document.refresh_from_db()
    assert not document.fichier
    assert not document.fichier.storage.exists(chemin)
    besoin.refresh_from_db()
    assert besoin.parcours_id is None and besoin.domaine == Domaine.SANTE

    # The change history keeps no identity either.
    textes = json.dumps(
        [
            list(evenements(m).values())
            for m in ("Enfant", "Famille", "ResponsableLegal", "Note", "Addendum", "Consentement")
        ],
        default=str,
    )
    for secret in (NOM, PRENOM, "Mère-Zébulon", "m@ex.fr", "Rencontre avec la famille"):
        assert secret not in textes
    assert naissance.isoformat() not in textes or naissance.day == 1
    assert famille.adresse == ""


def test_une_deuxieme_execution_ne_change_rien(dossier):
    _sortir(dossier["parcours"], date(2020, 1, 1))
    assert parcours_anonymiser_nuit() == 1

    def etat():
        return [
            list(m.objects.order_by("pk").values())
            for m in (Enfant, Famille, ResponsableLegal, Note, Addendum, Document, Consentement)
        ] + [
            list(evenements(m).order_by("pk").values())
            for m in ("Enfant", "Famille", "ResponsableLegal", "Parcours", "Note", "Addendum")
        ]

    avant = etat()
    assert parcours_anonymiser_nuit() == 0
    assert etat() == avant


def test_la_famille_reste_tant_qu_un_frere_est_suivi(dossier):
    parcours = dossier["parcours"]
    frere = ParcoursFactory(
        programme=parcours.programme,
        en_cours=True,
        enfant__famille=parcours.enfant.famille,
    )
    _sortir(parcours, date(2020, 1, 1))

    bilan = enfants_anonymiser()

    assert (bilan.enfants, bilan.familles) == (1, 0)
    famille = Famille.objects.get(pk=parcours.enfant.famille_id)
    assert famille.anonymise_le is None and famille.adresse
    assert ResponsableLegal.objects.filter(famille=famille, nom="Mère-Zébulon").exists()
    assert Enfant.objects.get(pk=frere.enfant_id).anonymise_le is None


def test_un_enfant_anonymise_apparait_comme_tel_sur_sa_page(client, dossier):
    parcours = dossier["parcours"]
    _sortir(parcours, date(2020, 1, 1))
    enfants_anonymiser()
    connecter(client, dossier["equipe"].coordinateur)

    contenu = client.get(_url("detail", parcours)).content.decode()

    assert "Enfant anonymisé" in contenu
    assert NOM not in contenu


def _tout(monde_, annees=(2024, 2025)):
    """Every indicator the statistics page and the annual survey give, for several periods
    ending on a month's last day."""
    perimetre = perimetre_pour(monde_["coordinateur"], str(monde_["programme"].pk))
    periodes = [
        (date(2025, 1, 1), date(2025, 12, 31)),
        (date(2024, 7, 1), date(2025, 6, 30)),
        (date(2023, 1, 1), date(2025, 8, 31)),
        (date(2025, 2, 1), date(2025, 2, 28)),
    ]
    return (
        [statistiques_programme(perimetre, debut, fin) for debut, fin in periodes],
        [indicateurs_enquete(perimetre, annee) for annee in annees],
    )


def test_les_statistiques_sont_identiques_avant_et_apres_anonymisation(monde):  # noqa: F811
    programme = monde["programme"]
    # Children born mid-month, whose age band changes during the periods, with free text,
    # actions in a domain, an examination and a need.
    for naissance, entree, sortie in [
        (date(2014, 6, 17), date(2024, 3, 5), date(2025, 6, 20)),
        (date(2019, 12, 29), date(2025, 1, 8), date(2025, 2, 14)),
        (date(2008, 11, 3), date(2023, 9, 1), date(2025, 1, 31)),
    ]:
        p = ParcoursFactory(
            programme=programme,
            enfant=EnfantFactory(programme=programme, date_naissance=naissance, sexe=Sexe.MASCULIN),
            date_entree=entree,
            statut=Statut.SORTI,
            date_sortie=sortie,
            motif_sortie="demenagement",
        )
        objectif = Objectif.objects.create(
            parcours=p, domaine=Domaine.CULTURE, intitule="Découvrir la médiathèque"
        )
        Action.objects.create(
            parcours=p,
            objectif=objectif,
            intitule="Club lecture",
            date_debut=entree,
            resultat="Très assidu",
        )
        Note.objects.create(parcours=p, auteur=monde["coordinateur"], texte="Confidentiel")
        BesoinNonCouvert.objects.create(
            programme=programme,
            parcours=p,
            domaine=Domaine.SPORT,
            tranche_age="6-10",
            description="Piscine",
            date_signalement=entree,
        )
        Consentement.objects.create(
            parcours=p,
            date_signature=entree,
            date_expiration=entree + timedelta(days=365),
            motif_retrait="",
        )
    avant = _tout(monde)

    bilan = enfants_anonymiser(le=date(2031, 1, 1))

    # Everyone who left: p3, p4, the pathway that left in 2024, and the three above.
    assert bilan.enfants == 6
    assert _tout(monde) == avant
    assert Enfant.objects.filter(programme=programme, anonymise_le__isnull=True).count() == 2


# --- Access-trail purge --------------------------------------------------------------------


def _entree(il_y_a: timedelta):
    return TraceAcces.objects.using(ALIAS).create(
        le=timezone.now() - il_y_a, evenement=Evenement.LECTURE, autorise=True
    )


def test_la_purge_nocturne_retire_les_entrees_de_plus_de_12_mois():
    ancienne = _entree(timedelta(days=400))
    recente = _entree(timedelta(days=300))

    assert trace_purger_nuit() == 1

    restantes = set(TraceAcces.objects.using(ALIAS).values_list("pk", flat=True))
    assert recente.pk in restantes and ancienne.pk not in restantes


@override_settings(REUSSITE_JOURNAL_CONSERVATION_MOIS=3)
def test_la_purge_respecte_le_plancher_de_6_mois():
    _entree(timedelta(days=200))
    cinq_mois = _entree(timedelta(days=150))

    assert trace_purger_nuit() == 1

    assert list(TraceAcces.objects.using(ALIAS).values_list("pk", flat=True)) == [cinq_mois.pk]
    with pytest.raises(ValueError):
        trace_purger(avant=timezone.now() - timedelta(days=90))


@override_settings(REUSSITE_JOURNAL_CONSERVATION_MOIS=24)
def test_la_duree_du_journal_se_regle():
    _entree(timedelta(days=400))

    assert trace_purger_nuit() == 0


def test_le_journal_reste_immuable_hors_de_la_purge():
    from django.db import DatabaseError, transaction

    entree = _entree(timedelta(days=400))
    with pytest.raises(DatabaseError), transaction.atomic(using=ALIAS):
        TraceAcces.objects.using(ALIAS).filter(pk=entree.pk).delete()


def test_les_taches_nocturnes_sont_planifiees():
    from django.conf import settings

    taches = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "parcours.tasks.parcours_anonymiser_nuit",
        "reussite.core.tasks.trace_purger_nuit",
    } <= taches


def test_aucun_nom_d_enfant_dans_les_journaux_applicatifs(client, dossier):
    import logging

    from reussite.core.requete_id import RequeteIdFiltre
    from tests.core.test_exploitation import formateur_json

    messages, lignes_json = [], []
    capteur = logging.Handler()
    # Issue 20: the deployed format too, JSON lines with every extra field of the record.
    capteur.addFilter(RequeteIdFiltre())
    capteur.setFormatter(formateur_json())

    def emit(enregistrement):
        messages.append(enregistrement.getMessage())
        lignes_json.append(capteur.format(enregistrement))

    capteur.emit = emit
    racine = logging.getLogger()
    racine.addHandler(capteur)
    niveau = racine.level
    racine.setLevel(logging.DEBUG)  # the test settings keep warnings only
    service = logging.getLogger("parcours.services.protection")
    service.disabled = False  # a worker test may have reconfigured logging
    niveau_service = service.level
    service.setLevel(logging.DEBUG)
    coupure = logging.root.manager.disable
    logging.disable(logging.NOTSET)
    try:
        connecter(client, dossier["equipe"].coordinateur)
        client.get(_url("droit_acces_json", dossier["parcours"]))
        client.get(_url("historique_modifications", dossier["parcours"]))
        _sortir(dossier["parcours"], date(2020, 1, 1))
        enfants_anonymiser()
    finally:
        racine.removeHandler(capteur)
        racine.setLevel(niveau)
        logging.disable(coupure)
        service.setLevel(niveau_service)

    assert any("Anonymisation" in m for m in messages)
    assert not [m for m in messages if NOM in m or PRENOM in m]
    import json

    objets = [json.loads(ligne) for ligne in lignes_json]  # each line is one JSON object
    assert any("Anonymisation" in o["message"] and "request_id" in o for o in objets)
    decodees = [json.dumps(o, ensure_ascii=False) for o in objets]  # whatever the escaping
    assert not [ligne for ligne in lignes_json + decodees if NOM in ligne or PRENOM in ligne]
