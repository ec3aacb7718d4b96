from datetime import date

from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery

from reussite.core.models import Role
from reussite.core.roles import ids_programmes_avec_roles, role_sur_programme


def _equipe(user) -> Q:
    """The pathway's team: the coordination of its programme, or its (active) référent."""
    return Q(role_sur_programme(user, [Role.COORDINATEUR], "programme_id")) | Q(
        referent__user=user, referent__actif=True
    )


def _id_permission(codename: str) -> Subquery:
    """The id of the pathway permission `codename`, as a scalar subquery.

    Not `permission__codename=…`: joined to auth_permission (~360 rows), PostgreSQL estimates
    that a user's few hundred rows keep about one (1/360 instead of 1/2), and at national
    scale « Mes suivis » of a référent re-ran the whole visibility union once per pathway
    (30 ms instead of 2; issue 18). Compared with a parameter, the rows are estimated from the
    column's own statistics. A subquery rather than an id cached by the process: the tests
    recreate the permissions (flush) under new ids."""
    from django.contrib.auth.models import Permission

    return Subquery(
        Permission.objects.filter(
            codename=codename, content_type__app_label="parcours", content_type__model="parcours"
        ).values("pk")[:1]
    )


def _permission_parcours(user, codename: str, parcours_ref: str = "pk") -> Exists:
    """A derived guardian row that is still in force today (time-bound facts end on their
    date with nothing saved)."""
    from .models import ParcoursUserObjectPermission

    return Exists(
        ParcoursUserObjectPermission.objects.filter(
            Q(expire_le__isnull=True) | Q(expire_le__gt=date.today()),
            content_object=OuterRef(parcours_ref),
            user=user,
            permission_id=_id_permission(codename),
        )
    )


def acces_par_ligne(
    user, codename: str = "view_parcours", *, parcours: str = "pk", programme: str = "programme_id"
):
    """`visibles_par` (`modifiables_par`) as a condition on one row that names a pathway: the
    coordination of its programme, or a derived row still in force. Two index probes per row,
    for a short list already chosen (an EPS agenda); a list of pathways is filtered with
    `visibles_par`, whose `IN (… UNION …)` starts from the user's own rows. `parcours` and
    `programme` are the row's paths to the pathway and to its programme."""
    from django.db.models import BooleanField, Value

    if not user.is_authenticated or not user.is_active:
        return Value(False, output_field=BooleanField())
    return Q(role_sur_programme(user, [Role.COORDINATEUR], programme)) | Q(
        _permission_parcours(user, codename, parcours)
    )


# `champ__dans_tableau=sous_requete` (`= ANY(ARRAY(…))`) is registered by reussite.core.lookups.


class ParcoursQuerySet(models.QuerySet):
    """Every list of pathways a user sees starts here (ARCHITECTURE.md, "One path for access")."""

    def visibles_par(self, user):
        return self._accessibles(user, "view_parcours")

    def modifiables_par(self, user):
        return self._accessibles(user, "change_parcours")

    # The object permissions a pathway carries, and who holds them: guardian's `has_perm`
    # answers through these (reussite.core.backends), so it never grants what
    # `visibles_par` refuses (an expired row, a role without a row).
    def codenames_permission(self) -> tuple[str, ...]:
        return ("view_parcours", "change_parcours")

    def avec_permission(self, user, codename: str):
        if codename not in self.codenames_permission():
            return self.none()
        return self._accessibles(user, codename)

    def _accessibles(self, user, codename: str):
        """Pathways of the programmes the user coordinates, plus those their derived rows grant.

        One `pk IN (… UNION …)` rather than `A OR B`: PostgreSQL then starts from the user's own
        rows (a few hundred ids) instead of scanning every pathway, so the cost follows what the
        user may see, not the size of the table.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(pk__in=self._ids_accessibles(user, codename))

    def _ids_accessibles(self, user, codename: str):
        from .models import Parcours, ParcoursUserObjectPermission

        if not user.is_authenticated or not user.is_active:
            return Parcours.objects.none().values("pk")
        programmes = ids_programmes_avec_roles(user, [Role.COORDINATEUR])
        par_role = Parcours.objects.filter(programme_id__in=programmes).values("pk")
        par_affectation = ParcoursUserObjectPermission.objects.filter(
            Q(expire_le__isnull=True) | Q(expire_le__gt=date.today()),
            user=user,
            permission_id=_id_permission(codename),
        ).values("content_object_id")
        return par_role.union(par_affectation, all=True)

    def suivis_par(self, user):
        """ "Mes suivis": pathways shared with the user through an assignment (not a role)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(_permission_parcours(user, "view_parcours"))

    def coordonnes_par(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(role_sur_programme(user, [Role.COORDINATEUR], "programme_id"))

    def equipe_de(self, user):
        """Pathways the user sees as their team: those of the programmes they coordinate and
        those they refer — always within `visibles_par`."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        from .models import Parcours

        # `pk IN (… UNION …)`, as in `_accessibles`: `programme IN … OR referent__user` made
        # PostgreSQL scan every pathway of the platform (issue 18).
        programmes = ids_programmes_avec_roles(user, [Role.COORDINATEUR])
        par_role = Parcours.objects.filter(programme_id__in=programmes).values("pk")
        par_referent = Parcours.objects.filter(referent__user=user, referent__actif=True).values(
            "pk"
        )
        return self.visibles_par(user).filter(pk__in=par_role.union(par_referent, all=True))

    def ids_visibles_par(self, user):
        """The ids of `visibles_par(user)`, as a subquery for the rows of those pathways
        (`parcours_id__in=…`): one `IN (… UNION …)` without joining back to the pathways."""
        return self._ids_accessibles(user, "view_parcours")

    def annoter_equipe(self, user, nom: str = "equipe"):
        """Annotate `nom`: whether the user is the row's team (`equipe_de`'s condition)."""
        from django.db.models import BooleanField, Case, Value, When

        if not user.is_authenticated:
            return self.annotate(**{nom: Value(False, output_field=BooleanField())})
        return self.annotate(
            **{
                nom: Case(
                    When(_equipe(user), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            }
        )

    def ouverts(self):
        from .models import Statut

        return self.exclude(statut=Statut.SORTI)

    def revue_depassee(self, le: date | None = None):
        return self.ouverts().filter(date_prochaine_revue__lt=le or date.today())

    def sans_referent(self):
        return self.ouverts().filter(referent__isnull=True)

    def tranche_age(self, tranche: str, le: date | None = None):
        """Children in one of the national survey's age bands ("2-5", "6-10", "11-16", "17+")."""
        le = le or date.today()
        bornes = {"2-5": (2, 5), "6-10": (6, 10), "11-16": (11, 16), "17+": (17, 150)}
        if tranche not in bornes:
            return self
        age_min, age_max = bornes[tranche]
        ne_apres = _annees_avant(le, age_max + 1)
        ne_avant_ou_le = _annees_avant(le, age_min)
        return self.filter(
            enfant__date_naissance__gt=ne_apres, enfant__date_naissance__lte=ne_avant_ou_le
        )

    def recherche(self, terme: str):
        from .text import normaliser

        mots = normaliser(terme).split()
        condition = Q()
        for mot in mots:
            condition &= Q(enfant__recherche__contains=mot)
        return self.filter(condition)


def _annees_avant(le: date, annees: int) -> date:
    try:
        return le.replace(year=le.year - annees)
    except ValueError:  # 29 February
        return le.replace(year=le.year - annees, day=28)


class EnfantQuerySet(models.QuerySet):
    def doublons_probables(self, *, programme, nom: str, prenom: str, date_naissance: date):
        from .text import normaliser

        return self.filter(
            programme=programme,
            date_naissance=date_naissance,
            recherche=normaliser(f"{nom} {prenom}"),
        )


class OrientationQuerySet(models.QuerySet):
    """Every list of referrals starts here: the coordination's inbox, the referrer's own."""

    def recues_par(self, user):
        """Referrals to the programmes the user coordinates."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(programme_id__in=ids_programmes_avec_roles(user, [Role.COORDINATEUR]))

    def envoyees_par(self, user):
        """The user's own referrals, through a membership still active: leaving the structure
        ends what it gave. Never another member's, even of the same structure."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(auteur__user=user, auteur__actif=True)

    def ouvertes(self):
        from .models import STATUTS_ORIENTATION_OUVERTS

        return self.filter(statut__in=STATUTS_ORIENTATION_OUVERTS)

    def avec_doublon(self):
        """Annotate `doublon`: a child of the programme has the same names and birth date."""
        from .models import Enfant

        return self.annotate(
            doublon=Exists(
                Enfant.objects.filter(
                    programme_id=OuterRef("programme_id"),
                    date_naissance=OuterRef("date_naissance"),
                    recherche=OuterRef("recherche"),
                )
            )
        )
