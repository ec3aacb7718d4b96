"""Referrals (orientations): a partner professional refers a child to a programme.

A referral holds what identification needs (DOMAIN.md, rule 1) and belongs to one programme,
like everything about a child. Its referrer follows its status and its thread, never the
pathway it may open: the pathway's access still comes from consent and assignment only.
"""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partenaires.models import Professionnel, Structure, TypeStructure
from reussite.core.dates import PlageDates
from reussite.core.fichiers import chemin_document
from reussite.core.models import Programme
from reussite.core.telephones import valider_telephone

from ..querysets import OrientationQuerySet
from ..text import normaliser
from .base import (
    NON_SUIVIS,
    LienResponsable,
    MotifOrientation,
    NiveauScolaire,
    Orienteur,
    Parcours,
    Sexe,
    suivi,
)

__all__ = [
    "STATUTS_ORIENTATION_OUVERTS",
    "EchangeOrientation",
    "GenreEchange",
    "Orientation",
    "StatutOrientation",
    "orienteur_de_structure",
]


class StatutOrientation(models.TextChoices):
    RECUE = "recue", _("Reçue")
    EN_ETUDE = "en_etude", _("En étude")
    COMPLEMENT = "complement", _("Complément demandé")
    ACCEPTEE = "acceptee", _("Acceptée : parcours ouvert")
    REORIENTEE = "reorientee", _("Réorientée")
    REFUSEE = "refusee", _("Refusée")


# Still waiting for a decision of the coordination.
STATUTS_ORIENTATION_OUVERTS = (
    StatutOrientation.RECUE,
    StatutOrientation.EN_ETUDE,
    StatutOrientation.COMPLEMENT,
)

# The pathway's `orienteur` is derived from the referring structure's type.
_ORIENTEUR_PAR_TYPE = {
    TypeStructure.ECOLE: Orienteur.ECOLE,
    TypeStructure.DEPARTEMENT: Orienteur.SERVICE_SOCIAL,
    TypeStructure.PMI: Orienteur.PMI,
    TypeStructure.CAF: Orienteur.SERVICE_SOCIAL,
    TypeStructure.SANTE: Orienteur.SANTE,
    TypeStructure.VILLE: Orienteur.VILLE,
    TypeStructure.ASSOCIATION: Orienteur.ASSOCIATION,
}


def orienteur_de_structure(type_structure: str) -> str:
    return _ORIENTEUR_PAR_TYPE.get(type_structure, Orienteur.AUTRE)


@pghistory.track(*suivi(), exclude=[*NON_SUIVIS, "recherche", "version"])
class Orientation(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="orientations")
    # The referrer: a membership, so that leaving the structure ends what it gave.
    auteur = models.ForeignKey(
        Professionnel,
        verbose_name=_("orienté par"),
        on_delete=models.PROTECT,
        related_name="orientations_envoyees",
    )
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="orientations_envoyees"
    )
    # --- the child
    nom = models.CharField(_("nom de l’enfant"), max_length=150)
    prenom = models.CharField(_("prénom de l’enfant"), max_length=150)
    date_naissance = models.DateField(_("date de naissance"), validators=[PlageDates("naissance")])
    sexe = models.CharField(_("sexe"), max_length=1, choices=Sexe.choices)
    etablissement = models.ForeignKey(
        Structure,
        verbose_name=_("établissement scolaire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orientations_eleves",
    )
    niveau_scolaire = models.CharField(
        _("niveau scolaire"), max_length=20, choices=NiveauScolaire.choices, blank=True
    )
    commune = models.CharField(_("commune de l’enfant"), max_length=100)
    # --- the family's contact
    contact_nom = models.CharField(_("nom du parent ou responsable"), max_length=150)
    contact_prenom = models.CharField(
        _("prénom du parent ou responsable"), max_length=150, blank=True
    )
    contact_lien = models.CharField(
        _("lien avec l’enfant"), max_length=20, choices=LienResponsable.choices
    )
    contact_telephone = models.CharField(
        _("téléphone de la famille"), max_length=30, blank=True, validators=[valider_telephone]
    )
    contact_email = models.EmailField(_("adresse électronique de la famille"), blank=True)
    # --- why
    motifs = ArrayField(
        models.CharField(max_length=30, choices=MotifOrientation.choices),
        verbose_name=_("motifs d’orientation"),
    )
    deja_tente = models.TextField(_("ce qui a déjà été tenté"), blank=True)
    # No referral behind the family's back: both are required to be true.
    famille_informee = models.BooleanField(_("la famille est informée de cette orientation"))
    famille_accepte_contact = models.BooleanField(
        _("la famille accepte d’être contactée par le PRE")
    )
    # --- who to call back
    rappel_nom = models.CharField(_("personne à rappeler"), max_length=200)
    rappel_telephone = models.CharField(
        _("téléphone à rappeler"), max_length=30, blank=True, validators=[valider_telephone]
    )
    rappel_email = models.EmailField(_("adresse électronique à rappeler"), blank=True)
    document = models.FileField(
        _("document joint"), upload_to=chemin_document("orientations"), blank=True
    )
    document_type_mime = models.CharField(max_length=50, blank=True, editable=False)
    # --- the decision
    statut = models.CharField(
        _("statut"),
        max_length=20,
        choices=StatutOrientation.choices,
        default=StatutOrientation.RECUE,
    )
    recue_le = models.DateTimeField(_("reçue le"), auto_now_add=True)
    decidee_le = models.DateTimeField(_("décidée le"), null=True, blank=True)
    motif_decision = models.TextField(_("motif de la décision"), blank=True)
    service_reorientation = models.CharField(_("service proposé"), max_length=200, blank=True)
    # The pathway the referral opened (its origin); set on acceptance only.
    parcours = models.OneToOneField(
        Parcours,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orientation_origine",
    )
    # Accent- and case-free "nom prénom", compared with `Enfant.recherche` (probable duplicates).
    recherche = models.CharField(max_length=310, editable=False, default="")
    version = models.PositiveIntegerField(default=1)
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    objects = OrientationQuerySet.as_manager()

    class Meta:
        verbose_name = _("orientation")
        verbose_name_plural = _("orientations")
        ordering = ["-recue_le", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(famille_informee=True, famille_accepte_contact=True),
                name="orientation_avec_accord_de_la_famille",
                violation_error_message=_(
                    "Une orientation se fait avec l’accord de la famille : elle doit être "
                    "informée et accepter d’être contactée."
                ),
            ),
            models.CheckConstraint(
                condition=Q(statut=StatutOrientation.ACCEPTEE, parcours__isnull=False)
                | (~Q(statut=StatutOrientation.ACCEPTEE) & Q(parcours__isnull=True)),
                name="orientation_acceptee_ouvre_un_parcours",
                violation_error_message=_("Une orientation acceptée ouvre un parcours."),
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "statut", "-recue_le"]),
            models.Index(fields=["auteur", "-recue_le"]),
        ]

    def __str__(self):
        return f"Orientation n° {self.pk}"

    def save(self, *args, **kwargs):
        self.recherche = normaliser(f"{self.nom} {self.prenom}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "recherche"}
        super().save(*args, **kwargs)

    @property
    def est_ouverte(self) -> bool:
        return self.statut in STATUTS_ORIENTATION_OUVERTS

    def get_motifs_display(self) -> list[str]:
        return [MotifOrientation(m).label for m in self.motifs]


class GenreEchange(models.TextChoices):
    DEPOT = "depot", _("Orientation envoyée")
    ETUDE = "etude", _("Mise à l’étude")
    QUESTION = "question", _("Complément demandé")
    REPONSE = "reponse", _("Réponse de l’orienteur")
    ACCEPTATION = "acceptation", _("Orientation acceptée")
    REORIENTATION = "reorientation", _("Réorientation")
    REFUS = "refus", _("Refus")


class EchangeOrientation(models.Model):
    """One step of a referral's thread: a status change, a question or its answer. Each one
    the referrer must know of is the subject of their notification (one per step)."""

    orientation = models.ForeignKey(Orientation, on_delete=models.CASCADE, related_name="echanges")
    genre = models.CharField(max_length=20, choices=GenreEchange.choices)
    statut = models.CharField(max_length=20, choices=StatutOrientation.choices)
    texte = models.TextField(_("message"), blank=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("échange sur une orientation")
        verbose_name_plural = _("échanges sur les orientations")
        ordering = ["le", "pk"]

    def __str__(self):
        return self.get_genre_display()

    @property
    def programme_id(self):
        # The reminder rows carry the programme (rappel_signaler reads `programme_id`).
        return self.orientation.programme_id
