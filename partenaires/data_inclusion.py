"""The offers marked public, as data·inclusion `structures` and `services` (issue 22).

data·inclusion is the schema in which the French inclusion services publish their offers
(DORA and the others read it). Records are built with the `data-inclusion-schema` package's
pydantic models (pinned in pyproject.toml), so that each one is validated by the schema's own
rules before it leaves; a record the schema refuses is a bug here, not something to publish.

The schema was written for social and professional inclusion: its themes have no exact match
for some of Réussite's domains (school support, language). `THEMATIQUES` is the reviewed table;
tests/partenaires/test_api_data_inclusion.py has a test per value. Only the structure's contact is
published; the offer's contact fields (a person's name, email, phone) stay private unless the
offer marks its contact public (`Offre.contact_public`).
"""

from datetime import date

from data_inclusion.schema import v1 as di
from django.db.models import Exists, Max, OuterRef, Subquery
from django.utils import timezone

from .models import Domaine, Offre, Structure, TypeService

__all__ = [
    "SOURCE",
    "THEMATIQUES",
    "TYPES",
    "offres_diffusees",
    "service_de",
    "structure_de",
    "structures_diffusees",
]

SOURCE = "reussite"

# Réussite's domain → data·inclusion themes. Reviewed choices where no theme fits exactly:
# - school support: the schema has no schooling theme; homework help and school support work
#   on the fundamentals it names (« lecture, écriture, calcul »);
# - language (language delays, French as a second language): « maîtriser le français »;
# - culture and sport share the schema's one theme of sporting and cultural activities.
THEMATIQUES: dict[str, frozenset[di.Thematique]] = {
    Domaine.SCOLARITE: frozenset(
        {
            di.Thematique.LECTURE_ECRITURE_CALCUL__MAITRISER_LE_FRANCAIS,
            di.Thematique.LECTURE_ECRITURE_CALCUL__MAITRISER_LE_CALCUL,
        }
    ),
    Domaine.LANGAGE: frozenset({di.Thematique.LECTURE_ECRITURE_CALCUL__MAITRISER_LE_FRANCAIS}),
    Domaine.SANTE: frozenset({di.Thematique.SANTE__ACCES_AUX_SOINS}),
    Domaine.BIEN_ETRE: frozenset(
        {
            di.Thematique.SANTE__SANTE_MENTALE,
            di.Thematique.REMOBILISATION__BIEN_ETRE_CONFIANCE_EN_SOI,
        }
    ),
    Domaine.PARENTALITE: frozenset(
        {di.Thematique.FAMILLE__SOUTIEN_A_LA_PARENTALITE_ET_A_LEDUCATION}
    ),
    Domaine.SOCIALISATION: frozenset({di.Thematique.REMOBILISATION__LIEN_SOCIAL}),
    Domaine.CULTURE: frozenset({di.Thematique.REMOBILISATION__ACTIVITES_SPORTIVES_ET_CULTURELLES}),
    Domaine.SPORT: frozenset({di.Thematique.REMOBILISATION__ACTIVITES_SPORTIVES_ET_CULTURELLES}),
}

# Réussite's kind of service → data·inclusion's type (None: no type fits, left empty).
TYPES: dict[str, di.TypeService | None] = {
    TypeService.ACCOMPAGNEMENT_INDIVIDUEL: di.TypeService.ACCOMPAGNEMENT,
    TypeService.ATELIER_COLLECTIF: di.TypeService.ATELIER,
    TypeService.SOIN: di.TypeService.ACCOMPAGNEMENT,
    TypeService.SOUTIEN_SCOLAIRE: di.TypeService.ACCOMPAGNEMENT,
    TypeService.ACTIVITE: di.TypeService.ATELIER,
    TypeService.SEJOUR: None,
    TypeService.PARENTALITE: di.TypeService.ACCOMPAGNEMENT,
    TypeService.AUTRE: None,
}


def identifiant(pk: int) -> str:
    return f"{SOURCE}--{pk}"


def offres_diffusees(le: date | None = None):
    return Offre.objects.diffusees(le).select_related("structure").order_by("pk")


def structures_diffusees(le: date | None = None):
    """Structures with at least one offer published as open data, with the date of the last
    change of those offers (the structure's own `date_maj`)."""
    # Subqueries rather than a join and GROUP BY: the paginator's count then drops the date
    # (Django strips unused annotations) and counts the structures from the offers' index.
    diffusees = Offre.objects.diffusees(le).filter(structure_id=OuterRef("pk"))
    publiques = (
        Offre.objects.filter(structure_id=OuterRef("pk"), diffusion_publique=True)
        .order_by()
        .values("structure_id")
        .annotate(dernier=Max("modifie_le"))
        .values("dernier")
    )
    return (
        Structure.objects.filter(Exists(diffusees))
        .annotate(date_maj=Subquery(publiques))
        .order_by("pk")
    )


def _nom(texte: str) -> str:
    nom = " ".join(texte.split()).rstrip(".")[:150].strip()
    return nom if len(nom) >= 3 else f"{nom} (PRE)"


def _date_maj(moment) -> date:
    return min(timezone.localdate(moment), timezone.localdate()) if moment else timezone.localdate()


def _siret(valeur: str) -> str | None:
    return valeur if valeur and len(valeur) == 14 and valeur.isdigit() else None


def structure_de(structure: Structure) -> di.Structure:
    """The structure as a data·inclusion record (validated): its own public contact only."""
    return di.Structure(
        source=SOURCE,
        id=identifiant(structure.pk),
        nom=_nom(structure.nom),
        date_maj=_date_maj(getattr(structure, "date_maj", None)),
        siret=_siret(structure.siret),
        commune=structure.commune or None,
        adresse=structure.adresse or None,
        telephone=structure.telephone or None,
        courriel=structure.email or None,
    )


def service_de(offre: Offre) -> di.Service:
    """The offer as a data·inclusion service (validated)."""
    structure = offre.structure
    description = " ".join(offre.description.split()) or offre.intitule
    if len(description) < 5:
        description = f"{description} – {offre.get_domaine_display()}"
    contact = offre.contact_public
    return di.Service(
        source=SOURCE,
        id=identifiant(offre.pk),
        structure_id=identifiant(structure.pk),
        nom=_nom(offre.intitule),
        description=description[:10000],
        date_maj=_date_maj(offre.modifie_le),
        type=TYPES[offre.type_service],
        thematiques=set(THEMATIQUES[offre.domaine]),
        publics={di.Public.FAMILLES},
        publics_precisions=f"Enfants de {offre.age_min} à {offre.age_max} ans et leur famille",
        conditions_acces=offre.conditions_acces or None,
        commune=structure.commune or None,
        adresse=structure.adresse or None,
        telephone=(offre.contact_telephone if contact else "") or structure.telephone or None,
        courriel=(offre.contact_email if contact else "") or structure.email or None,
        contact_nom_prenom=(offre.contact_nom or None) if contact else None,
        # A PRE's offers are mobilised by the professionals of its network (the référent).
        mobilisable_par={di.PersonneMobilisatrice.PROFESSIONNELS},
        mobilisation_precisions=offre.territoire or None,
    )


def enregistrement(modele) -> dict:
    """A validated record as JSON-ready data (dates as ISO strings, sets as sorted lists)."""
    donnees = modele.model_dump(mode="json", exclude_none=True)
    for cle, valeur in donnees.items():
        if isinstance(valeur, list):
            donnees[cle] = sorted(valeur)
    return donnees
