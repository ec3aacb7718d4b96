"""The register of the families' rights requests (GDPR articles 12 and 15–21; issue 19).

A request is received by the programme (by post, email, at the desk), handled by its
coordination or its DPO, and answered within one month of receipt, a delay the controller may
extend by two more months when the request is complex or requests are many, telling the family
why (article 12.3). The register keeps what the law asks a controller to show: when it came,
what was asked, who handled it, what was answered, when, and the proof of the answer. It names
the pathway by its number only: the DPO who keeps it never sees a child's file.
"""

import calendar
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reussite.core.models import Programme

from .base import Parcours
from .transferts import Transfert

__all__ = [
    "STATUTS_DEMANDE_OUVERTS",
    "CanalDemande",
    "DemandeDroit",
    "GenreDemande",
    "InformationTransfert",
    "StatutDemande",
    "ajouter_mois",
    "echeance_legale",
]

# Article 12.3 of the GDPR: one month, extendable by two further months.
DELAI_MOIS = 1
PROLONGATION_MOIS = 2


def ajouter_mois(jour: date, mois: int) -> date:
    """The same day `mois` months later; the last day of that month when it has no such day
    (31 January + 1 month = 28 or 29 February)."""
    annee, rang = divmod(jour.month - 1 + mois, 12)
    annee, mois_final = jour.year + annee, rang + 1
    return date(annee, mois_final, min(jour.day, calendar.monthrange(annee, mois_final)[1]))


def echeance_legale(recue_le: date, *, prolongee: bool) -> date:
    """The day the answer is due: one month after receipt, three when extended."""
    return ajouter_mois(recue_le, DELAI_MOIS + (PROLONGATION_MOIS if prolongee else 0))


class GenreDemande(models.TextChoices):
    ACCES = "acces", _("Accès (article 15)")
    RECTIFICATION = "rectification", _("Rectification (article 16)")
    EFFACEMENT = "effacement", _("Effacement (article 17)")
    LIMITATION = "limitation", _("Limitation du traitement (article 18)")
    OPPOSITION = "opposition", _("Opposition (article 21)")


class CanalDemande(models.TextChoices):
    COURRIER = "courrier", _("Courrier")
    COURRIEL = "courriel", _("Courriel")
    ACCUEIL = "accueil", _("Sur place, à l’accueil")
    TELEPHONE = "telephone", _("Téléphone (confirmé par écrit)")


class StatutDemande(models.TextChoices):
    RECUE = "recue", _("Reçue")
    EN_COURS = "en_cours", _("En cours de traitement")
    SATISFAITE = "satisfaite", _("Satisfaite")
    REFUSEE = "refusee", _("Refusée (réponse motivée)")


STATUTS_DEMANDE_OUVERTS = (StatutDemande.RECUE, StatutDemande.EN_COURS)


class DemandeDroitQuerySet(models.QuerySet):
    def ouvertes(self):
        return self.filter(statut__in=STATUTS_DEMANDE_OUVERTS)


class DemandeDroit(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="demandes_droits"
    )
    # The pathway the request is about, when the family has one here (a request may come from
    # a family the programme does not follow: the answer is then that nothing is held).
    parcours = models.ForeignKey(
        Parcours,
        verbose_name=_("parcours concerné"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demandes_droits",
    )
    genre = models.CharField(_("droit exercé"), max_length=20, choices=GenreDemande.choices)
    # Who asks, by their quality (« la mère », « le tuteur »), never the child's name.
    demandeur = models.CharField(
        _("qui fait la demande"),
        max_length=200,
        help_text=_("Sa qualité : la mère, le père, le tuteur, l’enfant devenu majeur…"),
    )
    canal = models.CharField(_("reçue par"), max_length=20, choices=CanalDemande.choices)
    recue_le = models.DateField(_("reçue le"))
    objet = models.TextField(
        _("ce qui est demandé"),
        blank=True,
        help_text=_("En quelques mots, sans détail sur la situation de l’enfant."),
    )
    echeance = models.DateField(_("date limite de réponse"))
    prolongee = models.BooleanField(_("délai prolongé de deux mois"), default=False)
    motif_prolongation = models.TextField(_("motif de la prolongation"), blank=True)
    statut = models.CharField(
        _("statut"), max_length=20, choices=StatutDemande.choices, default=StatutDemande.RECUE
    )
    suivie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("suivie par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reponse = models.TextField(_("réponse apportée"), blank=True)
    repondue_le = models.DateField(_("réponse envoyée le"), null=True, blank=True)
    preuve = models.CharField(
        _("preuve de la réponse"),
        max_length=300,
        blank=True,
        help_text=_("Par exemple : recommandé n° 1A 234 567 8901 2, courriel du 12/03 à 10 h."),
    )
    # The right-of-access file was produced from the request (by someone whom the access
    # module lets read the pathway's data); the export itself is traced.
    dossier_produit_le = models.DateTimeField(
        _("dossier d’accès produit le"), null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cree_le = models.DateTimeField(default=timezone.now)

    objects = DemandeDroitQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande d’exercice d’un droit")
        verbose_name_plural = _("registre des demandes d’exercice des droits")
        ordering = ["-recue_le", "-pk"]
        indexes = [
            models.Index(fields=["programme", "-recue_le"]),
            # The reminder scan: the open requests by deadline.
            models.Index(
                fields=["echeance"],
                condition=models.Q(statut__in=["recue", "en_cours"]),
                name="demande_droit_ouverte",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(prolongee=False) | ~models.Q(motif_prolongation=""),
                name="demande_droit_prolongation_motivee",
            ),
        ]

    def __str__(self):
        return f"Demande n° {self.pk} ({self.genre})"

    @property
    def ouverte(self) -> bool:
        return self.statut in STATUTS_DEMANDE_OUVERTS

    def jours_restants(self, le=None) -> int:
        return (self.echeance - (le or timezone.localdate())).days

    @property
    def en_retard(self) -> bool:
        return self.ouverte and self.jours_restants() < 0


class InformationTransfert(models.Model):
    """A programme told of a request because the pathway it is about was transferred to it: that
    programme is the controller of what happened there since (GDPR article 19 and the
    controllers' duty to cooperate). One row per request and informed programme, whatever the
    number of times the telling is attempted; its coordinators and its DPO get the reminder
    « demande sur un parcours transféré », which names the request by its number only."""

    demande = models.ForeignKey(
        DemandeDroit, on_delete=models.PROTECT, related_name="informations_transfert"
    )
    transfert = models.ForeignKey(Transfert, on_delete=models.PROTECT, related_name="+")
    # The informed programme (the transfer's destination): the reminders carry it.
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    informe_le = models.DateTimeField(default=timezone.now)
    # The coordinators and DPOs who received the reminder; 0 says someone must phone or write.
    personnes_prevenues = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("information d’un programme destinataire d’un transfert")
        verbose_name_plural = _("informations des programmes destinataires d’un transfert")
        ordering = ["informe_le", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["demande", "programme"], name="information_transfert_unique"
            ),
        ]

    def __str__(self):
        return f"Information n° {self.pk} (demande n° {self.demande_id})"
