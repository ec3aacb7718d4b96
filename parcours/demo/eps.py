"""Demo EPS meetings: two past meetings with attendance, decisions and relevés (their next
review dates set on the pathways), and one meeting planned in two weeks with its proposed
agenda. Deterministic (the caller's seeded generator), called inside the demo's transaction."""

import random
from datetime import datetime, time, timedelta

from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from partenaires.models import Professionnel
from reussite.core.models import Programme, User

from ..models import (
    Decision,
    Examen,
    InvitationEPS,
    Objectif,
    Parcours,
    ReunionEPS,
    Statut,
    StatutReunion,
)
from ..services import ordre_du_jour_proposer, professionnels_invitables

RELEVES = {
    Decision.ENTREE_VALIDEE: "Entrée dans le dispositif validée ; objectifs à construire avec "
    "la famille lors du prochain rendez-vous.",
    Decision.OBJECTIFS_REVUS: "Objectifs revus : priorité à la lecture et à la régularité de la "
    "fréquentation scolaire.",
    Decision.MAINTIEN: "Accompagnement maintenu ; les actions en cours portent leurs fruits.",
    Decision.REORIENTATION: "Réorientation vers un accompagnement de droit commun proposé à la "
    "famille.",
    Decision.SORTIE: "Objectifs atteints : sortie du dispositif à préparer avec la famille.",
}
OBJECTIFS = [
    ("scolarite", "Consolider la lecture à voix haute"),
    ("sante", "Réaliser le bilan orthophonique"),
    ("socialisation", "Participer à une activité collective chaque semaine"),
]


def _moment(jour, heure: int):
    return timezone.make_aware(datetime.combine(jour, time(heure, 0)))


def generer_eps(*, programme: Programme, coordinateur: User, rng: random.Random, aujourdhui) -> str:
    invitables = list(professionnels_invitables(programme))
    equipe = [p for p in invitables if p.user_id != coordinateur.pk]
    ouverts = list(
        Parcours.objects.filter(programme=programme, statut=Statut.EN_COURS)
        .select_related("enfant")
        .order_by("pk")
    )
    decisions = list(Decision)
    reunions = 0
    for semaines, groupe in ((10, ouverts[0:8]), (4, ouverts[8:16])):
        jour = aujourdhui - timedelta(weeks=semaines)
        reunion = ReunionEPS.objects.create(
            programme=programme,
            date=_moment(jour, 14),
            lieu="Salle du conseil, CCAS",
            statut=StatutReunion.TENUE,
            cree_par=coordinateur,
        )
        reunions += 1
        invites: list[Professionnel] = rng.sample(equipe, min(6, len(equipe)))
        InvitationEPS.objects.bulk_create(
            InvitationEPS(reunion=reunion, professionnel=p, present=rng.random() < 0.8)
            for p in invites
        )
        for ordre, parcours in enumerate(groupe, start=1):
            decision = decisions[(ordre + semaines) % len(decisions)]
            if decision == Decision.SORTIE:
                decision = Decision.MAINTIEN  # these pathways stay open in the demo
            prochaine = jour + timedelta(days=rng.choice([90, 120, 150]))
            examen = Examen.objects.create(
                reunion=reunion,
                parcours=parcours,
                ordre=ordre,
                decision=decision,
                releve_conclusions=RELEVES[decision],
                date_prochaine_revue=prochaine,
                decide_le=_moment(jour, 16),
                decide_par=coordinateur,
            )
            if decision == Decision.OBJECTIFS_REVUS:
                domaine, intitule = rng.choice(OBJECTIFS)
                Objectif.objects.create(
                    parcours=parcours,
                    domaine=domaine,
                    intitule=intitule,
                    date_ouverture=jour,
                    examen=examen,
                    cree_par=coordinateur,
                )
            # The examination is a write on the pathway: it counts as activity.
            Parcours.objects.filter(pk=parcours.pk).update(
                date_prochaine_revue=prochaine,
                derniere_activite=Greatest(F("derniere_activite"), Value(examen.decide_le)),
            )

    # The next meeting, in two weeks: its agenda proposes the reviews due by then.
    prochaine_date = aujourdhui + timedelta(weeks=2)
    reunion = ReunionEPS.objects.create(
        programme=programme,
        date=_moment(prochaine_date, 14),
        lieu="Salle du conseil, CCAS",
        cree_par=coordinateur,
    )
    reunions += 1
    InvitationEPS.objects.bulk_create(
        InvitationEPS(reunion=reunion, professionnel=p)
        for p in rng.sample(equipe, min(6, len(equipe)))
    )
    proposes = list(ordre_du_jour_proposer(programme=programme, le=prochaine_date)[:12])
    Examen.objects.bulk_create(
        Examen(reunion=reunion, parcours=p, ordre=i) for i, p in enumerate(proposes, start=1)
    )
    return f"{reunions} réunions EPS"
