"""Demo conventions: one in force ending within 90 days (with funded actions), one draft, and
one expired convention renewed by its successor. Deterministic and idempotent."""

from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from partenaires.models import Convention, Engagement, PartieConvention, StatutConvention

from ..models import Action, Parcours, Statut, StatutAction


def _convention(programme, auteur, parties, engagements, **champs) -> Convention:
    convention = Convention.objects.create(programme=programme, cree_par=auteur, **champs)
    for structure in parties:
        partie = PartieConvention.objects.create(
            convention=convention,
            structure=structure,
            signataire="" if champs.get("statut") == StatutConvention.PROJET else "La direction",
            qualite_signataire=""
            if champs.get("statut") == StatutConvention.PROJET
            else "Directeur ou directrice",
            date_signature=champs.get("date_signature"),
        )
        for annee, nature, quantite, description in engagements.get(structure.pk, []):
            Engagement.objects.create(
                partie=partie,
                annee=annee,
                nature=nature,
                quantite=Decimal(quantite),
                description=description,
            )
    return convention


def generer_conventions(*, programme, structures: dict, auteur, aujourdhui: date) -> int:
    """Create the demo conventions of `programme`; return how many were created."""
    if Convention.objects.filter(programme=programme).exists():
        return 0
    caf, ville, devoirs, departement = (
        structures["caf"],
        structures["ville"],
        structures["asso_devoirs"],
        structures["departement"],
    )
    # Expired (two years ago) and renewed by the convention in force, which ends in 60 days.
    fin_vigueur = aujourdhui + timedelta(days=60)
    debut_vigueur = fin_vigueur - relativedelta(years=2) + timedelta(days=1)
    fin_expiree = debut_vigueur - timedelta(days=1)
    debut_expiree = fin_expiree - relativedelta(years=2) + timedelta(days=1)

    def engagements(debut, fin):
        annees = range(debut.year, fin.year + 1)
        return {
            caf.pk: [(a, "financier", "12000", "Accompagnement à la parentalité") for a in annees],
            ville.pk: [(a, "salles", "200", "Salles de la maison de quartier") for a in annees],
            devoirs.pk: [(a, "heures", "300", "Animateurs d’aide aux devoirs") for a in annees]
            + [(a, "places", "24", "Places en atelier") for a in annees],
        }

    expiree = _convention(
        programme,
        auteur,
        [caf, ville, devoirs],
        engagements(debut_expiree, fin_expiree),
        intitule="Convention de partenariat CAF – Ville – aide aux devoirs",
        reference="CONV-DEMO-01",
        objet="Mutualiser l’accompagnement à la scolarité et le soutien à la parentalité.",
        objectifs="Offrir 24 places d’aide aux devoirs ; soutenir les parents.",
        date_debut=debut_expiree,
        date_fin=fin_expiree,
        statut=StatutConvention.EXPIREE,
        date_signature=debut_expiree - timedelta(days=20),
    )
    en_vigueur = _convention(
        programme,
        auteur,
        [caf, ville, devoirs],
        engagements(debut_vigueur, fin_vigueur),
        intitule="Convention de partenariat CAF – Ville – aide aux devoirs",
        reference="CONV-DEMO-02",
        objet="Mutualiser l’accompagnement à la scolarité et le soutien à la parentalité.",
        objectifs="Offrir 24 places d’aide aux devoirs ; soutenir les parents.",
        date_debut=debut_vigueur,
        date_fin=fin_vigueur,
        statut=StatutConvention.EN_VIGUEUR,
        date_signature=debut_vigueur - timedelta(days=15),
        renouvelle=expiree,
    )
    debut_projet = aujourdhui + timedelta(days=30)
    _convention(
        programme,
        auteur,
        [departement, caf],
        {
            departement.pk: [(debut_projet.year, "financier", "8000", "")],
            caf.pk: [(debut_projet.year, "heures", "150", "Travailleurs sociaux")],
        },
        intitule="Convention santé et bien-être psychologique",
        reference="",
        objet="Faciliter l’accès aux soins psychologiques des enfants suivis.",
        date_debut=debut_projet,
        date_fin=debut_projet + relativedelta(years=1) - timedelta(days=1),
        statut=StatutConvention.PROJET,
    )
    # A few actions funded by the convention in force, so that its totals show consumption.
    parcours = list(
        Parcours.objects.filter(programme=programme, statut=Statut.EN_COURS).order_by("pk")[:4]
    )
    Action.objects.bulk_create(
        Action(
            parcours=p,
            intitule="Aide aux devoirs (atelier du soir)",
            structure=devoirs,
            date_debut=max(debut_vigueur, aujourdhui - timedelta(days=90 + 10 * i)),
            statut=StatutAction.EN_COURS,
            cout=Decimal("450.00"),
            heures=Decimal("30"),
            convention=en_vigueur,
        )
        for i, p in enumerate(parcours)
    )
    return 3
