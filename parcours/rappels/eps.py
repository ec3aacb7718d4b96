"""Reminders about EPS meetings: the invitation, and the day before."""

from datetime import date, datetime, time, timedelta

from django.db.models import F
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reussite.core.models import Rappel
from reussite.core.rappels import Genre, Rendu

from ..models import InvitationEPS, ReunionEPS, StatutReunion


def _reunions_demain(le: date):
    """Invited professionals, the day before a planned meeting (or on the day, if the scan of
    the day before was missed)."""
    debut = timezone.make_aware(datetime.combine(le, time.min))
    fin = debut + timedelta(days=2)
    return (
        InvitationEPS.objects.filter(
            reunion__statut=StatutReunion.PLANIFIEE, reunion__date__gte=debut, reunion__date__lt=fin
        )
        .annotate(
            r_objet=F("reunion_id"),
            r_destinataire=F("professionnel__user_id"),
            r_programme=F("reunion__programme_id"),
            r_echeance=TruncDate("reunion__date"),
        )
        .order_by()
        .values("r_objet", "r_destinataire", "r_programme", "r_echeance")
    )


def _invitations_valables(rappels: list[Rappel], le: date) -> set[int]:
    invites = set(
        InvitationEPS.objects.filter(
            reunion_id__in={r.object_id for r in rappels},
            reunion__statut=StatutReunion.PLANIFIEE,
        ).values_list("reunion_id", "professionnel__user_id")
    )
    return {r.pk for r in rappels if (r.object_id, r.destinataire_id) in invites}


def _rendre_reunions(rappels: list[Rappel], titre: str, texte: str) -> dict[int, Rendu]:
    reunions = ReunionEPS.objects.in_bulk({r.object_id for r in rappels})
    rendus = {}
    for r in rappels:
        reunion = reunions.get(r.object_id)
        if reunion is None:
            continue
        contexte = {
            "date": timezone.localtime(reunion.date).strftime("%d/%m/%Y à %H:%M"),
            "lieu": reunion.lieu,
        }
        rendus[r.pk] = Rendu(
            titre=titre % contexte,
            texte=texte % contexte,
            lien=reverse("parcours:eps_reunion", args=[reunion.pk]),
        )
    return rendus


def _invitations_en_cours(le: date):
    return (
        InvitationEPS.objects.filter(reunion__statut=StatutReunion.PLANIFIEE)
        .annotate(r_objet=F("reunion_id"), r_destinataire=F("professionnel__user_id"))
        .order_by()
        .values("r_objet", "r_destinataire")
    )


EPS_INVITATION = Genre(
    nom="eps_invitation",
    libelle=gettext_lazy("Invitation à une réunion EPS"),
    modele=ReunionEPS,
    candidats=None,
    encore_dus=_invitations_en_cours,
    valables=_invitations_valables,
    rendre=lambda rappels: _rendre_reunions(
        rappels,
        _("Invitation à la réunion EPS du %(date)s"),
        _(
            "Vous êtes invité·e à la réunion de l’équipe pluridisciplinaire de soutien "
            "le %(date)s, %(lieu)s. L’ordre du jour est en ligne."
        ),
    ),
)


EPS_VEILLE = Genre(
    nom="eps_veille",
    libelle=gettext_lazy("Réunion EPS demain"),
    modele=ReunionEPS,
    candidats=_reunions_demain,
    valables=_invitations_valables,
    rendre=lambda rappels: _rendre_reunions(
        rappels,
        _("Rappel : réunion EPS le %(date)s"),
        _("La réunion EPS a lieu le %(date)s, %(lieu)s."),
    ),
)
