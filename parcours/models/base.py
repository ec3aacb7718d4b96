"""Children, their families and their pathways in a programme."""

import contextlib
from datetime import date

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from partenaires.models import Professionnel, Structure
from reussite.core.dates import PlageDates
from reussite.core.fichiers import chemin_document
from reussite.core.models import Programme
from reussite.core.telephones import valider_telephone

from ..querysets import EnfantQuerySet, ParcoursQuerySet
from ..text import normaliser


class Sexe(models.TextChoices):
    FEMININ = "F", _("Fille")
    MASCULIN = "M", _("Garçon")


class NiveauScolaire(models.TextChoices):
    NON_SCOLARISE = "non_scolarise", _("Non scolarisé")
    PS = "ps", _("Petite section")
    MS = "ms", _("Moyenne section")
    GS = "gs", _("Grande section")
    CP = "cp", _("CP")
    CE1 = "ce1", _("CE1")
    CE2 = "ce2", _("CE2")
    CM1 = "cm1", _("CM1")
    CM2 = "cm2", _("CM2")
    SIXIEME = "6e", _("6e")
    CINQUIEME = "5e", _("5e")
    QUATRIEME = "4e", _("4e")
    TROISIEME = "3e", _("3e")
    LYCEE = "lycee", _("Lycée")


# The order a child goes through the levels, one a school year.
PROGRESSION_NIVEAUX = [
    NiveauScolaire.PS,
    NiveauScolaire.MS,
    NiveauScolaire.GS,
    NiveauScolaire.CP,
    NiveauScolaire.CE1,
    NiveauScolaire.CE2,
    NiveauScolaire.CM1,
    NiveauScolaire.CM2,
    NiveauScolaire.SIXIEME,
    NiveauScolaire.CINQUIEME,
    NiveauScolaire.QUATRIEME,
    NiveauScolaire.TROISIEME,
    NiveauScolaire.LYCEE,
]
# (month, day) of the rentrée: the school year's first day.
DEBUT_ANNEE_SCOLAIRE = (9, 1)


def annee_scolaire(le: date) -> int:
    """The year the school year of `le` started (2026 for 2026-2027)."""
    return le.year if (le.month, le.day) >= DEBUT_ANNEE_SCOLAIRE else le.year - 1


def libelle_annee_scolaire(annee: int | None) -> str:
    """« 2026-2027 » for 2026."""
    return f"{annee}-{annee + 1}" if annee is not None else ""


def niveau_en(niveau: str, annee_notee: int | None, annee: int) -> str:
    """The level, in the school year starting in September `annee`, of a child whose level
    `niveau` was recorded for the school year `annee_notee` (a row without a year counts as
    recorded this year): one level more per school year passed, lycée the last one. A level
    outside the progression (non scolarisé) is kept. The result is a guess once a year has
    passed: the team confirms it (or records a repeated year) on the child's record."""
    if not niveau or annee_notee is None or annee <= annee_notee:
        return niveau
    if niveau not in PROGRESSION_NIVEAUX:
        return niveau
    rang = PROGRESSION_NIVEAUX.index(niveau) + (annee - annee_notee)
    return PROGRESSION_NIVEAUX[min(rang, len(PROGRESSION_NIVEAUX) - 1)]


class LienResponsable(models.TextChoices):
    MERE = "mere", _("Mère")
    PERE = "pere", _("Père")
    TUTEUR = "tuteur", _("Tuteur·rice")
    INSTITUTION = "institution", _("Institution (ASE…)")
    AUTRE = "autre", _("Autre")


# Rectification history (django-pghistory): database triggers record each insert, update and
# delete of the identity and pathway rows, bulk updates included, with the request's user in
# the context. Technical columns (versions, timestamps, the search key) are not tracked, so
# that a version bump alone records nothing. Anonymisation scrubs these rows too
# (`parcours.services.protection`).
def suivi() -> tuple:
    """Fresh trackers for each model: a tracker keeps the fields of the model it was bound to."""
    return (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())


NON_SUIVIS = ["cree_le", "modifie_le"]


@pghistory.track(*suivi(), exclude=[*NON_SUIVIS, "anonymise_le", "version"])
class Famille(models.Model):
    """A household: the legal guardians and the children (siblings) of one family."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="familles")
    adresse = models.CharField(_("adresse"), max_length=300, blank=True)
    commune = models.CharField(_("commune"), max_length=100, blank=True)
    langue_parlee = models.CharField(_("langue parlée à la maison"), max_length=100, blank=True)
    # Set once every child of the family is anonymised (retention ended).
    anonymise_le = models.DateTimeField(null=True, blank=True, editable=False)
    cree_le = models.DateTimeField(auto_now_add=True)
    # Read by the edit form and checked by `verrouiller` (reussite/core/ecriture.py); a
    # database default too, for the generators that insert rows in bulk SQL.
    version = models.PositiveIntegerField(default=1, db_default=1)
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("famille")
        verbose_name_plural = _("familles")

    def __str__(self):
        return f"Famille n° {self.pk}"


@pghistory.track(*suivi())
class ResponsableLegal(models.Model):
    famille = models.ForeignKey(Famille, on_delete=models.CASCADE, related_name="responsables")
    nom = models.CharField(_("nom"), max_length=150)
    prenom = models.CharField(_("prénom"), max_length=150, blank=True)
    lien = models.CharField(_("lien avec l’enfant"), max_length=20, choices=LienResponsable.choices)
    autorite_parentale = models.BooleanField(_("exerce l’autorité parentale"), default=True)
    telephone = models.CharField(
        _("téléphone"), max_length=30, blank=True, validators=[valider_telephone]
    )
    email = models.EmailField(_("adresse électronique"), blank=True)

    class Meta:
        verbose_name = _("responsable légal")
        verbose_name_plural = _("responsables légaux")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.prenom} {self.nom}".strip()


ENFANT_ANONYMISE = _("Enfant anonymisé")


@pghistory.track(*suivi(), exclude=[*NON_SUIVIS, "recherche", "version", "niveau_scolaire_annee"])
class Enfant(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="enfants")
    famille = models.ForeignKey(Famille, on_delete=models.PROTECT, related_name="enfants")
    nom = models.CharField(_("nom"), max_length=150)
    prenom = models.CharField(_("prénom"), max_length=150)
    date_naissance = models.DateField(_("date de naissance"), validators=[PlageDates("naissance")])
    sexe = models.CharField(_("sexe"), max_length=1, choices=Sexe.choices)
    etablissement = models.ForeignKey(
        Structure,
        verbose_name=_("établissement scolaire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="eleves",
    )
    niveau_scolaire = models.CharField(
        _("niveau scolaire"), max_length=20, choices=NiveauScolaire.choices, blank=True
    )
    # The school year the level was recorded for (2026 for 2026-2027): a level recorded last
    # year has moved on since September (`niveau_en`). Set by `noter_niveau` and, for a new
    # row, by save(); empty with the level. Rows inserted in bulk SQL without it count as
    # recorded this year.
    niveau_scolaire_annee = models.PositiveSmallIntegerField(
        _("année scolaire du niveau"), null=True, blank=True, editable=False
    )
    classe = models.CharField(_("classe"), max_length=50, blank=True)
    quartier = models.CharField(_("quartier"), max_length=150, blank=True)
    qpv = models.BooleanField(_("habite un quartier prioritaire (QPV)"), default=False)
    # The child's identifier in the tool the programme used before (import of a caseload):
    # re-importing a corrected file updates the child it names, never duplicates it.
    identifiant_externe = models.CharField(
        _("identifiant externe"),
        max_length=100,
        blank=True,
        default="",
        db_default="",  # the generators insert children in bulk SQL
        editable=False,
    )
    # Accent- and case-free "nom prénom", kept by save(): search compares it with the typed words.
    recherche = models.CharField(max_length=310, editable=False, default="")
    # Set by the retention task: identity removed, statistical facts kept; shown as
    # « Enfant anonymisé » (prénom « Enfant », nom « anonymisé »).
    anonymise_le = models.DateTimeField(_("anonymisé le"), null=True, blank=True, editable=False)
    cree_le = models.DateTimeField(auto_now_add=True)
    # Read by the edit form and checked by `verrouiller` (reussite/core/ecriture.py); a
    # database default too, for the generators that insert rows in bulk SQL.
    version = models.PositiveIntegerField(default=1, db_default=1)
    modifie_le = models.DateTimeField(auto_now=True)

    objects = EnfantQuerySet.as_manager()

    class Meta:
        verbose_name = _("enfant")
        verbose_name_plural = _("enfants")
        indexes = [
            models.Index(fields=["programme", "date_naissance"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "identifiant_externe"],
                condition=~Q(identifiant_externe=""),
                name="enfant_identifiant_externe_unique",
            )
        ]

    def __str__(self):
        if self.anonymise_le is not None:
            return str(ENFANT_ANONYMISE)
        return f"{self.prenom} {self.nom}"

    def save(self, *args, **kwargs):
        self.recherche = normaliser(f"{self.nom} {self.prenom}")
        if not self.niveau_scolaire:
            self.niveau_scolaire_annee = None
        elif self.niveau_scolaire_annee is None:
            self.niveau_scolaire_annee = annee_scolaire(timezone.localdate())
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "recherche",
                "niveau_scolaire_annee",
            }
        super().save(*args, **kwargs)

    def noter_niveau(self, niveau: str, *, le: date | None = None) -> None:
        """Record the level the child is in this school year (a form or a file says it now)."""
        self.niveau_scolaire = niveau
        self.niveau_scolaire_annee = annee_scolaire(le or timezone.localdate()) if niveau else None

    def niveau_actuel(self, le: date | None = None) -> str:
        """The recorded level moved on to the school year of `le` ("" when none recorded)."""
        return niveau_en(
            self.niveau_scolaire,
            self.niveau_scolaire_annee,
            annee_scolaire(le or timezone.localdate()),
        )

    def niveau_a_verifier(self, le: date | None = None) -> bool:
        """Whether the recorded level is from an earlier school year (a guess since)."""
        return bool(self.niveau_scolaire) and (
            self.niveau_scolaire_annee is not None
            and self.niveau_scolaire_annee < annee_scolaire(le or timezone.localdate())
        )

    @property
    def libelle_annee_niveau(self) -> str:
        return libelle_annee_scolaire(self.niveau_scolaire_annee)

    def age(self, le: date | None = None) -> int:
        le = le or date.today()
        return (
            le.year
            - self.date_naissance.year
            - ((le.month, le.day) < (self.date_naissance.month, self.date_naissance.day))
        )


class Statut(models.TextChoices):
    REPERAGE = "reperage", _("Repérage")
    EN_ATTENTE_CONSENTEMENT = "attente_consentement", _("En attente de consentement")
    DIAGNOSTIC = "diagnostic", _("Diagnostic")
    EN_COURS = "en_cours", _("En cours")
    SUSPENDU = "suspendu", _("Suspendu")
    SORTI = "sorti", _("Sorti")


class Orienteur(models.TextChoices):
    ECOLE = "ecole", _("École / établissement scolaire")
    PMI = "pmi", _("PMI")
    SERVICE_SOCIAL = "service_social", _("Service social")
    ASE = "ase", _("Aide sociale à l’enfance")
    SANTE = "sante", _("Santé")
    FAMILLE = "famille", _("Famille")
    ASSOCIATION = "association", _("Association")
    VILLE = "ville", _("Services de la ville")
    AUTRE = "autre", _("Autre")


class MotifOrientation(models.TextChoices):
    RESULTATS_SCOLAIRES = "resultats_scolaires", _("Résultats scolaires")
    ISOLEMENT_SOCIAL = "isolement_social", _("Isolement social")
    COMPORTEMENT = "comportement", _("Comportement")
    SANTE = "sante", _("Santé")
    PARENTALITE = "parentalite", _("Soutien à la parentalité")
    LANGAGE = "langage", _("Langage")
    ABSENTEISME = "absenteisme", _("Absentéisme")
    AUTRE = "autre", _("Autre")


class ProfilAccompagnement(models.TextChoices):
    LEGER = "leger", _("Accompagnement léger")
    SOUTENU = "soutenu", _("Accompagnement soutenu")
    RENFORCE = "renforce", _("Accompagnement renforcé")


class MotifSortie(models.TextChoices):
    OBJECTIFS_ATTEINTS = "objectifs_atteints", _("Objectifs atteints")
    REFUS_FAMILLE = "refus_famille", _("Refus de la famille")
    DEMENAGEMENT = "demenagement", _("Déménagement")
    REORIENTATION = "reorientation", _("Réorientation vers le droit commun")
    PRISE_EN_CHARGE_ASE = "ase", _("Prise en charge par l’ASE")
    LIMITE_AGE = "limite_age", _("Limite d’âge atteinte")
    SANS_NOUVELLES = "sans_nouvelles", _("Sans nouvelles de la famille")
    # The family moved and the pathway continues in another programme (`Transfert`).
    TRANSFERT = "transfert", _("Transfert vers un autre programme")
    # A family's accepted GDPR request (`DemandeDroit`, issue 19): set by that service only.
    OPPOSITION = "opposition", _("Opposition de la famille")
    EFFACEMENT = "effacement", _("Effacement demandé")
    AUTRE = "autre", _("Autre")


@pghistory.track(*suivi(), exclude=[*NON_SUIVIS, "version", "derniere_activite"])
class Parcours(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="parcours")
    enfant = models.ForeignKey(Enfant, on_delete=models.PROTECT, related_name="parcours")
    statut = models.CharField(
        _("statut"), max_length=30, choices=Statut.choices, default=Statut.REPERAGE
    )
    orienteur = models.CharField(_("orienté par"), max_length=20, choices=Orienteur.choices)
    orienteur_structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure qui oriente"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orientations",
    )
    motifs_orientation = ArrayField(
        models.CharField(max_length=30, choices=MotifOrientation.choices),
        verbose_name=_("motifs d’orientation"),
        default=list,
    )
    profil_accompagnement = models.CharField(
        _("profil d’accompagnement"),
        max_length=20,
        choices=ProfilAccompagnement.choices,
        blank=True,
    )
    referent = models.ForeignKey(
        Professionnel,
        verbose_name=_("référent de parcours"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parcours_referes",
    )
    date_entree = models.DateField(_("date d’entrée"), validators=[PlageDates("entree")])
    date_sortie = models.DateField(
        _("date de sortie"), null=True, blank=True, validators=[PlageDates("sortie")]
    )
    motif_sortie = models.CharField(
        _("motif de sortie"), max_length=30, choices=MotifSortie.choices, blank=True
    )
    date_prochaine_revue = models.DateField(
        _("prochaine revue en EPS"), null=True, blank=True, validators=[PlageDates("revue")]
    )
    # Flag set when an information préoccupante was transmitted to the CRIP (DOMAIN.md, rule 7);
    # only the référent and the coordination see it.
    information_preoccupante_le = models.DateField(null=True, blank=True, editable=False)
    # Incremented by every service that edits the pathway: optimistic locking of concurrent edits.
    version = models.PositiveIntegerField(default=1)
    derniere_activite = models.DateTimeField(_("dernière activité"), auto_now_add=True)
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    objects = ParcoursQuerySet.as_manager()

    class Meta:
        verbose_name = _("parcours")
        verbose_name_plural = _("parcours")
        default_permissions = ("view", "change")
        constraints = [
            models.UniqueConstraint(
                fields=["enfant", "programme"],
                condition=~Q(statut=Statut.SORTI),
                name="un_parcours_ouvert_par_enfant_et_programme",
                violation_error_message=_(
                    "Cet enfant a déjà un parcours ouvert dans ce programme."
                ),
            ),
            models.CheckConstraint(
                condition=Q(date_sortie__isnull=True) | Q(date_sortie__gte=F("date_entree")),
                name="parcours_sortie_apres_entree",
                violation_error_message=_("La date de sortie précède la date d’entrée."),
            ),
            models.CheckConstraint(
                condition=(Q(statut=Statut.SORTI, date_sortie__isnull=False) & ~Q(motif_sortie=""))
                | (~Q(statut=Statut.SORTI) & Q(date_sortie__isnull=True, motif_sortie="")),
                name="parcours_sortie_complete",
                violation_error_message=_(
                    "Un parcours sorti a une date et un motif de sortie, et seulement lui."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "statut"]),
            models.Index(fields=["programme", "date_prochaine_revue"]),
            models.Index(fields=["referent", "statut"]),
        ]

    def __str__(self):
        return f"Parcours n° {self.pk}"

    @property
    def est_ouvert(self) -> bool:
        return self.statut != Statut.SORTI

    def get_motifs_orientation_display(self) -> list[str]:
        return [MotifOrientation(motif).label for motif in self.motifs_orientation]


class ParcoursUserObjectPermission(UserObjectPermissionBase):
    """guardian's direct-FK permission rows, derived by `parcours.permissions` only.

    `expire_le` carries the time-bound facts (consent expiry, the référent's 30 days after
    exit): reads ignore a row from that day on, with nothing saved.
    """

    # Indexes (issue 18): guardian's unique (user, permission, content_object) serves the reads
    # by person, `droit_parcours_objet_personne` those by pathway and "does this person hold a
    # row on this pathway?" in one exact probe (the DPO's reads outside assignment test it for
    # every read of the month). The foreign keys' own single-column indexes would only repeat
    # their first column, and the planner probed the person's index, reading all their rows
    # for each read (170 ms instead of 20 at national scale).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, db_index=False)
    content_object = models.ForeignKey(Parcours, on_delete=models.CASCADE, db_index=False)
    expire_le = models.DateField(null=True, blank=True)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [
            models.Index(fields=["content_object", "user"], name="droit_parcours_objet_personne")
        ]


class ParcoursGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Parcours, on_delete=models.CASCADE)


class ChangementStatut(models.Model):
    """History of a pathway's status changes."""

    parcours = models.ForeignKey(Parcours, on_delete=models.CASCADE, related_name="historique")
    ancien_statut = models.CharField(max_length=30, choices=Statut.choices, blank=True)
    nouveau_statut = models.CharField(max_length=30, choices=Statut.choices)
    le = models.DateTimeField(auto_now_add=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    commentaire = models.TextField(blank=True)

    class Meta:
        verbose_name = _("changement de statut")
        verbose_name_plural = _("changements de statut")
        ordering = ["-le", "-pk"]
        indexes = [models.Index(fields=["parcours", "-le"])]

    def __str__(self):
        return f"{self.get_ancien_statut_display()} → {self.get_nouveau_statut_display()}"


class Finalite(models.TextChoices):
    ACCOMPAGNEMENT = "accompagnement", _("Mise en place et suivi du parcours")
    PARTAGE = "partage", _("Partage d’informations avec les partenaires désignés")
    EPS = "eps", _("Examen de la situation en équipe pluridisciplinaire (EPS)")
    STATISTIQUES = "statistiques", _("Statistiques anonymes du programme")
    TRANSFERT = "transfert", _("Transfert vers un autre programme (déménagement)")


@pghistory.track(*suivi(), exclude=["cree_le"])
class Consentement(models.Model):
    """The family's written consent to the pathway and to sharing information."""

    parcours = models.ForeignKey(Parcours, on_delete=models.CASCADE, related_name="consentements")
    date_signature = models.DateField(
        _("date de signature"), validators=[PlageDates("consentement_signature")]
    )
    signataires = models.ManyToManyField(
        ResponsableLegal, verbose_name=_("signataires"), related_name="consentements", blank=True
    )
    structures = models.ManyToManyField(
        Structure,
        verbose_name=_("structures avec qui partager"),
        related_name="consentements",
        blank=True,
    )
    finalites = ArrayField(
        models.CharField(max_length=30, choices=Finalite.choices),
        verbose_name=_("finalités"),
        default=list,
        blank=True,
    )
    fichier = models.FileField(
        _("formulaire signé"), upload_to=chemin_document("consentements"), blank=True
    )
    renouvelle = models.OneToOneField(
        "self",
        verbose_name=_("renouvelle le consentement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renouvele_par",
    )
    date_expiration = models.DateField(
        _("date d’expiration"), validators=[PlageDates("consentement_expiration")]
    )
    date_retrait = models.DateField(
        _("date de retrait"), null=True, blank=True, validators=[PlageDates("consentement_retrait")]
    )
    motif_retrait = models.TextField(_("motif du retrait"), blank=True)
    enregistre_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["-date_signature", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_expiration__gt=F("date_signature")),
                name="consentement_expire_apres_signature",
                violation_error_message=_("L’expiration doit suivre la signature."),
            )
        ]

    def __str__(self):
        return f"Consentement du {self.date_signature:%d/%m/%Y}"

    def fin_de_validite(self) -> date:
        """First day the consent no longer covers anything: its expiry, its withdrawal, or the
        signature of the consent that renews (and so replaces) it."""
        fins = [self.date_expiration]
        if self.date_retrait is not None:
            fins.append(self.date_retrait)
        with contextlib.suppress(Consentement.DoesNotExist):
            fins.append(self.renouvele_par.date_signature)
        return min(fins)

    def est_valide(self, le: date | None = None) -> bool:
        le = le or date.today()
        return self.date_signature <= le < self.fin_de_validite()

    @property
    def autorise_le_partage(self) -> bool:
        return Finalite.PARTAGE in self.finalites


class Intervenant(models.Model):
    """A professional who delivers something for the pathway (DOMAIN.md: "intervenant")."""

    parcours = models.ForeignKey(Parcours, on_delete=models.CASCADE, related_name="intervenants")
    professionnel = models.ForeignKey(
        Professionnel, on_delete=models.PROTECT, related_name="interventions"
    )
    depuis = models.DateField(_("depuis"), default=date.today)
    actif = models.BooleanField(default=True)
    ajoute_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("intervenant")
        verbose_name_plural = _("intervenants")
        constraints = [
            models.UniqueConstraint(
                fields=["parcours", "professionnel"],
                condition=Q(actif=True),
                name="intervenant_actif_unique",
                violation_error_message=_("Ce professionnel intervient déjà sur ce parcours."),
            )
        ]
        indexes = [models.Index(fields=["professionnel", "actif"])]

    def __str__(self):
        return f"{self.professionnel} – {self.parcours}"
