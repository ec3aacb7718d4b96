from django.core.management.base import BaseCommand

from reussite.core.rappels import rappels_scanner


class Command(BaseCommand):
    help = (
        "Crée les rappels dus aujourd’hui (comme la tâche quotidienne) et met en file les envois "
        "immédiats ; relancer ne crée aucun doublon."
    )

    def handle(self, *args, **options):
        bilan = rappels_scanner()
        total = sum(bilan.crees.values())
        self.stdout.write(
            f"{total} rappel(s) créé(s), {bilan.annules} devenu(s) sans objet, "
            f"{bilan.repris} envoi(s) relancé(s)."
        )
