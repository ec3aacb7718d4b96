"""Writes on conventions: creation, edition, status workflow, parties, commitments, renewal."""

from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reussite.core.ecriture import verrouiller
from reussite.core.fichiers import TAILLE_MAX, type_document
from reussite.core.stockage import stockage_protege

from ..models import Convention, Engagement, PartieConvention, StatutConvention, Structure

__all__ = [
    "TRANSITIONS",
    "convention_creer",
    "convention_deposer_document",
    "convention_expirer",
    "convention_mettre_en_vigueur",
    "convention_modifier",
    "convention_renouveler",
    "convention_resilier",
    "convention_signer",
    "engagement_ajouter",
    "engagement_retirer",
    "partie_ajouter",
    "partie_modifier",
    "partie_retirer",
    "valider_document_pdf",
]

CHAMPS_MODIFIABLES = ("intitule", "reference", "objet", "objectifs", "date_debut", "date_fin")

# Allowed transitions: from status -> set of target statuses.
TRANSITIONS = {
    StatutConvention.PROJET: {StatutConvention.SIGNEE, StatutConvention.RESILIEE},
    StatutConvention.SIGNEE: {StatutConvention.EN_VIGUEUR, StatutConvention.RESILIEE},
    StatutConvention.EN_VIGUEUR: {StatutConvention.EXPIREE, StatutConvention.RESILIEE},
    StatutConvention.EXPIREE: set(),
    StatutConvention.RESILIEE: set(),
}


def _sauver(objet):
    objet.full_clean()
    objet.save()
    return objet


def _transition(convention: Convention, cible: str) -> None:
    if cible not in TRANSITIONS.get(convention.statut, set()):
        raise ValidationError(
            _("Une convention « %(de)s » ne peut pas passer au statut « %(vers)s ».")
            % {
                "de": convention.get_statut_display(),
                "vers": dict(Convention._meta.get_field("statut").choices)[cible],
            },
            code="transition",
        )


def _modifiable(convention: Convention) -> None:
    """Lock the convention and read its current status: only a draft is edited."""
    statut = (
        Convention.objects.select_for_update()
        .values_list("statut", flat=True)
        .get(pk=convention.pk)
    )
    if statut != StatutConvention.PROJET:
        raise ValidationError(
            _("Seule une convention à l’état de projet peut être modifiée."), code="figee"
        )


def valider_document_pdf(fichier) -> None:
    """A signed convention is a PDF, checked by its content, at most 10 Mo."""
    if fichier.size > TAILLE_MAX:
        raise ValidationError(_("Le fichier dépasse 10 Mo."), code="taille")
    try:
        mime = type_document(fichier)
    except ValidationError:
        mime = None
    if mime != "application/pdf":
        raise ValidationError(_("La convention signée doit être un fichier PDF."), code="type")


@transaction.atomic
def convention_creer(*, programme, auteur, **champs) -> Convention:
    donnees = {k: v for k, v in champs.items() if k in CHAMPS_MODIFIABLES}
    convention = Convention(
        programme=programme, cree_par=auteur, statut=StatutConvention.PROJET, **donnees
    )
    return _sauver(convention)


@transaction.atomic
def convention_modifier(*, convention: Convention, version: int | None, **champs) -> Convention:
    """Edit a draft convention, on the form read at `version` (a conflict if saved since)."""
    convention = verrouiller(convention, version)
    _modifiable(convention)
    for cle, valeur in champs.items():
        if cle in CHAMPS_MODIFIABLES:
            setattr(convention, cle, valeur)
    _sauver(convention)
    annees = set(_annees(convention))
    hors = Engagement.objects.filter(partie__convention=convention).exclude(annee__in=annees)
    if hors.exists():
        raise ValidationError(
            _("Des engagements portent sur des années hors de la nouvelle durée de la convention.")
        )
    convention.version += 1
    convention.save(update_fields=["version"])
    return convention


@transaction.atomic
def convention_deposer_document(*, convention: Convention, document) -> Convention:
    if convention.statut not in (
        StatutConvention.PROJET,
        StatutConvention.SIGNEE,
        StatutConvention.EN_VIGUEUR,
    ):
        raise ValidationError(_("Cette convention n’accepte plus de document."))
    valider_document_pdf(document)
    convention._fichier_mime = "application/pdf"
    convention.document = document
    with stockage_protege(champ="document"):
        convention.save(update_fields=["document", "modifie_le"])
    return convention


@transaction.atomic
def convention_signer(*, convention: Convention, date_signature: date) -> Convention:
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    _transition(convention, StatutConvention.SIGNEE)
    erreurs = []
    parties = list(convention.parties.select_related("structure"))
    if not parties:
        erreurs.append(_("La convention n’a aucune partie."))
    for partie in parties:
        if not (partie.signataire and partie.qualite_signataire and partie.date_signature):
            erreurs.append(
                _("Il manque le signataire, sa qualité ou la date de signature de « %(s)s ».")
                % {"s": partie.structure.nom}
            )
    if not convention.document:
        erreurs.append(_("Déposez la convention signée (PDF) avant de la signer."))
    if date_signature and date_signature > date.today():
        erreurs.append(_("La date de signature ne peut pas être future."))
    if erreurs:
        raise ValidationError(erreurs)
    convention.statut = StatutConvention.SIGNEE
    convention.date_signature = date_signature
    return _sauver(convention)


@transaction.atomic
def convention_mettre_en_vigueur(*, convention: Convention) -> Convention:
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    _transition(convention, StatutConvention.EN_VIGUEUR)
    convention.statut = StatutConvention.EN_VIGUEUR
    return _sauver(convention)


@transaction.atomic
def convention_expirer(*, convention: Convention, aujourdhui: date | None = None) -> Convention:
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    _transition(convention, StatutConvention.EXPIREE)
    if convention.date_fin >= (aujourdhui or date.today()):
        raise ValidationError(_("La convention ne peut expirer qu’après sa date de fin."))
    convention.statut = StatutConvention.EXPIREE
    return _sauver(convention)


@transaction.atomic
def convention_resilier(
    *, convention: Convention, date_resiliation: date, motif: str
) -> Convention:
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    _transition(convention, StatutConvention.RESILIEE)
    erreurs = {}
    if not date_resiliation:
        erreurs["date_resiliation"] = _("Indiquez la date de résiliation.")
    if not (motif or "").strip():
        erreurs["motif_resiliation"] = _("Indiquez le motif de la résiliation.")
    if erreurs:
        raise ValidationError(erreurs)
    convention.statut = StatutConvention.RESILIEE
    convention.date_resiliation = date_resiliation
    convention.motif_resiliation = motif.strip()
    if convention.date_signature is None:
        convention.date_signature = date_resiliation
    return _sauver(convention)


def _annees(convention: Convention) -> range:
    return range(convention.date_debut.year, convention.date_fin.year + 1)


@transaction.atomic
def convention_renouveler(
    *, convention: Convention, auteur, copier_engagements: bool = False
) -> Convention:
    """Create the successor: same parties (without signatures), dates shifted by the duration,
    status projet; commitments copied with their year shifted when asked."""
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    if convention.statut not in (
        StatutConvention.SIGNEE,
        StatutConvention.EN_VIGUEUR,
        StatutConvention.EXPIREE,
    ):
        raise ValidationError(
            _("Seule une convention signée, en vigueur ou expirée se renouvelle.")
        )
    if Convention.objects.filter(renouvelle=convention).exists():
        raise ValidationError(_("Cette convention a déjà été renouvelée."))
    debut = convention.date_fin + relativedelta(days=1)
    duree = relativedelta(convention.date_fin, convention.date_debut)
    fin = debut + duree
    decalage = debut.year - convention.date_debut.year
    suivante = _sauver(
        Convention(
            programme=convention.programme,
            intitule=convention.intitule,
            reference="",
            objet=convention.objet,
            objectifs=convention.objectifs,
            date_debut=debut,
            date_fin=fin,
            statut=StatutConvention.PROJET,
            renouvelle=convention,
            cree_par=auteur,
        )
    )
    for partie in convention.parties.prefetch_related("engagements"):
        nouvelle = _sauver(PartieConvention(convention=suivante, structure_id=partie.structure_id))
        if copier_engagements:
            Engagement.objects.bulk_create(
                [
                    Engagement(
                        partie=nouvelle,
                        annee=e.annee + decalage,
                        nature=e.nature,
                        quantite=e.quantite,
                        description=e.description,
                    )
                    for e in partie.engagements.all()
                ]
            )
    return suivante


@transaction.atomic
def partie_ajouter(*, convention: Convention, structure: Structure) -> PartieConvention:
    _modifiable(convention)
    if not structure.programmes.filter(pk=convention.programme_id).exists():
        raise ValidationError(
            {"structure": _("Cette structure ne travaille pas avec le programme.")}
        )
    return _sauver(PartieConvention(convention=convention, structure=structure))


@transaction.atomic
def partie_modifier(
    *, partie: PartieConvention, signataire: str, qualite_signataire: str, date_signature
) -> PartieConvention:
    _modifiable(partie.convention)
    if date_signature and date_signature > date.today():
        raise ValidationError(
            {"date_signature": _("La date de signature ne peut pas être future.")}
        )
    partie.signataire = signataire
    partie.qualite_signataire = qualite_signataire
    partie.date_signature = date_signature
    return _sauver(partie)


@transaction.atomic
def partie_retirer(*, partie: PartieConvention) -> None:
    _modifiable(partie.convention)
    partie.delete()


@transaction.atomic
def engagement_ajouter(
    *,
    partie: PartieConvention,
    annee: int,
    nature: str,
    quantite: Decimal,
    description: str = "",
) -> Engagement:
    convention = partie.convention
    _modifiable(convention)
    erreurs = {}
    if quantite is None or quantite <= 0:
        erreurs["quantite"] = _("Le montant ou la quantité doit être positif.")
    if annee not in _annees(convention):
        erreurs["annee"] = _("L’année doit être comprise entre %(a)s et %(b)s.") % {
            "a": convention.date_debut.year,
            "b": convention.date_fin.year,
        }
    if erreurs:
        raise ValidationError(erreurs)
    return _sauver(
        Engagement(
            partie=partie, annee=annee, nature=nature, quantite=quantite, description=description
        )
    )


@transaction.atomic
def engagement_retirer(*, engagement: Engagement) -> None:
    _modifiable(engagement.partie.convention)
    engagement.delete()
