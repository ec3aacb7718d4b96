"""Derived permissions on pathways (DOMAIN.md rules 2 and 5): when access ends — consent
withdrawn or expired, exit, handover, deactivation, a pathway recreated — and the facts found by
this suite that must end it."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from parcours.access import LECTURE, parcours_pour
from parcours.models import (
    Consentement,
    Finalite,
    MotifSortie,
    Parcours,
    ParcoursUserObjectPermission,
)
from parcours.permissions import parcours_permissions_recalculer
from parcours.services import (
    consentement_enregistrer,
    consentement_retirer,
    parcours_sortir,
    portefeuille_passer,
)
from parcours.tasks import permissions_recalculer_nuit
from partenaires.services import professionnel_desactiver, professionnel_reactiver
from reussite.core.models import Programme, Role
from reussite.core.services import role_retirer
from tests.acces.partage import (
    MODIF,
    VUE,
    affecter_sans_controle,
    attendues,
    aujourdhui,
    droits,
    jours,
    lignes,
    lignes_de,
    modifie,
    partage,
    voit,
)
from tests.conftest import connecter
from tests.factories.core import UserFactory
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import (
    ajouter_intervenant,
    consentement,
    nommer_referent,
    partenaire,
    professionnel,
    titulaire,
    version_actuelle,
)

pytestmark = pytest.mark.django_db


# --- Withdrawal and expiry ------------------------------------------------------------------


def test_retrait_du_consentement_retire_l_acces_immediatement(a, p, structure):
    referent, intervenant = professionnel(structure), professionnel(structure)
    equipe = professionnel(a.porteuse)
    c = partage(a, p, structure)
    nommer_referent(p, referent, auteur=a.coordinateur)
    ajouter_intervenant(p, intervenant, auteur=a.coordinateur)
    ajouter_intervenant(p, equipe, auteur=a.coordinateur)
    assert voit(referent.user, p) and voit(intervenant.user, p)

    consentement_retirer(
        consentement=c, date_retrait=aujourdhui(), motif="La famille refuse", auteur=a.coordinateur
    )

    for pro in (referent, intervenant):
        assert not voit(pro.user, p)
        assert not modifie(pro.user, p)
        assert lignes_de(pro.user) == 0
        with pytest.raises(Http404):
            parcours_pour(user=pro.user, pk=p.pk, capacite=LECTURE)
    # The PRE team does not depend on the consent.
    assert voit(equipe.user, p)
    assert voit(a.coordinateur, p)


def test_retrait_d_un_consentement_quand_un_autre_couvre_encore_la_structure(a, p, structure):
    pro = professionnel(structure)
    ancien = partage(a, p, structure, date_expiration=aujourdhui() + jours(30))
    partage(a, p, structure, date_expiration=aujourdhui() + jours(300))
    ajouter_intervenant(p, pro, auteur=a.coordinateur)

    consentement_retirer(
        consentement=ancien, date_retrait=aujourdhui(), motif="Remplacé", auteur=a.coordinateur
    )

    assert voit(pro.user, p)
    assert droits(p)[(pro.user_id, VUE)] == aujourdhui() + jours(300)


def test_consentement_qui_expire_demain_couvre_aujourd_hui_mais_plus_demain(a, p, structure):
    pro = professionnel(structure)
    partage(a, p, structure, date_expiration=aujourdhui() + jours(1))
    ajouter_intervenant(p, pro, auteur=a.coordinateur)

    assert voit(pro.user, p)
    ligne = ParcoursUserObjectPermission.objects.get(user=pro.user, content_object=p)
    assert ligne.expire_le == aujourdhui() + jours(1)
    assert (pro.user_id, VUE) in attendues(p)
    assert (pro.user_id, VUE) not in attendues(p, le=aujourdhui() + jours(1))


@pytest.mark.parametrize("expiration", [0, -1], ids=["expire-aujourdhui", "expire-hier"])
def test_l_expiration_prend_effet_a_sa_date_sans_rien_enregistrer(a, p, structure, expiration):
    """Rows computed while the consent was valid are ignored by every read from its expiry
    date on, although nothing was saved since (the nightly task has not run yet)."""
    referent = professionnel(structure)
    partage(
        a,
        p,
        structure,
        date_signature=aujourdhui() - jours(60),
        date_expiration=aujourdhui() + jours(expiration),
    )
    affecter_sans_controle(p, referent, "referent")
    parcours_permissions_recalculer(parcours=p, le=aujourdhui() - jours(10))
    avant = list(
        ParcoursUserObjectPermission.objects.filter(user=referent.user).values_list(
            "pk", "permission__codename", "expire_le"
        )
    )
    assert {(codename, expire_le) for _pk, codename, expire_le in avant} == {
        (VUE, aujourdhui() + jours(expiration)),
        (MODIF, aujourdhui() + jours(expiration)),
    }

    assert not voit(referent.user, p)
    assert not modifie(referent.user, p)
    assert not Parcours.objects.suivis_par(referent.user).exists()
    with pytest.raises(Http404):
        parcours_pour(user=referent.user, pk=p.pk, capacite=LECTURE)
    assert attendues(p) == set()
    assert (referent.user_id, VUE) in attendues(p, le=aujourdhui() - jours(10))
    # Nothing was written by the reads: the rows are still there, untouched.
    apres = list(
        ParcoursUserObjectPermission.objects.filter(user=referent.user).values_list(
            "pk", "permission__codename", "expire_le"
        )
    )
    assert apres == avant

    # The nightly task then makes the tables true again.
    assert permissions_recalculer_nuit() == 1
    assert lignes_de(referent.user) == 0


def test_l_expiration_rend_la_page_du_parcours_introuvable(client, a, p, structure):
    pro = professionnel(structure)
    partage(a, p, structure, date_signature=aujourdhui() - jours(60), date_expiration=aujourdhui())
    affecter_sans_controle(p, pro, "intervenant")
    parcours_permissions_recalculer(parcours=p, le=aujourdhui() - jours(1))
    assert lignes_de(pro.user) == 1

    reponse = connecter(client, pro.user).get(reverse("parcours:detail", args=[p.pk]))
    assert reponse.status_code == 404


# --- Rule 5: exit -----------------------------------------------------------------------------


def test_sortie_le_referent_garde_la_lecture_30_jours_et_les_intervenants_la_perdent(
    a, p, structure
):
    referent, intervenant = professionnel(structure), professionnel(structure)
    equipe = professionnel(a.porteuse)
    partage(a, p, structure, date_expiration=aujourdhui() + jours(300))
    nommer_referent(p, referent, auteur=a.coordinateur)
    ajouter_intervenant(p, intervenant, auteur=a.coordinateur)
    ajouter_intervenant(p, equipe, auteur=a.coordinateur)

    parcours_sortir(
        version=version_actuelle(p),
        parcours=p,
        date_sortie=aujourdhui(),
        motif_sortie=MotifSortie.OBJECTIFS_ATTEINTS,
        auteur=a.coordinateur,
    )

    assert voit(referent.user, p)
    assert not modifie(referent.user, p)
    assert not voit(intervenant.user, p)
    assert not voit(equipe.user, p)
    assert lignes(p) == {(referent.user_id, VUE)}
    assert (referent.user_id, VUE) in attendues(p, le=aujourdhui() + jours(30))
    assert attendues(p, le=aujourdhui() + jours(31)) == set()


def test_sortie_le_referent_perd_la_lecture_apres_30_jours_sans_recalcul(a):
    referent = professionnel(a.porteuse)
    parcours = ParcoursFactory(
        programme=a.programme, referent=referent, date_entree=aujourdhui() - jours(200)
    )
    parcours_sortir(
        version=version_actuelle(parcours),
        parcours=parcours,
        date_sortie=aujourdhui() - jours(40),
        motif_sortie=MotifSortie.DEMENAGEMENT,
        auteur=a.coordinateur,
    )
    assert not voit(referent.user, parcours)

    # Rows as they were computed on the day of the exit: they end on day 31, read-time.
    parcours_permissions_recalculer(parcours=parcours, le=aujourdhui() - jours(40))
    assert ParcoursUserObjectPermission.objects.get(user=referent.user).expire_le == (
        aujourdhui() - jours(9)
    )
    assert not voit(referent.user, parcours)
    with pytest.raises(Http404):
        parcours_pour(user=referent.user, pk=parcours.pk, capacite=LECTURE)


# --- Handover and deactivation ----------------------------------------------------------------


def test_passation_de_portefeuille_donne_tous_les_parcours_ouverts_au_nouveau_referent(a):
    ancien, nouveau = professionnel(a.porteuse), professionnel(a.porteuse)
    ouverts = [ParcoursFactory(programme=a.programme, referent=ancien) for _ in range(3)]
    sorti = ParcoursFactory(programme=a.programme, referent=ancien, sorti=True)
    autre = ParcoursFactory(programme=a.programme, referent=professionnel(a.porteuse))

    nombre = portefeuille_passer(
        programme=a.programme, ancien=ancien, nouveau=nouveau, auteur=a.coordinateur
    )

    assert nombre == 3
    for parcours in ouverts:
        parcours.refresh_from_db()
        assert parcours.referent == nouveau
        assert voit(nouveau.user, parcours) and modifie(nouveau.user, parcours)
        assert not voit(ancien.user, parcours)
        assert lignes(parcours) == attendues(parcours)
    sorti.refresh_from_db()
    assert sorti.referent == ancien  # an exited pathway stays with its référent (30-day read)
    assert not voit(nouveau.user, sorti)
    assert not voit(nouveau.user, autre)
    assert set(Parcours.objects.suivis_par(nouveau.user)) == set(ouverts)


def test_passation_vers_un_partenaire_non_couvert_est_refuse_en_entier(a, structure):
    ancien = professionnel(a.porteuse)
    nouveau = professionnel(structure)
    couvert = ParcoursFactory(programme=a.programme, referent=ancien)
    non_couvert = ParcoursFactory(programme=a.programme, referent=ancien)
    partage(a, couvert, structure)

    with pytest.raises(ValidationError) as erreur:
        portefeuille_passer(
            programme=a.programme, ancien=ancien, nouveau=nouveau, auteur=a.coordinateur
        )

    assert "consentement" in str(erreur.value)
    assert {
        p.referent_id for p in Parcours.objects.filter(pk__in=[couvert.pk, non_couvert.pk])
    } == {ancien.pk}
    assert not Parcours.objects.visibles_par(nouveau.user).exists()


def test_desactiver_une_adhesion_met_fin_a_tous_ses_acces(a, structure):
    pro = professionnel(structure)
    refere, suivi = (ParcoursFactory(programme=a.programme) for _ in range(2))
    for parcours in (refere, suivi):
        partage(a, parcours, structure)
    nommer_referent(refere, pro, auteur=a.coordinateur)
    ajouter_intervenant(suivi, pro, auteur=a.coordinateur)
    assert Parcours.objects.visibles_par(pro.user).count() == 2

    professionnel_desactiver(professionnel=pro)

    assert not Parcours.objects.visibles_par(pro.user).exists()
    assert not Parcours.objects.modifiables_par(pro.user).exists()
    assert lignes_de(pro.user) == 0

    professionnel_reactiver(professionnel=pro)
    assert Parcours.objects.visibles_par(pro.user).count() == 2


def test_desactiver_l_adhesion_porteuse_d_un_referent(a):
    referent = professionnel(a.porteuse)
    parcours = ParcoursFactory(programme=a.programme, referent=referent)
    professionnel_desactiver(professionnel=referent)
    assert not voit(referent.user, parcours)
    assert lignes(parcours) == set()


def test_un_compte_desactive_ne_voit_plus_rien_meme_avec_ses_lignes(client, a, p, structure):
    pro = professionnel(structure)
    partage(a, p, structure)
    ajouter_intervenant(p, pro, auteur=a.coordinateur)
    connecter(client, pro.user)
    assert client.get(reverse("parcours:detail", args=[p.pk])).status_code == 200

    pro.user.is_active = False
    pro.user.save(update_fields=["is_active"])

    assert lignes_de(pro.user) > 0  # not recomputed: the read decides
    assert not Parcours.objects.visibles_par(pro.user).exists()
    assert not Parcours.objects.suivis_par(pro.user).exists()
    reponse = client.get(reverse("parcours:detail", args=[p.pk]))
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("login"))
    # The derivation agrees, so the nightly task will remove the rows.
    assert attendues(p) == set()


def test_un_coordinateur_desactive_ne_voit_plus_son_programme(a, p):
    a.coordinateur.is_active = False
    a.coordinateur.save(update_fields=["is_active"])
    assert not Parcours.objects.visibles_par(a.coordinateur).exists()
    assert not Programme.objects.avec_role(a.coordinateur, Role.COORDINATEUR).exists()


# --- Deleting and recreating never inherits ---------------------------------------------------


def test_supprimer_puis_recreer_un_parcours_n_herite_d_aucune_permission(a, structure):
    pro = professionnel(structure)
    enfant = EnfantFactory(programme=a.programme)
    ancien = ParcoursFactory(programme=a.programme, enfant=enfant)
    partage(a, ancien, structure)
    ajouter_intervenant(ancien, pro, auteur=a.coordinateur)
    ancien_pk = ancien.pk
    assert voit(pro.user, ancien)

    Parcours.objects.filter(pk=ancien_pk).delete()
    assert not ParcoursUserObjectPermission.objects.filter(content_object_id=ancien_pk).exists()

    nouveau = ParcoursFactory(programme=a.programme, enfant=enfant)
    assert nouveau.pk != ancien_pk
    assert not voit(pro.user, nouveau)
    assert lignes(nouveau) == set() == attendues(nouveau)
    assert lignes_de(pro.user) == 0
    assert voit(a.coordinateur, nouveau)


# --- Facts that must end access, found by this suite ------------------------------------------


def test_retirer_le_role_de_coordinateur_prend_effet_immediatement(a, p):
    role_retirer(user=a.coordinateur, programme=a.programme, role=Role.COORDINATEUR)
    assert not voit(a.coordinateur, p)
    assert not modifie(a.coordinateur, p)


def test_un_renouvellement_qui_ne_nomme_plus_la_structure_lui_retire_l_acces(a, p, structure):
    pro = professionnel(structure)
    autre = partenaire(a.programme)
    ancien = partage(a, p, structure)
    ajouter_intervenant(p, pro, auteur=a.coordinateur)

    consentement(
        p,
        structures=[autre],
        auteur=a.coordinateur,
        date_signature=aujourdhui(),
        renouvelle=ancien,
    )

    assert not voit(pro.user, p)


def test_un_consentement_sans_la_finalite_partage_n_ouvre_rien_aux_partenaires(a, p, structure):
    pro = professionnel(structure)
    with pytest.raises(ValidationError) as erreur:
        consentement_enregistrer(
            parcours=p,
            date_signature=aujourdhui(),
            date_expiration=aujourdhui() + jours(100),
            signataires=[titulaire(p)],
            structures=[structure],
            finalites=[Finalite.ACCOMPAGNEMENT],
            auteur=a.coordinateur,
        )
    assert set(erreur.value.message_dict) == {"finalites"}
    assert not p.consentements.exists()

    # Such a row, written before the rule or by hand, opens nothing either.
    sans_partage = Consentement.objects.create(
        parcours=p,
        date_signature=aujourdhui() - jours(5),
        date_expiration=aujourdhui() + jours(100),
        finalites=[Finalite.ACCOMPAGNEMENT],
    )
    sans_partage.structures.set([structure])
    for role in ("referent", "intervenant"):
        affecter_sans_controle(p, pro, role)
        assert (pro.user_id, VUE) not in attendues(p)
        assert not voit(pro.user, p)
    assert lignes_de(pro.user) == 0


def test_l_api_guardian_ne_donne_pas_une_ligne_expiree(a, p, structure):
    """`has_perm` goes through the project's backend (reussite.core.backends), which answers
    with `visibles_par`: an expired row grants nothing. Lists never use guardian's
    `get_objects_for_user` / `prefetch_perms`, which read the rows alone."""
    pro = professionnel(structure)
    partage(a, p, structure, date_signature=aujourdhui() - jours(60), date_expiration=aujourdhui())
    affecter_sans_controle(p, pro, "intervenant")
    parcours_permissions_recalculer(parcours=p, le=aujourdhui() - jours(1))
    assert not voit(pro.user, p)

    assert not pro.user.has_perm("parcours.view_parcours", p)


def test_desactiver_une_adhesion_depuis_l_administration_met_fin_aux_acces(client, a, p, structure):
    pro = professionnel(structure)
    partage(a, p, structure)
    ajouter_intervenant(p, pro, auteur=a.coordinateur)
    admin = UserFactory(is_staff=True, is_superuser=True)
    connecter(client, admin)

    reponse = client.post(
        reverse("admin:partenaires_professionnel_change", args=[pro.pk]),
        {"user": pro.user_id, "structure": structure.pk, "fonction": pro.fonction, "depuis": ""},
    )

    assert reponse.status_code == 302
    pro.refresh_from_db()
    assert pro.actif is False
    assert not voit(pro.user, p)
