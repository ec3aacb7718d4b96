"""What the demo's builders share: the seeded generator with its small helpers (names,
phones, e-mails, office-hours moments) and the plan of a child being generated."""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone
from faker import Faker

from parcours.demo.parametres import GRAINE
from parcours.models import Enfant, Famille
from parcours.text import normaliser
from partenaires.models import Professionnel


def repartir(total: int, poids: dict) -> list:
    """`total` values in the proportions of `poids`, exactly (largest remainder method)."""
    somme = sum(poids.values())
    parts = {cle: total * p / somme for cle, p in poids.items()}
    nombres = {cle: int(part) for cle, part in parts.items()}
    reste = total - sum(nombres.values())
    for cle in sorted(parts, key=lambda c: parts[c] - nombres[c], reverse=True)[:reste]:
        nombres[cle] += 1
    return [cle for cle, nombre in nombres.items() for _ in range(nombre)]


def anniversaire(naissance: date, age: int) -> date:
    try:
        return naissance.replace(year=naissance.year + age)
    except ValueError:  # born on 29 February
        return naissance.replace(year=naissance.year + age, day=28)


def expiration_du_consentement(signature: date) -> date:
    """End of the school year (5 July); a consent signed in June covers the next year too."""
    fin = date(signature.year, 7, 5)
    if signature >= fin:
        return date(signature.year + 1, 7, 5)
    return date(signature.year + 1, 7, 5) if signature.month == 6 else fin


# Consents are recorded on the day they are signed, at this time (UTC), set in SQL in one go.
HEURE_DES_CONSENTEMENTS = timedelta(hours=13)


def enregistrement_du_consentement(signature: date) -> datetime:
    return datetime.combine(signature, time(), tzinfo=UTC) + HEURE_DES_CONSENTEMENTS


def identifiant(texte: str) -> str:
    return normaliser(texte).replace(" ", "-")


@dataclass
class PlanEnfant:
    """A child being generated, with their pathway's plan; written in bulk afterwards."""

    sexe: str
    age: int
    ase: bool = False
    famille: Famille | None = None
    enfant: Enfant | None = None
    statut: str = ""
    motif_sortie: str = ""
    chemin: list[str] = field(default_factory=list)
    referent: Professionnel | None = None


class GenerateurBase:
    """The state every step shares: today, the seeded `rng` and Faker, the e-mails taken."""

    def __init__(self, aujourdhui: date):
        self.aujourdhui = aujourdhui
        self.maintenant = timezone.now()
        self.rng = random.Random(GRAINE)  # noqa: S311 (reproducible demo data, not secrets)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(GRAINE)
        self.emails: set[str] = set()

    # Small helpers -------------------------------------------------------------------------

    def _choix(self, poids: dict):
        return self.rng.choices(list(poids), weights=list(poids.values()))[0]

    def _telephone(self, mobile: bool = True) -> str:
        # Ranges ARCEP reserves for fiction: 06 39 98 xx xx and 01 99 00 xx xx.
        prefixe = "06 39 98" if mobile else "01 99 00"
        return f"{prefixe} {self.rng.randint(0, 99):02d} {self.rng.randint(0, 99):02d}"

    def _email(self, prenom: str, nom: str, domaine: str) -> str:
        base = f"{identifiant(prenom)}.{identifiant(nom)}"
        email, n = f"{base}@{domaine}", 1
        while email in self.emails:
            n += 1
            email = f"{base}{n}@{domaine}"
        self.emails.add(email)
        return email

    def _moment(self, jour: date, apres: datetime | None = None) -> datetime:
        """An office-hours moment on `jour`, not in the future, strictly after `apres`."""
        heure = time(self.rng.randint(9, 17), self.rng.choice([0, 15, 30, 45]))
        moment = min(timezone.make_aware(datetime.combine(jour, heure)), self.maintenant)
        if apres is not None and moment <= apres:
            moment = apres + timedelta(minutes=20)
        return moment

    def _jours(self, bornes: tuple[int, int]) -> timedelta:
        return timedelta(days=self.rng.randint(*bornes))
