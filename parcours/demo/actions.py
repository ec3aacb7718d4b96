"""Demo objectives and actions: what a PRE's pathways hold after months of work.

Called by `manage.py demo_data` once the pathways, consents and the charter exist, before
permissions are derived. Deterministic (the caller's seeded generator) and written with
`bulk_create`, since a demo needs a past the services would refuse ("already done" actions,
objectives closed months ago); the services' rules are kept here by construction: a closed
objective has its closing date and an outcome, an action ends after it starts, one done or
under way has started, the professional who delivers an action works in a structure a valid
consent names (or in the structure porteuse), an exited pathway has no action still going on.

Offers: the offer catalogue is another generator's work. When the programme already has
published offers, actions use them; otherwise a few offers per domain are created here.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from partenaires.models import (
    Convention,
    Domaine,
    Offre,
    Partenariat,
    Professionnel,
    StatutConvention,
    Structure,
    TypeService,
    TypeStructure,
)
from reussite.core.models import Programme, User

from ..models import (
    Action,
    ActionCollective,
    MotifOrientation,
    Objectif,
    Parcours,
    Statut,
    StatutAction,
    StatutObjectif,
)

DOMAINES_DES_MOTIFS = {
    MotifOrientation.RESULTATS_SCOLAIRES: Domaine.SCOLARITE,
    MotifOrientation.ISOLEMENT_SOCIAL: Domaine.SOCIALISATION,
    MotifOrientation.COMPORTEMENT: Domaine.BIEN_ETRE,
    MotifOrientation.SANTE: Domaine.SANTE,
    MotifOrientation.PARENTALITE: Domaine.PARENTALITE,
    MotifOrientation.LANGAGE: Domaine.LANGAGE,
    MotifOrientation.ABSENTEISME: Domaine.SCOLARITE,
}

OBJECTIFS = {
    Domaine.SCOLARITE: ["Retrouver le goût de la lecture", "Faire ses devoirs avec régularité"],
    Domaine.LANGAGE: ["Enrichir son vocabulaire à l’oral", "S’exprimer en classe"],
    Domaine.SANTE: ["Faire le bilan de santé recommandé", "Retrouver un sommeil régulier"],
    Domaine.BIEN_ETRE: ["Apaiser l’anxiété à l’école", "Gérer ses colères"],
    Domaine.PARENTALITE: ["Soutenir les parents dans le suivi scolaire", "Renouer le dialogue"],
    Domaine.SOCIALISATION: ["Participer à une activité de groupe", "Se faire des camarades"],
    Domaine.CULTURE: ["Découvrir les lieux culturels du quartier"],
    Domaine.SPORT: ["Pratiquer un sport en club"],
}

# (domain, title, kind of service, structure key in the demo, capacity, cost)
OFFRES = [
    (Domaine.SCOLARITE, "Aide aux devoirs du soir", TypeService.SOUTIEN_SCOLAIRE, "asso_devoirs", 24, None),
    (Domaine.SCOLARITE, "Coup de pouce lecture CP", TypeService.SOUTIEN_SCOLAIRE, "asso_devoirs", 10, None),
    (Domaine.LANGAGE, "Bilan orthophonique", TypeService.SOIN, "cmp", 6, Decimal("45.00")),
    (Domaine.SANTE, "Consultation de prévention", TypeService.SOIN, "pmi", 20, None),
    (Domaine.BIEN_ETRE, "Entretiens avec une psychologue", TypeService.ACCOMPAGNEMENT_INDIVIDUEL, "cmp", 8, Decimal("60.00")),
    (Domaine.PARENTALITE, "Café des parents", TypeService.PARENTALITE, "asso_parents", 15, None),
    (Domaine.SOCIALISATION, "Accueil de loisirs du mercredi", TypeService.ACTIVITE, "ville", 30, Decimal("12.50")),
    (Domaine.CULTURE, "Atelier théâtre", TypeService.ATELIER_COLLECTIF, "ville", 12, Decimal("80.00")),
    (Domaine.SPORT, "École multisports", TypeService.ACTIVITE, "ville", 20, Decimal("35.00")),
]  # fmt: skip

ACTIONS_SANS_OFFRE = {
    Domaine.SCOLARITE: "Rencontre avec l’enseignant",
    Domaine.LANGAGE: "Lecture partagée en bibliothèque",
    Domaine.SANTE: "Accompagnement à un rendez-vous médical",
    Domaine.BIEN_ETRE: "Entretien avec l’infirmière scolaire",
    Domaine.PARENTALITE: "Visite à domicile avec la famille",
    Domaine.SOCIALISATION: "Inscription au centre social",
    Domaine.CULTURE: "Sortie à la médiathèque",
    Domaine.SPORT: "Découverte d’un club de quartier",
}

RESULTATS = [
    "Bonne participation, l’enfant est demandeur.",
    "Assiduité irrégulière au début, puis régulière.",
    "La famille s’est saisie de l’accompagnement.",
    "Objectif partagé avec l’école ; progrès visibles.",
]

COLLECTIVE = "Sortie au musée des Beaux-Arts"


def _offres(programme: Programme, structures: dict[str, Structure], auteur: User):
    publiees = list(Offre.objects.publiees_pour([programme]).filter(active=True).order_by("pk"))
    if publiees:
        return publiees
    offres = [
        Offre(
            structure=structures[cle],
            intitule=intitule,
            type_service=type_service,
            domaine=domaine,
            age_min=3 if domaine == Domaine.SANTE else 6,
            age_max=16,
            capacite=capacite,
            cout=cout,
            contact_nom=structures[cle].nom,
            cree_par=auteur,
        )
        for domaine, intitule, type_service, cle, capacite, cout in OFFRES
    ]
    Offre.objects.bulk_create(offres)
    Offre.programmes.through.objects.bulk_create(
        Offre.programmes.through(offre_id=o.pk, programme_id=programme.pk) for o in offres
    )
    return offres


def generer_actions(
    *,
    programme: Programme,
    structures: dict[str, Structure],
    auteur: User,
    rng: random.Random,
    aujourdhui: date,
    reserves: tuple[Professionnel, ...] = (),
) -> str:
    """`reserves`: the demo logins, whose scope the demo describes; they deliver no action."""
    offres = _offres(programme, structures, auteur)
    par_domaine: dict[str, list[Offre]] = {}
    for offre in offres:
        par_domaine.setdefault(offre.domaine, []).append(offre)
    # A signed convention funds the actions that start while it runs (the funders' evidence
    # packs, issue 21, read them by year); a draft funds nothing yet.
    conventions = list(
        Convention.objects.filter(programme=programme)
        .exclude(statut=StatutConvention.PROJET)
        .order_by("pk")
    )

    def financee_par(debut: date):
        couvrantes = [c for c in conventions if c.date_debut <= debut <= c.date_fin]
        return rng.choice(couvrantes) if couvrantes and rng.random() < 0.3 else None

    porteuse = Partenariat.objects.get(programme=programme, est_porteuse=True).structure_id
    professionnels: dict[int, list[Professionnel]] = {}
    exclus = {p.pk for p in reserves}
    for pro in (
        Professionnel.objects.filter(structure__programmes=programme, actif=True)
        .exclude(pk__in=exclus)
        .order_by("pk")
    ):
        professionnels.setdefault(pro.structure_id, []).append(pro)
    # Actions are delivered by partners; the PRE team's own work is the pathway's follow-up.
    partenaires = [
        s
        for s in structures.values()
        if s.type not in (TypeStructure.ECOLE, TypeStructure.PORTEUSE)
    ]

    suivis = list(
        Parcours.objects.filter(
            programme=programme,
            statut__in=[Statut.DIAGNOSTIC, Statut.EN_COURS, Statut.SUSPENDU, Statut.SORTI],
        )
        .prefetch_related("consentements__structures")
        .order_by("pk")
    )
    plan_objectifs: list[tuple[Objectif, Parcours]] = []
    for parcours in suivis:
        domaines = [
            DOMAINES_DES_MOTIFS.get(m, Domaine.SOCIALISATION) for m in parcours.motifs_orientation
        ]
        if parcours.statut != Statut.DIAGNOSTIC and rng.random() < 0.4:
            domaines.append(rng.choice([Domaine.CULTURE, Domaine.SPORT, Domaine.PARENTALITE]))
        fin = parcours.date_sortie or aujourdhui
        for domaine in dict.fromkeys(domaines[:3]):
            ouverture = parcours.date_entree + timedelta(
                days=rng.randint(0, max(0, min(60, (fin - parcours.date_entree).days)))
            )
            objectif = Objectif(
                parcours=parcours,
                domaine=domaine,
                intitule=rng.choice(OBJECTIFS[domaine]),
                date_ouverture=ouverture,
                cree_par=auteur,
            )
            if parcours.statut == Statut.SORTI or (
                (aujourdhui - ouverture).days > 240 and rng.random() < 0.5
            ):
                objectif.statut = rng.choices(
                    [
                        StatutObjectif.ATTEINT,
                        StatutObjectif.PARTIELLEMENT_ATTEINT,
                        StatutObjectif.ABANDONNE,
                    ],
                    weights=[5, 3, 1],
                )[0]
                objectif.date_cloture = min(fin, ouverture + timedelta(days=rng.randint(90, 300)))
                objectif.commentaire_resultat = rng.choice(RESULTATS)
            plan_objectifs.append((objectif, parcours))
    Objectif.objects.bulk_create([o for o, _ in plan_objectifs])

    actions = []
    for objectif, parcours in plan_objectifs:
        nommees = {
            s.pk
            for c in parcours.consentements.all()
            if c.est_valide(min(aujourdhui, parcours.date_sortie or aujourdhui))
            and c.autorise_le_partage
            for s in c.structures.all()
        }
        for _ in range(rng.choice([0, 1, 1, 2])):
            offre = None
            if par_domaine.get(objectif.domaine) and rng.random() < 0.6:
                offre = rng.choice(par_domaine[objectif.domaine])
                structure_id = offre.structure_id
            else:
                structure_id = rng.choice(partenaires).pk
            debut = objectif.date_ouverture + timedelta(days=rng.randint(0, 45))
            limite = objectif.date_cloture or parcours.date_sortie
            if limite is not None:
                debut = min(debut, limite)
            fin = debut + timedelta(days=rng.choice([30, 60, 90, 180]))
            if objectif.date_cloture or parcours.statut == Statut.SORTI:
                statut = rng.choices([StatutAction.REALISEE, StatutAction.ABANDONNEE], [4, 1])[0]
            elif debut > aujourdhui:
                statut = StatutAction.PREVUE
            elif fin < aujourdhui:
                statut = rng.choices(
                    [StatutAction.REALISEE, StatutAction.EN_COURS, StatutAction.ABANDONNEE],
                    [6, 2, 1],  # some still "en cours" past their end: the reminders' work
                )[0]
            else:
                statut = rng.choice([StatutAction.EN_COURS, StatutAction.PREVUE])
            # Delivered by a named person only where the family's consent allows it.
            pro = None
            if structure_id in nommees or structure_id == porteuse:
                candidats = professionnels.get(structure_id, [])
                pro = rng.choice(candidats) if candidats else None
            actions.append(
                Action(
                    parcours=parcours,
                    objectif=objectif,
                    intitule=offre.intitule if offre else ACTIONS_SANS_OFFRE[objectif.domaine],
                    offre=offre,
                    structure_id=structure_id,
                    professionnel=pro,
                    date_debut=debut,
                    date_fin=fin,
                    statut=statut,
                    resultat=rng.choice(RESULTATS) if statut == StatutAction.REALISEE else "",
                    cout=offre.cout if offre else None,
                    heures=Decimal(rng.choice([6, 10, 12, 20])) if offre else None,
                    convention=financee_par(debut),
                    cree_par=auteur,
                )
            )

    # One collective outing for children of open pathways.
    culture = next((o for o in offres if o.domaine == Domaine.CULTURE), None)
    ville = culture.structure if culture is not None else structures["ville"]
    collective = ActionCollective.objects.create(
        programme=programme,
        intitule=COLLECTIVE,
        description="Visite guidée et atelier de dessin, goûter compris.",
        offre=culture,
        structure=ville,
        lieu="Musée des Beaux-Arts de Val-de-Réussite",
        date_debut=aujourdhui + timedelta(days=12),
        date_fin=aujourdhui + timedelta(days=12),
        cree_par=auteur,
    )
    ouverts = [p for p in suivis if p.statut == Statut.EN_COURS]
    participants = rng.sample(ouverts, min(9, len(ouverts)))
    actions += [
        Action(
            parcours=p,
            collective=collective,
            intitule=collective.intitule,
            offre=culture,
            structure=ville,
            date_debut=collective.date_debut,
            date_fin=collective.date_fin,
            statut=StatutAction.PREVUE,
            cree_par=auteur,
        )
        for p in participants
    ]
    Action.objects.bulk_create(actions)
    return (
        f"{len(plan_objectifs)} objectifs, {len(actions)} actions dont "
        f"{sum(1 for a in actions if a.offre_id)} sur une offre"
    )
