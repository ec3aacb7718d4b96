"""The demo's families: siblings, legal guardians, and children with their school."""

from datetime import date

from parcours.demo.base import PlanEnfant, anniversaire, repartir
from parcours.demo.parametres import (
    CLASSES_LYCEE,
    COMMUNES,
    FAMILLES_ASE,
    FRATRIES,
    LANGUES,
    NIVEAUX,
    NOMBRE_ENFANTS,
    POIDS_DES_AGES,
    QUARTIERS_HORS_QPV,
    QUARTIERS_QPV,
    SEXES,
    TRANCHES_AGE,
    VILLE,
)
from parcours.models import Enfant, Famille, LienResponsable, NiveauScolaire, ResponsableLegal, Sexe
from parcours.text import normaliser


class FamillesMixin:
    """Steps of `Generateur` (parcours/demo/generateur.py)."""

    def _age(self, minimum: int, maximum: int) -> int:
        ages = range(minimum, maximum + 1)
        return self.rng.choices(ages, weights=[POIDS_DES_AGES.get(age, 1) for age in ages])[0]

    def _naissance(self, age: int, rang_dans_fratrie: int) -> date:
        # Siblings' birthdays fall in disjoint parts of the year, so that two siblings one year
        # apart in age are born at least a year apart; a two-year-old is at least 2 years and a
        # month old, leaving room for an entry after their second birthday.
        debut, fin = [(30, 140), (141, 250), (251, 364)][rang_dans_fratrie]
        return anniversaire(self.aujourdhui, -age) - self._jours((debut, fin))

    def _niveau(self, naissance: date) -> tuple[str, int]:
        rentree = self.aujourdhui.year if self.aujourdhui.month >= 9 else self.aujourdhui.year - 1
        rang = rentree - naissance.year - 3
        if rang >= 5 and self.rng.random() < 0.08:  # repeated a year
            rang -= 1
        if rang < 0:
            return NiveauScolaire.NON_SCOLARISE, rang
        if rang >= len(NIVEAUX):
            return NiveauScolaire.LYCEE, rang
        return NIVEAUX[rang], rang

    def _familles_et_enfants(self) -> list[PlanEnfant]:
        sexes = repartir(NOMBRE_ENFANTS, SEXES)
        tranches = repartir(NOMBRE_ENFANTS, TRANCHES_AGE)
        self.rng.shuffle(sexes)
        self.rng.shuffle(tranches)
        plans = [
            PlanEnfant(sexe=sexe, age=self._age(*tranche))
            for sexe, tranche in zip(sexes, tranches, strict=True)
        ]
        tailles = [taille for taille, nombre in FRATRIES for _ in range(nombre)]
        self.rng.shuffle(tailles)
        fratries, debut = [], 0
        for taille in tailles:
            fratries.append(plans[debut : debut + taille])
            debut += taille
        assert debut == NOMBRE_ENFANTS

        familles, responsables, enfants = [], [], []
        self.responsables_par_famille: dict[int, list[ResponsableLegal]] = {}
        self.familles_ase: set[int] = set(range(FAMILLES_ASE))
        for index, fratrie in enumerate(fratries):
            nom = self.fake.last_name()
            qpv = self.rng.random() < 0.75
            quartier = self.rng.choice(QUARTIERS_QPV if qpv else QUARTIERS_HORS_QPV)
            famille = Famille(
                programme=self.programme,
                adresse=self.fake.street_address(),
                commune=VILLE if qpv or self.rng.random() < 0.6 else self.rng.choice(COMMUNES),
                langue_parlee=self._choix(LANGUES),
            )
            familles.append(famille)
            famille_responsables = self._responsables(famille, nom, ase=index in self.familles_ase)
            responsables.extend(famille_responsables)
            # Each family lives in one school sector: maternelle + élémentaire, or the
            # groupe scolaire for both.
            secteur = self.rng.choice([("maternelle", "elementaire"), ("groupe_scolaire",) * 2])
            aine = None
            for rang, plan in enumerate(sorted(fratrie, key=lambda p: p.age)):
                plan.famille, plan.ase = famille, index in self.familles_ase
                # Siblings of the same age are twins.
                if aine is not None and aine.age == plan.age:
                    naissance = aine.enfant.date_naissance
                else:
                    naissance = self._naissance(plan.age, rang)
                plan.enfant = self._enfant(plan, famille, nom, naissance, secteur, quartier, qpv)
                enfants.append(plan.enfant)
                aine = plan
            self.responsables_par_famille[id(famille)] = famille_responsables

        # bulk_create fills each foreign key from its related object, saved just before.
        Famille.objects.bulk_create(familles)
        ResponsableLegal.objects.bulk_create(responsables)
        Enfant.objects.bulk_create(enfants)
        self.familles = familles
        return [plan for fratrie in fratries for plan in fratrie]

    def _responsables(self, famille: Famille, nom: str, *, ase: bool) -> list[ResponsableLegal]:
        if ase:
            departement = self.structures["departement"]
            return [
                ResponsableLegal(
                    famille=famille,
                    nom="Département – Aide sociale à l’enfance",
                    lien=LienResponsable.INSTITUTION,
                    telephone=departement.telephone,
                    email=departement.email,
                )
            ]
        composition = self._choix({"deux_parents": 55, "mere": 35, "pere": 7, "tuteur": 3})
        personnes = []
        if composition in ("deux_parents", "mere"):
            nom_mere = nom if composition == "mere" or self.rng.random() < 0.6 else None
            personnes.append(
                (
                    LienResponsable.MERE,
                    self.fake.first_name_female(),
                    nom_mere or self.fake.last_name(),
                )
            )
        if composition in ("deux_parents", "pere"):
            personnes.append((LienResponsable.PERE, self.fake.first_name_male(), nom))
        if composition == "tuteur":
            personnes.append((LienResponsable.TUTEUR, self.fake.first_name_female(), nom))
        return [
            ResponsableLegal(
                famille=famille,
                nom=nom_personne,
                prenom=prenom,
                lien=lien,
                telephone=self._telephone(),
                email=(
                    self._email(prenom, nom_personne, "exemple.test")
                    if self.rng.random() < 0.45
                    else ""
                ),
            )
            for lien, prenom, nom_personne in personnes
        ]

    def _enfant(self, plan, famille, nom, naissance, secteur, quartier, qpv) -> Enfant:
        prenom = (
            self.fake.first_name_male()
            if plan.sexe == Sexe.MASCULIN
            else self.fake.first_name_female()
        )
        niveau, rang_scolaire = self._niveau(naissance)
        etablissement, classe = None, ""
        if niveau == NiveauScolaire.LYCEE:
            classe = CLASSES_LYCEE[min(rang_scolaire - len(NIVEAUX), 2)]
        elif niveau != NiveauScolaire.NON_SCOLARISE:
            cle = secteur[0] if rang_scolaire < 3 else secteur[1]
            if rang_scolaire >= 8:
                cle = "college"
            etablissement = self.structures[cle]
            court = niveau if niveau[0].isdigit() else niveau.upper()  # "PS", "CE1", "6e"
            classe = f"{court} {self.rng.choice('ABC')}"
        return Enfant(
            programme=self.programme,
            famille=famille,
            nom=nom,
            prenom=prenom,
            date_naissance=naissance,
            sexe=plan.sexe,
            etablissement=etablissement,
            niveau_scolaire=niveau,
            classe=classe,
            quartier=quartier,
            qpv=qpv,
            recherche=normaliser(f"{nom} {prenom}"),  # bulk_create skips Enfant.save()
        )
