"""Referrals, made through the services as the application makes them."""

from datetime import date, timedelta

from parcours.models import Orientation
from parcours.services import DecisionOrientation, orientation_decider, orientation_deposer
from partenaires.models import Professionnel
from reussite.core.models import User


def donnees_orientation(**remplacements) -> dict:
    return {
        "nom": "Lemoine",
        "prenom": "Inès",
        "date_naissance": date.today() - timedelta(days=365 * 8 + 30),
        "sexe": "F",
        "niveau_scolaire": "ce2",
        "commune": "Villeneuve",
        "contact_nom": "Lemoine",
        "contact_prenom": "Sarah",
        "contact_lien": "mere",
        "contact_telephone": "06 39 98 00 01",
        "motifs": ["resultats_scolaires", "isolement_social"],
        "deja_tente": "Aide aux devoirs à l’école, sans effet.",
        "famille_informee": True,
        "famille_accepte_contact": True,
        "rappel_nom": "Mme Enseignante",
        "rappel_telephone": "01 99 00 00 01",
        **remplacements,
    }


def orientation(auteur: Professionnel, *, programme=None, fichier=None, **donnees) -> Orientation:
    return orientation_deposer(
        auteur=auteur,
        user=auteur.user,
        programme=programme,
        donnees=donnees_orientation(**donnees),
        fichier=fichier,
    )


def decider(orientation: Orientation, decision: str, *, auteur: User, **kwargs) -> Orientation:
    version = Orientation.objects.values_list("version", flat=True).get(pk=orientation.pk)
    return orientation_decider(
        orientation=orientation,
        decision=DecisionOrientation(decision=decision, **kwargs),
        version=version,
        auteur=auteur,
    )
