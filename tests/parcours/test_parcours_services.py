"""The pathway services: creation, status changes, exit, the database constraints and the age
warning. Edits, consents, history and families: test_parcours_modifications."""

import itertools
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from parcours.models import (
    ChangementStatut,
    Enfant,
    Famille,
    MotifSortie,
    Parcours,
    ResponsableLegal,
    Statut,
)
from parcours.services import (
    avertissement_age,
    enfant_et_parcours_creer,
    parcours_changer_statut,
    parcours_modifier,
    parcours_sortir,
    transitions_possibles,
)
from reussite.core.ecriture import ConflitDeModification
from tests.factories.core import ProgrammeFactory
from tests.factories.parcours import (
    ConsentementFactory,
    EnfantFactory,
    FamilleFactory,
    ParcoursFactory,
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
