"""Demo data of the pathway's journal: notes of each visibility with a few addenda, ruptures
(some still without a decided response), one information préoccupante record, and a few quiet
pathways for the "pathways at risk" page. Deterministic (the caller's seeded generator) and
called once, inside the demo's own transaction."""

import random
from datetime import datetime, timedelta

from django.db.models import Max

from reussite.core.models import Programme, User

from ..models import (
    Addendum,
    InformationPreoccupante,
    Intervenant,
    Note,
    Parcours,
    Rupture,
    Statut,
    TypeRupture,
    Visibilite,
)

NOTES_EQUIPE = [
    "Point avec l’école : l’enfant participe davantage en classe depuis l’aide aux devoirs.",
    "Rencontre avec la maman : elle souhaite une activité sportive le mercredi.",
    "Bilan de l’atelier lecture : assiduité régulière, progrès en lecture à voix haute.",
    "L’enfant a rejoint le club de football du quartier ; premier retour positif.",
    "Échange téléphonique avec l’infirmière scolaire : suivi du bilan visuel à organiser.",
]
NOTES_CONFIDENTIELLES = [
    "Situation familiale tendue évoquée par le père ; à aborder avec prudence en EPS.",
    "La famille traverse des difficultés de logement ; accompagnement social en cours.",
    "Inquiétude exprimée par l’enseignante ; point à faire avec la coordination.",
]
NOTES_PRIVEES = [
    "À penser : rappeler la famille avant les vacances.",
    "Préparer les questions pour le prochain entretien.",
]
ADDENDA = [
    "Précision : le rendez-vous a été confirmé par la famille.",
    "Mise à jour : l’école confirme les progrès observés.",
]
REPONSES = [
    "Relais pris avec le PRE de la nouvelle commune, transmission du dossier avec l’accord de "
    "la famille.",
    "Rencontre avec la direction de l’établissement et mise en place d’un accueil adapté.",
    "Maintien du lien par téléphone et visites à domicile pendant l’absence.",
]


def generer_journal(
    *, programme: Programme, coordinateur: User, rng: random.Random, maintenant: datetime
) -> dict:
    ouverts = list(
        Parcours.objects.filter(programme=programme)
        .exclude(statut=Statut.SORTI)
        .filter(referent__isnull=False)
        .select_related("referent__user")
        .order_by("pk")
    )
    intervenants: dict[int, list[int]] = {}
    for parcours_id, user_id in Intervenant.objects.filter(
        parcours__in=ouverts, actif=True
    ).values_list("parcours_id", "professionnel__user_id"):
        intervenants.setdefault(parcours_id, []).append(user_id)

    # A few pathways already quiet for longer than the programme's delay stay so, for the
    # "pathways at risk" page (their history is older than the delay: nothing is backdated).
    seuil = maintenant - timedelta(days=programme.delai_inactivite_jours)
    calmes = [p for p in ouverts if p.derniere_activite < seuil][:4]
    suivis = [p for p in ouverts if p not in calmes]
    notes, addenda = [], []
    for rang, parcours in enumerate(suivis[:80]):
        for i in range(rng.randint(1, 3)):
            visibilite = rng.choices(list(Visibilite), weights=[6, 3, 1])[0]
            auteurs = [parcours.referent.user_id, coordinateur.pk]
            if visibilite == Visibilite.EQUIPE:
                auteurs += intervenants.get(parcours.pk, [])
            textes = {
                Visibilite.EQUIPE: NOTES_EQUIPE,
                Visibilite.REFERENT_COORDINATION: NOTES_CONFIDENTIELLES,
                Visibilite.AUTEUR: NOTES_PRIVEES,
            }[visibilite]
            notes.append(
                Note(
                    parcours=parcours,
                    auteur_id=rng.choice(auteurs),
                    visibilite=visibilite,
                    texte=rng.choice(textes),
                    cree_le=maintenant
                    - timedelta(days=rng.randint(0, 50), hours=rng.randint(1, 8)),
                )
            )
            if (rang + i) % 7 == 0:
                addenda.append(len(notes) - 1)
    Note.objects.bulk_create(notes)
    Addendum.objects.bulk_create(
        Addendum(
            note=notes[i],
            auteur_id=notes[i].auteur_id,
            texte=rng.choice(ADDENDA),
            cree_le=min(notes[i].cree_le + timedelta(days=2), maintenant),
        )
        for i in addenda
    )

    ruptures = []
    for rang, parcours in enumerate(rng.sample(suivis, min(12, len(suivis)))):
        jour = (maintenant - timedelta(days=rng.randint(5, 90))).date()
        repondue = rang % 2 == 0
        ruptures.append(
            Rupture(
                parcours=parcours,
                type=rng.choice([t for t in TypeRupture if t != TypeRupture.AUTRE]),
                date=jour,
                description="Signalée par l’établissement scolaire.",
                reponse=rng.choice(REPONSES) if repondue else "",
                date_reponse=jour + timedelta(days=rng.randint(1, 4)) if repondue else None,
                enregistree_par_id=parcours.referent.user_id,
            )
        )
    Rupture.objects.bulk_create(ruptures)

    signale = suivis[len(suivis) // 2] if suivis else None
    if signale is not None:
        jour = (maintenant - timedelta(days=20)).date()
        InformationPreoccupante.objects.create(
            parcours=signale,
            date_transmission=jour,
            transmise_par=f"{coordinateur.get_full_name()}, coordinatrice du PRE",
            reference="CRIP-DEMO-0001",
            commentaire="Transmise après échange avec l’assistante sociale de secteur.",
            enregistree_par=coordinateur,
        )
        Parcours.objects.filter(pk=signale.pk).update(information_preoccupante_le=jour)

    # Activity follows what was written.
    dernieres = dict(
        Note.objects.filter(parcours__in=suivis)
        .values("parcours_id")
        .annotate(le=Max("cree_le"))
        .values_list("parcours_id", "le")
    )
    a_mettre_a_jour = []
    for parcours in suivis:
        le = dernieres.get(parcours.pk)
        if le is not None and le > parcours.derniere_activite:
            parcours.derniere_activite = le
            a_mettre_a_jour.append(parcours)
    Parcours.objects.bulk_update(a_mettre_a_jour, ["derniere_activite"])
    return {
        "notes": len(notes),
        "addenda": len(addenda),
        "ruptures": len(ruptures),
        "calmes": [p.pk for p in calmes],
    }
