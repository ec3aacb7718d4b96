"""The families' rights in Chromium (issue 19): the DPO records an access request from the
legal space, sees its legal deadline, answers it with its proof; then opens the unusual
accesses and follows a burst of refusals into the access trail. axe-core runs on every page."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from playwright.sync_api import expect

from parcours.models import Parcours, Statut, echeance_legale
from reussite.core.models import Evenement, TraceAcces
from tests.factories.core import MOT_DE_PASSE, cadre_juridique, dpo
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import pre, professionnel

from .pages import PageConnexion
from .pages_droits import PageAnomalies, PageRegistreDemandes
from .pages_juridique import PageProtection


def test_le_dpo_enregistre_une_demande_y_repond_et_ouvre_une_anomalie(page, serveur, controle):
    a = pre(nom="PRE de Villeneuve")
    cadre_juridique(a.programme)
    parcours = ParcoursFactory(
        programme=a.programme,
        statut=Statut.EN_COURS,
        enfant=EnfantFactory(programme=a.programme, nom="Zorgheb"),
    )
    fureteur = professionnel(a.porteuse, user__email="fureteur@exemple.test").user
    maintenant = timezone.now().replace(minute=30)
    for minutes in range(6):
        TraceAcces.objects.create(
            le=maintenant - timedelta(hours=2, minutes=minutes),
            user_id=fureteur.pk,
            evenement=Evenement.REFUS,
            autorise=False,
            programme_id=a.programme.pk,
            content_type=ContentType.objects.get_for_model(Parcours),
            object_id=parcours.pk,
            page="parcours:detail",
        )
    delegue = dpo(a.programme, first_name="Dominique", last_name="Délégué")
    recue = timezone.localdate() - timedelta(days=3)

    espace = PageConnexion(page, serveur, controle).ouvrir()
    espace = espace.se_connecter_vers(delegue.email, "mot-de-passe-de-test-123", PageProtection)
    registre = PageRegistreDemandes.depuis(espace)
    demande = registre.nouvelle().enregistrer(
        genre="Accès (article 15)",
        demandeur="la mère",
        canal="Courrier",
        recue_le=recue.isoformat(),
        parcours=parcours.pk,
    )
    echeance = echeance_legale(recue, prolongee=False).strftime("%d/%m/%Y")
    expect(demande.echeance).to_contain_text(f"Réponse due au plus tard le {echeance}")
    # The DPO keeps the register; the coordination produces the child's file.
    expect(demande.lien_dossier_enfant).to_have_count(0)

    demande = demande.repondre(
        statut="Satisfaite",
        reponse="Le dossier de l’enfant a été remis à la famille.",
        le=timezone.localdate().isoformat(),
        preuve="Remis en main propre, reçu signé",
    )
    expect(demande.echeance).to_have_count(0)
    expect(demande.texte("Remis en main propre, reçu signé")).to_be_visible()
    registre = demande.registre()
    expect(registre.lignes).to_have_count(1)
    expect(registre.lignes.first).to_contain_text("Satisfaite")
    expect(registre.texte("Zorgheb", exact=False)).to_have_count(0)

    espace = PageProtection(page, serveur, controle).ouvrir()
    anomalies = PageAnomalies.depuis(espace)
    expect(anomalies.liste("refus")).to_have_count(1)
    expect(anomalies.liste("refus").first).to_contain_text("fureteur@exemple.test")
    journal = anomalies.ouvrir("refus")
    expect(journal.lignes).to_have_count(6)
    expect(journal.texte("Zorgheb", exact=False)).to_have_count(0)


def test_une_demande_sur_un_parcours_transfere_previent_le_programme_qui_l_a_recu(
    page, serveur, controle
):
    """The DPO records a request about a pathway transferred to another programme: the page
    says that programme was told automatically, and its coordinator finds the reminder in the
    bell, which names no child."""
    from parcours.models import Finalite
    from parcours.services import transfert_accepter, transfert_proposer
    from tests.factories.partage import consentement

    from .pages_rappels import PageRappels

    a = pre(nom="PRE de Villeneuve")
    b = pre(nom="PRE des Tilleuls")
    cadre_juridique(a.programme)
    cadre_juridique(b.programme, dpo_email="dpo@tilleuls.exemple.test")
    dpo(b.programme)
    parcours = ParcoursFactory(
        programme=a.programme,
        statut=Statut.EN_COURS,
        enfant=EnfantFactory(programme=a.programme, nom="Zorgheb"),
    )
    consentement(
        parcours, auteur=a.coordinateur, finalites=[Finalite.ACCOMPAGNEMENT, Finalite.TRANSFERT]
    )
    transfert = transfert_proposer(
        parcours=parcours, programme_destination=b.programme, auteur=a.coordinateur
    )
    transfert_accepter(transfert=transfert, auteur=b.coordinateur, version=transfert.version)
    delegue = dpo(a.programme)

    espace = PageConnexion(page, serveur, controle).ouvrir()
    espace = espace.se_connecter_vers(delegue.email, "mot-de-passe-de-test-123", PageProtection)
    demande = (
        PageRegistreDemandes.depuis(espace)
        .nouvelle()
        .enregistrer(
            genre="Opposition (article 21)",
            demandeur="le père",
            canal="Courriel",
            recue_le=timezone.localdate().isoformat(),
            parcours=parcours.pk,
        )
    )
    expect(demande.informations_transfert).to_have_count(1)
    expect(demande.informations_transfert.first).to_contain_text(
        "PRE des Tilleuls a été informé automatiquement le"
    )
    expect(demande.informations_transfert.first).to_contain_text("2 personnes prévenues")
    expect(demande.texte("dpo@tilleuls.exemple.test")).to_be_visible()

    # The receiving coordinator's bell.
    demande.se_deconnecter()
    PageConnexion(page, serveur, controle).ouvrir().se_connecter(b.coordinateur.email, MOT_DE_PASSE)
    rappels = PageRappels(page, serveur, controle).ouvrir("rappels du programme destinataire")
    expect(
        rappels.texte("Demande d’une famille sur un parcours transféré par PRE de Villeneuve")
    ).to_be_visible()
    expect(rappels.texte("Zorgheb", exact=False)).to_have_count(0)
