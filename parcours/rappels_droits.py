"""The reminder of a family's rights request whose legal deadline approaches (issue 19),
registered with the core's scan like the other kinds (parcours/rappels.py).

It goes to the programme's coordinators and to the person following the request, from
`RAPPEL_JOURS` days before the deadline until the answer is recorded. The deadline is the
reminder's due date: an extension moves it, so the old reminder loses its reason (cancelled
by the scan) and a new one is due before the new deadline.
"""

from datetime import date, timedelta

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reussite.core.models import Rappel
from reussite.core.rappels import Genre, Rendu, enregistrer

from .models import DemandeDroit
from .rappels import _colonnes, _coordination, _pour_coordination

GENRE = "demande_droit_echeance"
# Enough to write and send an answer, or to tell the family of an extension.
RAPPEL_JOURS = 7


def _ouvertes_proches(le: date):
    return DemandeDroit.objects.ouvertes().filter(echeance__lte=le + timedelta(days=RAPPEL_JOURS))


def _candidats(le: date):
    base = _ouvertes_proches(le)
    colonnes = {"objet": "pk", "programme": "programme_id", "echeance": F("echeance")}
    suivies = base.filter(suivie_par__isnull=False).annotate(r_destinataire=F("suivie_par_id"))
    return _colonnes(_pour_coordination(base), **colonnes).union(_colonnes(suivies, **colonnes))


def _valables(rappels: list[Rappel], le: date) -> set[int]:
    demandes = _ouvertes_proches(le).in_bulk({r.object_id for r in rappels})
    coordination = _coordination({d.programme_id for d in demandes.values()})
    return {
        r.pk
        for r in rappels
        if (d := demandes.get(r.object_id)) is not None
        and d.echeance == r.echeance
        and (
            r.destinataire_id == d.suivie_par_id
            or (d.programme_id, r.destinataire_id) in coordination
        )
    }


def _rendre(rappels: list[Rappel]) -> dict[int, Rendu]:
    demandes = DemandeDroit.objects.in_bulk({r.object_id for r in rappels})
    rendus = {}
    for r in rappels:
        d = demandes.get(r.object_id)
        if d is None:
            continue
        contexte = {
            "numero": d.pk,
            "genre": d.get_genre_display(),
            "date": d.echeance.strftime("%d/%m/%Y"),
        }
        rendus[r.pk] = Rendu(
            titre=_("Demande n° %(numero)s : réponse due le %(date)s") % contexte,
            texte=_(
                "La famille attend la réponse à sa demande d’exercice d’un droit (%(genre)s) "
                "au plus tard le %(date)s : répondez, ou prolongez le délai en lui en donnant "
                "le motif."
            )
            % contexte,
            lien=reverse("droits:demande", args=[d.programme_id, d.pk]),
        )
    return rendus


def enregistrer_le_genre() -> None:
    enregistrer(
        Genre(
            nom=GENRE,
            libelle=gettext_lazy("Demande d’une famille à traiter avant son délai légal"),
            modele=DemandeDroit,
            candidats=_candidats,
            valables=_valables,
            rendre=_rendre,
        )
    )
