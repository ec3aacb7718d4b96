"""The DPO's anomaly thresholds, per programme."""

from django.db import transaction

from ..ecriture import ConflitDeModification, verrouiller
from ..models import Programme, SeuilsAnomalies


@transaction.atomic
def seuils_enregistrer(*, programme: Programme, version: int | None, donnees: dict):
    """Create or change the thresholds; the first save locks the programme (two first saves
    make one row), later ones the row at the version the form read."""
    Programme.objects.select_for_update(of=("self",)).get(pk=programme.pk)
    existant = SeuilsAnomalies.objects.filter(programme=programme).first()
    if existant is None:
        seuils = SeuilsAnomalies(programme=programme, version=1)
        if version not in (None, 0):
            raise ConflitDeModification(SeuilsAnomalies(programme=programme, version=0))
    else:
        seuils = verrouiller(existant, version)
        seuils.version += 1
    for champ, valeur in donnees.items():
        setattr(seuils, champ, valeur)
    seuils.full_clean()
    seuils.save()
    return seuils


# --- The queries -------------------------------------------------------------------------------
