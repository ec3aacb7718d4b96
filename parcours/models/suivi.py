"""What is done on a pathway: objectives, actions, journal notes, ruptures, documents, the
information préoccupante record and the needs no local offer meets."""

from datetime import date, timedelta

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partenaires.models import Convention, Domaine, Offre, Professionnel, Structure
from reussite.core.dates import PlageDates
from reussite.core.fichiers import chemin_document
from reussite.core.models import Programme

from .base import Parcours


class StatutObjectif(models.TextChoices):
    OUVERT = "ouvert", _("Ouvert")
    ATTEINT = "atteint", _("Atteint")
    PARTIELLEMENT_ATTEINT = "partiel", _("Partiellement atteint")
    ABANDONNE = "abandonne", _("Abandonné")


class Objectif(models.Model):
    parcours = models.ForeignKey(Parcours, on_delete=models.CASCADE, related_name="objectifs")
    domaine = models.CharField(_("domaine"), max_length=20, choices=Domaine.choices)
    intitule = models.CharField(_("objectif"), max_length=300)
    statut = models.CharField(
        _("statut"), max_length=20, choices=StatutObjectif.choices, default=StatutObjectif.OUVERT
    )
    commentaire_resultat = models.TextField(_("commentaire sur le résultat"), blank=True)
    date_ouverture = models.DateField(_("ouvert le"), default=date.today)
    date_cloture = models.DateField(_("clos le"), null=True, blank=True)
    # Set when an EPS decision opened it.
    examen = models.ForeignKey(
        "parcours.Examen", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        ordering = ["date_ouverture", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(statut=StatutObjectif.OUVERT) & Q(date_cloture__isnull=True))
                | (~Q(statut=StatutObjectif.OUVERT) & Q(date_cloture__isnull=False)),
                name="objectif_cloture_coherente",
                violation_error_message=_("Un objectif clos a une date de clôture, et lui seul."),
            )
        ]

    def __str__(self):
        return self.intitule


class StatutAction(models.TextChoices):
    PREVUE = "prevue", _("Prévue")
    EN_COURS = "en_cours", _("En cours")
    REALISEE = "realisee", _("Réalisée")
    ABANDONNEE = "abandonnee", _("Abandonnée")


STATUTS_ACTION_ACTIFS = (StatutAction.PREVUE, StatutAction.EN_COURS)


class ActionCollective(models.Model):
    """One workshop or outing for several children of a programme. Each child takes part
    through an `Action` of their own pathway; the participants are only listed to someone who
    may see their pathways."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="actions_collectives"
    )
    intitule = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    offre = models.ForeignKey(
        Offre, on_delete=models.PROTECT, null=True, blank=True, related_name="actions_collectives"
    )
    structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure qui la réalise"),
        on_delete=models.PROTECT,
        related_name="actions_collectives",
    )
    professionnel = models.ForeignKey(
        Professionnel,
        verbose_name=_("professionnel"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions_collectives",
    )
    lieu = models.CharField(_("lieu"), max_length=200, blank=True)
    date_debut = models.DateField(_("début"), validators=[PlageDates("action")])
    date_fin = models.DateField(_("fin"), null=True, blank=True, validators=[PlageDates("action")])
    convention = models.ForeignKey(
        Convention,
        verbose_name=_("convention qui la finance"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions_collectives",
    )
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("action collective")
        verbose_name_plural = _("actions collectives")
        ordering = ["-date_debut", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=F("date_debut")),
                name="action_collective_fin_apres_debut",
                violation_error_message=_("La date de fin précède la date de début."),
            )
        ]

    def __str__(self):
        return self.intitule


class Action(models.Model):
    """What a partner does towards an objective: an offer used or an ad-hoc action."""

    parcours = models.ForeignKey(Parcours, on_delete=models.CASCADE, related_name="actions")
    objectif = models.ForeignKey(
        Objectif,
        verbose_name=_("objectif"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    intitule = models.CharField(_("action"), max_length=200)
    offre = models.ForeignKey(
        Offre,
        verbose_name=_("offre utilisée"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    collective = models.ForeignKey(
        ActionCollective,
        verbose_name=_("action collective"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure qui la réalise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    professionnel = models.ForeignKey(
        Professionnel,
        verbose_name=_("professionnel qui la réalise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    date_debut = models.DateField(_("début"), validators=[PlageDates("action")])
    date_fin = models.DateField(
        _("fin prévue"), null=True, blank=True, validators=[PlageDates("action")]
    )
    statut = models.CharField(
        _("statut"), max_length=20, choices=StatutAction.choices, default=StatutAction.PREVUE
    )
    resultat = models.TextField(_("résultat"), blank=True)
    cout = models.DecimalField(
        _("coût (euros)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    heures = models.DecimalField(
        _("volume horaire"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    convention = models.ForeignKey(
        Convention,
        verbose_name=_("convention qui la finance"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    examen = models.ForeignKey(
        "parcours.Examen", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["date_debut", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=F("date_debut")),
                name="action_fin_apres_debut",
                violation_error_message=_("La date de fin précède la date de début."),
            ),
            models.CheckConstraint(
                condition=Q(cout__isnull=True) | Q(cout__gte=0),
                name="action_cout_positif",
                violation_error_message=_("Le coût ne peut pas être négatif."),
            ),
            models.CheckConstraint(
                condition=Q(heures__isnull=True) | Q(heures__gt=0),
                name="action_heures_positives",
                violation_error_message=_("Le volume horaire doit être positif."),
            ),
            models.UniqueConstraint(
                fields=["parcours", "collective"],
                condition=Q(collective__isnull=False),
                name="une_participation_par_action_collective",
                violation_error_message=_("Cet enfant participe déjà à cette action collective."),
            ),
        ]
        indexes = [
            models.Index(fields=["parcours", "date_debut"]),
            models.Index(fields=["offre", "statut"]),
            models.Index(fields=["convention", "structure"]),
            models.Index(fields=["professionnel", "statut"]),
        ]

    def __str__(self):
        return self.intitule

    @property
    def est_active(self) -> bool:
        return self.statut in STATUTS_ACTION_ACTIFS

    @property
    def en_retard(self) -> bool:
        return self.est_active and self.date_fin is not None and self.date_fin < date.today()


class Visibilite(models.TextChoices):
    EQUIPE = "equipe", _("Équipe du parcours (partenaires affectés compris)")
    REFERENT_COORDINATION = "referent", _("Référent et coordination")
    AUTEUR = "auteur", _("Moi seul·e")


# An author may correct a note for this long; afterwards only a dated addendum amends it.
DELAI_MODIFICATION_NOTE = timedelta(hours=24)


class NoteQuerySet(models.QuerySet):
    def lisibles_par(self, user, *, equipe: bool):
        """Notes of pathways the caller already authorised (through `parcours_pour`) that
        `user` may read: their own, the team's, and — for the référent and the coordination
        (`equipe`) — those restricted to them. Another author's private note never."""
        visibles = Q(auteur_id=user.pk) | Q(visibilite=Visibilite.EQUIPE)
        if equipe:
            visibles |= Q(visibilite=Visibilite.REFERENT_COORDINATION)
        return self.filter(visibles)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["version", "modifie_le"],
)
class Note(models.Model):
    """A journal entry on a pathway, read only within its visibility (DOMAIN.md, rule 2)."""

    parcours = models.ForeignKey(Parcours, on_delete=models.CASCADE, related_name="notes")
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notes"
    )
    visibilite = models.CharField(
        _("visible par"), max_length=20, choices=Visibilite.choices, default=Visibilite.EQUIPE
    )
    texte = models.TextField(_("note"))
    version = models.PositiveIntegerField(default=1)
    cree_le = models.DateTimeField(default=timezone.now)
    modifie_le = models.DateTimeField(auto_now=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-cree_le", "-pk"]
        indexes = [models.Index(fields=["parcours", "-cree_le"])]

    def __str__(self):
        return f"Note n° {self.pk}"

    def modifiable_jusqua(self):
        return self.cree_le + DELAI_MODIFICATION_NOTE


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Addendum(models.Model):
    """A dated amendment to a note past its 24 hours; it shares the note's visibility."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="addenda")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    texte = models.TextField(_("addendum"))
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("addendum")
        verbose_name_plural = _("addenda")
        ordering = ["cree_le", "pk"]

    def __str__(self):
        return f"Addendum n° {self.pk}"


class InformationPreoccupante(models.Model):
    """Records that an information préoccupante was sent to the CRIP outside the platform
    (DOMAIN.md, rule 7). Read by référent and coordination only."""

    parcours = models.ForeignKey(
        Parcours, on_delete=models.CASCADE, related_name="informations_preoccupantes"
    )
    date_transmission = models.DateField(
        _("date de transmission à la CRIP"), validators=[PlageDates("suivi")]
    )
    transmise_par = models.CharField(_("transmise par"), max_length=200)
    reference = models.CharField(_("référence de la transmission"), max_length=100, blank=True)
    commentaire = models.TextField(_("commentaire"), blank=True)
    enregistree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("information préoccupante transmise")
        verbose_name_plural = _("informations préoccupantes transmises")
        ordering = ["-date_transmission", "-pk"]

    def __str__(self):
        return f"IP du {self.date_transmission:%d/%m/%Y}"


class TypeRupture(models.TextChoices):
    DEMENAGEMENT = "demenagement", _("Déménagement")
    CHANGEMENT_ECOLE = "changement_ecole", _("Changement d’école")
    EXCLUSION = "exclusion", _("Exclusion scolaire")
    HOSPITALISATION = "hospitalisation", _("Hospitalisation")
    PLACEMENT = "placement", _("Placement")
    ABSENCE_LONGUE = "absence", _("Absence prolongée")
    AUTRE = "autre", _("Autre")


class Rupture(models.Model):
    """An event that threatens continuity, recorded with the response decided."""

    parcours = models.ForeignKey(Parcours, on_delete=models.CASCADE, related_name="ruptures")
    type = models.CharField(_("type de rupture"), max_length=20, choices=TypeRupture.choices)
    date = models.DateField(_("date"), validators=[PlageDates("suivi")])
    description = models.TextField(_("description"), blank=True)
    reponse = models.TextField(_("réponse décidée"), blank=True)
    date_reponse = models.DateField(
        _("décidée le"), null=True, blank=True, validators=[PlageDates("suivi")]
    )
    enregistree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cree_le = models.DateTimeField(auto_now_add=True)
    # The response is corrected on a form read at this version (reussite/core/ecriture.py); a
    # database default too, for the generators that insert rows in bulk SQL.
    version = models.PositiveIntegerField(default=1, db_default=1)

    class Meta:
        verbose_name = _("rupture")
        verbose_name_plural = _("ruptures")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(reponse="") & Q(date_reponse__isnull=True))
                | (~Q(reponse="") & Q(date_reponse__isnull=False)),
                name="rupture_reponse_datee",
                violation_error_message=_("Une réponse décidée est datée, et elle seule."),
            )
        ]

    def __str__(self):
        return self.get_type_display()


class Document(models.Model):
    """A file attached to a pathway (same content checks as consent scans). Removal archives."""

    parcours = models.ForeignKey(Parcours, on_delete=models.CASCADE, related_name="documents")
    titre = models.CharField(_("titre"), max_length=200)
    fichier = models.FileField(_("fichier"), upload_to=chemin_document("documents"))
    type_mime = models.CharField(max_length=50, editable=False)
    depose_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cree_le = models.DateTimeField(auto_now_add=True)
    archive_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-cree_le", "-pk"]

    def __str__(self):
        return self.titre


class StatutBesoin(models.TextChoices):
    OUVERT = "ouvert", _("En attente d’une offre")
    COUVERT = "couvert", _("Couvert par une offre")
    CLOS = "clos", _("Clos sans offre")


class TrancheAge(models.TextChoices):
    """The national survey's age bands."""

    DEUX_CINQ = "2-5", _("2 à 5 ans")
    SIX_DIX = "6-10", _("6 à 10 ans")
    ONZE_SEIZE = "11-16", _("11 à 16 ans")
    DIX_SEPT_PLUS = "17+", _("17 ans et plus")


def tranche_age_de(age: int) -> str:
    if age <= 5:
        return TrancheAge.DEUX_CINQ
    if age <= 10:
        return TrancheAge.SIX_DIX
    if age <= 16:
        return TrancheAge.ONZE_SEIZE
    return TrancheAge.DIX_SEPT_PLUS


class BesoinNonCouvert(models.Model):
    """A need found in a pathway that no local offer meets. It carries no identity: domain,
    age band, territory and a description written without the child's name; the link to the
    pathway only lets the team find it again, and is cut when the pathway is anonymised."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="besoins_non_couverts"
    )
    parcours = models.ForeignKey(
        Parcours, on_delete=models.SET_NULL, null=True, blank=True, related_name="besoins"
    )
    domaine = models.CharField(_("domaine"), max_length=20, choices=Domaine.choices)
    tranche_age = models.CharField(_("âge"), max_length=5, choices=TrancheAge.choices)
    territoire = models.CharField(_("territoire"), max_length=100, blank=True)
    description = models.TextField(
        _("besoin"), help_text=_("Décrivez le besoin sans nommer l’enfant ni sa famille.")
    )
    statut = models.CharField(
        _("statut"), max_length=10, choices=StatutBesoin.choices, default=StatutBesoin.OUVERT
    )
    date_signalement = models.DateField(_("signalé le"), default=date.today)
    date_cloture = models.DateField(_("clos le"), null=True, blank=True)
    offre = models.ForeignKey(
        Offre,
        verbose_name=_("offre trouvée"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="besoins_couverts",
    )
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("besoin non couvert")
        verbose_name_plural = _("besoins non couverts")
        ordering = ["-date_signalement", "-pk"]
        indexes = [models.Index(fields=["programme", "statut", "domaine"])]

    def __str__(self):
        return f"{self.get_domaine_display()} ({self.get_tranche_age_display()})"
