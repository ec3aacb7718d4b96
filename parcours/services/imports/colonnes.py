"""The caseload file's columns, and the reading of the values that are the caseload's own
(dates in their plausible ranges, lists); choices are read by the core's `lire_choix`."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from reussite.core.dates import PlageDates
from reussite.core.imports.modeles import Colonne, libelles
from reussite.core.imports.valeurs import ErreurLigne

from ...models import LienResponsable, MotifSortie, NiveauScolaire, Orienteur, Sexe, Statut

# Above this many rows, confirming runs in a background task with its progress shown.
SEUIL_ARRIERE_PLAN = 300


COLONNES = [
    Colonne("identifiant", _("identifiant de l’enfant dans votre outil actuel (réimports)"), True),
    Colonne("nom", _("nom de l’enfant"), True),
    Colonne("prenom", _("prénom de l’enfant"), True),
    Colonne("date_naissance", _("date de naissance (JJ/MM/AAAA)"), True),
    Colonne("sexe", _("Fille ou Garçon (ou F, M)"), True, libelles(Sexe)),
    Colonne("etablissement", _("école ou collège du réseau (nom ou UAI)")),
    Colonne("niveau_scolaire", _("CP, CE1, 6e…"), choix=libelles(NiveauScolaire)),
    Colonne("commune", _("commune de la famille")),
    Colonne("adresse", _("adresse de la famille")),
    Colonne("responsable_nom", _("nom du responsable légal"), True),
    Colonne("responsable_prenom", _("prénom du responsable légal")),
    Colonne(
        "responsable_lien",
        _("mère, père, tuteur·rice, institution ou autre"),
        True,
        libelles(LienResponsable),
    ),
    Colonne("responsable_telephone", _("téléphone du responsable")),
    Colonne("responsable_email", _("adresse électronique du responsable")),
    Colonne(
        "statut",
        _("repérage, en attente de consentement, diagnostic, en cours…"),
        True,
        libelles(Statut),
    ),
    Colonne("date_entree", _("date d’entrée dans le parcours"), True),
    Colonne("date_sortie", _("date de sortie (parcours sortis)")),
    Colonne("motif_sortie", _("motif de sortie (parcours sortis)"), choix=libelles(MotifSortie)),
    Colonne("referent_email", _("adresse électronique du référent, compte existant")),
    Colonne("orienteur", _("école, PMI, service social, famille…"), True, libelles(Orienteur)),
    Colonne("motifs", _("motifs d’orientation séparés par « | »"), True),
    Colonne("consentement_date_signature", _("date de signature du consentement")),
    Colonne("consentement_date_expiration", _("date d’expiration du consentement")),
    Colonne("consentement_finalites", _("finalités séparées par « | »")),
    Colonne("consentement_structures", _("structures nommées, séparées par « | »")),
]
OBLIGATOIRES = [c.cle for c in COLONNES if c.obligatoire]

# Statuses that come after the family's written consent (DOMAIN.md, rule 1).
STATUTS_APRES_CONSENTEMENT = {Statut.DIAGNOSTIC, Statut.EN_COURS, Statut.SUSPENDU}


def _date(valeur: str, colonne: str, plage: str) -> date:
    for format_ in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            jour = datetime.strptime(valeur, format_).date()
            break
        except ValueError:
            continue
    else:
        raise ErreurLigne(colonne, _("« %(v)s » n’est pas une date (JJ/MM/AAAA).") % {"v": valeur})
    try:
        PlageDates(plage)(jour)
    except ValidationError as erreur:
        raise ErreurLigne(colonne, " ".join(erreur.messages)) from None
    return jour


def _liste(valeur: str) -> list[str]:
    return [v.strip() for v in valeur.replace(";", "|").split("|") if v.strip()]
