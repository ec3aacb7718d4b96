"""The pathway services that edit: parcours_modifier and its optimistic lock, consents, the
history of changes, families and their guardians."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from parcours.models import (
    Consentement,
    Finalite,
    LienResponsable,
    MotifSortie,
    Parcours,
    ProfilAccompagnement,
    ResponsableLegal,
    Statut,
)
from parcours.permissions import permissions_attendues
from parcours.services import (
    consentement_enregistrer,
    enfant_et_parcours_creer,
    enfant_modifier,
    famille_modifier,
    parcours_changer_statut,
    parcours_modifier,
    parcours_sortir,
)
from reussite.core.ecriture import ConflitDeModification
from tests.factories.core import ProgrammeFactory, UserFactory, coordinateur
from tests.factories.parcours import (
    ConsentementFactory,
    EnfantFactory,
    FamilleFactory,
    ParcoursFactory,
    ResponsableLegalFactory,
)
from tests.factories.partage import version_actuelle
from tests.factories.partenaires import ProfessionnelFactory, StructureFactory
from tests.parcours.services_donnees import (
    AUJOURD_HUI,
    MODIF,
    VUE,
    donnees_creation,
    lignes_permissions,
)

pytestmark = pytest.mark.django_db


# --- parcours_modifier and optimistic locking ---------------------------------------------------


def test_modifier_applique_les_donnees_et_incremente_la_version(programme, auteur, referent):
    parcours = ParcoursFactory(programme=programme)

    parcours_modifier(
        parcours=parcours,
        donnees={"profil_accompagnement": ProfilAccompagnement.RENFORCE, "referent": referent},
        version=1,
        auteur=auteur,
    )

    parcours.refresh_from_db()
    assert (parcours.profil_accompagnement, parcours.referent) == ("renforce", referent)
    assert parcours.version == 2
    assert lignes_permissions(parcours) == {(referent.user_id, VUE), (referent.user_id, MODIF)}


def test_modifier_avec_une_version_perimee_ne_change_rien(programme, auteur, referent):
    parcours = ParcoursFactory(programme=programme, referent=referent)
    # Both users load version 1; the other one saves first.
    chez_moi = Parcours.objects.get(pk=parcours.pk)
    parcours_modifier(
        parcours=parcours,
        donnees={"profil_accompagnement": ProfilAccompagnement.SOUTENU},
        version=1,
        auteur=UserFactory(),
    )
    avant = Parcours.objects.values().get(pk=parcours.pk)

    with pytest.raises(ConflitDeModification) as erreur:
        parcours_modifier(
            parcours=chez_moi,
            donnees={"profil_accompagnement": ProfilAccompagnement.LEGER, "referent": None},
            version=chez_moi.version,
            auteur=auteur,
        )

    assert erreur.value.actuel.version == 2
    assert erreur.value.actuel.profil_accompagnement == "soutenu"
    assert Parcours.objects.values().get(pk=parcours.pk) == avant
    assert lignes_permissions(parcours) == {(referent.user_id, VUE), (referent.user_id, MODIF)}


def test_modifier_refuse_un_referent_hors_programme(programme, auteur):
    parcours = ParcoursFactory(programme=programme)
    etranger = ProfessionnelFactory(structure=StructureFactory(programmes=[ProgrammeFactory()]))

    with pytest.raises(ValidationError) as erreur:
        parcours_modifier(
            parcours=parcours, donnees={"referent": etranger}, version=1, auteur=auteur
        )

    assert erreur.value.message_dict == {
        "referent": ["Ce professionnel ne travaille pas avec ce programme."]
    }
    parcours.refresh_from_db()
    assert (parcours.referent, parcours.version) == (None, 1)


def test_changer_de_referent_deplace_les_permissions(programme, auteur, referent):
    nouveau = ProfessionnelFactory(structure=referent.structure)
    parcours = ParcoursFactory(programme=programme, referent=referent)

    parcours_modifier(parcours=parcours, donnees={"referent": nouveau}, version=1, auteur=auteur)

    assert lignes_permissions(parcours) == {(nouveau.user_id, VUE), (nouveau.user_id, MODIF)}
    assert not Parcours.objects.visibles_par(referent.user).exists()


def test_enfant_modifier_tient_la_recherche_a_jour(programme):
    enfant = EnfantFactory(programme=programme, nom="Martin", prenom="Léa")

    enfant_modifier(
        version=version_actuelle(enfant), enfant=enfant, donnees={"nom": "N’Diaye-Lefèvre"}
    )

    enfant.refresh_from_db()
    assert enfant.recherche == "n diaye lefevre lea"


# --- consentement_enregistrer ------------------------------------------------------------------


def test_enregistrer_un_consentement(programme, auteur, partenaire):
    parcours = ParcoursFactory(
        programme=programme, statut=Statut.EN_ATTENTE_CONSENTEMENT, referent=partenaire
    )
    mere = ResponsableLegalFactory(famille=parcours.enfant.famille)
    pere = ResponsableLegalFactory(famille=parcours.enfant.famille, lien=LienResponsable.PERE)
    assert lignes_permissions(parcours) == set()

    consentement = consentement_enregistrer(
        parcours=parcours,
        date_signature=AUJOURD_HUI,
        date_expiration=AUJOURD_HUI + timedelta(days=300),
        signataires=[mere, pere],
        structures=[partenaire.structure],
        finalites=[Finalite.ACCOMPAGNEMENT, Finalite.PARTAGE],
        auteur=auteur,
    )

    consentement.refresh_from_db()
    assert set(consentement.signataires.all()) == {mere, pere}
    assert list(consentement.structures.all()) == [partenaire.structure]
    assert consentement.enregistre_par == auteur
    assert consentement.est_valide()
    parcours.refresh_from_db()
    assert parcours.version == 2
    # The partner référent now shares the pathway, and it may leave the waiting status.
    assert lignes_permissions(parcours) == {
        (partenaire.user_id, VUE),
        (partenaire.user_id, MODIF),
    }
    assert list(Parcours.objects.visibles_par(partenaire.user)) == [parcours]
    parcours_changer_statut(
        version=version_actuelle(parcours),
        parcours=parcours,
        statut=Statut.DIAGNOSTIC,
        auteur=auteur,
    )


def test_les_signataires_doivent_etre_des_responsables_de_l_enfant(programme, auteur):
    parcours = ParcoursFactory(programme=programme)
    mere = ResponsableLegalFactory(famille=parcours.enfant.famille)
    voisine = ResponsableLegalFactory(famille=FamilleFactory(programme=programme))

    with pytest.raises(ValidationError) as erreur:
        consentement_enregistrer(
            parcours=parcours,
            date_signature=AUJOURD_HUI,
            date_expiration=AUJOURD_HUI + timedelta(days=300),
            signataires=[mere, voisine],
            auteur=auteur,
        )

    assert erreur.value.message_dict == {
        "signataires": ["Les signataires doivent être des responsables de l’enfant."]
    }
    assert not Consentement.objects.exists()


def test_un_consentement_a_au_moins_un_signataire(programme, auteur):
    parcours = ParcoursFactory(programme=programme)

    with pytest.raises(ValidationError, match="Indiquez qui a signé le consentement"):
        consentement_enregistrer(
            parcours=parcours,
            date_signature=AUJOURD_HUI,
            date_expiration=AUJOURD_HUI + timedelta(days=300),
            signataires=[],
            auteur=auteur,
        )


def test_un_consentement_signe_dans_le_futur_est_refuse(programme, auteur):
    parcours = ParcoursFactory(programme=programme)
    mere = ResponsableLegalFactory(famille=parcours.enfant.famille)

    with pytest.raises(ValidationError) as erreur:
        consentement_enregistrer(
            parcours=parcours,
            date_signature=AUJOURD_HUI + timedelta(days=1),
            date_expiration=AUJOURD_HUI + timedelta(days=300),
            signataires=[mere],
            auteur=auteur,
        )

    assert erreur.value.message_dict == {
        "date_signature": ["La date de signature ne peut pas être future."]
    }
    assert not Consentement.objects.exists()


def test_un_consentement_expire_apres_sa_signature(programme, auteur):
    parcours = ParcoursFactory(programme=programme)
    mere = ResponsableLegalFactory(famille=parcours.enfant.famille)

    with pytest.raises(ValidationError, match="L’expiration doit suivre la signature"):
        consentement_enregistrer(
            parcours=parcours,
            date_signature=AUJOURD_HUI,
            date_expiration=AUJOURD_HUI,
            signataires=[mere],
            auteur=auteur,
        )
    assert not Consentement.objects.exists()
    parcours.refresh_from_db()
    assert parcours.version == 1


# --- History -----------------------------------------------------------------------------------


def test_l_historique_garde_chaque_changement_dans_l_ordre(programme, auteur):
    parcours = enfant_et_parcours_creer(
        programme=programme, auteur=auteur, donnees=donnees_creation()
    )
    etapes = [
        Statut.EN_ATTENTE_CONSENTEMENT,
        Statut.DIAGNOSTIC,
        Statut.EN_COURS,
        Statut.SUSPENDU,
        Statut.EN_COURS,
    ]
    for numero, statut in enumerate(etapes):
        if statut == Statut.DIAGNOSTIC:
            consentement_enregistrer(
                parcours=parcours,
                date_signature=AUJOURD_HUI,
                date_expiration=AUJOURD_HUI + timedelta(days=300),
                signataires=list(parcours.enfant.famille.responsables.all()),
                auteur=auteur,
            )
        parcours = parcours_changer_statut(
            version=version_actuelle(parcours),
            parcours=parcours,
            statut=statut,
            auteur=auteur,
            commentaire=f"étape {numero}",
        )
    parcours_sortir(
        version=version_actuelle(parcours),
        parcours=parcours,
        date_sortie=AUJOURD_HUI,
        motif_sortie=MotifSortie.OBJECTIFS_ATTEINTS,
        auteur=auteur,
        commentaire="fin",
    )

    # Newest first, as the pathway page shows it.
    assert list(
        parcours.historique.values_list("ancien_statut", "nouveau_statut", "commentaire")
    ) == [
        (Statut.EN_COURS, Statut.SORTI, "fin"),
        (Statut.SUSPENDU, Statut.EN_COURS, "étape 4"),
        (Statut.EN_COURS, Statut.SUSPENDU, "étape 3"),
        (Statut.DIAGNOSTIC, Statut.EN_COURS, "étape 2"),
        (Statut.EN_ATTENTE_CONSENTEMENT, Statut.DIAGNOSTIC, "étape 1"),
        (Statut.REPERAGE, Statut.EN_ATTENTE_CONSENTEMENT, "étape 0"),
        ("", Statut.REPERAGE, "Création du parcours"),
    ]
    instants = list(parcours.historique.order_by("pk").values_list("le", flat=True))
    assert instants == sorted(instants)
    assert set(parcours.historique.values_list("auteur", flat=True)) == {auteur.pk}


# --- famille_modifier --------------------------------------------------------------------------


def test_famille_modifier_ajoute_un_responsable(programme):
    famille = FamilleFactory(programme=programme, commune="Villeneuve")
    mere = ResponsableLegalFactory(famille=famille)

    famille_modifier(
        version=version_actuelle(famille),
        famille=famille,
        donnees={"commune": "Saint-Martin"},
        responsables=[
            (ResponsableLegal(), {"nom": "Benali", "prenom": "Samir", "lien": LienResponsable.PERE})
        ],
    )

    famille.refresh_from_db()
    assert famille.commune == "Saint-Martin"
    assert list(famille.responsables.values_list("nom", "lien")) == [
        (mere.nom, "mere"),
        ("Benali", "pere"),
    ]


def test_famille_modifier_modifie_un_responsable_existant(programme):
    famille = FamilleFactory(programme=programme)
    mere = ResponsableLegalFactory(famille=famille, telephone="06 00 00 00 00")

    famille_modifier(
        version=version_actuelle(famille),
        famille=famille,
        donnees={},
        responsables=[(mere, {"telephone": "07 11 22 33 44"})],
    )

    mere.refresh_from_db()
    assert mere.telephone == "07 11 22 33 44"


def test_famille_modifier_refuse_le_responsable_d_une_autre_famille(programme):
    famille = FamilleFactory(programme=programme, commune="Villeneuve")
    voisin = ResponsableLegalFactory(famille=FamilleFactory(programme=programme), nom="Voisin")

    with pytest.raises(ValidationError, match="n’appartient pas à cette famille"):
        famille_modifier(
            version=version_actuelle(famille),
            famille=famille,
            donnees={"commune": "Ailleurs"},
            responsables=[(voisin, {"nom": "Usurpé"})],
        )

    famille.refresh_from_db()
    voisin.refresh_from_db()
    assert (famille.commune, voisin.nom) == ("Villeneuve", "Voisin")


def test_famille_modifier_valide_les_responsables(programme):
    famille = FamilleFactory(programme=programme)

    with pytest.raises(ValidationError) as erreur:
        famille_modifier(
            version=version_actuelle(famille),
            famille=famille,
            donnees={},
            responsables=[(ResponsableLegal(), {"nom": "", "lien": "x"})],
        )

    assert set(erreur.value.message_dict) == {"nom", "lien"}
    assert not famille.responsables.exists()


# --- Permissions derived from the facts -------------------------------------------------------


def test_referent_de_la_structure_porteuse_avant_consentement(programme, referent):
    parcours = ParcoursFactory(programme=programme, referent=referent)

    attendues = {(referent.user_id, VUE), (referent.user_id, MODIF)}
    assert permissions_attendues(parcours) == attendues
    assert lignes_permissions(parcours) == attendues


def test_referent_partenaire_sans_consentement_n_a_rien(programme, partenaire):
    parcours = ParcoursFactory(programme=programme, referent=partenaire, en_cours=True)

    assert permissions_attendues(parcours) == set()
    assert lignes_permissions(parcours) == set()
    assert not Parcours.objects.visibles_par(partenaire.user).exists()


def test_referent_partenaire_avec_consentement_valide(programme, partenaire):
    parcours = ParcoursFactory(
        programme=programme,
        referent=partenaire,
        avec_consentement=True,
        avec_consentement__structures=[partenaire.structure],
    )

    attendues = {(partenaire.user_id, VUE), (partenaire.user_id, MODIF)}
    assert permissions_attendues(parcours) == attendues
    assert lignes_permissions(parcours) == attendues


def test_referent_partenaire_consentement_qui_ne_nomme_pas_sa_structure_n_a_rien(
    programme, partenaire
):
    autre = StructureFactory(programmes=[programme])
    parcours = ParcoursFactory(
        programme=programme,
        referent=partenaire,
        en_cours=True,
        avec_consentement=True,
        avec_consentement__structures=[autre],
    )

    assert permissions_attendues(parcours) == set()
    assert lignes_permissions(parcours) == set()
    assert not Parcours.objects.visibles_par(partenaire.user).exists()


def test_referent_partenaire_consentement_expire_ou_retire(programme, partenaire):
    parcours = ParcoursFactory(programme=programme, referent=partenaire)
    consentement = ConsentementFactory(
        parcours=parcours,
        date_signature=AUJOURD_HUI - timedelta(days=10),
        date_expiration=AUJOURD_HUI + timedelta(days=100),
        structures=[partenaire.structure],
    )
    complet = {(partenaire.user_id, VUE), (partenaire.user_id, MODIF)}

    assert permissions_attendues(parcours, le=AUJOURD_HUI + timedelta(days=99)) == complet
    assert permissions_attendues(parcours, le=AUJOURD_HUI + timedelta(days=100)) == set()
    assert permissions_attendues(parcours, le=AUJOURD_HUI - timedelta(days=11)) == set()

    consentement.date_retrait = AUJOURD_HUI + timedelta(days=5)
    consentement.save()
    assert permissions_attendues(parcours, le=AUJOURD_HUI + timedelta(days=4)) == complet
    assert permissions_attendues(parcours, le=AUJOURD_HUI + timedelta(days=5)) == set()


def test_referent_de_la_structure_porteuse_n_a_pas_besoin_du_consentement(programme, referent):
    parcours = ParcoursFactory(programme=programme, referent=referent)
    ConsentementFactory(parcours=parcours, expire=True)

    assert permissions_attendues(parcours) == {(referent.user_id, VUE), (referent.user_id, MODIF)}


@pytest.mark.parametrize("qui", ["referent", "partenaire"])
def test_apres_la_sortie_lecture_seule_pendant_30_jours_puis_rien(qui, request, programme):
    professionnel = request.getfixturevalue(qui)
    sortie = AUJOURD_HUI - timedelta(days=5)
    parcours = ParcoursFactory(
        programme=programme,
        referent=professionnel,
        statut=Statut.SORTI,
        date_entree=AUJOURD_HUI - timedelta(days=200),
        date_sortie=sortie,
        motif_sortie=MotifSortie.OBJECTIFS_ATTEINTS,
        avec_consentement=True,
        # The PRE team needs no consent naming it; a partner's structure must be named.
        avec_consentement__structures=[] if qui == "referent" else [professionnel.structure],
    )
    lecture = {(professionnel.user_id, VUE)}

    assert permissions_attendues(parcours, le=sortie) == lecture
    assert permissions_attendues(parcours, le=sortie + timedelta(days=30)) == lecture
    assert permissions_attendues(parcours, le=sortie + timedelta(days=31)) == set()
    assert lignes_permissions(parcours) == lecture


@pytest.mark.parametrize("desactiver", ["adhesion", "compte"])
def test_une_adhesion_ou_un_compte_desactive_ne_donne_rien(desactiver, programme, referent):
    parcours = ParcoursFactory(programme=programme, referent=referent, avec_consentement=True)
    if desactiver == "adhesion":
        referent.actif = False
        referent.save()
    else:
        referent.user.is_active = False
        referent.user.save()

    assert permissions_attendues(parcours) == set()


def test_sans_referent_seule_la_coordination_voit_le_parcours(programme, auteur, referent):
    parcours = ParcoursFactory(programme=programme, avec_consentement=True)

    assert permissions_attendues(parcours) == set()
    assert list(Parcours.objects.visibles_par(auteur)) == [parcours]
    assert list(Parcours.objects.modifiables_par(auteur)) == [parcours]
    assert not Parcours.objects.visibles_par(referent.user).exists()
    assert not Parcours.objects.visibles_par(coordinateur(ProgrammeFactory())).exists()
