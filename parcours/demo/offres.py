"""Demo data of the offres flow: a believable catalogue with offers in every domain, some at
capacity, some counted in hours, and unmet needs that draw the real gaps of the network.

Deterministic (seeded `rng`) and idempotent: rows are looked up by their natural key first."""

from datetime import date, timedelta
from decimal import Decimal

from partenaires.models import Domaine, Offre, TypeService, UniteCapacite

from ..models import Action, BesoinNonCouvert, Statut, StatutAction, tranche_age_de

# (structure key, title, type, domain, ages, capacity, unit, territory, cost)
OFFRES = [
    (
        "asso_devoirs",
        "Aide aux devoirs du soir",
        TypeService.SOUTIEN_SCOLAIRE,
        Domaine.SCOLARITE,
        (6, 11),
        2,
        UniteCapacite.PLACES,
        "Les Coteaux",
        None,
    ),
    (
        "asso_devoirs",
        "Coup de pouce lecture",
        TypeService.ATELIER_COLLECTIF,
        Domaine.LANGAGE,
        (5, 8),
        12,
        UniteCapacite.PLACES,
        "",
        Decimal("15.00"),
    ),
    (
        "cmp",
        "Bilan psychologique",
        TypeService.SOIN,
        Domaine.BIEN_ETRE,
        (3, 16),
        40,
        UniteCapacite.HEURES,
        "",
        None,
    ),
    (
        "pmi",
        "Consultation de prévention",
        TypeService.SOIN,
        Domaine.SANTE,
        (2, 6),
        None,
        UniteCapacite.PLACES,
        "",
        None,
    ),
    (
        "asso_parents",
        "Groupe de parole des parents",
        TypeService.PARENTALITE,
        Domaine.PARENTALITE,
        (2, 16),
        10,
        UniteCapacite.PLACES,
        "La Résidence du Parc",
        None,
    ),
    (
        "ville",
        "Club multisport du mercredi",
        TypeService.ACTIVITE,
        Domaine.SPORT,
        (6, 14),
        1,
        UniteCapacite.PLACES,
        "Les Coteaux",
        Decimal("30.00"),
    ),
    (
        "ville",
        "Sorties culturelles au musée",
        TypeService.SEJOUR,
        Domaine.CULTURE,
        (6, 16),
        20,
        UniteCapacite.PLACES,
        "",
        Decimal("8.50"),
    ),
    (
        "ville",
        "Accueil de loisirs des vacances",
        TypeService.ACTIVITE,
        Domaine.SOCIALISATION,
        (4, 12),
        30,
        UniteCapacite.HEURES,
        "Centre-ville",
        None,
    ),
    (
        "caf",
        "Atelier budget et parentalité",
        TypeService.PARENTALITE,
        Domaine.PARENTALITE,
        (2, 16),
        None,
        UniteCapacite.PLACES,
        "",
        None,
    ),
]

# Needs no local offer meets: orthophony and teenagers' well-being are the real gaps.
BESOINS = [
    (Domaine.LANGAGE, "Bellevue", "Bilan orthophonique sans liste d’attente"),
    (Domaine.LANGAGE, "Les Coteaux", "Rééducation du langage oral, séances hebdomadaires"),
    (Domaine.BIEN_ETRE, "Les Vignes", "Groupe d’expression pour adolescents"),
    (Domaine.SPORT, "Bellevue", "Natation adaptée le samedi"),
    (Domaine.CULTURE, "Les Coteaux", "Pratique musicale en petit groupe"),
    (Domaine.SANTE, "Les Coteaux", "Suivi dentaire pour un enfant sans couverture"),
]


def generer_offres(*, programme, structures: dict, parcours: list, rng, auteur) -> tuple:
    """Create the catalogue and the unmet needs; return (offers, needs) counts."""
    aujourdhui = date.today()
    offres = []
    for cle, intitule, type_service, domaine, (
        age_min,
        age_max,
    ), capacite, unite, territoire, cout in OFFRES:
        offre, cree = Offre.objects.get_or_create(
            structure=structures[cle],
            intitule=intitule,
            defaults={
                "type_service": type_service,
                "domaine": domaine,
                "age_min": age_min,
                "age_max": age_max,
                "capacite": capacite,
                "unite_capacite": unite,
                "territoire": territoire,
                "cout": cout,
                "description": f"{intitule} proposé par {structures[cle].nom}.",
                "contact_nom": structures[cle].nom,
                "contact_email": structures[cle].email,
                "disponible_du": aujourdhui - timedelta(days=60),
                "disponible_au": aujourdhui + timedelta(days=rng.randint(120, 300)),
                "cree_par": auteur,
            },
        )
        if cree:
            offre.programmes.add(programme)
        offres.append(offre)
    # Fill the two small offers so that the catalogue shows "complet".
    complets = [o for o in offres if o.capacite in (1, 2)]
    en_cours = [p for p in parcours if p.statut == Statut.EN_COURS] or list(parcours)
    for offre in complets:
        deja = Action.objects.filter(offre=offre).count()
        for p in en_cours[deja : offre.capacite]:
            Action.objects.create(
                parcours=p,
                intitule=offre.intitule,
                offre=offre,
                structure=offre.structure,
                date_debut=aujourdhui - timedelta(days=20),
                statut=StatutAction.EN_COURS,
            )
    besoins = 0
    for i, (domaine, territoire, description) in enumerate(BESOINS):
        if not parcours:
            break
        p = parcours[i % len(parcours)]
        _besoin, cree = BesoinNonCouvert.objects.get_or_create(
            programme=programme,
            description=description,
            defaults={
                "parcours": p,
                "domaine": domaine,
                "territoire": territoire,
                "tranche_age": tranche_age_de(p.enfant.age(aujourdhui)),
                "date_signalement": aujourdhui - timedelta(days=rng.randint(5, 90)),
                "cree_par": auteur,
            },
        )
        besoins += 1
    return len(offres), besoins
