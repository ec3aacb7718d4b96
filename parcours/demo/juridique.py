"""The demo's legal frame (issue 19): the programme's legal identity and its DPO login."""

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
    return user
