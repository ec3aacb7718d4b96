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


def administrateur(programme: Programme, **kwargs) -> User:
    """The programme's administrator: its partner network, users and settings."""
    user = UserFactory(**kwargs)
    role_attribuer(user=user, programme=programme, role=Role.ADMINISTRATEUR)
    return user


def dpo(programme: Programme, **kwargs) -> User:
    """The programme's data-protection officer (issue 19): a role, never a child's file."""
    user = UserFactory(**kwargs)
    role_attribuer(user=user, programme=programme, role=Role.DPO)
    return user


def cadre_juridique(programme: Programme, **kwargs):
    """A configured legal identity for `programme` (synthetic values)."""
    from reussite.core.models import BaseLegale, CadreJuridique, TypeResponsable

    valeurs = {
        "responsable_nom": f"CCAS de {programme.territoire or programme.nom}",
        "responsable_type": TypeResponsable.CCAS,
        "responsable_adresse": "12 place de la Mairie, 99000 Exempleville",
        "responsable_representant": "la présidente du CCAS",
        "dpo_nom": "Service de la protection des données",
        "dpo_email": "dpo@ccas.exemple.test",
        "dpo_adresse": "",
        "bases_legales": [BaseLegale.MISSION_PUBLIQUE, BaseLegale.CONSENTEMENT],
        "destinataires": "Les partenaires nommés dans le consentement, pour ce qui est utile.",
        "contact_familles": "Coordination du PRE, 12 place de la Mairie, 01 99 00 12 34",
        "contact_familles_email": "pre@ccas.exemple.test",
        **kwargs,
    }
    return CadreJuridique.objects.create(programme=programme, **valeurs)
