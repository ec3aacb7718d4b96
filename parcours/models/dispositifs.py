"""The child's other schemes and measures, and the family's own voice (issue 21).

- `Dispositif`: another scheme the child is in (a school support plan, CLAS, Cité éducative,
  a child-welfare or health measure, another territory's PRE), recorded with the family's
  agreement to counter the fragmentation of schemes. Child-welfare and health measures are
  *reserved*: read by the pathway's référent and its coordination only, like the information
  préoccupante record (DOMAIN.md, rule 7); the fact is recorded, never the file.
- `ParoleFamille`: the child's and the parents' own words on an objective, dated, recorded by
  the référent with the family.
- `QuestionnaireSortie`: what the family says at the exit, feeding the (masked) statistics.
"""

from datetime import date

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from reussite.core.dates import PlageDates

from .base import Parcours
from .suivi import Objectif

__all__ = [
    "TYPES_DISPOSITIF_RESERVES",
    "AideSortie",
    "CategorieDispositif",
    "Dispositif",
    "Frein",
    "Locuteur",
    "MomentParole",
    "ParoleFamille",
    "QuestionnaireSortie",
    "Satisfaction",
    "TypeDispositif",
]


class CategorieDispositif(models.TextChoices):
    SCOLAIRE = "scolaire", _("Scolarité")
    LOISIRS = "loisirs", _("Accompagnement éducatif et territoire")
    PROTECTION = "protection", _("Protection de l’enfance")
    SANTE = "sante", _("Santé et handicap")


class TypeDispositif(models.TextChoices):
    PPRE = "ppre", _("PPRE (programme personnalisé de réussite éducative)")
    PAP = "pap", _("PAP (plan d’accompagnement personnalisé)")
    PAI = "pai", _("PAI (projet d’accueil individualisé)")
    PPS = "pps", _("PPS / notification MDPH")
    CLAS = "clas", _("CLAS (contrat local d’accompagnement à la scolarité)")
    CITE_EDUCATIVE = "cite_educative", _("Cité éducative")
    AEMO = "aemo", _("Mesure d’AEMO")
    PLACEMENT_ASE = "placement_ase", _("Placement ASE")
    CMP = "cmp", _("Suivi CMP / CMPP")
    AUTRE_PRE = "autre_pre", _("Programme de réussite éducative d’un autre territoire")


CATEGORIES_DISPOSITIF = {
    TypeDispositif.PPRE: CategorieDispositif.SCOLAIRE,
    TypeDispositif.PAP: CategorieDispositif.SCOLAIRE,
    TypeDispositif.PAI: CategorieDispositif.SCOLAIRE,
    TypeDispositif.PPS: CategorieDispositif.SANTE,
    TypeDispositif.CLAS: CategorieDispositif.LOISIRS,
    TypeDispositif.CITE_EDUCATIVE: CategorieDispositif.LOISIRS,
    TypeDispositif.AEMO: CategorieDispositif.PROTECTION,
    TypeDispositif.PLACEMENT_ASE: CategorieDispositif.PROTECTION,
    TypeDispositif.CMP: CategorieDispositif.SANTE,
    TypeDispositif.AUTRE_PRE: CategorieDispositif.LOISIRS,
}

# Child-welfare and health measures: the référent and the coordination only (issue 21).
TYPES_DISPOSITIF_RESERVES = frozenset(
    {
        TypeDispositif.AEMO,
        TypeDispositif.PLACEMENT_ASE,
        TypeDispositif.CMP,
        TypeDispositif.PPS,
    }
)


class DispositifQuerySet(models.QuerySet):
    def lisibles(self, *, equipe: bool):
        """The schemes of pathways the caller already authorised (through the access module)
        that a reader may see: reserved measures only for the pathway's team (`droits.equipe`,
        the référent and the coordination), as the information préoccupante record."""
        if equipe:
            return self
        return self.exclude(type__in=TYPES_DISPOSITIF_RESERVES)

    def en_cours(self, le: date | None = None):
        le = le or date.today()
        return self.filter(Q(date_fin__isnull=True) | Q(date_fin__gte=le), date_debut__lte=le)


class Dispositif(models.Model):
    """Another scheme or measure the child is in. The fact, its dates and, when the family
    agrees, whom to contact: never the measure's file or its reasons."""

    parcours = models.ForeignKey(Parcours, on_delete=models.CASCADE, related_name="dispositifs")
    type = models.CharField(_("dispositif"), max_length=20, choices=TypeDispositif.choices)
    precision = models.CharField(
        _("précision"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple le lieu ou la structure, sans détail confidentiel."),
    )
    date_debut = models.DateField(_("depuis le"), validators=[PlageDates("suivi")])
    date_fin = models.DateField(
        _("terminé le"), null=True, blank=True, validators=[PlageDates("suivi")]
    )
    accord_contact = models.BooleanField(
        _("la famille accepte que le PRE prenne contact avec ce dispositif"), default=False
    )
    contact = models.CharField(
        _("contact"),
        max_length=200,
        blank=True,
        help_text=_("Nom, fonction et coordonnées du professionnel, si la famille l’accepte."),
    )
    version = models.PositiveIntegerField(default=1, db_default=1)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    objects = DispositifQuerySet.as_manager()

    class Meta:
        verbose_name = _("autre dispositif")
        verbose_name_plural = _("autres dispositifs")
        ordering = ["date_debut", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=F("date_debut")),
                name="dispositif_fin_apres_debut",
                violation_error_message=_("La date de fin précède la date de début."),
            ),
            models.CheckConstraint(
                condition=Q(accord_contact=True) | Q(contact=""),
                name="dispositif_contact_avec_accord",
                violation_error_message=_("Un contact n’est noté que si la famille l’accepte."),
            ),
        ]
        indexes = [models.Index(fields=["parcours", "type"])]

    def __str__(self):
        return self.get_type_display()

    @property
    def reserve(self) -> bool:
        return self.type in TYPES_DISPOSITIF_RESERVES

    @property
    def categorie(self) -> str:
        return CATEGORIES_DISPOSITIF[TypeDispositif(self.type)]

    @property
    def en_cours(self) -> bool:
        return self.date_fin is None or self.date_fin >= date.today()


class Locuteur(models.TextChoices):
    ENFANT = "enfant", _("L’enfant")
    PARENTS = "parents", _("Les parents")
    ENSEMBLE = "ensemble", _("L’enfant et ses parents")


class MomentParole(models.TextChoices):
    SOUHAITS = "souhaits", _("Souhaits au départ")
    BILAN = "bilan", _("Regard au bilan")


class ParoleFamille(models.Model):
    """The child's or the parents' own words on an objective, as they said them."""

    objectif = models.ForeignKey(Objectif, on_delete=models.CASCADE, related_name="paroles")
    locuteur = models.CharField(_("qui s’exprime"), max_length=10, choices=Locuteur.choices)
    moment = models.CharField(_("moment"), max_length=10, choices=MomentParole.choices)
    date = models.DateField(_("date de l’échange"), validators=[PlageDates("suivi")])
    texte = models.TextField(_("leurs mots"))
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("parole de la famille")
        verbose_name_plural = _("paroles de la famille")
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["objectif", "date"])]

    def __str__(self):
        return f"{self.get_locuteur_display()} ({self.date:%d/%m/%Y})"


class Satisfaction(models.TextChoices):
    TRES = "tres", _("Très satisfaite")
    PLUTOT = "plutot", _("Plutôt satisfaite")
    PEU = "peu", _("Peu satisfaite")
    PAS = "pas", _("Pas satisfaite")


class AideSortie(models.TextChoices):
    ECOUTE = "ecoute", _("L’écoute et le lien avec le référent")
    SCOLARITE = "scolarite", _("Le soutien à la scolarité")
    ACTIVITES = "activites", _("Les activités (sport, culture, loisirs)")
    SANTE = "sante", _("L’accès aux soins")
    PARENTALITE = "parentalite", _("Le soutien aux parents")
    ECOLE = "ecole", _("Le lien avec l’école")
    AUTRE = "autre", _("Autre chose")


class Frein(models.TextChoices):
    ATTENTE = "attente", _("Les délais d’attente")
    HORAIRES = "horaires", _("Les horaires ou l’éloignement")
    INFORMATION = "information", _("Le manque d’information")
    CHANGEMENTS = "changements", _("Les changements d’interlocuteur")
    COUT = "cout", _("Le coût restant à la charge de la famille")
    AUTRE = "autre", _("Autre chose")


class QuestionnaireSortie(models.Model):
    """The family's answers at the exit: one per pathway. The free texts are the family's;
    the choices alone feed the statistics, masked under 5 for steering."""

    parcours = models.OneToOneField(
        Parcours, on_delete=models.CASCADE, related_name="questionnaire_sortie"
    )
    date = models.DateField(_("rempli le"), validators=[PlageDates("suivi")])
    repondants = models.CharField(_("qui répond"), max_length=10, choices=Locuteur.choices)
    satisfaction = models.CharField(
        _("satisfaction de la famille"), max_length=10, choices=Satisfaction.choices
    )
    aides = ArrayField(
        models.CharField(max_length=20, choices=AideSortie.choices),
        verbose_name=_("ce qui a aidé"),
        default=list,
        blank=True,
    )
    aide_commentaire = models.TextField(_("ce qui a aidé, dans leurs mots"), blank=True)
    freins = ArrayField(
        models.CharField(max_length=20, choices=Frein.choices),
        verbose_name=_("ce qui n’a pas aidé"),
        default=list,
        blank=True,
    )
    frein_commentaire = models.TextField(_("ce qui n’a pas aidé, dans leurs mots"), blank=True)
    rempli_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire de sortie")
        verbose_name_plural = _("questionnaires de sortie")
        indexes = [models.Index(fields=["date"])]

    def __str__(self):
        return f"Questionnaire de sortie du {self.date:%d/%m/%Y}"

    def get_aides_display(self) -> list[str]:
        return [AideSortie(a).label for a in self.aides]

    def get_freins_display(self) -> list[str]:
        return [Frein(f).label for f in self.freins]
