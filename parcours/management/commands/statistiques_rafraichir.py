"""Recompute the yearly statistics aggregates now (after a deployment, or for past years):

    python manage.py statistiques_rafraichir [--annees 2024 2025]

Without `--annees`, the nightly task's years (the current one and the previous one)."""

from django.core.management.base import BaseCommand

from parcours.tasks import statistiques_rafraichir_nuit


class Command(BaseCommand):
    help = "Recalcule les statistiques annuelles de chaque programme."

    def add_arguments(self, parser):
        parser.add_argument("--annees", type=int, nargs="*")

    def handle(self, *args, annees=None, **options):
        nombre = statistiques_rafraichir_nuit(annees or None)
        self.stdout.write(f"{nombre} lignes recalculées.")
