"""Writes on a programme's legal identity."""

from django.db import transaction

from ..ecriture import verrouiller
from ..models import CadreJuridique, Programme

CHAMPS = [
    "responsable_nom",
    "responsable_type",
    "responsable_adresse",
    "responsable_representant",
    "dpo_nom",
    "dpo_email",
    "dpo_adresse",
    "bases_legales",
    "destinataires",
    "contact_familles",
    "contact_familles_email",
]


@transaction.atomic
def cadre_juridique_enregistrer(
    *, programme: Programme, version: int | None, donnees: dict
) -> CadreJuridique:
    """Create or change a programme's legal identity. The first save locks the programme so
    that two first saves make one row; later saves lock the row at the version the form read
    (a stale version is a conflict, reussite/core/ecriture.py)."""
    Programme.objects.select_for_update(of=("self",)).get(pk=programme.pk)
    existant = CadreJuridique.objects.filter(programme=programme).first()
    if existant is None:
        cadre = CadreJuridique(programme=programme, version=1)
        if version not in (None, 0):
            cadre.version = 0
            from ..ecriture import ConflitDeModification

            raise ConflitDeModification(cadre)
    else:
        cadre = verrouiller(existant, version)
        cadre.version += 1
    for champ in CHAMPS:
        setattr(cadre, champ, donnees[champ])
    cadre.full_clean()
    cadre.save()
    return cadre
