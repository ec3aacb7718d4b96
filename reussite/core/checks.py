"""System checks of the wiring that the code alone cannot show."""

from django.core.checks import Error, Tags, Warning, register


@register()
def verifier_limites_des_taches(app_configs, **kwargs):
    """A task whose soft time limit exceeds its hard one, once the global
    CELERY_TASK_SOFT_TIME_LIMIT / CELERY_TASK_TIME_LIMIT fill what it does not state, cannot be
    sent: `apply_async` raises ValueError, at every beat tick for a periodic task."""
    from celery import current_app
    from django.utils.module_loading import autodiscover_modules

    # What `app.autodiscover_tasks()` imports, without Celery's import signal (its Django fixup
    # runs the system checks from that signal).
    autodiscover_modules("tasks")
    erreurs = []
    for nom, tache in sorted(current_app.tasks.items()):
        souple, dure = tache.soft_time_limit, tache.time_limit
        if souple and dure and souple > dure:
            erreurs.append(
                Error(
                    f"La tâche {nom} a une limite souple ({souple} s) supérieure à sa limite "
                    f"dure ({dure} s) une fois les réglages CELERY_TASK_SOFT_TIME_LIMIT et "
                    "CELERY_TASK_TIME_LIMIT appliqués : Celery refuserait de l’envoyer.",
                    hint="Donnez à la tâche ses deux limites, time_limit et soft_time_limit.",
                    obj=nom,
                    id="reussite.E010",
                )
            )
    return erreurs


@register()
def verifier_courriels_demo(app_configs, **kwargs):
    """Production sends its mail: the demo's file backend and mail page are refused there."""
    from django.conf import settings

    if getattr(settings, "REUSSITE_DEMO_COURRIELS", False) and getattr(
        settings, "REUSSITE_PRODUCTION", False
    ):
        return [
            Error(
                "REUSSITE_DEMO_COURRIELS est activé : aucun courriel ne partirait, et la page "
                "/demo/courriels/ les montrerait. Ce réglage est réservé à la démonstration.",
                id="reussite.E011",
            )
        ]
    return []


@register(Tags.files, deploy=True)
def verifier_stockage_partage(app_configs, **kwargs):
    """Production on several nodes needs the bucket: files in MEDIA_ROOT or EXPORTS_ROOT are
    seen by one node only (an export built by a worker would be missing on the web nodes)."""
    from django.conf import settings

    if getattr(settings, "REUSSITE_PRODUCTION", False) and not getattr(settings, "S3_BUCKET", ""):
        return [
            Warning(
                "S3_BUCKET n’est pas défini : les documents et les exports sont écrits sur le "
                "disque de chaque nœud, que les autres nœuds et les workers ne voient pas.",
                hint="Définissez S3_BUCKET, S3_ENDPOINT_URL et les clés (README, Exploitation), "
                "ou ne déployez qu’un seul nœud avec un volume pour MEDIA_ROOT et EXPORTS_ROOT.",
                id="reussite.W020",
            )
        ]
    return []


@register(Tags.security)
def verifier_identite_operateur(app_configs, **kwargs):
    """The legal notice names the publisher and the host (loi n° 2004-575, article 6): in
    production they must be configured, not left empty."""
    from django.conf import settings

    if not getattr(settings, "REUSSITE_PRODUCTION", False):
        return []
    manquants = [cle for cle, valeur in settings.REUSSITE_OPERATEUR.items() if not valeur]
    if not manquants:
        return []
    return [
        Warning(
            "Les mentions légales ne nomment pas l’opérateur ou l’hébergeur : "
            + ", ".join(sorted(manquants))
            + " manquant(s).",
            hint="Renseignez REUSSITE_OPERATEUR_NOM, REUSSITE_OPERATEUR_ADRESSE, "
            "REUSSITE_OPERATEUR_CONTACT, REUSSITE_DIRECTEUR_PUBLICATION, REUSSITE_HEBERGEUR_NOM, "
            "REUSSITE_HEBERGEUR_ADRESSE et REUSSITE_HEBERGEUR_CONTACT.",
            id="reussite.W030",
        )
    ]
