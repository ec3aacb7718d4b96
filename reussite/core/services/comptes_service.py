"""Service accounts (issue 22): creation and deactivation."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _t

from ..api import jeton_creer
from ..models import PorteeJeton, Programme, Role, User
from ..services import role_attribuer

# The roles a service account may hold: the steering's statistics only. A machine holding a
# role that opens children's files would escape the charter and the need-to-know rules.
ROLES_SERVICE = {Role.PILOTAGE: [PorteeJeton.STATISTIQUES]}


DOMAINE = "comptes-de-service.invalid"  # reserved (RFC 2606): no mail ever leaves for it


@transaction.atomic
def compte_de_service_creer(
    *, programme: Programme, nom: str, role: Role = Role.PILOTAGE, duree_jours: int = 365
) -> tuple[User, str]:
    """A service account of `programme` holding `role`, and its first token (the secret)."""
    nom = (nom or "").strip()
    if not nom:
        raise ValidationError({"nom": _t("Donnez un nom au compte : le logiciel qui l’utilise.")})
    if role not in ROLES_SERVICE:
        raise ValidationError({"role": _t("Un compte de service ne peut tenir que le pilotage.")})
    user = User(
        email=f"service-{get_random_string(12).lower()}@{DOMAINE}",
        first_name=nom[:150],
        last_name=_t("compte de service"),
        compte_de_service=True,
        frequence_courriels="aucun",
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    role_attribuer(user=user, programme=programme, role=role)
    _jeton, secret = jeton_creer(
        user=user, nom=nom, portees=ROLES_SERVICE[role], duree_jours=duree_jours
    )
    return user, secret


@transaction.atomic
def compte_de_service_desactiver(*, user: User) -> User:
    """Its tokens answer 401 from the next call (an inactive user never authenticates)."""
    User.objects.filter(pk=user.pk, compte_de_service=True).update(is_active=False)
    user.refresh_from_db(fields=["is_active"])
    return user
