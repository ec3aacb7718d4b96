"""The partner network: institutions (`Structure`) and the professionals who work in them.

Structures are network rows shared across programmes; nothing here imports `parcours`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reussite.core.fichiers import chemin_document
from reussite.core.models import Programme


class TypeStructure(models.TextChoices):
    ECOLE = "ecole", _("École / collège")
    DEPARTEMENT = "departement", _("Département / ASE")
    PMI = "pmi", _("PMI")
    CAF = "caf", _("CAF")
    SANTE = "sante", _("Santé")
    VILLE = "ville", _("Ville")
    ASSOCIATION = "association", _("Association")
    ETAT = "etat", _("État")
    PORTEUSE = "porteuse", _("Structure porteuse du PRE")
    AUTRE = "autre", _("Autre")


class Structure(models.Model):
    nom = models.CharField(_("nom"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=TypeStructure.choices)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    uai = models.CharField(_("UAI"), max_length=8, blank=True)
    adresse = models.CharField(_("adresse"), max_length=300, blank=True)
    commune = models.CharField(_("commune"), max_length=100, blank=True)
    telephone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("adresse électronique"), blank=True)
    programmes = models.ManyToManyField(
        Programme, through="Partenariat", related_name="structures", verbose_name=_("programmes")
    )

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["nom"]
        indexes = [models.Index(fields=["type", "nom"])]

    def __str__(self):
        return self.nom


class Partenariat(models.Model):
    """A structure works with a programme; exactly one of them carries it (structure porteuse)."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="partenariats")
    est_porteuse = models.BooleanField(_("structure porteuse"), default=False)
    depuis = models.DateField(_("depuis"), null=True, blank=True)

    class Meta:
        verbose_name = _("partenariat")
        constraints = [
            models.UniqueConstraint(fields=["structure", "programme"], name="partenariat_unique"),
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(est_porteuse=True),
                name="une_structure_porteuse_par_programme",
            ),
        ]

    def __str__(self):
        return f"{self.structure} – {self.programme}"


class Fonction(models.TextChoices):
    COORDINATEUR = "coordinateur", _("Coordinateur·rice PRE")
    REFERENT = "referent", _("Référent·e de parcours")
    ENSEIGNANT = "enseignant", _("Enseignant·e")
    DIRECTEUR_ECOLE = "directeur", _("Directeur·rice d’école")
    ASSISTANT_SOCIAL = "assistant_social", _("Assistant·e social·e")
    PSYCHOLOGUE = "psychologue", _("Psychologue")
    EDUCATEUR = "educateur", _("Éducateur·rice")
    INFIRMIER = "infirmier", _("Infirmier·ère")
    ORTHOPHONISTE = "orthophoniste", _("Orthophoniste")
    ANIMATEUR = "animateur", _("Animateur·rice")
    CONSEILLER_CAF = "conseiller_caf", _("Conseiller·ère CAF")
    MEDECIN = "medecin", _("Médecin")
    AUTRE = "autre", _("Autre")


class ProfessionnelQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(actif=True, user__is_active=True)

    def du_programme(self, programme):
        return self.filter(structure__programmes=programme)


class Professionnel(models.Model):
    """A user's membership of a structure, with their function."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="professionnels"
    )
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="professionnels"
    )
    fonction = models.CharField(_("fonction"), max_length=30, choices=Fonction.choices)
    actif = models.BooleanField(_("membre actif"), default=True)
    depuis = models.DateField(_("depuis"), null=True, blank=True)

    objects = ProfessionnelQuerySet.as_manager()

    class Meta:
        verbose_name = _("professionnel")
        verbose_name_plural = _("professionnels")
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "structure"], name="professionnel_unique"),
        ]

    def __str__(self):
        return f"{self.user.get_full_name()} ({self.structure.nom})"


class SignatureCharte(models.Model):
    """A structure signed a version of the confidentiality charter (shared professional secrecy)."""

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="signatures_charte"
    )
    version = models.CharField(_("version de la charte"), max_length=20)
    date_signature = models.DateField(_("date de signature"))
    signataire = models.CharField(_("signataire"), max_length=200)
    document = models.FileField(
        _("charte signée"), upload_to=chemin_document("chartes"), blank=True
    )

    class Meta:
        verbose_name = _("signature de la charte")
        verbose_name_plural = _("signatures de la charte")
        constraints = [
            models.UniqueConstraint(fields=["structure", "version"], name="signature_charte_unique")
        ]

    def __str__(self):
        return f"{self.structure} – {self.version}"
