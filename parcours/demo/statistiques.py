"""Demo: a steering-committee login that sees the programme's statistics and no child."""

from reussite.core.charte import CHARTE_VERSION
from reussite.core.models import Programme, Role, User
from reussite.core.services import charte_accepter, role_attribuer


def generer_pilotage(*, programme: Programme, email: str, mot_de_passe_chiffre: str) -> User:
    """The steering login, with the demo's shared password hash (already computed)."""
    user = User.objects.create(
        email=email,
        first_name="Comité",
        last_name="de pilotage",
        password=mot_de_passe_chiffre,
    )
    role_attribuer(user=user, programme=programme, role=Role.PILOTAGE)
    charte_accepter(user=user, version=CHARTE_VERSION)
    return user
