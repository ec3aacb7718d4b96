"""The demo's legal frame (issue 19): the programme's legal identity, its DPO login and two
families' rights requests (one open, due within the week; one answered)."""

from datetime import timedelta

from django.utils import timezone

from reussite.core.charte import CHARTE_VERSION
from reussite.core.models import BaseLegale, CadreJuridique, Programme, Role, TypeResponsable, User
from reussite.core.services import charte_accepter, role_attribuer


def generer_juridique(
    *, programme: Programme, ville: str, email_dpo: str, mot_de_passe_chiffre: str
) -> User:
    CadreJuridique.objects.create(
        programme=programme,
        responsable_nom=f"CCAS de {ville}",
        responsable_type=TypeResponsable.CCAS,
        responsable_adresse=f"1 place de l’Hôtel de Ville, 99100 {ville}",
        responsable_representant="la présidente du conseil d’administration du CCAS",
        dpo_nom=f"Délégué à la protection des données de la Ville de {ville}",
        dpo_email=email_dpo,
        bases_legales=[
            BaseLegale.MISSION_PUBLIQUE,
            BaseLegale.CONSENTEMENT,
            BaseLegale.OBLIGATION_LEGALE,
        ],
        destinataires=(
            "Les structures partenaires nommées par la famille dans son consentement, pour les "
            "seules informations utiles à leur action. La cellule de recueil des informations "
            "préoccupantes du département, si un enfant est en danger."
        ),
        contact_familles=(
            f"Coordination du PRE, 1 place de l’Hôtel de Ville, 99100 {ville}\n"
            "Téléphone : 01 99 00 10 10 — du lundi au vendredi, de 9 h à 17 h"
        ),
        contact_familles_email=f"pre@{email_dpo.split('@')[1]}",
    )
    user = User.objects.create(
        email=email_dpo,
        first_name="Dominique",
        last_name="Délégué",
        password=mot_de_passe_chiffre,
    )
    role_attribuer(user=user, programme=programme, role=Role.DPO)
    charte_accepter(user=user, version=CHARTE_VERSION)
    generer_demandes_droits(programme=programme, dpo=user)
    return user


def generer_demandes_droits(*, programme: Programme, dpo: User) -> None:
    from ..models import CanalDemande, GenreDemande, Parcours, Statut, StatutDemande
    from ..services import DonneesDemande, demande_droit_creer, demande_droit_repondre

    parcours = list(
        Parcours.objects.filter(programme=programme, statut=Statut.EN_COURS).order_by("pk")[:2]
    )
    if len(parcours) < 2:
        return
    aujourdhui = timezone.localdate()
    demande_droit_creer(
        programme=programme,
        donnees=DonneesDemande(
            genre=GenreDemande.ACCES,
            demandeur="la mère",
            canal=CanalDemande.COURRIER,
            recue_le=aujourdhui - timedelta(days=25),
            objet="Recevoir une copie de ce que le programme détient sur son fils.",
            parcours=parcours[0],
        ),
        auteur=dpo,
    )
    rectification = demande_droit_creer(
        programme=programme,
        donnees=DonneesDemande(
            genre=GenreDemande.RECTIFICATION,
            demandeur="le père",
            canal=CanalDemande.COURRIEL,
            recue_le=aujourdhui - timedelta(days=12),
            objet="Corriger le numéro de téléphone du père.",
            parcours=parcours[1],
        ),
        auteur=dpo,
    )
    demande_droit_repondre(
        demande=rectification,
        version=rectification.version,
        auteur=dpo,
        statut=StatutDemande.SATISFAITE,
        suivie_par=dpo,
        prolongee=False,
        motif_prolongation="",
        reponse="Le numéro a été corrigé sur la fiche de la famille.",
        repondue_le=aujourdhui - timedelta(days=5),
        preuve="Courriel de réponse envoyé au père",
    )
