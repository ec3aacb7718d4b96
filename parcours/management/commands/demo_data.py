"""`manage.py demo_data`: a realistic and entirely synthetic data set for demonstrations.

One fictional programme ("PRE de Val-de-Réussite"), twelve partner structures, thirty
professionals, two hundred children with their families and pathways in every status, and one
login per role. It never runs by itself: it refuses when DEBUG is off unless `--force` is given.

Determinism: names come from Faker (fr_FR) and every choice from one generator, both seeded with
`GRAINE`, so two installations show the same children. Dates are computed from today, so the data
set always looks current (open pathways, reviews due, valid consents).

Proportions follow DOMAIN.md, "Realistic proportions": 58 % boys; ages 2–5, 6–10 and 11–16 in the
survey's 15/52/32 ratio (17 and over left out: the PRE takes children up to 16); school levels
derived from the birth date; most children referred by their school; school results, then social
isolation, as the main motives; pathways of 12 to 19 months for those that reach their objectives.

Rows are written with `bulk_create`, not through the services: the services stamp the history
with "now" and refuse dates in the future of "today", while a demo needs a past that already
happened. The command therefore keeps the services' invariants itself (the status lifecycle, a
consent before leaving "en attente de consentement", coherent dates, `Enfant.recherche`) and
derives permissions with the function the services call. `tests/parcours/test_demo_data.py` checks those
invariants on the result.
"""

import time as chronometre
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from parcours.demo.generateur import Generateur
from parcours.demo.parametres import COMPTES, DOMAINE, MOT_DE_PASSE, NOM_PROGRAMME
from reussite.core.models import Programme, User


class Command(BaseCommand):
    help = (
        "Crée un jeu de données de démonstration réaliste et entièrement fictif "
        f"(« {NOM_PROGRAMME} »). Ne fait rien s’il existe déjà."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Exécuter même quand DEBUG est désactivé (jamais en production).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG est désactivé : ces données de démonstration ne doivent pas arriver en "
                "production. Relancez avec --force si vous êtes sûr de l’environnement."
            )
        if Programme.objects.filter(nom=NOM_PROGRAMME).exists():
            self.stdout.write(
                f"Le programme de démonstration « {NOM_PROGRAMME} » existe déjà : "
                "aucune donnée créée."
            )
            self._retablir_mots_de_passe()
        else:
            if User.objects.filter(email__iendswith=f"@{DOMAINE}").exists():
                raise CommandError(
                    f"Des comptes @{DOMAINE} existent sans le programme « {NOM_PROGRAMME} » : "
                    "supprimez-les avant de recréer les données de démonstration."
                )
            debut = chronometre.monotonic()
            with transaction.atomic():
                resume = Generateur(date.today()).generer()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Programme « {NOM_PROGRAMME} » créé en "
                    f"{chronometre.monotonic() - debut:.1f} s : {resume}."
                )
            )
        self.stdout.write("")
        self.stdout.write(f"Comptes de démonstration (mot de passe : {MOT_DE_PASSE})")
        largeur = max(len(libelle) for libelle, _ in COMPTES)
        for libelle, email in COMPTES:
            self.stdout.write(f"  {libelle:<{largeur}}  {email}")

    def _retablir_mots_de_passe(self):
        # The printed logins must work: a demo account whose password was changed gets the demo
        # password back. Nothing is written when it still matches. The accounts share one hash,
        # checked once: each check costs a full key derivation.
        verifies: dict[str, bool] = {}
        for _libelle, email in COMPTES:
            user = User.objects.filter(email=email).first()
            if user is None:
                self.stdout.write(self.style.WARNING(f"Compte {email} introuvable."))
                continue
            if user.password not in verifies:
                verifies[user.password] = user.check_password(MOT_DE_PASSE)
            if not verifies[user.password]:
                user.set_password(MOT_DE_PASSE)
                user.save(update_fields=["password"])
                self.stdout.write(f"Mot de passe de démonstration rétabli pour {email}.")
