"""Demo data of the data-protection lifecycle: a few pathways whose child, family or pathway was
rectified by the coordination, so that « Historique des modifications » tells something.
Deterministic (the caller's seeded generator) and called once, inside the demo's transaction;
the database triggers of django-pghistory record each change with the coordinator as author."""

import random

import pghistory

from reussite.core.models import Programme, User

from ..models import Parcours, ProfilAccompagnement, ResponsableLegal, Statut

NOMBRE = 4


def generer_rectifications(*, programme: Programme, coordinateur: User, rng: random.Random) -> int:
    candidats = list(
        Parcours.objects.filter(programme=programme)
        .exclude(statut=Statut.SORTI)
        .exclude(enfant__classe="")
        .select_related("enfant__famille")
        .order_by("pk")
    )
    choisis = rng.sample(candidats, min(NOMBRE, len(candidats)))
    with pghistory.context(user=coordinateur.pk, url="/demo/rectifications"):
        for rang, parcours in enumerate(choisis):
            enfant = parcours.enfant
            # The class letter typed at the referral, corrected once the school confirmed it.
            niveau, _espace, lettre = enfant.classe.rpartition(" ")
            autres = [x for x in "ABC" if x != lettre]
            enfant.classe = f"{niveau} {autres[rang % 2]}" if niveau else enfant.classe + " B"
            enfant.save(update_fields=["classe"])
            famille = enfant.famille
            famille.adresse = f"{rng.randint(2, 90)} rue des Écoles"
            famille.save(update_fields=["adresse"])
            responsable = ResponsableLegal.objects.filter(famille=famille).order_by("pk").first()
            if responsable is not None:
                # The range ARCEP reserves for fiction, as in the rest of the demo.
                responsable.telephone = (
                    f"06 39 98 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"
                )
                responsable.save(update_fields=["telephone"])
            profils = [p for p in ProfilAccompagnement if p != parcours.profil_accompagnement]
            parcours.profil_accompagnement = rng.choice(profils)
            parcours.save(update_fields=["profil_accompagnement"])
    return len(choisis)
