"""Read queries of the partner network: which programmes a user works in, the directory and
the offer catalogue. Every queryset starts from the user's programmes (ARCHITECTURE.md)."""

from django.db.models import Exists, OuterRef, Prefetch

from reussite.core.models import Programme
from reussite.core.roles import GESTION, ids_programmes_avec_roles, programmes_de_gestion

from ..models import Offre, Partenariat, Professionnel, SignatureCharte, Structure

__all__ = [
    "offres_catalogue",
    "programmes_du_reseau",
    "structures_annuaire",
    "structures_modifiables",
]


def _actif(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def programmes_du_reseau(user):
    """Programmes whose network the user belongs to: those they coordinate or administer, and
    those their active structures work with."""
    if not _actif(user):
        return Programme.objects.none()
    # `pk = ANY(ARRAY(… UNION …))`: both branches start from the user's own rows by index and
    # the programmes are then read by their key. `pk IN (…) OR pk IN (…)` scanned every
    # programme of the platform, and PostgreSQL, expecting 375 of 500 programmes, hashed every
    # offer, publication and structure behind them (the catalogue, the directory and a
    # structure's page at national scale, issue 18).
    geres = ids_programmes_avec_roles(user, GESTION).order_by()
    via_structure = (
        Partenariat.objects.filter(
            structure__professionnels__user=user, structure__professionnels__actif=True
        )
        .order_by()
        .values("programme_id")
    )
    return Programme.objects.filter(pk__dans_tableau=geres.union(via_structure))


def structures_annuaire(user):
    """Structures working with the user's programmes, with what the directory shows, in a
    constant number of queries."""
    programmes = programmes_du_reseau(user)
    return (
        Structure.objects.filter(
            Exists(
                Partenariat.objects.filter(structure_id=OuterRef("pk"), programme__in=programmes)
            )
        )
        .annotate(charte_signee=Exists(SignatureCharte.objects.filter(structure_id=OuterRef("pk"))))
        .prefetch_related(
            Prefetch("programmes", queryset=Programme.objects.filter(pk__in=programmes)),
            Prefetch(
                "professionnels",
                queryset=Professionnel.objects.actifs()
                .select_related("user")
                .order_by("user__last_name", "user__first_name", "pk"),
                to_attr="professionnels_actifs",
            ),
            Prefetch(
                "signatures_charte",
                queryset=SignatureCharte.objects.order_by("-date_signature"),
                to_attr="signatures",
            ),
        )
        .order_by("nom", "pk")
    )


def structures_modifiables(user):
    """Structures whose offers the user may publish: their own active structures; for
    coordinators and administrators, the structures working with their programmes."""
    if not _actif(user):
        return Structure.objects.none()
    # `pk = ANY(ARRAY(… UNION …))`: each branch starts from the user's own rows by index; an OR
    # of two EXISTS tested every structure of the platform (issue 18, partenaires:offre_creer).
    propres = Professionnel.objects.filter(user=user, actif=True).order_by().values("structure_id")
    geres = (
        Partenariat.objects.filter(
            programme_id__dans_tableau=programmes_de_gestion(user).values("pk")
        )
        .order_by()
        .values("structure_id")
    )
    return Structure.objects.filter(pk__dans_tableau=propres.union(geres))


def offres_catalogue(user):
    """Offers published to the user's programmes. The capacity they have used is a pathway
    figure: the pages that show it are composed in `parcours`, which annotates this queryset
    (`parcours.selectors.mutualisation.offres_avec_utilisation`)."""
    return (
        Offre.objects.publiees_pour(programmes_du_reseau(user))
        .select_related("structure")
        .prefetch_related("programmes")
    )
