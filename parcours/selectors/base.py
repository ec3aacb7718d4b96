"""Page reads. Everything starts from `Parcours.objects.visibles_par(user)`."""

from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q

from partenaires.models import Partenariat
from reussite.core.journal import ALIAS
from reussite.core.models import JournalAcces, Programme, Role, User

from ..models import (
    ChangementStatut,
    Consentement,
    Enfant,
    Intervenant,
    Parcours,
    ResponsableLegal,
    Statut,
)


def programmes_coordonnes(user):
    return Programme.objects.avec_role(user, Role.COORDINATEUR)


def programmes_equipe_pre(user):
    """Programmes whose PRE team the user belongs to: coordinators, and active professionals
    of the structure porteuse (DOMAIN.md, rule 1). They plan EPS meetings."""
    if not user.is_authenticated or not user.is_active:
        return Programme.objects.none()
    porteuses = Partenariat.objects.filter(
        est_porteuse=True,
        structure__professionnels__user=user,
        structure__professionnels__actif=True,
    ).values("programme_id")
    return Programme.objects.filter(
        Q(pk__in=programmes_coordonnes(user).values("pk")) | Q(pk__in=porteuses)
    )


def programmes_de_travail(user):
    """Programmes whose lists and choices the user's pages draw from."""
    return Programme.objects.filter(
        Q(pk__in=programmes_coordonnes(user).values("pk"))
        | Q(pk__in=Parcours.objects.visibles_par(user).values("programme_id"))
    )


def parcours_pour_liste(user):
    return (
        Parcours.objects.visibles_par(user)
        .select_related("enfant", "enfant__etablissement", "referent__user", "programme")
        .order_by("enfant__nom", "enfant__prenom", "pk")
    )


def tableau_de_bord(user, *, le: date | None = None) -> dict:
    le = le or date.today()
    visibles = Parcours.objects.visibles_par(user)
    compteurs = visibles.aggregate(
        **{statut.value: Count("pk", filter=Q(statut=statut.value)) for statut in Statut},
        sans_referent=Count("pk", filter=Q(referent__isnull=True) & ~Q(statut=Statut.SORTI)),
        revue_depassee=Count("pk", filter=Q(date_prochaine_revue__lt=le) & ~Q(statut=Statut.SORTI)),
    )
    a_traiter = (
        visibles.ouverts()
        .filter(Q(referent__isnull=True) | Q(date_prochaine_revue__lt=le))
        .select_related("enfant", "referent__user")
        .order_by("date_prochaine_revue", "pk")[:10]
    )
    activite = (
        ChangementStatut.objects.filter(parcours__in=visibles)
        .select_related("parcours__enfant", "auteur")
        .order_by("-le", "-pk")[:10]
    )
    return {
        "par_statut": [(statut, compteurs[statut.value]) for statut in Statut],
        "sans_referent": compteurs["sans_referent"],
        "revue_depassee": compteurs["revue_depassee"],
        "total_ouverts": sum(compteurs[s.value] for s in Statut if s != Statut.SORTI),
        "a_traiter": list(a_traiter),
        "activite": list(activite),
        "le": le,
    }


def parcours_detail_queryset():
    return Parcours.objects.select_related(
        "programme",
        "enfant__famille",
        "enfant__etablissement",
        "referent__user",
        "referent__structure",
        "orienteur_structure",
    ).prefetch_related(
        Prefetch("enfant__famille__responsables", queryset=ResponsableLegal.objects.order_by("pk")),
        Prefetch(
            "historique",
            queryset=ChangementStatut.objects.select_related("auteur").order_by("-le", "-pk"),
        ),
        Prefetch(
            "consentements",
            queryset=Consentement.objects.select_related("renouvele_par")
            .prefetch_related("signataires", "structures")
            .order_by("-date_signature", "-pk"),
        ),
        Prefetch(
            "intervenants",
            queryset=Intervenant.objects.select_related(
                "professionnel__user", "professionnel__structure"
            ),
        ),
    )


def fratrie_visible(user, parcours: Parcours):
    """Siblings' pathways the user may open; other siblings are only counted."""
    freres_et_soeurs = Enfant.objects.filter(famille_id=parcours.enfant.famille_id).exclude(
        pk=parcours.enfant_id
    )
    visibles = (
        Parcours.objects.visibles_par(user)
        .filter(enfant__in=freres_et_soeurs)
        .select_related("enfant")
        .order_by("enfant__date_naissance")
    )
    return list(visibles)


@dataclass(frozen=True)
class DroitsParcours:
    """What the current user may do on one pathway; reaches templates as flags.

    - `equipe` (coordination or référent) reads the family, consents, siblings, ruptures,
      documents, the information préoccupante record and notes restricted to them;
    - `modifier` (change permission, open pathway) writes objectives, actions, ruptures,
      documents;
    - `ecrire_note`: everyone who may read an open pathway writes journal notes.
    """

    coordinateur: bool
    referent: bool
    equipe: bool
    modifier: bool
    ecrire_note: bool = False
    user_id: int | None = None

    def peut_modifier_action(self, action) -> bool:
        """The team edits every action; the professional who delivers one records its progress."""
        return self.modifier or (
            self.ecrire_note
            and action.professionnel_id is not None
            and action.professionnel.user_id == self.user_id
        )


def droits_sur_parcours(user, parcours: Parcours) -> DroitsParcours:
    coordinateur = programmes_coordonnes(user).filter(pk=parcours.programme_id).exists()
    referent = parcours.referent is not None and parcours.referent.user_id == user.pk
    modifier = parcours.est_ouvert and (
        coordinateur or Parcours.objects.modifiables_par(user).filter(pk=parcours.pk).exists()
    )
    return DroitsParcours(
        coordinateur=coordinateur,
        referent=referent,
        equipe=coordinateur or referent,
        modifier=modifier,
        # The caller already fetched the pathway through `parcours_pour`: the user may read it.
        ecrire_note=parcours.est_ouvert,
        user_id=user.pk,
    )


def consultations_du_parcours(parcours: Parcours, *, limite: int = 20) -> list[dict]:
    """ "Who consulted this file": the latest trail entries, with the users' names."""
    entrees = list(
        JournalAcces.objects.using(ALIAS)
        .filter(content_type=ContentType.objects.get_for_model(Parcours), object_id=parcours.pk)
        .order_by("-le", "-pk")[:limite]
    )
    noms = {
        u.pk: u.get_full_name() for u in User.objects.filter(pk__in={e.user_id for e in entrees})
    }
    return [
        {
            "le": e.le,
            "qui": noms.get(e.user_id, "—"),
            "quoi": e.get_evenement_display(),
            "autorise": e.autorise,
            "page": e.page,
        }
        for e in entrees
    ]
