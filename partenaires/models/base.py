"""The partner network: institutions (`Structure`) and the professionals who work in them.

Structures are network rows shared across programmes; nothing here imports `parcours`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reussite.core.dates import PlageDates
from reussite.core.fichiers import chemin_document
from reussite.core.models import Programme
from reussite.core.telephones import valider_telephone

from ..querysets import OffreQuerySet, ProfessionnelQuerySet


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
    telephone = models.CharField(
        _("téléphone"), max_length=30, blank=True, validators=[valider_telephone]
    )
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

    @property
    def libelle_fonction(self) -> str:
        """The function's label with one translation: Django's `get_fonction_display` hashes
        every choice, a translation each, on every call (issue 18: 6,000 translations to list
        the 440 professionals an EPS may invite)."""
        try:
            return str(Fonction(self.fonction).label)
        except ValueError:
            return self.fonction


class SignatureCharte(models.Model):
    """A structure signed a version of the confidentiality charter (shared professional secrecy)."""

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="signatures_charte"
    )
    version = models.CharField(_("version de la charte"), max_length=20)
    date_signature = models.DateField(_("date de signature"), validators=[PlageDates("convention")])
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


class Domaine(models.TextChoices):
    """The domains objectives, offers and unmet needs are classified in (DOMAIN.md)."""

    SCOLARITE = "scolarite", _("Scolarité")
    LANGAGE = "langage", _("Langage")
    SANTE = "sante", _("Santé")
    BIEN_ETRE = "bien_etre", _("Bien-être psychologique")
    PARENTALITE = "parentalite", _("Parentalité")
    SOCIALISATION = "socialisation", _("Socialisation et loisirs")
    CULTURE = "culture", _("Culture")
    SPORT = "sport", _("Sport")


class TypeService(models.TextChoices):
    ACCOMPAGNEMENT_INDIVIDUEL = "individuel", _("Accompagnement individuel")
    ATELIER_COLLECTIF = "collectif", _("Atelier collectif")
    SOIN = "soin", _("Soin ou bilan")
    SOUTIEN_SCOLAIRE = "soutien_scolaire", _("Aide aux devoirs, soutien scolaire")
    ACTIVITE = "activite", _("Activité de loisirs, culturelle ou sportive")
    SEJOUR = "sejour", _("Sortie ou séjour")
    PARENTALITE = "parentalite", _("Soutien à la parentalité")
    AUTRE = "autre", _("Autre")


class UniteCapacite(models.TextChoices):
    PLACES = "places", _("places")
    HEURES = "heures", _("heures")


class PeriodeCapacite(models.TextChoices):
    SEMAINE = "semaine", _("par semaine")
    MOIS = "mois", _("par mois")
    TRIMESTRE = "trimestre", _("par trimestre")
    ANNEE_SCOLAIRE = "annee_scolaire", _("par année scolaire")


class Offre(models.Model):
    """A resource a structure offers to the network (mutualisation), published to programmes.

    Offers are network rows: the structure that publishes one edits it; a programme's
    coordinators and administrators edit it only when it is published to their programme alone.
    Capacity used is not stored: it is computed from the actions that use the offer.
    """

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="offres")
    intitule = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    type_service = models.CharField(
        _("type de service"), max_length=20, choices=TypeService.choices
    )
    domaine = models.CharField(_("domaine"), max_length=20, choices=Domaine.choices)
    age_min = models.PositiveSmallIntegerField(_("âge minimum"), default=2)
    age_max = models.PositiveSmallIntegerField(_("âge maximum"), default=16)
    capacite = models.PositiveIntegerField(
        _("capacité"), null=True, blank=True, help_text=_("Laisser vide si elle n’est pas limitée.")
    )
    unite_capacite = models.CharField(
        _("unité de capacité"),
        max_length=10,
        choices=UniteCapacite.choices,
        default=UniteCapacite.PLACES,
    )
    periode_capacite = models.CharField(
        _("période"),
        max_length=20,
        choices=PeriodeCapacite.choices,
        default=PeriodeCapacite.ANNEE_SCOLAIRE,
    )
    territoire = models.CharField(
        _("territoire"),
        max_length=100,
        blank=True,
        help_text=_("Commune ou quartier desservi ; vide pour tout le territoire du programme."),
    )
    conditions_acces = models.TextField(_("conditions d’accès"), blank=True)
    cout = models.DecimalField(
        _("coût par enfant (euros)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Laisser vide si l’offre est gratuite pour le programme."),
    )
    contact_nom = models.CharField(_("contact"), max_length=200, blank=True)
    contact_email = models.EmailField(_("adresse électronique du contact"), blank=True)
    contact_telephone = models.CharField(
        _("téléphone du contact"), max_length=30, blank=True, validators=[valider_telephone]
    )
    disponible_du = models.DateField(
        _("disponible du"), null=True, blank=True, validators=[PlageDates("convention")]
    )
    disponible_au = models.DateField(
        _("disponible au"), null=True, blank=True, validators=[PlageDates("convention")]
    )
    programmes = models.ManyToManyField(
        Programme, related_name="offres", verbose_name=_("publiée pour les programmes")
    )
    active = models.BooleanField(_("publiée"), default=True)
    # Open data (issue 22): the offer and its structure in the data·inclusion feed, read by
    # DORA and the other services of the inclusion ecosystem. Decided by whoever may edit it.
    diffusion_publique = models.BooleanField(
        _("diffuser l’offre en données ouvertes (data·inclusion)"),
        default=False,
        help_text=_(
            "L’offre et sa structure sont publiées sans authentification au format "
            "data·inclusion, que lisent DORA et les autres services de l’inclusion. Seul le "
            "contact de la structure est publié, sauf si la case suivante est cochée."
        ),
    )
    contact_public = models.BooleanField(
        _("publier aussi le contact de l’offre"),
        default=False,
        help_text=_(
            "Nom, adresse électronique et téléphone du contact, dans les données ouvertes."
        ),
    )
    version = models.PositiveIntegerField(default=1)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    objects = OffreQuerySet.as_manager()

    class Meta:
        verbose_name = _("offre")
        verbose_name_plural = _("offres")
        ordering = ["intitule", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(age_min__lte=models.F("age_max")),
                name="offre_ages_ordonnes",
                violation_error_message=_("L’âge minimum dépasse l’âge maximum."),
            ),
            models.CheckConstraint(
                condition=Q(disponible_du__isnull=True)
                | Q(disponible_au__isnull=True)
                | Q(disponible_au__gte=models.F("disponible_du")),
                name="offre_disponibilite_ordonnee",
                violation_error_message=_("La fin de disponibilité précède son début."),
            ),
            models.CheckConstraint(
                condition=Q(cout__isnull=True) | Q(cout__gte=0),
                name="offre_cout_positif",
                violation_error_message=_("Le coût ne peut pas être négatif."),
            ),
        ]
        indexes = [
            models.Index(fields=["domaine", "active"]),
            # The open-data feed (data·inclusion) counts and lists the offers diffused, and the
            # structures that diffuse one, from this index alone: a few thousand entries out of
            # every offer of the platform (issue 18).
            models.Index(
                fields=["structure", "disponible_du", "disponible_au"],
                condition=Q(diffusion_publique=True, active=True),
                name="offre_diffusee",
            ),
        ]

    def __str__(self):
        return self.intitule


class StatutConvention(models.TextChoices):
    PROJET = "projet", _("Projet")
    SIGNEE = "signee", _("Signée")
    EN_VIGUEUR = "en_vigueur", _("En vigueur")
    EXPIREE = "expiree", _("Expirée")
    RESILIEE = "resiliee", _("Résiliée")


class Convention(models.Model):
    """An inter-institutional agreement that pools funding and means around a programme."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="conventions")
    intitule = models.CharField(_("intitulé"), max_length=200)
    reference = models.CharField(_("référence"), max_length=50, blank=True)
    objet = models.TextField(_("objet"))
    objectifs = models.TextField(_("objectifs"), blank=True)
    date_debut = models.DateField(_("date de début"), validators=[PlageDates("convention")])
    date_fin = models.DateField(_("date de fin"), validators=[PlageDates("convention")])
    statut = models.CharField(
        _("statut"), max_length=20, choices=StatutConvention.choices, default="projet"
    )
    date_signature = models.DateField(
        _("date de signature"), null=True, blank=True, validators=[PlageDates("convention")]
    )
    document = models.FileField(
        _("convention signée"), upload_to=chemin_document("conventions"), blank=True
    )
    date_resiliation = models.DateField(
        _("date de résiliation"), null=True, blank=True, validators=[PlageDates("convention")]
    )
    motif_resiliation = models.TextField(_("motif de la résiliation"), blank=True)
    renouvelle = models.OneToOneField(
        "self",
        verbose_name=_("renouvelle la convention"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renouvelee_par",
    )
    version = models.PositiveIntegerField(default=1)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        ordering = ["-date_debut", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__gte=models.F("date_debut")),
                name="convention_fin_apres_debut",
                violation_error_message=_("La date de fin précède la date de début."),
            ),
            models.CheckConstraint(
                condition=Q(statut__in=[StatutConvention.PROJET]) | Q(date_signature__isnull=False),
                name="convention_signee_datee",
                violation_error_message=_("Une convention signée a une date de signature."),
            ),
        ]
        indexes = [models.Index(fields=["programme", "statut", "date_fin"])]

    def __str__(self):
        return self.intitule


class PartieConvention(models.Model):
    """A structure that is party to a convention, with who signs for it."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="parties")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="conventions")
    signataire = models.CharField(_("signataire"), max_length=200, blank=True)
    qualite_signataire = models.CharField(_("qualité du signataire"), max_length=200, blank=True)
    date_signature = models.DateField(
        _("date de signature"), null=True, blank=True, validators=[PlageDates("convention")]
    )

    class Meta:
        verbose_name = _("partie à la convention")
        verbose_name_plural = _("parties à la convention")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "structure"],
                name="partie_convention_unique",
                violation_error_message=_("Cette structure est déjà partie à la convention."),
            )
        ]

    def __str__(self):
        return f"{self.structure} – {self.convention}"


class NatureEngagement(models.TextChoices):
    FINANCIER = "financier", _("Financement (euros)")
    HEURES = "heures", _("Heures de personnel")
    PLACES = "places", _("Places")
    SALLES = "salles", _("Mise à disposition de salles (heures)")
    AUTRE = "autre", _("Autre moyen en nature")


UNITE_ENGAGEMENT = {
    NatureEngagement.FINANCIER: _("€"),
    NatureEngagement.HEURES: _("heures"),
    NatureEngagement.PLACES: _("places"),
    NatureEngagement.SALLES: _("heures de salle"),
    NatureEngagement.AUTRE: _("unités"),
}


class Engagement(models.Model):
    """What one party commits for one year: money (euros, exact) or means in kind."""

    partie = models.ForeignKey(
        PartieConvention, on_delete=models.CASCADE, related_name="engagements"
    )
    annee = models.PositiveSmallIntegerField(_("année"))
    nature = models.CharField(_("nature"), max_length=20, choices=NatureEngagement.choices)
    quantite = models.DecimalField(_("montant ou quantité"), max_digits=12, decimal_places=2)
    description = models.CharField(_("précision"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["annee", "nature", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantite__gt=0),
                name="engagement_quantite_positive",
                violation_error_message=_("Le montant ou la quantité doit être positif."),
            ),
            models.UniqueConstraint(
                fields=["partie", "annee", "nature", "description"],
                name="engagement_unique",
                violation_error_message=_(
                    "Cet engagement existe déjà pour cette partie et cette année."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.annee} {self.get_nature_display()} {self.quantite}"

    @property
    def unite(self) -> str:
        return UNITE_ENGAGEMENT[self.nature]
