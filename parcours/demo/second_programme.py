"""Demo: a second programme of the platform, so that a transfer between programmes can be tried.

« PRE de Rive-Claire » is a neighbouring (fictional) programme with its own structure porteuse,
coordinator and référent. In the first programme, a few open pathways get the family's consent
for the purpose « transfert vers un autre programme » (the proposal needs it), and one child was
already transferred, through the services, so that both sides show the transfer's labels.
"""

from datetime import date

from django.db.models import Q

from parcours.models import Consentement, Finalite, Parcours, Statut
from parcours.services.transferts import transfert_accepter, transfert_proposer
from partenaires.models import (
    Fonction,
    Partenariat,
    Professionnel,
    SignatureCharte,
    Structure,
    TypeStructure,
)
from reussite.core.charte import CHARTE_VERSION
from reussite.core.models import AcceptationCharte, Programme, Role, User
from reussite.core.services import role_attribuer

NOM_SECOND_PROGRAMME = "PRE de Rive-Claire"
VILLE_SECONDE = "Rive-Claire"

# How many open pathways of the first programme may be proposed for a transfer by hand.
TRANSFERABLES = 3


def generer_second_programme(
    *,
    programme: Programme,
    coordinateur: User,
    emails: dict[str, str],
    mot_de_passe_chiffre: str,
    aujourdhui: date,
) -> Programme:
    """`emails`: {"coordinateur": …, "referent": …} of the second programme's logins."""
    second = Programme.objects.create(
        nom=NOM_SECOND_PROGRAMME,
        territoire=f"{VILLE_SECONDE} et alentours",
        communes=[VILLE_SECONDE, "Claire-Fontaine"],
        codes_qpv=["QP999101"],
    )
    porteuse = Structure.objects.create(
        nom=f"Caisse des écoles de {VILLE_SECONDE}",
        type=TypeStructure.PORTEUSE,
        commune=VILLE_SECONDE,
        telephone="01 99 00 42 10",
        email=f"pre.rive-claire@{emails['coordinateur'].split('@', 1)[1]}",
    )
    Partenariat.objects.create(
        structure=porteuse, programme=second, est_porteuse=True, depuis=date(2020, 9, 1)
    )
    SignatureCharte.objects.create(
        structure=porteuse,
        version=CHARTE_VERSION,
        date_signature=aujourdhui.replace(day=1),
        signataire=f"Direction – {porteuse.nom}",
    )
    comptes = {}
    for role, (prenom, nom, fonction) in {
        "coordinateur": ("Inès", "Morel", Fonction.COORDINATEUR),
        "referent": ("Hugo", "Lambert", Fonction.REFERENT),
    }.items():
        user = User.objects.create(
            email=emails[role], first_name=prenom, last_name=nom, password=mot_de_passe_chiffre
        )
        Professionnel.objects.create(user=user, structure=porteuse, fonction=fonction)
        AcceptationCharte.objects.create(user=user, version=CHARTE_VERSION)
        comptes[role] = user
    role_attribuer(user=comptes["coordinateur"], programme=second, role=Role.COORDINATEUR)

    # The family's consent for the transfer purpose on a few open, consented pathways.
    candidats = list(
        Parcours.objects.filter(
            programme=programme,
            statut__in=[Statut.EN_COURS, Statut.DIAGNOSTIC],
            consentements__date_retrait__isnull=True,
            consentements__date_expiration__gt=aujourdhui,
        )
        .exclude(Q(referent__isnull=True))
        .distinct()
        .order_by("pk")[: TRANSFERABLES + 1]
    )
    for parcours in candidats:
        for c in Consentement.objects.filter(parcours=parcours, date_retrait__isnull=True):
            if Finalite.TRANSFERT not in c.finalites:
                c.finalites = [*c.finalites, Finalite.TRANSFERT]
                c.save(update_fields=["finalites"])
    # One child already moved: proposed by the first coordination, accepted by the second.
    if candidats:
        transfert = transfert_proposer(
            parcours=candidats[-1], programme_destination=second, auteur=coordinateur
        )
        transfert_accepter(
            transfert=transfert, auteur=comptes["coordinateur"], version=transfert.version
        )
    return second
