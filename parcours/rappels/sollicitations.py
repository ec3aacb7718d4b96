"""Reminders about requests to partners (issue 21).

A request's wording names the structure, the domain and the pseudonymised reference, never
the child: the partner may not be allowed to see who it is, and e-mails travel."""

from datetime import date, timedelta

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reussite.core.models import Rappel
from reussite.core.rappels import Genre, Rendu

from ..models import STATUTS_SOLLICITATION_REPONDUS, Sollicitation, Statut, StatutSollicitation
from .base import en_colonnes

# The partner is reminded this many days before the deadline.
SOLLICITATION_RAPPEL_JOURS = 3


def _sollicitations_destinataires_partenaire(base):
    """(request, partner user) rows: the named professional, or every active member of the
    structure named alone."""
    nommees = base.filter(professionnel__isnull=False, professionnel__actif=True).annotate(
        r_destinataire=F("professionnel__user_id")
    )
    par_structure = base.filter(
        professionnel__isnull=True, structure__professionnels__actif=True
    ).annotate(r_destinataire=F("structure__professionnels__user_id"))
    colonnes = {"objet": "pk", "programme": "programme_id", "echeance": F("echeance")}
    return en_colonnes(nommees, **colonnes).union(en_colonnes(par_structure, **colonnes))


def _sollicitations_ouvertes():
    return Sollicitation.objects.filter(statut=StatutSollicitation.ENVOYEE).exclude(
        parcours__statut=Statut.SORTI
    )


def _sollicitations_echeance_proche(le: date):
    base = _sollicitations_ouvertes().filter(
        echeance__gte=le, echeance__lte=le + timedelta(days=SOLLICITATION_RAPPEL_JOURS)
    )
    return _sollicitations_destinataires_partenaire(base)


def _sollicitations_echues(le: date):
    base = _sollicitations_ouvertes().filter(echeance__lt=le, auteur__isnull=False)
    return en_colonnes(
        base.annotate(r_destinataire=F("auteur_id")),
        objet="pk",
        programme="programme_id",
        echeance=F("echeance"),
    )


def _sollicitations_valables(rappels: list[Rappel], le: date) -> set[int]:
    """Still unanswered and the pathway open; the recipient still one who answers (partner
    kinds) or the author (past deadline)."""
    ouvertes = {
        s.pk: s
        for s in _sollicitations_ouvertes()
        .filter(pk__in={r.object_id for r in rappels})
        .select_related("professionnel")
    }
    membres = set(
        Sollicitation.objects.filter(
            pk__in=list(ouvertes), structure__professionnels__actif=True
        ).values_list("pk", "structure__professionnels__user_id")
    )
    valables = set()
    for r in rappels:
        s = ouvertes.get(r.object_id)
        if s is None:
            continue
        if r.genre == "sollicitation_echue":
            if r.destinataire_id == s.auteur_id:
                valables.add(r.pk)
        elif s.professionnel_id is not None:
            if s.professionnel.actif and s.professionnel.user_id == r.destinataire_id:
                valables.add(r.pk)
        elif (s.pk, r.destinataire_id) in membres:
            valables.add(r.pk)
    return valables


def _sollicitations_repondues_valables(rappels: list[Rappel], le: date) -> set[int]:
    auteurs = dict(
        Sollicitation.objects.filter(
            pk__in={r.object_id for r in rappels}, statut__in=STATUTS_SOLLICITATION_REPONDUS
        ).values_list("pk", "auteur_id")
    )
    return {r.pk for r in rappels if auteurs.get(r.object_id) == r.destinataire_id}


def _sollicitations_repondues_encore(le: date):
    return (
        Sollicitation.objects.filter(
            statut__in=STATUTS_SOLLICITATION_REPONDUS, auteur__isnull=False
        )
        .annotate(r_objet=F("pk"), r_destinataire=F("auteur_id"))
        .order_by()
        .values("r_objet", "r_destinataire")
    )


def _sollicitations_recues_encore(le: date):
    base = _sollicitations_ouvertes()
    nommees = base.filter(professionnel__isnull=False, professionnel__actif=True).annotate(
        r_objet=F("pk"), r_destinataire=F("professionnel__user_id")
    )
    par_structure = base.filter(
        professionnel__isnull=True, structure__professionnels__actif=True
    ).annotate(r_objet=F("pk"), r_destinataire=F("structure__professionnels__user_id"))
    return (
        nommees.order_by()
        .values("r_objet", "r_destinataire")
        .union(par_structure.order_by().values("r_objet", "r_destinataire"))
    )


def _rendre_sollicitations(rappels: list[Rappel], *, pour_partenaire: bool) -> dict[int, Rendu]:
    sollicitations = Sollicitation.objects.select_related("structure").in_bulk(
        {r.object_id for r in rappels}
    )
    rendus = {}
    for r in rappels:
        s = sollicitations.get(r.object_id)
        if s is None:
            continue
        contexte = {
            "reference": s.reference,
            "structure": s.structure.nom,
            "domaine": s.get_domaine_display(),
            "echeance": s.echeance.strftime("%d/%m/%Y"),
            "statut": s.get_statut_display(),
        }
        if r.genre == "sollicitation_recue":
            titre = _("Nouvelle sollicitation %(reference)s") % contexte
            texte = (
                _(
                    "Un programme de réussite éducative sollicite %(structure)s (%(domaine)s) : "
                    "réponse souhaitée avant le %(echeance)s."
                )
                % contexte
            )
        elif r.genre == "sollicitation_echeance":
            titre = _("Sollicitation %(reference)s : réponse attendue le %(echeance)s") % contexte
            texte = (
                _(
                    "La sollicitation %(reference)s adressée à %(structure)s attend votre "
                    "réponse avant le %(echeance)s : acceptée, liste d’attente, refusée ou "
                    "réorientée."
                )
                % contexte
            )
        elif r.genre == "sollicitation_echue":
            titre = _("Sollicitation %(reference)s sans réponse") % contexte
            texte = (
                _(
                    "%(structure)s n’a pas répondu à la sollicitation %(reference)s avant le "
                    "%(echeance)s : relancez-la ou retirez la sollicitation."
                )
                % contexte
            )
        else:
            titre = _("Sollicitation %(reference)s : %(statut)s") % contexte
            texte = _("%(structure)s a répondu à la sollicitation %(reference)s : %(statut)s.") % (
                contexte
            )
        lien = (
            reverse("parcours:sollicitation_recue", args=[s.pk])
            if pour_partenaire
            else reverse("parcours:sollicitation_equipe", args=[s.parcours_id, s.pk])
        )
        rendus[r.pk] = Rendu(titre=titre, texte=texte, lien=lien)
    return rendus


SOLLICITATION_RECUE = Genre(
    nom="sollicitation_recue",
    libelle=gettext_lazy("Sollicitation reçue"),
    modele=Sollicitation,
    candidats=None,
    encore_dus=_sollicitations_recues_encore,
    valables=_sollicitations_valables,
    rendre=lambda rappels: _rendre_sollicitations(rappels, pour_partenaire=True),
)


SOLLICITATION_ECHEANCE = Genre(
    nom="sollicitation_echeance",
    libelle=gettext_lazy("Sollicitation : échéance proche"),
    modele=Sollicitation,
    candidats=_sollicitations_echeance_proche,
    valables=_sollicitations_valables,
    rendre=lambda rappels: _rendre_sollicitations(rappels, pour_partenaire=True),
)


SOLLICITATION_ECHUE = Genre(
    nom="sollicitation_echue",
    libelle=gettext_lazy("Sollicitation sans réponse à l’échéance"),
    modele=Sollicitation,
    candidats=_sollicitations_echues,
    valables=_sollicitations_valables,
    rendre=lambda rappels: _rendre_sollicitations(rappels, pour_partenaire=False),
)


SOLLICITATION_REPONDUE = Genre(
    nom="sollicitation_repondue",
    libelle=gettext_lazy("Réponse à une sollicitation"),
    modele=Sollicitation,
    candidats=None,
    encore_dus=_sollicitations_repondues_encore,
    valables=_sollicitations_repondues_valables,
    rendre=lambda rappels: _rendre_sollicitations(rappels, pour_partenaire=False),
)
