import factory

from reussite.core.charte import CHARTE_VERSION
from reussite.core.models import AcceptationCharte, Programme, Role, User
from reussite.core.services import role_attribuer

MOT_DE_PASSE = "mot-de-passe-de-test-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"utilisateur{n}@exemple.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", MOT_DE_PASSE)

    @factory.post_generation
    def enregistrer(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def charte_acceptee(obj, create, extracted, **kwargs):
        """Users have accepted the current charter unless a test says charte_acceptee=False."""
        if create and extracted is not False:
            AcceptationCharte.objects.get_or_create(user=obj, version=CHARTE_VERSION)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("nom",)

    nom = factory.Sequence(lambda n: f"PRE de Ville-{n}")
    territoire = factory.LazyAttribute(lambda o: o.nom.removeprefix("PRE de "))


def coordinateur(programme: Programme, **kwargs) -> User:
    user = UserFactory(**kwargs)
    role_attribuer(user=user, programme=programme, role=Role.COORDINATEUR)
    return user
