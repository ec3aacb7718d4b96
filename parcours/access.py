"""The one place that fetches a child's pathway for a user and decides whether they may see it.

Every call is traced in the access journal, allowed or denied (DOMAIN.md, rule 3).
"""

from django.http import Http404
from django.utils.translation import gettext as _

from reussite.core.journal import journaliser, methode_requete
from reussite.core.models import Evenement

from .models import Parcours

LECTURE = "view"
ECRITURE = "change"


def parcours_pour(*, user, pk, perm: str = LECTURE, queryset=None, exiger=None) -> Parcours:
    """Return the pathway `pk` if `user` holds `perm` on it; otherwise 404, exactly like a
    pathway that does not exist, so that nothing leaks about other programmes' children.

    `exiger(parcours)`, when given, is a further condition of the page (team only, a
    sub-object that must belong to this pathway): when it fails the access is refused and
    traced as refused, like any other.
    """
    base = queryset if queryset is not None else Parcours.objects.all()
    if perm == LECTURE:
        base = base.visibles_par(user)
    elif perm == ECRITURE:
        base = base.modifiables_par(user)
    else:
        raise ValueError(f"Unknown permission {perm!r}")
    try:
        identifiant = int(pk)
    except (ValueError, TypeError):
        identifiant = None
    parcours = base.filter(pk=identifiant).first() if identifiant is not None else None
    if parcours is not None and exiger is not None and not exiger(parcours):
        parcours = None
    if parcours is None:
        journaliser(
            user=user,
            evenement=Evenement.REFUS,
            autorise=False,
            modele=Parcours,
            object_id=identifiant,
        )
        raise Http404(_("Parcours introuvable."))
    journaliser(
        user=user,
        # Opening an edit form is a read; only what writes is traced as a change.
        evenement=Evenement.MODIFICATION
        if perm == ECRITURE and methode_requete() not in {"GET", "HEAD"}
        else Evenement.LECTURE,
        autorise=True,
        objet=parcours,
    )
    return parcours
