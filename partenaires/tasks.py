from celery import shared_task
from django.conf import settings


@shared_task(time_limit=600, soft_time_limit=540)
def import_reseau_appliquer(import_id: int) -> str:
    """Confirm a large network import in the background: all rows in one transaction or
    none. Safe to deliver twice (the import's row is locked and its status checked)."""
    from .services.imports import import_reseau_appliquer as appliquer

    return appliquer(import_id=import_id).statut


@shared_task(time_limit=600, soft_time_limit=540)
def invitations_envoyer(professionnel_ids: list[int], auteur_id: int) -> int:
    """The invitation e-mails an import asked for, after its commit. A membership gone or an
    account that already set its password gets none."""
    from reussite.core.models import User

    from .models import Professionnel
    from .services.annuaire import invitation_envoyer

    auteur = User.objects.filter(pk=auteur_id).first()
    envoyees = 0
    for professionnel in Professionnel.objects.filter(pk__in=professionnel_ids).select_related(
        "user", "structure"
    ):
        if professionnel.user.has_usable_password():
            continue
        invitation_envoyer(professionnel=professionnel, auteur=auteur, base_url=settings.SITE_URL)
        envoyees += 1
    return envoyees
