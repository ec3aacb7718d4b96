import factory

from partenaires.models import Fonction, Partenariat, Professionnel, Structure, TypeStructure

from .core import ProgrammeFactory, UserFactory


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure
        skip_postgeneration_save = True

    nom = factory.Sequence(lambda n: f"Structure {n}")
    type = TypeStructure.ASSOCIATION
    commune = "Villeneuve"

    @factory.post_generation
    def programmes(obj, create, extracted, **kwargs):
        """StructureFactory(programmes=[p]) makes the structure a partner of p."""
        if create and extracted:
            for programme in extracted:
                Partenariat.objects.get_or_create(structure=obj, programme=programme)

    class Params:
        ecole = factory.Trait(
            type=TypeStructure.ECOLE, nom=factory.Sequence(lambda n: f"École Jules-Ferry {n}")
        )


def structure_porteuse(programme, **kwargs) -> Structure:
    structure = StructureFactory(
        type=TypeStructure.PORTEUSE, nom=f"CCAS – {programme.nom}", **kwargs
    )
    Partenariat.objects.create(structure=structure, programme=programme, est_porteuse=True)
    return structure


class ProfessionnelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Professionnel

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)
    fonction = Fonction.REFERENT
    actif = True


class PartenariatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partenariat

    structure = factory.SubFactory(StructureFactory)
    programme = factory.SubFactory(ProgrammeFactory)
