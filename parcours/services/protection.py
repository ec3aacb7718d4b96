"""Data-protection lifecycle: anonymisation of the children whose retention period has ended
(DOMAIN.md, rule 5).

A child is anonymised when every pathway of theirs is closed and the retention period of its
programme (`Programme.conservation_mois`, months after the exit) has ended for each of them.
Their identity, their family's contacts (once every child of the family is anonymised), every
free text of their pathways and their files are removed, in the change history (pghistory event
rows) too; what the statistics count is kept: dates of entry and exit, exit reason, sex, school
level, QPV, month and year of birth (see `date_naissance_anonymisee`), domains, orienteur,
motives, statuses, actions, examinations, consents, counts. The task is idempotent: an
anonymised child is marked (`anonymise_le`) and never selected again.
"""

import logging
from dataclasses import dataclass
from datetime import date

import pghistory
from django.apps import apps
from django.db import transaction
from django.db.models import (
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from reussite.core.stockage import ERREURS_STOCKAGE

from ..models import (
    Action,
    Addendum,
    BesoinNonCouvert,
    ChangementStatut,
    Consentement,
    Dispositif,
    Document,
    Enfant,
    Examen,
    Famille,
    InformationPreoccupante,
    Note,
    Objectif,
    Orientation,
    Parcours,
    ParoleFamille,
    QuestionnaireSortie,
    ResponsableLegal,
    Rupture,
    Sollicitation,
    Transition,
)

__all__ = [
    "TEXTE_SUPPRIME",
    "BilanAnonymisation",
    "date_naissance_anonymisee",
    "enfants_a_anonymiser",
    "enfants_anonymiser",
]

logger = logging.getLogger(__name__)

# What replaces a non-empty free text. An empty text stays empty (so that constraints such as
# "a decided response is dated" keep holding, and a count of answered ruptures is unchanged).
TEXTE_SUPPRIME = "[texte supprimé lors de l’anonymisation]"
PRENOM_ANONYME = "Enfant"
NOM_ANONYME = "anonymisé"
RESPONSABLE_ANONYME = "anonymisé"
LOT = 200


def date_naissance_anonymisee(date_naissance: date) -> date:
    """The birth date kept after anonymisation: the first day of the birth month.

    The statistics count children by the national survey's age bands, at the last day of the
    period (`statistiques._tranches_age`). A child born on day d of month m is older than n
    years on date D exactly when (m, d) <= (D.month, D.day) in the year of their nth birthday.
    When D is the last day of a month, that is `m <= D.month` whatever d: the day is never
    needed. Keeping the month and year (the first of the month) therefore gives the same age
    band at every month end — the annual survey (31 December), the default calendar-year
    period, every month and quarter — while the exact date, which with the sex and the
    neighbourhood would single a child out, is not kept. Only a period ending mid-month could
    place a child born in that very month one band earlier or later, once, around a 6th, 11th
    or 17th birthday; keeping the year alone would instead shift every month-end period.
    """
    return date_naissance.replace(day=1)


class MoisEnIntervalle(Func):
    """`make_interval(months => n)`: a number of months as a PostgreSQL interval."""

    template = "make_interval(months => %(expressions)s)"


def _fin_de_conservation():
    return ExpressionWrapper(
        F("date_sortie") + MoisEnIntervalle(F("programme__conservation_mois")),
        output_field=DateField(),
    )


def enfants_a_anonymiser(le: date | None = None):
    """Children not yet anonymised whose pathways are all closed, each one for longer than its
    programme's retention period."""
    le = le or timezone.localdate()
    encore_conserve = (
        Parcours.objects.filter(enfant=OuterRef("pk"))
        .annotate(fin_conservation=_fin_de_conservation())
        .filter(Q(date_sortie__isnull=True) | Q(fin_conservation__gt=le))
    )
    return Enfant.objects.filter(
        Exists(Parcours.objects.filter(enfant=OuterRef("pk"))), anonymise_le__isnull=True
    ).exclude(Exists(encore_conserve))


@dataclass
class BilanAnonymisation:
    enfants: int = 0
    familles: int = 0
    fichiers: int = 0


def _vider(queryset, *champs: str) -> None:
    """Replace each non-empty text field by the marker (one UPDATE per field)."""
    for champ in champs:
        queryset.exclude(**{champ: ""}).update(**{champ: TEXTE_SUPPRIME})


def _evenements(nom: str):
    return apps.get_model("parcours", f"{nom}Event").objects


def _supprimer_fichiers(noms: list[tuple]) -> None:
    """Delete the files (objects, when the storage is S3) once the transaction that forgot them
    is committed."""

    def supprimer():
        for champ, nom in noms:
            try:
                champ.storage.delete(nom)
            except (
                ERREURS_STOCKAGE
            ):  # the next run cannot see it any more: say so, without the name
                logger.exception("Anonymisation: a file could not be deleted")

    transaction.on_commit(supprimer)


def _anonymiser_lot(enfant_ids: list[int], maintenant) -> BilanAnonymisation:
    bilan = BilanAnonymisation()
    enfants = Enfant.objects.filter(pk__in=enfant_ids)
    parcours = Parcours.objects.filter(enfant_id__in=enfant_ids)
    familles_touchees = set(enfants.values_list("famille_id", flat=True))

    # Identity. The birth date keeps its month and year (see `date_naissance_anonymisee`).
    bilan.enfants = enfants.update(
        nom=NOM_ANONYME,
        prenom=PRENOM_ANONYME,
        date_naissance=TruncMonth("date_naissance", output_field=DateField()),
        etablissement=None,
        classe="",
        quartier="",
        recherche="",
        identifiant_externe="",
        anonymise_le=maintenant,
    )
    _evenements("Enfant").filter(pgh_obj_id__in=enfant_ids).update(
        nom=NOM_ANONYME,
        prenom=PRENOM_ANONYME,
        date_naissance=TruncMonth("date_naissance", output_field=DateField()),
        etablissement=None,
        classe="",
        quartier="",
        identifiant_externe="",
    )
    parcours.update(orienteur_structure=None)
    _evenements("Parcours").filter(pgh_obj_id__in=parcours.values("pk")).update(
        orienteur_structure=None
    )
    # The referral a pathway came from repeats the child's identity and the family's contact.
    identite_orientation = {
        "nom": NOM_ANONYME,
        "prenom": PRENOM_ANONYME,
        "date_naissance": TruncMonth("date_naissance", output_field=DateField()),
        "contact_nom": "",
        "contact_prenom": "",
        "contact_telephone": "",
        "contact_email": "",
        "deja_tente": "",
    }
    orientations = Orientation.objects.filter(parcours__in=parcours)
    _evenements("Orientation").filter(pgh_obj_id__in=orientations.values("pk")).update(
        **identite_orientation
    )
    orientations.update(recherche="", **identite_orientation)

    # Free text of the pathways.
    _vider(ChangementStatut.objects.filter(parcours__in=parcours), "commentaire")
    _vider(Objectif.objects.filter(parcours__in=parcours), "intitule", "commentaire_resultat")
    _vider(Action.objects.filter(parcours__in=parcours), "intitule", "resultat")
    notes = Note.objects.filter(parcours__in=parcours)
    _vider(notes, "texte")
    _vider(_evenements("Note").filter(parcours_id__in=parcours.values("pk")), "texte")
    addenda = Addendum.objects.filter(note__in=notes)
    _vider(addenda, "texte")
    _vider(_evenements("Addendum").filter(note_id__in=notes.values("pk")), "texte")
    _vider(Rupture.objects.filter(parcours__in=parcours), "description", "reponse")
    _vider(
        InformationPreoccupante.objects.filter(parcours__in=parcours),
        "transmise_par",
        "reference",
        "commentaire",
    )
    _vider(Examen.objects.filter(parcours__in=parcours), "releve_conclusions")
    # Issue 21: the schemes keep their type and dates (statistics), the questionnaire its
    # choices; the words and the contacts go.
    _vider(Dispositif.objects.filter(parcours__in=parcours), "precision", "contact")
    _vider(ParoleFamille.objects.filter(objectif__parcours__in=parcours), "texte")
    _vider(
        QuestionnaireSortie.objects.filter(parcours__in=parcours),
        "aide_commentaire",
        "frein_commentaire",
    )
    # Requests to partners keep their structure, domain, dates, status and refusal reason (the
    # obstacles report); what was asked, why, and the partner's words go, in the history too.
    textes_sollicitation = ("demande", "motif", "redirigee_vers", "commentaire_reponse")
    _vider(Sollicitation.objects.filter(parcours__in=parcours), *textes_sollicitation)
    _vider(
        _evenements("Sollicitation").filter(parcours_id__in=parcours.values("pk")),
        *textes_sollicitation,
    )
    # Transitions keep their kind, rentrée and dated steps; the receiving school and its
    # référent, with the child's level and year, would single the child out.
    textes_transition = ("etablissement_accueil", "referent_accueil")
    _vider(Transition.objects.filter(parcours__in=parcours), *textes_transition)
    _vider(
        _evenements("Transition").filter(parcours_id__in=parcours.values("pk")),
        *textes_transition,
    )
    # A need carries no identity; its link to the pathway is cut (see BesoinNonCouvert).
    BesoinNonCouvert.objects.filter(parcours__in=parcours).update(parcours=None)

    # Files: consent scans and documents, removed from the storage after commit.
    fichiers = []
    consentements = Consentement.objects.filter(parcours__in=parcours)
    champ_scan = Consentement._meta.get_field("fichier")
    for nom in consentements.exclude(fichier="").values_list("fichier", flat=True):
        fichiers.append((champ_scan, nom))
    consentements.exclude(fichier="").update(fichier="")
    _vider(consentements, "motif_retrait")
    evenements_consentement = _evenements("Consentement").filter(
        parcours_id__in=parcours.values("pk")
    )
    evenements_consentement.exclude(fichier="").update(fichier="")
    _vider(evenements_consentement, "motif_retrait")
    documents = Document.objects.filter(parcours__in=parcours)
    champ_document = Document._meta.get_field("fichier")
    for nom in documents.exclude(fichier="").values_list("fichier", flat=True):
        fichiers.append((champ_document, nom))
    documents.exclude(fichier="").update(fichier="", archive_le=maintenant)
    _vider(documents, "titre")
    bilan.fichiers = len(fichiers)
    if fichiers:
        _supprimer_fichiers(fichiers)

    # Families whose children are now all anonymised: contacts and address.
    familles = Famille.objects.filter(pk__in=familles_touchees, anonymise_le__isnull=True).exclude(
        Exists(Enfant.objects.filter(famille=OuterRef("pk"), anonymise_le__isnull=True))
    )
    famille_ids = list(familles.values_list("pk", flat=True))
    if famille_ids:
        contacts = {"adresse": "", "commune": "", "langue_parlee": ""}
        bilan.familles = Famille.objects.filter(pk__in=famille_ids).update(
            anonymise_le=maintenant, **contacts
        )
        _evenements("Famille").filter(pgh_obj_id__in=famille_ids).update(**contacts)
        identite = {"nom": RESPONSABLE_ANONYME, "prenom": "", "telephone": "", "email": ""}
        ResponsableLegal.objects.filter(famille_id__in=famille_ids).update(**identite)
        _evenements("ResponsableLegal").filter(famille_id__in=famille_ids).update(**identite)
    return bilan


def enfants_anonymiser(*, le: date | None = None) -> BilanAnonymisation:
    """Anonymise every child whose retention has ended, in batches, each batch atomic.

    Rows are locked (`select_for_update(skip_locked)`) so that two runs at once never work on
    the same child; a child already anonymised is not selected, so a second run changes
    nothing. The changes are recorded in the history with the context `anonymisation`, then the
    history rows written before (and by) it are scrubbed like the rows themselves.
    """
    bilan = BilanAnonymisation()
    maintenant = timezone.now()
    with pghistory.context(tache="anonymisation"):
        while True:
            with transaction.atomic():
                ids = list(
                    enfants_a_anonymiser(le)
                    .select_for_update(of=("self",), skip_locked=True)
                    .order_by("pk")
                    .values_list("pk", flat=True)[:LOT]
                )
                if not ids:
                    break
                lot = _anonymiser_lot(ids, maintenant)
            bilan.enfants += lot.enfants
            bilan.familles += lot.familles
            bilan.fichiers += lot.fichiers
    if bilan.enfants:
        logger.info(
            "Anonymisation: %s children, %s families, %s files",
            bilan.enfants,
            bilan.familles,
            bilan.fichiers,
        )
    return bilan
