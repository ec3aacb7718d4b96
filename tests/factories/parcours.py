from datetime import date, timedelta

import factory

from parcours.models import (
    ChangementStatut,
    Consentement,
    Enfant,
    Famille,
    Finalite,
    LienResponsable,
    MotifOrientation,
    Orienteur,
    Parcours,
    ResponsableLegal,
    Sexe,
    Statut,
)
from parcours.permissions import parcours_permissions_recalculer

from .core import ProgrammeFactory


class FamilleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Famille

    programme = factory.SubFactory(ProgrammeFactory)
    adresse = factory.Sequence(lambda n: f"{n} rue des Tilleuls")
    commune = "Villeneuve"


class ResponsableLegalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResponsableLegal

    famille = factory.SubFactory(FamilleFactory)
    nom = factory.Faker("last_name", locale="fr_FR")
    prenom = factory.Faker("first_name_female", locale="fr_FR")
    lien = LienResponsable.MERE
    autorite_parentale = True
    telephone = "06 00 00 00 00"


class EnfantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enfant

    programme = factory.SubFactory(ProgrammeFactory)
    famille = factory.SubFactory(FamilleFactory, programme=factory.SelfAttribute("..programme"))
    # A suffix keeps every child's name unique and never a substring of interface words
    # (the French surname "Parent" is in "Parentalité"): tests assert names are absent.
    nom = factory.LazyAttributeSequence(lambda o, n: f"{o.nom_de_famille}-{n}")
    prenom = factory.Faker("first_name", locale="fr_FR")
    date_naissance = factory.LazyFunction(lambda: date.today() - timedelta(days=365 * 8 + 40))
    sexe = Sexe.FEMININ

    class Params:
        nom_de_famille = factory.Faker("last_name", locale="fr_FR")


class ParcoursFactory(factory.django.DjangoModelFactory):
    """Build pathways through the model, then derive permissions as the services do."""

    class Meta:
        model = Parcours
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    enfant = factory.SubFactory(EnfantFactory, programme=factory.SelfAttribute("..programme"))
    statut = Statut.REPERAGE
    orienteur = Orienteur.ECOLE
    motifs_orientation = factory.LazyFunction(lambda: [MotifOrientation.RESULTATS_SCOLAIRES])
    date_entree = factory.LazyFunction(lambda: date.today() - timedelta(days=30))

    class Params:
        sorti = factory.Trait(
            statut=Statut.SORTI,
            date_sortie=factory.LazyFunction(date.today),
            motif_sortie="objectifs_atteints",
        )
        en_cours = factory.Trait(statut=Statut.EN_COURS)

    @factory.post_generation
    def avec_consentement(obj, create, extracted, **kwargs):
        """A valid consent with every purpose. It names no partner structure unless
        `avec_consentement__structures=[...]` lists them: only a named structure's
        professionals may be given the pathway."""
        if create and extracted:
            responsable = ResponsableLegalFactory(famille=obj.enfant.famille)
            consentement = Consentement.objects.create(
                parcours=obj,
                finalites=[f.value for f in Finalite],
                date_signature=date.today() - timedelta(days=10),
                date_expiration=date.today() + timedelta(days=200),
            )
            consentement.signataires.add(responsable)
            consentement.structures.set(kwargs.get("structures", ()))

    @factory.post_generation
    def permissions(obj, create, extracted, **kwargs):
        if create:
            parcours_permissions_recalculer(parcours=obj)


class ConsentementFactory(factory.django.DjangoModelFactory):
    """A consent row as the family signed it; signed by a new guardian of the child's family
    unless `signataires=[...]` names them, naming the partner structures `structures=[...]`.
    Derive permissions afterwards if the test needs them."""

    class Meta:
        model = Consentement
        skip_postgeneration_save = True

    parcours = factory.SubFactory(ParcoursFactory)
    date_signature = factory.LazyFunction(lambda: date.today() - timedelta(days=10))
    date_expiration = factory.LazyFunction(lambda: date.today() + timedelta(days=200))
    finalites = factory.LazyFunction(lambda: [f.value for f in Finalite])

    class Params:
        expire = factory.Trait(
            date_signature=factory.LazyFunction(lambda: date.today() - timedelta(days=400)),
            date_expiration=factory.LazyFunction(lambda: date.today() - timedelta(days=35)),
        )
        retire = factory.Trait(
            date_retrait=factory.LazyFunction(date.today), motif_retrait="La famille se retire."
        )

    @factory.post_generation
    def signataires(obj, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [ResponsableLegalFactory(famille=obj.parcours.enfant.famille)]
        obj.signataires.set(extracted)

    @factory.post_generation
    def structures(obj, create, extracted, **kwargs):
        """The partner structures the consent names (none unless `structures=[...]`)."""
        if create and extracted:
            obj.structures.set(extracted)


class ChangementStatutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChangementStatut

    parcours = factory.SubFactory(ParcoursFactory)
    ancien_statut = Statut.REPERAGE
    nouveau_statut = Statut.EN_ATTENTE_CONSENTEMENT
