"""Data builders shared by the pathway services tests."""

from datetime import date

from django.utils import timezone

from parcours.models import LienResponsable, ParcoursUserObjectPermission
from parcours.services import DonneesCreation, DonneesResponsable

AUJOURD_HUI = timezone.localdate()  # the programme's day (Europe/Paris), not the machine's
VUE, MODIF = "view_parcours", "change_parcours"


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
