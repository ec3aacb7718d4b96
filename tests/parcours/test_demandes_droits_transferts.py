"""A family's rights request about a pathway transferred to another programme (issue 19): the
receiving programme, controller of its own copy, is told automatically — its coordinators and
its DPO, by the reminders' bell and email, never with the child's name — once per request, when
the request is recorded or when the transfer is accepted while the request is open, along the
whole chain of transfers; the request's page says who was told and when."""

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.models import Finalite, GenreDemande, InformationTransfert, Statut, StatutDemande
from parcours.services import (
    DonneesDemande,
    demande_droit_creer,
    demande_droit_repondre,
    transfert_accepter,
    transfert_proposer,
)
from parcours.services.droits import GENRE_INFORMATION, _informer_les_programmes_destinataires
from reussite.core.models import Rappel, Role, StatutRappel
from reussite.core.rappels import rappels_scanner, rendre
from reussite.core.services import role_retirer
from tests.conftest import connecter
from tests.factories.core import coordinateur
from tests.factories.monde import construire_monde
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import consentement, pre

pytestmark = pytest.mark.django_db(databases=["default", "trace"])


class Monde:
    """Programme A follows « Zorgheb »; B and C are other programmes of the platform."""

    def __init__(self):
        m = construire_monde(
            nom="PRE de Villeneuve",
            roles={Role.DPO: {}},
            avec_partenaire=False,
            avec_consentement=False,
            enfant={"nom": "Zorgheb"},
            autres_programmes=[
                {"nom": "PRE des Tilleuls", "roles": {Role.DPO: {}}},
                {"nom": "PRE du Lac", "roles": {Role.DPO: {}}},
            ],
        )
        self.a, self.parcours, (self.b, self.c) = m.pre, m.parcours, m.autres
        self.dpo_a, self.dpo_b, self.dpo_c = (p.roles[Role.DPO] for p in (self.a, self.b, self.c))

    def coordination(self, programme_id):
        return next(
            p.coordinateur for p in (self.a, self.b, self.c) if p.programme.pk == programme_id
        )

    def transferer(self, parcours, vers, *, accepter=True):
        """Through the services: consent with the transfer purpose, proposal, acceptance."""
        auteur = self.coordination(parcours.programme_id)
        consentement(
            parcours, auteur=auteur, finalites=[Finalite.ACCOMPAGNEMENT, Finalite.TRANSFERT]
        )
        transfert = transfert_proposer(
            parcours=parcours, programme_destination=vers.programme, auteur=auteur
        )
        if not accepter:
            return transfert
        return transfert_accepter(
            transfert=transfert, auteur=vers.coordinateur, version=transfert.version
        )

    def demande(self, parcours="le parcours", genre=GenreDemande.ACCES):
        return demande_droit_creer(
            programme=self.a.programme,
            donnees=DonneesDemande(
                genre=genre,
                demandeur="la mère",
                canal="courrier",
                recue_le=timezone.localdate(),
                parcours=self.parcours if parcours == "le parcours" else parcours,
            ),
            auteur=self.dpo_a,
        )


@pytest.fixture
def monde():
    return Monde()


def _informes(demande) -> dict[int, set[int]]:
    """{informed programme: the people its reminders went to}."""
    return {
        information.programme_id: set(
            Rappel.objects.filter(genre=GENRE_INFORMATION, object_id=information.pk).values_list(
                "destinataire_id", flat=True
            )
        )
        for information in InformationTransfert.objects.filter(demande=demande)
    }


def test_une_demande_sur_un_parcours_transfere_previent_la_coordination_et_le_dpo_du_destinataire(
    monde,
):
    transfert = monde.transferer(monde.parcours, monde.b)
    autre_coordinatrice_b = coordinateur(monde.b.programme)

    demande = monde.demande()

    assert _informes(demande) == {
        monde.b.programme.pk: {monde.b.coordinateur.pk, autre_coordinatrice_b.pk, monde.dpo_b.pk}
    }
    information = InformationTransfert.objects.get(demande=demande)
    assert information.transfert == transfert
    assert information.personnes_prevenues == 3
    # The reminders belong to B (its coordinators see their failures), and name the request
    # and B's own pathway by number, never the child.
    rappels = list(Rappel.objects.filter(genre=GENRE_INFORMATION))
    assert {r.programme_id for r in rappels} == {monde.b.programme.pk}
    for _rappel, rendu in rendre(rappels):
        assert "PRE de Villeneuve" in rendu.titre
        assert f"demande n° {demande.pk}" in rendu.texte
        assert f"parcours : n° {transfert.parcours_destination_id}" in rendu.texte
        assert "Zorgheb" not in rendu.titre + rendu.texte
        assert rendu.lien == (
            reverse("droits:creer", args=[monde.b.programme.pk])
            + f"?genre=acces&parcours={transfert.parcours_destination_id}"
        )
    # Once per request: telling again tells no one.
    assert _informer_les_programmes_destinataires(demande) == []
    assert Rappel.objects.filter(genre=GENRE_INFORMATION).count() == 3


def test_sans_transfert_accepte_personne_d_autre_n_est_prevenu(monde):
    monde.transferer(monde.parcours, monde.b, accepter=False)  # proposed only
    demande = monde.demande()
    sans_parcours = monde.demande(parcours=None)
    assert _informes(demande) == {} and _informes(sans_parcours) == {}
    assert not Rappel.objects.filter(genre=GENRE_INFORMATION).exists()


def test_un_transfert_accepte_apres_la_demande_previent_pour_les_demandes_encore_ouvertes(monde):
    ouverte = monde.demande()
    close = monde.demande(genre=GenreDemande.RECTIFICATION)
    demande_droit_repondre(
        demande=close,
        version=close.version,
        auteur=monde.dpo_a,
        statut=StatutDemande.SATISFAITE,
        suivie_par=monde.dpo_a,
        prolongee=False,
        motif_prolongation="",
        reponse="Adresse corrigée.",
        repondue_le=timezone.localdate(),
        preuve="Courriel du jour",
    )
    assert _informes(ouverte) == {}

    monde.transferer(monde.parcours, monde.b)

    assert _informes(ouverte) == {monde.b.programme.pk: {monde.b.coordinateur.pk, monde.dpo_b.pk}}
    assert _informes(close) == {}


def test_chaque_programme_de_la_chaine_de_transferts_est_prevenu(monde):
    vers_b = monde.transferer(monde.parcours, monde.b)
    ouverte_avant = monde.demande()
    vers_c = monde.transferer(vers_b.parcours_destination, monde.c)
    apres = monde.demande(genre=GenreDemande.OPPOSITION)

    tout = {
        monde.b.programme.pk: {monde.b.coordinateur.pk, monde.dpo_b.pk},
        monde.c.programme.pk: {monde.c.coordinateur.pk, monde.dpo_c.pk},
    }
    assert _informes(apres) == tout
    # The request open in A when B passed the pathway on to C: C is told as well.
    assert _informes(ouverte_avant) == tout
    assert InformationTransfert.objects.get(
        demande=apres, programme=monde.c.programme
    ).transfert == (vers_c)


def test_le_rappel_s_arrete_pour_qui_perd_son_role_dans_le_programme_destinataire(monde):
    monde.transferer(monde.parcours, monde.b)
    monde.b.coordinateur.frequence_courriels = "quotidien"
    monde.b.coordinateur.save()
    demande = monde.demande()
    role_retirer(user=monde.dpo_b, programme=monde.b.programme, role=Role.DPO)
    rappels_scanner(le=timezone.localdate())
    statuts = dict(
        Rappel.objects.filter(genre=GENRE_INFORMATION).values_list("destinataire_id", "statut")
    )
    assert statuts[monde.dpo_b.pk] == StatutRappel.ANNULE
    assert statuts[monde.b.coordinateur.pk] != StatutRappel.ANNULE
    assert _informes(demande).keys() == {monde.b.programme.pk}


def test_la_page_de_la_demande_dit_qui_a_ete_prevenu_et_quand(client, monde):
    monde.transferer(monde.parcours, monde.b)
    demande = monde.demande()
    # A programme that has nobody on the platform any more: nobody can be told automatically.
    sans_personne = pre(nom="PRE sans compte")
    parcours_2 = ParcoursFactory(
        programme=monde.a.programme,
        statut=Statut.EN_COURS,
        enfant=EnfantFactory(programme=monde.a.programme, nom="Zorgheb"),
    )
    monde.transferer(parcours_2, sans_personne)
    role_retirer(
        user=sans_personne.coordinateur, programme=sans_personne.programme, role=Role.COORDINATEUR
    )
    orpheline = monde.demande(parcours=parcours_2)
    connecter(client, monde.dpo_a)

    texte = client.get(reverse("droits:demande", args=[monde.a.programme.pk, demande.pk])).content
    texte = texte.decode()
    assert "PRE des Tilleuls a été informé automatiquement le" in texte
    assert "2 personnes prévenues" in texte
    assert "Zorgheb" not in texte
    texte = client.get(reverse("droits:demande", args=[monde.a.programme.pk, orpheline.pk]))
    assert "PRE sans compte n’a ni coordinateur ni délégué" in texte.content.decode()


def test_le_lien_du_rappel_preremplit_la_demande_dans_le_registre_du_destinataire(client, monde):
    transfert = monde.transferer(monde.parcours, monde.b)
    connecter(client, monde.dpo_b)
    page = client.get(
        reverse("droits:creer", args=[monde.b.programme.pk])
        + f"?genre=opposition&parcours={transfert.parcours_destination_id}"
    )
    assert page.context["form"]["genre"].value() == "opposition"
    assert page.context["form"]["numero_parcours"].value() == transfert.parcours_destination_id
    # Nonsense in the address is ignored, not an error.
    page = client.get(
        reverse("droits:creer", args=[monde.b.programme.pk]) + "?genre=tout&parcours=x"
    )
    assert page.status_code == 200
    assert page.context["form"]["genre"].value() is None
