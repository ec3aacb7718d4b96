"""Services of the pathway app, against PostgreSQL: creation, lifecycle, exit, constraints,
consent, optimistic locking and the permissions derived from a pathway's facts."""

import itertools
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from parcours.models import (
    ChangementStatut,
    Consentement,
    Enfant,
    Famille,
    Finalite,
    LienResponsable,
    MotifSortie,
    Parcours,
    ParcoursUserObjectPermission,
    ProfilAccompagnement,
    ResponsableLegal,
    Statut,
)
from parcours.permissions import permissions_attendues
from parcours.services import (
    DonneesCreation,
    DonneesResponsable,
    avertissement_age,
    consentement_enregistrer,
    enfant_et_parcours_creer,
    enfant_modifier,
    famille_modifier,
    parcours_changer_statut,
    parcours_modifier,
    parcours_sortir,
    transitions_possibles,
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
from tests.factories.partenaires import ProfessionnelFactory, StructureFactory, structure_porteuse

pytestmark = pytest.mark.django_db

AUJOURD_HUI = timezone.localdate()  # the programme's day (Europe/Paris), not the machine's
VUE, MODIF = "view_parcours", "change_parcours"

TRANSITIONS_AUTORISEES = [
    (Statut.REPERAGE, Statut.EN_ATTENTE_CONSENTEMENT),
    (Statut.EN_ATTENTE_CONSENTEMENT, Statut.DIAGNOSTIC),
    (Statut.DIAGNOSTIC, Statut.EN_COURS),
    (Statut.EN_COURS, Statut.SUSPENDU),
    (Statut.SUSPENDU, Statut.EN_COURS),
]
TRANSITIONS_INTERDITES = [
    (de, vers)
    for de, vers in itertools.product(Statut, Statut)
    if (de, vers) not in TRANSITIONS_AUTORISEES
]
STATUTS_OUVERTS = [s for s in Statut if s != Statut.SORTI]


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def auteur(programme):
    return coordinateur(programme)


@pytest.fixture
def referent(programme):
    """A référent employed by the structure porteuse: part of the PRE team."""
    return ProfessionnelFactory(structure=structure_porteuse(programme))


@pytest.fixture
def partenaire(programme):
    """A référent employed by a partner structure of the programme (not the PRE team). The
    factories sign the structure's charter and accept it for the person: only assignment and a
    consent naming the structure are left for a test to decide."""
    return ProfessionnelFactory(structure=StructureFactory(programmes=[programme]))


def lignes_permissions(parcours) -> set[tuple[int, str]]:
    """The guardian rows actually stored for the pathway."""
    return {
        (ligne.user_id, ligne.permission.codename)
        for ligne in ParcoursUserObjectPermission.objects.filter(
            content_object=parcours
        ).select_related("permission")
    }


def donnees_creation(**parcours) -> DonneesCreation:
    return DonneesCreation(
        enfant={
            "nom": "Lefèvre",
            "prenom": "Éloïse",
            "date_naissance": date(AUJOURD_HUI.year - 8, 3, 14),
            "sexe": "F",
            "qpv": True,
        },
        famille={"adresse": "3 allée des Érables", "commune": "Villeneuve"},
        responsables=[
            DonneesResponsable(nom="Lefèvre", prenom="Nadia", lien=LienResponsable.MERE),
            DonneesResponsable(nom="Lefèvre", prenom="Karim", lien=LienResponsable.PERE),
        ],
        parcours={
            "orienteur": "ecole",
            "motifs_orientation": ["resultats_scolaires", "langage"],
            "date_entree": AUJOURD_HUI,
            **parcours,
        },
    )


def assert_rien_de_cree():
    assert not Famille.objects.exists()
    assert not ResponsableLegal.objects.exists()
    assert not Enfant.objects.exists()
    assert not Parcours.objects.exists()
    assert not ChangementStatut.objects.exists()


# --- enfant_et_parcours_creer ------------------------------------------------------------------


def test_creer_enregistre_famille_responsables_enfant_parcours_et_historique(
    programme, auteur, referent
):
    parcours = enfant_et_parcours_creer(
        programme=programme, auteur=auteur, donnees=donnees_creation(referent=referent)
    )

    parcours.refresh_from_db()
    enfant = parcours.enfant
    assert (enfant.prenom, enfant.nom, enfant.programme) == ("Éloïse", "Lefèvre", programme)
    assert enfant.recherche == "lefevre eloise"
    assert enfant.famille.programme == programme
    assert enfant.famille.commune == "Villeneuve"
    assert list(enfant.famille.responsables.values_list("prenom", "lien")) == [
        ("Nadia", "mere"),
        ("Karim", "pere"),
    ]
    assert parcours.programme == programme
    assert parcours.statut == Statut.REPERAGE
    assert parcours.referent == referent
    assert parcours.motifs_orientation == ["resultats_scolaires", "langage"]
    assert parcours.version == 1
    historique = list(parcours.historique.all())
    assert len(historique) == 1
    assert (historique[0].ancien_statut, historique[0].nouveau_statut) == ("", Statut.REPERAGE)
    assert historique[0].auteur == auteur
    # The référent of the structure porteuse may work on it at once, before any consent.
    assert lignes_permissions(parcours) == {(referent.user_id, VUE), (referent.user_id, MODIF)}


def test_creer_sans_referent_ne_donne_aucune_permission(programme, auteur):
    parcours = enfant_et_parcours_creer(
        programme=programme, auteur=auteur, donnees=donnees_creation()
    )
    assert parcours.referent is None
    assert lignes_permissions(parcours) == set()
    assert list(Parcours.objects.visibles_par(auteur)) == [parcours]


def test_creer_rattache_un_frere_a_une_famille_existante(programme, auteur):
    aine = ParcoursFactory(programme=programme)
    famille = aine.enfant.famille
    donnees = donnees_creation()
    # A sibling brings nothing of the family (tests/parcours/test_fratrie.py: family data is refused).
    donnees.famille, donnees.responsables = {}, []
    donnees.famille_existante = famille

    parcours = enfant_et_parcours_creer(programme=programme, auteur=auteur, donnees=donnees)

    assert parcours.enfant.famille == famille
    assert Famille.objects.count() == 1
    assert set(famille.enfants.all()) == {aine.enfant, parcours.enfant}


def test_creer_refuse_une_famille_d_un_autre_programme(programme, auteur):
    donnees = donnees_creation()
    donnees.famille_existante = FamilleFactory(programme=ProgrammeFactory())

    with pytest.raises(ValidationError, match="appartient à un autre programme"):
        enfant_et_parcours_creer(programme=programme, auteur=auteur, donnees=donnees)
    assert not Enfant.objects.exists()


def test_creer_exige_un_responsable_legal(programme, auteur):
    donnees = donnees_creation()
    donnees.responsables = []

    with pytest.raises(ValidationError, match="Indiquez au moins un responsable légal"):
        enfant_et_parcours_creer(programme=programme, auteur=auteur, donnees=donnees)
    assert_rien_de_cree()


def test_creer_refuse_un_referent_qui_ne_travaille_pas_avec_le_programme(programme, auteur):
    # A structure that works with another programme only.
    etranger = ProfessionnelFactory(structure=StructureFactory(programmes=[ProgrammeFactory()]))

    with pytest.raises(ValidationError) as erreur:
        enfant_et_parcours_creer(
            programme=programme, auteur=auteur, donnees=donnees_creation(referent=etranger)
        )

    assert erreur.value.message_dict == {
        "referent": ["Ce professionnel ne travaille pas avec ce programme."]
    }
    # Family, guardians and child were written before the check: all rolled back.
    assert_rien_de_cree()


def test_creer_refuse_un_referent_dont_l_adhesion_est_desactivee(programme, auteur, referent):
    referent.actif = False
    referent.save()

    with pytest.raises(ValidationError, match="ne travaille pas avec ce programme"):
        enfant_et_parcours_creer(
            programme=programme, auteur=auteur, donnees=donnees_creation(referent=referent)
        )
    assert_rien_de_cree()


# --- parcours_changer_statut -------------------------------------------------------------------


@pytest.mark.parametrize(("de", "vers"), TRANSITIONS_AUTORISEES)
def test_transition_autorisee(de, vers, programme, auteur, referent):
    parcours = ParcoursFactory(
        programme=programme, statut=de, referent=referent, avec_consentement=True
    )

    resultat = parcours_changer_statut(
        parcours=parcours, statut=vers, auteur=auteur, commentaire="Vu en EPS", version=1
    )

    parcours.refresh_from_db()
    assert resultat.statut == parcours.statut == vers
    assert parcours.version == 2
    changement = parcours.historique.get()
    assert (changement.ancien_statut, changement.nouveau_statut) == (de, vers)
    assert (changement.auteur, changement.commentaire) == (auteur, "Vu en EPS")
    assert lignes_permissions(parcours) == {(referent.user_id, VUE), (referent.user_id, MODIF)}


@pytest.mark.parametrize(("de", "vers"), TRANSITIONS_INTERDITES)
def test_transition_interdite(de, vers, programme, auteur):
    parcours = ParcoursFactory(
        programme=programme, statut=de, sorti=de == Statut.SORTI, avec_consentement=True
    )

    with pytest.raises(ValidationError) as erreur:
        parcours_changer_statut(
            version=version_actuelle(parcours), parcours=parcours, statut=vers, auteur=auteur
        )

    assert erreur.value.messages == [
        f"Un parcours « {Statut(de).label} » ne peut pas passer à « {Statut(vers).label} »."
    ]
    parcours.refresh_from_db()
    assert (parcours.statut, parcours.version) == (de, 1)
    assert not parcours.historique.exists()


@pytest.mark.parametrize(
    "consentement",
    [
        None,
        {"expire": True},
        {"retire": True},
        # Valid until the day before: it expires on its expiry date.
        {"date_expiration": AUJOURD_HUI},
        # Signed, but the form says it will be signed tomorrow: not a consent yet.
        {"date_signature": AUJOURD_HUI + timedelta(days=1)},
    ],
    ids=["aucun", "expire", "retire", "expire-aujourd-hui", "signe-demain"],
)
def test_quitter_l_attente_de_consentement_exige_un_consentement_valide(
    consentement, programme, auteur
):
    parcours = ParcoursFactory(programme=programme, statut=Statut.EN_ATTENTE_CONSENTEMENT)
    if consentement is not None:
        ConsentementFactory(parcours=parcours, **consentement)

    with pytest.raises(ValidationError) as erreur:
        parcours_changer_statut(
            version=version_actuelle(parcours),
            parcours=parcours,
            statut=Statut.DIAGNOSTIC,
            auteur=auteur,
        )

    assert erreur.value.messages == [
        "Enregistrez le consentement écrit de la famille avant de poursuivre le parcours."
    ]
    parcours.refresh_from_db()
    assert parcours.statut == Statut.EN_ATTENTE_CONSENTEMENT
    assert not parcours.historique.exists()


def test_un_retrait_annonce_pour_demain_laisse_le_consentement_valide_aujourd_hui(
    programme, auteur
):
    parcours = ParcoursFactory(programme=programme, statut=Statut.EN_ATTENTE_CONSENTEMENT)
    ConsentementFactory(parcours=parcours, date_retrait=AUJOURD_HUI + timedelta(days=1))

    parcours = parcours_changer_statut(
        version=version_actuelle(parcours),
        parcours=parcours,
        statut=Statut.DIAGNOSTIC,
        auteur=auteur,
    )

    assert parcours.statut == Statut.DIAGNOSTIC


def test_changer_statut_avec_une_version_perimee_ne_change_rien(programme, auteur):
    parcours = ParcoursFactory(programme=programme)
    parcours_modifier(
        parcours=parcours, donnees={"profil_accompagnement": "soutenu"}, version=1, auteur=auteur
    )

    with pytest.raises(ConflitDeModification) as erreur:
        parcours_changer_statut(
            parcours=parcours, statut=Statut.EN_ATTENTE_CONSENTEMENT, auteur=auteur, version=1
        )

    assert erreur.value.actuel.version == 2
    parcours.refresh_from_db()
    assert (parcours.statut, parcours.version) == (Statut.REPERAGE, 2)
    assert not parcours.historique.exists()


@pytest.mark.parametrize(
    ("statut", "attendues"),
    [
        (Statut.REPERAGE, (Statut.EN_ATTENTE_CONSENTEMENT,)),
        (Statut.EN_ATTENTE_CONSENTEMENT, (Statut.DIAGNOSTIC,)),
        (Statut.DIAGNOSTIC, (Statut.EN_COURS,)),
        (Statut.EN_COURS, (Statut.SUSPENDU,)),
        (Statut.SUSPENDU, (Statut.EN_COURS,)),
        (Statut.SORTI, ()),
    ],
)
def test_transitions_possibles(statut, attendues):
    assert transitions_possibles(Parcours(statut=statut)) == attendues


# --- parcours_sortir ---------------------------------------------------------------------------


@pytest.mark.parametrize("de", STATUTS_OUVERTS)
def test_sortir_depuis_chaque_statut_ouvert_sur_refus_de_la_famille(de, programme, auteur):
    parcours = ParcoursFactory(
        programme=programme, statut=de, date_prochaine_revue=AUJOURD_HUI + timedelta(days=60)
    )

    parcours_sortir(
        parcours=parcours,
        date_sortie=AUJOURD_HUI,
        motif_sortie=MotifSortie.REFUS_FAMILLE,
        auteur=auteur,
        commentaire="La famille ne souhaite pas poursuivre.",
        version=1,
    )

    parcours.refresh_from_db()
    assert parcours.statut == Statut.SORTI
    assert (parcours.date_sortie, parcours.motif_sortie) == (AUJOURD_HUI, "refus_famille")
    assert parcours.get_motif_sortie_display() == "Refus de la famille"
    assert parcours.date_prochaine_revue is None
    assert parcours.version == 2
    changement = parcours.historique.get()
    assert (changement.ancien_statut, changement.nouveau_statut) == (de, Statut.SORTI)
    assert changement.commentaire == "La famille ne souhaite pas poursuivre."


def test_sortir_le_jour_de_l_entree_est_permis(programme, auteur):
    parcours = ParcoursFactory(programme=programme)
    parcours_sortir(
        version=version_actuelle(parcours),
        parcours=parcours,
        date_sortie=parcours.date_entree,
        motif_sortie=MotifSortie.DEMENAGEMENT,
        auteur=auteur,
    )
    parcours.refresh_from_db()
    assert parcours.date_sortie == parcours.date_entree


def test_sortir_avant_la_date_d_entree_est_refuse(programme, auteur):
    parcours = ParcoursFactory(programme=programme, date_entree=date(2025, 9, 1))

    with pytest.raises(ValidationError) as erreur:
        parcours_sortir(
            version=version_actuelle(parcours),
            parcours=parcours,
            date_sortie=date(2025, 8, 31),
            motif_sortie=MotifSortie.DEMENAGEMENT,
            auteur=auteur,
        )

    assert erreur.value.message_dict == {
        "date_sortie": ["La date de sortie ne peut pas précéder la date d’entrée (01/09/2025)."]
    }
    parcours.refresh_from_db()
    assert (parcours.statut, parcours.date_sortie, parcours.version) == (Statut.REPERAGE, None, 1)


def test_sortir_un_parcours_deja_sorti_est_refuse(programme, auteur):
    parcours = ParcoursFactory(programme=programme, sorti=True)

    with pytest.raises(ValidationError, match="Ce parcours est déjà sorti"):
        parcours_sortir(
            version=version_actuelle(parcours),
            parcours=parcours,
            date_sortie=AUJOURD_HUI,
            motif_sortie=MotifSortie.AUTRE,
            auteur=auteur,
        )
    parcours.refresh_from_db()
    assert parcours.motif_sortie == "objectifs_atteints"


@pytest.mark.parametrize("motif", ["", "inconnu"])
def test_sortir_exige_un_motif_connu(motif, programme, auteur):
    parcours = ParcoursFactory(programme=programme)

    with pytest.raises(ValidationError) as erreur:
        parcours_sortir(
            version=version_actuelle(parcours),
            parcours=parcours,
            date_sortie=AUJOURD_HUI,
            motif_sortie=motif,
            auteur=auteur,
        )

    assert erreur.value.message_dict == {"motif_sortie": ["Choisissez un motif de sortie."]}


def test_sortir_ne_laisse_au_referent_que_la_lecture(programme, auteur, referent):
    parcours = ParcoursFactory(programme=programme, referent=referent, en_cours=True)

    parcours_sortir(
        version=version_actuelle(parcours),
        parcours=parcours,
        date_sortie=AUJOURD_HUI,
        motif_sortie=MotifSortie.OBJECTIFS_ATTEINTS,
        auteur=auteur,
    )

    assert lignes_permissions(parcours) == {(referent.user_id, VUE)}
    assert not Parcours.objects.modifiables_par(referent.user).exists()
    assert list(Parcours.objects.visibles_par(referent.user)) == [parcours]


# --- Constraints -------------------------------------------------------------------------------


def _second_parcours(parcours, **kwargs) -> Parcours:
    return Parcours(
        programme=parcours.programme,
        enfant=parcours.enfant,
        orienteur="famille",
        motifs_orientation=["parentalite"],
        date_entree=AUJOURD_HUI,
        **kwargs,
    )


@pytest.mark.parametrize("statut", STATUTS_OUVERTS)
def test_un_seul_parcours_ouvert_par_enfant_et_programme_full_clean(statut, programme):
    premier = ParcoursFactory(programme=programme, statut=statut)

    with pytest.raises(ValidationError) as erreur:
        _second_parcours(premier).full_clean()

    assert "Cet enfant a déjà un parcours ouvert dans ce programme." in erreur.value.messages


def test_un_seul_parcours_ouvert_contrainte_en_base(programme):
    premier = ParcoursFactory(programme=programme)

    # Bypassing full_clean, as a concurrent insert would: the database itself refuses.
    contrainte = "un_parcours_ouvert_par_enfant_et_programme"
    with pytest.raises(IntegrityError, match=contrainte), transaction.atomic():
        _second_parcours(premier).save()
    assert Parcours.objects.count() == 1


def test_un_nouveau_parcours_est_permis_apres_la_sortie(programme, auteur):
    premier = ParcoursFactory(programme=programme, date_entree=date(2024, 9, 2))
    parcours_sortir(
        version=version_actuelle(premier),
        parcours=premier,
        date_sortie=date(2025, 6, 30),
        motif_sortie=MotifSortie.OBJECTIFS_ATTEINTS,
        auteur=auteur,
    )

    second = _second_parcours(premier)
    second.full_clean()
    second.save()

    assert premier.enfant.parcours.count() == 2
    # Back to one open pathway: a third one is refused again.
    with pytest.raises(ValidationError, match="déjà un parcours ouvert"):
        _second_parcours(premier).full_clean()


def test_la_date_de_sortie_ne_precede_pas_l_entree_full_clean(programme):
    parcours = ParcoursFactory.build(
        programme=programme,
        enfant=EnfantFactory(programme=programme),
        statut=Statut.SORTI,
        date_entree=date(2025, 9, 1),
        date_sortie=date(2025, 8, 1),
        motif_sortie=MotifSortie.AUTRE,
    )

    with pytest.raises(ValidationError) as erreur:
        parcours.full_clean()

    assert "La date de sortie précède la date d’entrée." in erreur.value.messages


def test_la_date_de_sortie_ne_precede_pas_l_entree_contrainte_en_base(programme):
    parcours = ParcoursFactory(programme=programme, sorti=True)

    veille = parcours.date_entree - timedelta(days=1)
    with pytest.raises(IntegrityError, match="parcours_sortie_apres_entree"), transaction.atomic():
        Parcours.objects.filter(pk=parcours.pk).update(date_sortie=veille)


def test_un_parcours_sorti_a_une_date_et_un_motif_contrainte_en_base(programme):
    parcours = ParcoursFactory(programme=programme)

    with pytest.raises(IntegrityError, match="parcours_sortie_complete"), transaction.atomic():
        Parcours.objects.filter(pk=parcours.pk).update(statut=Statut.SORTI)


# --- avertissement_age -------------------------------------------------------------------------

ENTREE = date(2025, 9, 1)


@pytest.mark.parametrize(
    ("naissance", "age"),
    [
        (date(2024, 3, 1), 1),
        (date(2023, 9, 2), 1),  # two years old tomorrow
        (date(2008, 9, 1), 17),  # seventeenth birthday on the day of entry
        (date(2001, 1, 1), 24),
    ],
)
def test_avertissement_age_hors_de_2_a_16_ans(naissance, age):
    message = avertissement_age(date_naissance=naissance, date_entree=ENTREE)
    assert message == (
        f"L’enfant aura {age} ans à la date d’entrée : le PRE accompagne des enfants de 2 à 16 ans."
    )


@pytest.mark.parametrize(
    "naissance",
    [
        date(2023, 9, 1),  # second birthday on the day of entry
        date(2017, 5, 12),
        date(2008, 9, 2),  # still 16, seventeen tomorrow
    ],
)
def test_pas_d_avertissement_age_entre_2_et_16_ans(naissance):
    assert avertissement_age(date_naissance=naissance, date_entree=ENTREE) is None


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
