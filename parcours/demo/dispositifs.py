"""Demo data of issue 21: the children's other schemes (a third of the pathways, some ended,
a few reserved child-welfare and health measures), the family's words on objectives, and the
exit questionnaires of most exited pathways, so that the statistics show a believable year.
Deterministic (the caller's seeded generator) and called once, inside the demo's transaction."""

import random
from datetime import date, timedelta

from reussite.core.models import Programme, User

from ..models import (
    AideSortie,
    Dispositif,
    Frein,
    Locuteur,
    MomentParole,
    Objectif,
    Parcours,
    ParoleFamille,
    QuestionnaireSortie,
    Satisfaction,
    Statut,
    TypeDispositif,
)
from ..services import SORTIES_SANS_QUESTIONNAIRE

__all__ = ["generer_dispositifs"]

POIDS_DISPOSITIFS = {
    TypeDispositif.CLAS: 30,
    TypeDispositif.PPRE: 20,
    TypeDispositif.CITE_EDUCATIVE: 12,
    TypeDispositif.PAP: 10,
    TypeDispositif.PAI: 8,
    TypeDispositif.CMP: 6,
    TypeDispositif.PPS: 5,
    TypeDispositif.AEMO: 5,
    TypeDispositif.PLACEMENT_ASE: 2,
    TypeDispositif.AUTRE_PRE: 2,
}
PRECISIONS = {
    TypeDispositif.CLAS: ["Centre social des Tilleuls", "Maison de quartier Nord"],
    TypeDispositif.PPRE: ["Mis en place par l’équipe de l’école", ""],
    TypeDispositif.CITE_EDUCATIVE: ["Parcours lecture de la Cité éducative", ""],
    TypeDispositif.CMP: ["CMPP de la ville", "CMP enfants"],
}
CONTACTS = [
    "Mme Lemoine, animatrice CLAS, 01 99 00 12 34",
    "M. Caron, directeur d’école, 01 99 00 56 78",
    "Mme Roux, coordinatrice Cité éducative, 06 39 98 11 22",
]
SOUHAITS_ENFANT = [
    "Je voudrais avoir de meilleures notes en lecture.",
    "J’aimerais faire du foot avec mes copains.",
    "Je veux moins me disputer à la récré.",
    "J’aimerais apprendre à nager cet été.",
]
SOUHAITS_PARENTS = [
    "Qu’il reprenne confiance en lui à l’école.",
    "Qu’elle ait une activité le mercredi, en dehors de la maison.",
    "Être aidés pour les devoirs, nous ne savons pas toujours comment faire.",
]
BILANS = [
    "Ça va mieux, je lis tout seul les histoires du soir.",
    "Le club lui fait du bien, il attend le mercredi avec impatience.",
    "Nous avons compris comment l’école fonctionne, nous osons y aller.",
    "C’était difficile au début, mais maintenant elle a des amies.",
]
AIDES_COMMENTAIRES = [
    "La référente était toujours disponible pour nous.",
    "Le club de sport, surtout.",
    "Les rendez-vous avec l’école, ensemble.",
]
FREINS_COMMENTAIRES = [
    "Le rendez-vous au CMP a pris plusieurs mois.",
    "L’atelier était loin de la maison.",
    "",
]


def _date_entre(rng: random.Random, debut: date, fin: date) -> date:
    if fin <= debut:
        return debut
    return debut + timedelta(days=rng.randint(0, (fin - debut).days))


def generer_dispositifs(
    *, programme: Programme, coordinateur: User, rng: random.Random, aujourdhui: date
) -> dict:
    parcours = list(
        Parcours.objects.filter(programme=programme).select_related("referent__user").order_by("pk")
    )
    dispositifs = []
    for p in parcours:
        if rng.random() > 0.35:
            continue
        fin_possible = p.date_sortie or aujourdhui
        for _ in range(rng.choice([1, 1, 2])):
            type = rng.choices(list(POIDS_DISPOSITIFS), weights=list(POIDS_DISPOSITIFS.values()))[0]
            debut = _date_entre(rng, p.date_entree - timedelta(days=200), fin_possible)
            fin = None
            if rng.random() < 0.25:
                fin = _date_entre(rng, debut, fin_possible)
            accord = rng.random() < 0.5
            dispositifs.append(
                Dispositif(
                    parcours=p,
                    type=type,
                    precision=rng.choice(PRECISIONS.get(type, [""])),
                    date_debut=debut,
                    date_fin=fin,
                    accord_contact=accord,
                    contact=rng.choice(CONTACTS) if accord and rng.random() < 0.7 else "",
                    cree_par=coordinateur,
                )
            )
    Dispositif.objects.bulk_create(dispositifs)

    paroles = []
    objectifs = Objectif.objects.filter(parcours__programme=programme).select_related(
        "parcours__referent__user"
    )
    for objectif in objectifs.order_by("pk"):
        if rng.random() > 0.45:
            continue
        auteur = objectif.parcours.referent.user if objectif.parcours.referent else coordinateur
        debut = max(objectif.date_ouverture, objectif.parcours.date_entree)
        paroles.append(
            ParoleFamille(
                objectif=objectif,
                locuteur=Locuteur.ENFANT,
                moment=MomentParole.SOUHAITS,
                date=min(debut, aujourdhui),
                texte=rng.choice(SOUHAITS_ENFANT),
                auteur=auteur,
            )
        )
        if rng.random() < 0.6:
            paroles.append(
                ParoleFamille(
                    objectif=objectif,
                    locuteur=Locuteur.PARENTS,
                    moment=MomentParole.SOUHAITS,
                    date=min(debut, aujourdhui),
                    texte=rng.choice(SOUHAITS_PARENTS),
                    auteur=auteur,
                )
            )
        if objectif.date_cloture is not None:
            paroles.append(
                ParoleFamille(
                    objectif=objectif,
                    locuteur=rng.choice(list(Locuteur)),
                    moment=MomentParole.BILAN,
                    date=min(max(objectif.date_cloture, debut), aujourdhui),
                    texte=rng.choice(BILANS),
                    auteur=auteur,
                )
            )
    ParoleFamille.objects.bulk_create(paroles)

    questionnaires = []
    for p in parcours:
        if p.statut != Statut.SORTI or p.motif_sortie in SORTIES_SANS_QUESTIONNAIRE:
            continue
        if rng.random() > 0.75:
            continue
        satisfaction = rng.choices(list(Satisfaction), weights=[45, 38, 12, 5])[0]
        questionnaires.append(
            QuestionnaireSortie(
                parcours=p,
                date=min(p.date_sortie + timedelta(days=rng.randint(0, 10)), aujourdhui),
                repondants=rng.choice(list(Locuteur)),
                satisfaction=satisfaction,
                aides=rng.sample(list(AideSortie.values), k=rng.randint(1, 3)),
                aide_commentaire=rng.choice(AIDES_COMMENTAIRES),
                freins=rng.sample(list(Frein.values), k=rng.randint(0, 2)),
                frein_commentaire=rng.choice(FREINS_COMMENTAIRES),
                rempli_par=p.referent.user if p.referent else coordinateur,
            )
        )
    QuestionnaireSortie.objects.bulk_create(questionnaires)
    return {
        "dispositifs": len(dispositifs),
        "paroles": len(paroles),
        "questionnaires": len(questionnaires),
    }
