"""Cross-cutting core: users, the tenant (`Programme`) and programme-level roles."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class FrequenceCourriels(models.TextChoices):
    """How a user wants reminders by email; the in-app list always has them."""

    IMMEDIAT = "immediat", _("Un courriel par rappel, tout de suite")
    QUOTIDIEN = "quotidien", _("Un courriel récapitulatif par jour")
    AUCUN = "aucun", _("Aucun courriel : seulement dans l’application")


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address."""

    email = models.EmailField(_("adresse électronique"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    is_staff = models.BooleanField(_("accès à l’administration"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("date d’inscription"), default=timezone.now)
    frequence_courriels = models.CharField(
        _("recevoir les rappels par courriel"),
        max_length=10,
        choices=FrequenceCourriels.choices,
        default=FrequenceCourriels.QUOTIDIEN,
    )
    # A machine client of a programme (issue 22): holds one programme role, reaches the API
    # with tokens its programme's managers issue, and never signs in (no usable password).
    compte_de_service = models.BooleanField(_("compte de service"), default=False)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        # The administration's user search is `icontains` on these three columns, which Django
        # writes `UPPER(col) LIKE UPPER('%…%')`: trigram indexes on that expression serve it
        # instead of a scan of every user (issue 18).
        indexes = [
            *(
                GinIndex(OpClass(Upper(champ), name="gin_trgm_ops"), name=f"user_{champ}_trigramme")
                for champ in ("email", "first_name", "last_name")
            ),
            # People are listed by name (the professionals' ordering, the referent choices):
            # read in this order, a page of 100 professionals is 100 index probes instead of
            # a sort of every professional joined to every user (issue 18).
            models.Index(fields=["last_name", "first_name"], name="user_nom_prenom"),
            # A programme's service accounts (programmes:comptes_de_service): a handful among
            # every user of the platform, found without scanning them all.
            models.Index(
                fields=["id"], condition=models.Q(compte_de_service=True), name="user_service"
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name


class Role(models.TextChoices):
    """Programme-level roles, held as object permissions on the `Programme`."""

    COORDINATEUR = "coordonner_programme", _("coordinateur")
    ADMINISTRATEUR = "administrer_programme", _("administrateur")
    PILOTAGE = "piloter_programme", _("pilotage")
    # The programme's data-protection officer: the access trail, the rights register and the
    # legal documents; never a child's file (DOMAIN.md, "Who uses it").
    DPO = "proteger_donnees_programme", _("délégué à la protection des données")


class CleRechercheProgramme(models.Func):
    """A programme's name, territory and communes as `normaliser` writes text (lower-case,
    accent-free, hyphens and apostrophes as spaces): the SQL function of migration core 0021,
    declared immutable so that a trigram index can be built on it. A function rather than a
    stored column: programmes inserted in bulk SQL (the generators) are searchable too."""

    function = "programme_cle_recherche"
    output_field = models.TextField()

    def __init__(self):
        super().__init__(models.F("nom"), models.F("territoire"), models.F("communes"))


class ProgrammeQuerySet(models.QuerySet):
    def avec_role(self, user, role: Role):
        """Programmes on which `user` holds `role` (a direct object permission)."""
        from ..roles import programmes_avec_roles

        return self.filter(pk__in=programmes_avec_roles(user, [role]).values("pk"))

    def recherche(self, terme: str):
        """Programmes whose name, territory or communes hold every word of `terme`, accents,
        case, hyphens and apostrophes aside (« saint etienne » finds « Saint-Étienne »). Each
        word is a `LIKE '%…%'` on `CleRechercheProgramme`, served by its trigram index."""
        from ..texte import normaliser

        qs = self.alias(cle_recherche=CleRechercheProgramme())
        for mot in normaliser(terme).split():
            qs = qs.filter(cle_recherche__contains=mot)
        return qs


# The months of a school year before the rentrée of September 1st.
MOIS_AVANT_RENTREE = [
    (1, _("janvier")),
    (2, _("février")),
    (3, _("mars")),
    (4, _("avril")),
    (5, _("mai")),
    (6, _("juin")),
    (7, _("juillet")),
    (8, _("août")),
]


class Programme(models.Model):
    """One Programme de Réussite Éducative: the tenant everything about a child belongs to."""

    nom = models.CharField(_("nom"), max_length=200, unique=True)
    territoire = models.CharField(_("territoire"), max_length=200, blank=True)
    communes = ArrayField(models.CharField(max_length=100), blank=True, default=list)
    codes_qpv = ArrayField(
        models.CharField(max_length=20), verbose_name=_("codes QPV"), blank=True, default=list
    )
    delai_revue_jours = models.PositiveIntegerField(
        _("délai entre deux revues (jours)"), default=120
    )
    delai_inactivite_jours = models.PositiveIntegerField(
        _("jours sans activité avant qu’un parcours soit signalé"),
        default=60,
        help_text=_(
            "Sans écriture (note, action, objectif, statut, examen) pendant ce nombre de jours, "
            "le parcours apparaît parmi les parcours à risque."
        ),
    )
    rappel_revue_jours = models.PositiveIntegerField(
        _("rappeler une revue ce nombre de jours avant sa date"), default=15
    )
    rappel_consentement_jours = models.PositiveIntegerField(
        _("rappeler l’expiration d’un consentement ce nombre de jours avant"), default=30
    )
    rappel_besoin_jours = models.PositiveIntegerField(
        _("signaler un besoin non couvert ouvert depuis ce nombre de jours"), default=60
    )
    delai_orientation_jours = models.PositiveIntegerField(
        _("signaler une orientation sans décision depuis ce nombre de jours"),
        default=15,
        # A database default too, for the generators that insert programmes in bulk SQL.
        db_default=15,
    )
    # School transitions (issue 21): the pathways of children changing school level next
    # September are listed from the 1st of `transitions_debut_mois` (spring), and from the 1st of
    # `transitions_alerte_mois` one without a plan is « à risque de rupture » and its référent is
    # reminded. Months of the school year before the rentrée (January to August). Database
    # defaults too, for the generators that insert programmes in bulk SQL.
    transitions_debut_mois = models.PositiveSmallIntegerField(
        _("lister les passages de la rentrée à partir du 1er du mois"),
        choices=MOIS_AVANT_RENTREE,
        default=3,
        db_default=3,
    )
    transitions_alerte_mois = models.PositiveSmallIntegerField(
        _("signaler un passage sans plan à partir du 1er du mois"),
        choices=MOIS_AVANT_RENTREE,
        default=6,
        db_default=6,
    )
    consentement_deux_signataires = models.BooleanField(
        _("le consentement exige la signature des deux titulaires de l’autorité parentale"),
        default=False,
    )
    # Retention (DOMAIN.md, rule 5): set with the data protection officer, on the model of the
    # CNIL's 2022 reference framework for child protection. See parcours.services.protection.
    conservation_mois = models.PositiveIntegerField(
        _("durée de conservation après la sortie (mois)"),
        default=24,
        help_text=_(
            "Après la sortie du parcours, les données identifiantes de l’enfant et de sa famille "
            "sont conservées ce nombre de mois puis anonymisées automatiquement (seuls restent "
            "les faits statistiques). Durée à valider avec le délégué à la protection des "
            "données, sur le modèle du référentiel de la CNIL de 2022 relatif à la protection "
            "de l’enfance : par défaut 2 ans après la sortie."
        ),
    )
    cree_le = models.DateTimeField(auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["nom"]
        permissions = [(role.value, role.label) for role in Role]
        indexes = [
            GinIndex(
                OpClass(CleRechercheProgramme(), name="gin_trgm_ops"),
                name="programme_recherche_trigramme",
            )
        ]

    def __str__(self):
        return self.nom


class ProgrammeUserObjectPermission(UserObjectPermissionBase):
    """The roles on a programme (`reussite.core.roles`). Indexes: guardian's unique (user,
    permission, programme) serves the reads by person; the programme's own index those by
    programme. The index guardian's Meta declared on the same three columns, and the person's
    single-column index, only repeated the unique one (issue 18)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, db_index=False)
    content_object = models.ForeignKey(Programme, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = []


class ProgrammeGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Programme, on_delete=models.CASCADE)


class Evenement(models.TextChoices):
    LECTURE = "lecture", _("Consultation")
    MODIFICATION = "modification", _("Modification")
    REFUS = "refus", _("Accès refusé")
    CONNEXION = "connexion", _("Connexion")
    ECHEC_CONNEXION = "echec_connexion", _("Échec de connexion")
    DECONNEXION = "deconnexion", _("Déconnexion")
    DROIT_ACCES = "droit_acces", _("Export au titre du droit d’accès")
    # A list leaving the platform (CSV, XLSX): its own event, with the programme it concerns,
    # so that the DPO's console finds exports of identifying lists (issue 19).
    EXPORT = "export", _("Export d’une liste")


class TraceAcces(models.Model):
    """Append-only trail of who read or changed a child's data, and of denied attempts.

    Never the content itself. Rows point at business objects through a content type and
    denormalised ids (the core imports no business app), and at users by id only, so that
    deleting a user never rewrites the trail. The application's database role may only insert
    and read here (reussite/core/privileges.py), a trigger refuses UPDATE and DELETE (migrations
    0004, 0011), and only `trace_purger`, through the owner's purge function, removes old rows.
    """

    le = models.DateTimeField(default=timezone.now, db_index=True)
    user_id = models.BigIntegerField(null=True)
    evenement = models.CharField(max_length=20, choices=Evenement.choices)
    autorise = models.BooleanField()
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, related_name="+"
    )
    object_id = models.BigIntegerField(null=True)
    programme_id = models.BigIntegerField(null=True)
    page = models.CharField(max_length=200, blank=True)
    methode = models.CharField(max_length=10, blank=True)
    ip = models.GenericIPAddressField(null=True)
    # Only for failed logins: the identifier that was typed (no password, no child data).
    identifiant = models.CharField(max_length=254, blank=True)

    class Meta:
        verbose_name = _("entrée du journal des accès")
        verbose_name_plural = _("journal des accès")
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["content_type", "object_id", "-le"]),
            models.Index(fields=["user_id", "-le"]),
            # The DPO's console reads one programme's trail over a period (issue 19).
            models.Index(fields=["programme_id", "-le"], name="trace_programme_le"),
            # The console's second branch: the logins of a programme's people, which carry no
            # programme. On (user_id, -le) it read every row of each person's trail and kept
            # one in forty, a cost that grew with the whole trail (issue 18); this index holds
            # the logins alone (a quarter of the trail).
            models.Index(
                fields=["user_id", "-le"],
                condition=models.Q(
                    programme_id__isnull=True,
                    evenement__in=[Evenement.CONNEXION, Evenement.DECONNEXION],
                ),
                name="trace_connexions_le",
            ),
            # The administration's filters on the rare rows (denied accesses, failed logins,
            # exports): on the index of `le` alone, a page or a count of them read the trail
            # until it found enough (a count of the 11,000 denied rows: a parallel sequential
            # scan of 2.9 million rows, 214 ms, issue 18). The frequent events are found early
            # on the index of `le`. About 45,000 rows, 1.5 % of the trail.
            models.Index(
                fields=["-le"],
                condition=models.Q(autorise=False)
                | models.Q(
                    evenement__in=[
                        Evenement.REFUS,
                        Evenement.ECHEC_CONNEXION,
                        Evenement.DROIT_ACCES,
                        Evenement.EXPORT,
                    ]
                ),
                name="trace_rares_le",
            ),
        ]

    def __str__(self):
        return f"{self.le:%Y-%m-%d %H:%M} {self.evenement}"


class AcceptationCharte(models.Model):
    """A user personally accepted a version of the confidentiality charter."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="acceptations_charte")
    version = models.CharField(max_length=20)
    le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("acceptation de la charte")
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="acceptation_charte_unique")
        ]

    def __str__(self):
        return f"{self.user_id} – {self.version}"


class StatutRappel(models.TextChoices):
    A_ENVOYER = "a_envoyer", _("à envoyer")
    # Claimed by a send (reserve_le): the email may be leaving right now.
    EN_COURS = "en_cours", _("envoi en cours")
    ENVOYE = "envoye", _("envoyé")
    RESUME = "resume", _("dans le récapitulatif du jour")
    SANS_COURRIEL = "sans_courriel", _("dans l’application seulement")
    ECHEC = "echec", _("échec de l’envoi")
    ANNULE = "annule", _("sans objet")


class RappelQuerySet(models.QuerySet):
    def visibles(self):
        """What the bell and the list show: every reminder whose reason still holds."""
        return self.exclude(statut=StatutRappel.ANNULE)

    def non_lus(self):
        return self.visibles().filter(lu_le__isnull=True)


class Rappel(models.Model):
    """One reminder of one kind, about one subject, due on one date, for one person.

    The database decides what is due and what was sent (ARCHITECTURE.md, "Reminders"): the
    unique constraint makes a second scan, or two scans at once, create nothing more, and the
    status says whether its email left. The subject is a content type and an id (the core
    imports no business app); kinds are registered by the apps (`reussite.core.rappels`).
    """

    genre = models.CharField(_("type de rappel"), max_length=40)
    destinataire = models.ForeignKey(User, on_delete=models.CASCADE, related_name="rappels")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.BigIntegerField()
    programme_id = models.BigIntegerField(null=True)
    echeance = models.DateField(_("échéance"))
    statut = models.CharField(
        max_length=20, choices=StatutRappel.choices, default=StatutRappel.A_ENVOYER
    )
    cree_le = models.DateTimeField(default=timezone.now)
    envoye_le = models.DateTimeField(null=True, blank=True)
    # When a send last claimed the row; with `tentatives`, the number of claims so far.
    reserve_le = models.DateTimeField(null=True, blank=True)
    tentatives = models.PositiveSmallIntegerField(default=0)
    # The SMTP error of the last attempt: never any child data.
    erreur = models.CharField(max_length=300, blank=True)
    lu_le = models.DateTimeField(null=True, blank=True)

    objects = RappelQuerySet.as_manager()

    class Meta:
        verbose_name = _("rappel")
        verbose_name_plural = _("rappels")
        constraints = [
            models.UniqueConstraint(
                fields=["genre", "content_type", "object_id", "echeance", "destinataire"],
                name="rappel_unique_par_evenement",
            )
        ]
        indexes = [
            models.Index(fields=["destinataire", "-cree_le"]),
            models.Index(
                fields=["destinataire"],
                condition=models.Q(lu_le__isnull=True),
                name="rappel_non_lu",
            ),
            models.Index(
                fields=["statut", "cree_le"],
                condition=models.Q(statut=StatutRappel.A_ENVOYER),
                name="rappel_a_envoyer",
            ),
            models.Index(
                fields=["reserve_le"],
                condition=models.Q(statut=StatutRappel.EN_COURS),
                name="rappel_en_cours",
            ),
            # The failed-email console (notifications:echecs): a programme's failures, newest
            # first, without scanning every reminder of the platform.
            models.Index(
                fields=["programme_id", "-cree_le", "-id"],
                condition=models.Q(statut=StatutRappel.ECHEC),
                name="rappel_echec",
            ),
        ]

    def __str__(self):
        return f"{self.genre} {self.object_id} {self.echeance:%Y-%m-%d}"

    @property
    def message_id(self) -> str:
        """Stable for the row: a receiving server drops a second copy sent after a crash."""
        return f"<rappel-{self.pk}-{self.echeance:%Y%m%d}@reussite>"


class SessionUtilisateur(models.Model):
    """One signed-in session of a user: lets them see and end their sessions, and ends them all
    when the account is deactivated. Written at login and logout only (no query per request);
    the last activity is read from the session itself."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="sessions_ouvertes", verbose_name=_("compte")
    )
    session_key = models.CharField(_("clé de session"), max_length=40, unique=True)
    cree_le = models.DateTimeField(_("ouverte le"), default=timezone.now)
    user_agent = models.CharField(_("navigateur"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("session ouverte")
        verbose_name_plural = _("sessions ouvertes")
        ordering = ["-cree_le"]

    def __str__(self):
        return f"{self.user_id} {self.cree_le:%Y-%m-%d %H:%M}"


# --- Background exports -----------------------------------------------------------------------


def stockage_exports():
    """The "exports" entry of STORAGES (the filesystem's EXPORTS_ROOT or the bucket's exports/
    prefix): outside the web root, no URL; the only way out is the download view, which checks
    that the caller asked for the file. Looked up at each use (reussite.core.stockage)."""
    from ..stockage import StockageNomme

    return StockageNomme("exports")


class StatutExport(models.TextChoices):
    EN_ATTENTE = "en_attente", _("En attente")
    EN_COURS = "en_cours", _("En préparation")
    TERMINE = "termine", _("Prêt")
    ECHEC = "echec", _("Échec")
    EXPIRE = "expire", _("Expiré")


class FormatExport(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    PDF = "pdf", "PDF"


class DemandeExport(models.Model):
    """A list export too large to build during the request: a task builds it, the page follows
    its progress, and only its requester downloads it until it expires."""

    demandeur = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="demandes_export", verbose_name=_("demandeur")
    )
    genre = models.CharField(_("liste"), max_length=40)
    format = models.CharField(_("format"), max_length=4, choices=FormatExport.choices)
    # The list page's query string, replayed for the requester when the task builds the file.
    filtres = models.CharField(_("filtres"), max_length=2000, blank=True)
    statut = models.CharField(
        _("statut"), max_length=12, choices=StatutExport.choices, default=StatutExport.EN_ATTENTE
    )
    lignes_faites = models.PositiveIntegerField(_("lignes écrites"), default=0)
    lignes_total = models.PositiveIntegerField(_("lignes à écrire"), null=True, blank=True)
    fichier = models.FileField(_("fichier"), storage=stockage_exports, blank=True, max_length=200)
    erreur = models.CharField(_("erreur"), max_length=300, blank=True)
    cree_le = models.DateTimeField(_("demandé le"), default=timezone.now)
    termine_le = models.DateTimeField(_("terminé le"), null=True, blank=True)
    expire_le = models.DateTimeField(_("expire le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande d’export")
        verbose_name_plural = _("demandes d’export")
        ordering = ["-cree_le", "-pk"]
        indexes = [
            models.Index(fields=["demandeur", "-cree_le"]),
            models.Index(fields=["expire_le"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(format__in=["csv", "xlsx", "pdf"]),
                name="demande_export_format",
            ),
        ]

    def __str__(self):
        return f"Export n° {self.pk} ({self.genre}, {self.format})"

    @property
    def en_cours(self) -> bool:
        return self.statut in (StatutExport.EN_ATTENTE, StatutExport.EN_COURS)

    @property
    def pourcentage(self) -> int:
        if self.statut == StatutExport.TERMINE:
            return 100
        if not self.lignes_total:
            return 0
        return min(99, self.lignes_faites * 100 // self.lignes_total)


class EnvoiFormulaire(models.Model):
    """A creation form's one-time token, consumed in the transaction that creates the row: a
    second submission of the same form (a double click, a reload, a replayed request) finds it
    and is sent to what the first one created instead of creating a second row."""

    jeton = models.UUIDField(_("jeton"), unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # Where the first submission led: the page of what it created (no reference to a business
    # model, so that the core depends on no app).
    suite = models.CharField(_("adresse du résultat"), max_length=500, blank=True)
    cree_le = models.DateTimeField(_("envoyé le"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("envoi de formulaire")
        verbose_name_plural = _("envois de formulaire")

    def __str__(self):
        return f"Envoi {self.jeton}"


class TypeResponsable(models.TextChoices):
    """The kinds of structure porteuse that carry a PRE (DOMAIN.md, "What a PRE is")."""

    COMMUNE = "commune", _("Commune")
    CCAS = "ccas", _("Centre communal d’action sociale (CCAS)")
    CAISSE_ECOLES = "caisse_ecoles", _("Caisse des écoles")
    GIP = "gip", _("Groupement d’intérêt public (GIP)")
    REGIE = "regie", _("Régie")
    EPCI = "epci", _("Intercommunalité (EPCI)")
    AUTRE = "autre", _("Autre structure")


class BaseLegale(models.TextChoices):
    """The lawfulness grounds of the GDPR (article 6, and 9 for health data) a PRE relies on."""

    MISSION_PUBLIQUE = (
        "mission_publique",
        _(
            "Mission d’intérêt public dont est investi le responsable du traitement (article 6.1.e "
            "du RGPD) : la réussite éducative, prévue par la loi n° 2005-32 du 18 janvier 2005"
        ),
    )
    CONSENTEMENT = (
        "consentement",
        _(
            "Consentement écrit des titulaires de l’autorité parentale (article 6.1.a du RGPD) pour "
            "le partage d’informations avec les partenaires"
        ),
    )
    OBLIGATION_LEGALE = (
        "obligation_legale",
        _(
            "Obligation légale (article 6.1.c du RGPD), pour la transmission d’une information "
            "préoccupante (article L. 226-2-1 du code de l’action sociale et des familles)"
        ),
    )
    SANTE_CONSENTEMENT = (
        "sante_consentement",
        _(
            "Consentement explicite (article 9.2.a du RGPD) pour les informations relatives à la "
            "santé de l’enfant"
        ),
    )


class CadreJuridique(models.Model):
    """A programme's legal identity (issue 19): who is the data controller, how to reach its
    DPO and the coordination, on which legal bases it relies, to whom data goes. The legal
    pages, the family notice, the consent form and the register entry read these values, so that
    no legal text is written per deployment. The retention is the programme's own setting
    (`Programme.conservation_mois`); the platform operator's identity is a setting
    (REUSSITE_OPERATEUR_*)."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="cadre_juridique"
    )
    responsable_nom = models.CharField(
        _("responsable du traitement (structure porteuse)"),
        max_length=200,
        help_text=_("Par exemple : CCAS de Villeneuve, Caisse des écoles de Villeneuve."),
    )
    responsable_type = models.CharField(
        _("nature de la structure porteuse"), max_length=20, choices=TypeResponsable.choices
    )
    responsable_adresse = models.TextField(_("adresse du responsable du traitement"))
    responsable_representant = models.CharField(
        _("représenté par"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple : le maire, la présidente du conseil d’administration."),
    )
    dpo_nom = models.CharField(
        _("délégué à la protection des données (nom ou service)"), max_length=200
    )
    dpo_email = models.EmailField(_("adresse électronique du délégué"))
    dpo_adresse = models.TextField(_("adresse postale du délégué"), blank=True)
    bases_legales = ArrayField(
        models.CharField(max_length=30, choices=BaseLegale.choices),
        verbose_name=_("bases légales"),
        default=list,
    )
    destinataires = models.TextField(
        _("destinataires des données"),
        help_text=_(
            "Qui reçoit les données, au-delà de l’équipe du programme : par exemple « les "
            "partenaires nommés dans le consentement, pour les seules informations utiles à "
            "leur action ; la cellule de recueil des informations préoccupantes du département, "
            "si un enfant est en danger »."
        ),
    )
    contact_familles = models.TextField(
        _("contact pour les familles"),
        help_text=_(
            "Où une famille pose ses questions et exerce ses droits : adresse, téléphone, "
            "horaires d’accueil."
        ),
    )
    contact_familles_email = models.EmailField(
        _("adresse électronique pour les familles"), blank=True
    )
    version = models.PositiveIntegerField(default=1)
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cadre juridique d’un programme")
        verbose_name_plural = _("cadres juridiques des programmes")

    def __str__(self):
        return f"Cadre juridique {self.programme_id}"

    def bases_legales_libelles(self) -> list[str]:
        libelles = dict(BaseLegale.choices)
        return [str(libelles[b]) for b in self.bases_legales if b in libelles]


class PorteeJeton(models.TextChoices):
    """What a personal access token may do; the user's own access still decides on each row."""

    PARCOURS_LECTURE = "parcours:lecture", _("Lire les parcours auxquels j’ai accès")
    PARCOURS_ECRITURE = "parcours:ecriture", _("Ajouter des actions et des notes")
    STATISTIQUES = "statistiques", _("Lire les statistiques (pilotage)")


class JetonAPIQuerySet(models.QuerySet):
    def valides(self, maintenant=None):
        maintenant = maintenant or timezone.now()
        return self.filter(revoque_le__isnull=True, expire_le__gt=maintenant)


class JetonAPI(models.Model):
    """A personal access token of the API (issue 22), always a user's: every call goes through
    that user's access. Only a SHA-256 digest of the secret is stored (the secret is a random
    256-bit value, so a slow password hash adds nothing); the secret is shown once, at creation.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="jetons_api")
    nom = models.CharField(_("nom du jeton"), max_length=100)
    # The first characters of the secret, shown in the list so that a user recognises a token.
    prefixe = models.CharField(_("début du jeton"), max_length=16)
    empreinte = models.CharField(max_length=64, unique=True, editable=False)
    portees = ArrayField(
        models.CharField(max_length=30, choices=PorteeJeton.choices),
        verbose_name=_("autorisations"),
    )
    cree_le = models.DateTimeField(_("créé le"), default=timezone.now)
    expire_le = models.DateTimeField(_("expire le"))
    revoque_le = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    dernier_usage_le = models.DateTimeField(_("dernier usage"), null=True, blank=True)

    objects = JetonAPIQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeton d’accès à l’API")
        verbose_name_plural = _("jetons d’accès à l’API")
        ordering = ["-cree_le", "-pk"]
        indexes = [models.Index(fields=["user", "revoque_le"])]

    def __str__(self):
        return f"{self.nom} ({self.prefixe}…)"

    @property
    def est_valide(self) -> bool:
        return self.revoque_le is None and self.expire_le > timezone.now()


class SeuilsAnomalies(models.Model):
    """The thresholds of a programme's anomaly views (issue 19), set by its DPO. A programme
    without a row uses the defaults (`SeuilsAnomalies.pour`)."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="seuils_anomalies"
    )
    lectures_hors_affectation = models.PositiveIntegerField(
        _("parcours différents consultés hors affectation, à partir de"),
        default=20,
        help_text=_(
            "Une personne qui consulte au moins ce nombre de parcours sur lesquels elle n’est "
            "ni référente ni intervenante, sur la période, apparaît dans la liste."
        ),
    )
    nuit_debut = models.PositiveSmallIntegerField(_("la nuit commence à (heure)"), default=21)
    nuit_fin = models.PositiveSmallIntegerField(_("la nuit finit à (heure)"), default=7)
    acces_nuit_week_end = models.PositiveIntegerField(
        _("accès la nuit ou le week-end, à partir de"),
        default=5,
        help_text=_("Nombre de consultations ou modifications sur la période."),
    )
    refus_par_heure = models.PositiveIntegerField(
        _("accès refusés dans la même heure, à partir de"), default=5
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("seuils des anomalies d’un programme")
        verbose_name_plural = _("seuils des anomalies des programmes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nuit_debut__lte=23, nuit_fin__lte=23),
                name="seuils_anomalies_heures",
            )
        ]

    def __str__(self):
        return f"Seuils {self.programme_id}"

    @classmethod
    def pour(cls, programme: Programme) -> "SeuilsAnomalies":
        return cls.objects.filter(programme=programme).first() or cls(
            programme=programme, version=0
        )
