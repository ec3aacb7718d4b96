"""The one place that fetches a child's data for a user and decides whether they may see it.

Each helper takes a named capability (`Capacite`), fetches the pathway (and the sub-object asked
for, through that pathway, so that a foreign id answers 404), authorises once, traces once in
the access trail (allowed or denied, DOMAIN.md rule 3) and returns the object with the user's
rights on it (`.droits`, a `DroitsParcours`). When the user may not, it raises `Http404`,
exactly like an object that does not exist, so that nothing leaks about other programmes'
children.

Lists never come here: they start from `Parcours.objects.visibles_par(user)` (querysets.py).
The rows that decide who reads and who writes are derived in `permissions.py`; the programme
roles are answered by `reussite.core.roles`. Guardian's `has_perm` answers the same thing
(`reussite.core.backends.ObjectPermissionBackend`).
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext as _

from partenaires.models import Partenariat, Professionnel
from reussite.core.models import Evenement, Programme, Role
from reussite.core.roles import GESTION, programmes_coordonnes, role_sur_programme
from reussite.core.trace import methode_requete, tracer

from .models import (
    Action,
    Addendum,
    Consentement,
    Dispositif,
    Document,
    Examen,
    Famille,
    Intervenant,
    Note,
    Objectif,
    Orientation,
    Parcours,
    ReunionEPS,
    Rupture,
)
from .querysets import _permission_parcours


class Capacite(enum.StrEnum):
    """What a page wants to do with a pathway; each one is a rule of `DroitsParcours.peut`."""

    # Read the pathway: its coordinators, and whom its derived rows grant (valid consent...).
    LECTURE = "lecture"
    # The change permission (référent, coordination), whatever the pathway's status.
    ECRITURE = "ecriture"
    # Write on an open pathway: objectives, actions, unmet needs (`droits.modifier`).
    MODIFICATION = "modification"
    # Write a journal note: everyone who reads an open pathway.
    NOTE = "note"
    # The pathway's team (référent and coordination) reads the family, consents and their
    # scans, ruptures, documents, the information préoccupante record, the printable fiche.
    EQUIPE = "equipe"
    # The team writes on an open pathway: ruptures, documents, information préoccupante.
    EQUIPE_ECRITURE = "equipe_ecriture"
    # Prepare the consent form to have signed: the team, with the change permission.
    CONSENTEMENT = "consentement"
    # The programme's coordinators and administrators: data-protection pages.
    COORDINATION = "coordination"
    # Create a pathway in the programme: its coordinators (`parcours:creer`). On a family
    # (`famille_pour`): add a child to it, a sibling sharing its guardians.
    CREATION = "creation"
    # The exit questionnaire (issue 21): the team, on an open pathway or one just exited
    # (whoever of the team still reads it; the service bounds the delay after the exit).
    QUESTIONNAIRE_SORTIE = "questionnaire_sortie"
    # Sub-object rules, for the helper named after the sub-object:
    # `action_pour`: the team edits an action, its deliverer records its progress.
    SUIVI_ACTION = "suivi_action"
    # `note_pour`: the author corrects their note; the author or the team completes it.
    CORRIGER_NOTE = "corriger_note"
    COMPLETER_NOTE = "completer_note"


# Kept for the callers that read as "perm=LECTURE / ECRITURE".
LECTURE = Capacite.LECTURE
ECRITURE = Capacite.ECRITURE

# Fetched through `modifiables_par` (the change permission), the others through `visibles_par`.
_PAR_ECRITURE = {Capacite.ECRITURE, Capacite.MODIFICATION, Capacite.CONSENTEMENT}
# Traced as a change when the request writes (opening an edit form is a read).
_ECRIVENT = _PAR_ECRITURE | {Capacite.SUIVI_ACTION, Capacite.QUESTIONNAIRE_SORTIE}


@dataclass(frozen=True)
class DroitsParcours:
    """What the current user may do on one pathway; reaches templates as flags.

    - `equipe` (coordination or référent) reads the family, consents, siblings, ruptures,
      documents, the information préoccupante record and notes restricted to them;
    - `modifier` (change permission, open pathway) writes objectives, actions, ruptures,
      documents;
    - `ecrire_note`: everyone who may read an open pathway writes journal notes;
    - `coordination`: coordinators and administrators of the programme.
    """

    coordinateur: bool
    referent: bool
    equipe: bool
    modifier: bool
    ecrire_note: bool = False
    user_id: int | None = None
    ecriture: bool = False
    coordination: bool = False
    ouvert: bool = True

    def peut(self, capacite: Capacite) -> bool:
        """Whether the capability holds on the pathway itself (sub-object rules aside)."""
        return {
            Capacite.LECTURE: True,
            Capacite.ECRITURE: self.ecriture,
            Capacite.MODIFICATION: self.modifier,
            Capacite.NOTE: self.ecrire_note,
            Capacite.EQUIPE: self.equipe,
            Capacite.EQUIPE_ECRITURE: self.equipe and self.ouvert,
            Capacite.CONSENTEMENT: self.ecriture and self.equipe,
            Capacite.COORDINATION: self.coordination,
            Capacite.CREATION: self.coordinateur,
            Capacite.QUESTIONNAIRE_SORTIE: self.equipe,
            # Refined on the action by `peut_modifier_action`.
            Capacite.SUIVI_ACTION: self.ecrire_note,
            Capacite.CORRIGER_NOTE: self.ecrire_note,
            Capacite.COMPLETER_NOTE: self.ecrire_note,
        }[capacite]

    def peut_modifier_action(self, action) -> bool:
        """The team edits every action; the professional who delivers one records its progress."""
        return self.modifier or (
            self.ecrire_note
            and action.professionnel_id is not None
            and action.professionnel.user_id == self.user_id
        )


def _annoter(queryset, user):
    """The facts `DroitsParcours` needs, read in the same query as the pathway."""
    return queryset.annotate(
        acces_coordonne=role_sur_programme(user, [Role.COORDINATEUR], "programme_id"),
        acces_gestion=role_sur_programme(user, GESTION, "programme_id"),
        acces_referent=Exists(
            Professionnel.objects.filter(pk=OuterRef("referent_id"), user_id=user.pk)
        ),
        acces_change=_permission_parcours(user, "change_parcours"),
    )


def _droits(user, parcours: Parcours) -> DroitsParcours:
    coordinateur = parcours.acces_coordonne
    referent = parcours.acces_referent
    ecriture = coordinateur or parcours.acces_change
    return DroitsParcours(
        coordinateur=coordinateur,
        referent=referent,
        equipe=coordinateur or referent,
        modifier=parcours.est_ouvert and ecriture,
        # Only ever built for a pathway the user may read (fetched through this module).
        ecrire_note=parcours.est_ouvert,
        user_id=user.pk,
        ecriture=ecriture,
        coordination=parcours.acces_gestion,
        ouvert=parcours.est_ouvert,
    )


def droits_sur_parcours(user, parcours: Parcours) -> DroitsParcours:
    """The user's rights on a pathway already fetched (through this module), in one query.
    A pathway fetched here carries them already as `parcours.droits`."""
    droits = getattr(parcours, "droits", None)
    if droits is not None and droits.user_id == user.pk:
        return droits
    faits = _annoter(Parcours.objects.filter(pk=parcours.pk), user).get()
    return _droits(user, faits)


# Ids are PostgreSQL bigints: a larger number in a URL designates nothing (and must not reach
# a query, which would fail with "bigint out of range", a 500).
_ID_MAX = 2**63 - 1


def _entier(valeur) -> int | None:
    try:
        entier = int(valeur)
    except (TypeError, ValueError):
        return None
    return entier if -_ID_MAX <= entier <= _ID_MAX else None


def _acceder(
    *,
    user,
    pk,
    capacite: Capacite,
    queryset=None,
    sous_objet: Callable[[Parcours, DroitsParcours], object | None] | None = None,
):
    """Fetch the pathway `pk` for `capacite`, then the sub-object, and trace the answer once."""
    capacite = Capacite(capacite)
    base = queryset if queryset is not None else Parcours.objects.all()
    base = base.modifiables_par(user) if capacite in _PAR_ECRITURE else base.visibles_par(user)
    identifiant = _entier(pk)
    parcours = (
        _annoter(base, user).filter(pk=identifiant).first() if identifiant is not None else None
    )
    objet = None
    # The programme a refusal concerns, so that its DPO finds it in the trail (issue 19).
    programme_id = parcours.programme_id if parcours is not None else None
    if parcours is not None:
        parcours.droits = _droits(user, parcours)
        if not parcours.droits.peut(capacite):
            parcours = None
        elif sous_objet is not None:
            objet = sous_objet(parcours, parcours.droits)
            if objet is None:
                parcours = None
            else:
                objet.droits = parcours.droits
    if parcours is None:
        if programme_id is None and identifiant is not None:
            # Not visible to this user: read its programme for the trail only (one query, on
            # the refusal path alone); nothing of it reaches the user, who gets the same 404
            # as for a pathway that does not exist.
            programme_id = (
                Parcours.objects.filter(pk=identifiant)
                .values_list("programme_id", flat=True)
                .first()
            )
        tracer(
            user=user,
            evenement=Evenement.REFUS,
            autorise=False,
            modele=Parcours,
            object_id=identifiant,
            programme_id=programme_id,
        )
        raise Http404(_("Parcours introuvable."))
    tracer(
        user=user,
        evenement=Evenement.MODIFICATION
        if capacite in _ECRIVENT and methode_requete() not in {"GET", "HEAD"}
        else Evenement.LECTURE,
        autorise=True,
        objet=parcours,
    )
    return parcours, objet


def _rattacher(objet, parcours):
    """The sub-object's `parcours` is the pathway just authorised (no second fetch)."""
    if objet is not None:
        objet.parcours = parcours
    return objet


def parcours_pour(*, user, pk, capacite: Capacite = Capacite.LECTURE, queryset=None) -> Parcours:
    """The pathway `pk` if `user` holds `capacite` on it (rights in `.droits`); otherwise 404."""
    parcours, _objet = _acceder(user=user, pk=pk, capacite=capacite, queryset=queryset)
    return parcours


def objectif_pour(*, user, pk, objectif_pk, capacite=Capacite.MODIFICATION) -> Objectif:
    def trouver(parcours, droits):
        return _rattacher(
            Objectif.objects.filter(parcours=parcours, pk=_entier(objectif_pk)).first(), parcours
        )

    return _acceder(user=user, pk=pk, capacite=capacite, sous_objet=trouver)[1]


def action_pour(*, user, pk, action_pk, capacite=Capacite.MODIFICATION) -> Action:
    """`SUIVI_ACTION`: the team edits the action, the professional delivering it records its
    progress (`action.droits.modifier` tells which)."""

    def trouver(parcours, droits):
        action = (
            Action.objects.filter(parcours=parcours, pk=_entier(action_pk))
            .select_related("collective", "professionnel")
            .first()
        )
        if action is None:
            return None
        if capacite == Capacite.SUIVI_ACTION and not droits.peut_modifier_action(action):
            return None
        return _rattacher(action, parcours)

    return _acceder(user=user, pk=pk, capacite=capacite, sous_objet=trouver)[1]


def note_pour(*, user, pk, note_pk, capacite=Capacite.COMPLETER_NOTE) -> Note:
    """A note the user may read on an open pathway: `CORRIGER_NOTE` only its author's,
    `COMPLETER_NOTE` its author's or, for the référent and the coordination, anyone's."""

    def trouver(parcours, droits):
        note = (
            Note.objects.filter(parcours=parcours, pk=_entier(note_pk))
            .lisibles_par(user, equipe=droits.equipe)
            .select_related("auteur")
            .prefetch_related(
                Prefetch("addenda", queryset=Addendum.objects.select_related("auteur"))
            )
            .first()
        )
        if note is None:
            return None
        est_auteur = note.auteur_id == user.pk
        if capacite == Capacite.CORRIGER_NOTE and not est_auteur:
            return None
        if capacite == Capacite.COMPLETER_NOTE and not (est_auteur or droits.equipe):
            return None
        return _rattacher(note, parcours)

    return _acceder(user=user, pk=pk, capacite=capacite, sous_objet=trouver)[1]


def rupture_pour(*, user, pk, rupture_pk, capacite=Capacite.EQUIPE_ECRITURE) -> Rupture:
    def trouver(parcours, droits):
        return _rattacher(
            Rupture.objects.filter(parcours=parcours, pk=_entier(rupture_pk)).first(), parcours
        )

    return _acceder(user=user, pk=pk, capacite=capacite, sous_objet=trouver)[1]


def dispositif_pour(*, user, pk, dispositif_pk, capacite=Capacite.EQUIPE_ECRITURE) -> Dispositif:
    """Another scheme of the pathway (issue 21). A reserved measure (AEMO, ASE placement,
    CMP/CMPP, PPS) exists only for the pathway's team, whatever the capability asked: to anyone
    else it answers 404, like the information préoccupante record."""

    def trouver(parcours, droits):
        return _rattacher(
            Dispositif.objects.filter(parcours=parcours, pk=_entier(dispositif_pk))
            .lisibles(equipe=droits.equipe)
            .first(),
            parcours,
        )

    return _acceder(user=user, pk=pk, capacite=capacite, sous_objet=trouver)[1]


def document_pour(*, user, pk, document_pk, capacite=Capacite.EQUIPE, queryset=None) -> Document:
    """Reading (`EQUIPE`) needs the file (an anonymised pathway's documents keep their row,
    not their file); writing (`EQUIPE_ECRITURE`, archiving) needs a document not archived."""

    def trouver(parcours, droits):
        documents = Document.objects.filter(parcours=parcours, pk=_entier(document_pk))
        if capacite == Capacite.EQUIPE:
            documents = documents.exclude(fichier="")
        else:
            documents = documents.filter(archive_le__isnull=True)
        return _rattacher(documents.first(), parcours)

    return _acceder(user=user, pk=pk, capacite=capacite, queryset=queryset, sous_objet=trouver)[1]


def consentement_pour(
    *, user, pk, consentement_pk, capacite=Capacite.EQUIPE, queryset=None
) -> Consentement:
    """Reading (`EQUIPE`: the coordination and the référent) is reading its scan, so it needs
    one; `ECRITURE` (withdraw, renew) any consent of the pathway. Taken from the pathway's
    prefetched consents when the queryset has them (`parcours_detail_queryset`)."""
    identifiant = _entier(consentement_pk)

    def trouver(parcours, droits):
        consentement = next((c for c in parcours.consentements.all() if c.pk == identifiant), None)
        if consentement is None or (capacite == Capacite.EQUIPE and not consentement.fichier):
            return None
        return _rattacher(consentement, parcours)

    return _acceder(user=user, pk=pk, capacite=capacite, queryset=queryset, sous_objet=trouver)[1]


def intervenant_pour(
    *, user, pk, intervenant_pk, capacite=Capacite.ECRITURE, queryset=None
) -> Intervenant:
    """An active intervenant of the pathway."""
    identifiant = _entier(intervenant_pk)

    def trouver(parcours, droits):
        intervenant = next(
            (i for i in parcours.intervenants.all() if i.pk == identifiant and i.actif), None
        )
        return _rattacher(intervenant, parcours)

    return _acceder(user=user, pk=pk, capacite=capacite, queryset=queryset, sous_objet=trouver)[1]


# --- Families -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DroitsFamille:
    """What the current user may do on a family fetched by `famille_pour`."""

    # A coordinator of its programme, the family not anonymised: add a child (a sibling).
    ajouter_enfant: bool


def famille_pour(*, user, pk, capacite: Capacite = Capacite.EQUIPE) -> Famille:
    """The family `pk`, with `.droits` (a `DroitsFamille`), if the user may see it; otherwise 404.

    A family is read by the team (coordination or référent) of one of its children's pathways,
    the ones that read it on the pathway's page (`Capacite.EQUIPE`); `Capacite.CREATION` adds
    a child to it: the coordinators of its programme, who create pathways there, on a family
    whose identity was not anonymised. Traced once, as the family (allowed or denied)."""
    capacite = Capacite(capacite)
    if capacite not in {Capacite.EQUIPE, Capacite.CREATION}:
        raise ValueError(capacite)
    identifiant = _entier(pk)
    equipe = Parcours.objects.equipe_de(user).filter(enfant__famille_id=OuterRef("pk"))
    famille = None
    if identifiant is not None:
        famille = (
            Famille.objects.filter(Exists(equipe), pk=identifiant)
            .annotate(acces_coordonne=role_sur_programme(user, [Role.COORDINATEUR], "programme_id"))
            .select_related("programme")
            .first()
        )
    if famille is not None:
        famille.droits = DroitsFamille(
            ajouter_enfant=famille.acces_coordonne and famille.anonymise_le is None
        )
        if capacite == Capacite.CREATION and not famille.droits.ajouter_enfant:
            famille = None
    if famille is None:
        tracer(
            user=user,
            evenement=Evenement.REFUS,
            autorise=False,
            modele=Famille,
            object_id=identifiant,
        )
        raise Http404(_("Famille introuvable."))
    tracer(
        user=user,
        evenement=Evenement.MODIFICATION
        if capacite == Capacite.CREATION and methode_requete() not in {"GET", "HEAD"}
        else Evenement.LECTURE,
        autorise=True,
        objet=famille,
    )
    return famille


# --- EPS meetings ---------------------------------------------------------------------------


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


def _equipe_pre(user) -> Exists:
    """Whether the user is the PRE team of the meeting's programme (annotates `equipe`)."""
    return Exists(programmes_equipe_pre(user).filter(pk=OuterRef("programme_id")))


def reunions_pour(user):
    """Meetings the user may open: their programme's PRE team, and who is invited; each
    annotated `equipe` (the PRE team plans, adds, records attendance and decisions)."""
    from .models import InvitationEPS

    equipe = _equipe_pre(user)
    # `pk IN (… UNION …)` rather than `equipe OR invited`: the OR scanned every meeting of the
    # platform (issue 18); each branch starts from the user's own rows.
    # `programme_id = ANY(ARRAY(…))`: the planner sees one array of a few programmes and probes
    # the (programme, date) index, instead of estimating hundreds and scanning every meeting.
    par_equipe = (
        ReunionEPS.objects.filter(
            programme_id__dans_tableau=programmes_equipe_pre(user).values("pk")
        )
        .order_by()
        .values("pk")
    )
    par_invitation = InvitationEPS.objects.filter(professionnel__user=user).values("reunion_id")
    return (
        ReunionEPS.objects.filter(pk__dans_tableau=par_equipe.union(par_invitation, all=True))
        .annotate(equipe=equipe)
        .select_related("programme")
    )


def reunion_pour(*, user, pk, capacite: Capacite = Capacite.LECTURE) -> ReunionEPS:
    """The meeting `pk` if the user may open it: `LECTURE` for its programme's PRE team and
    the professionals invited to it, `EQUIPE` for the PRE team only (`reunion.equipe` tells
    which). A meeting names pathways only to who may see them (`ordre_du_jour`), so opening
    one is not traced; each pathway on it is, through `examen_pour`."""
    from .models import InvitationEPS

    # One meeting, its two facts probed on it, rather than `reunions_pour`'s list of every
    # meeting the user may open filtered down to one (13 ms, most of it to plan and build the
    # union; issue 18). The same rule: the PRE team, or an invitation.
    reunion = None
    if user.is_authenticated and user.is_active and _entier(pk) is not None:
        reunion = (
            ReunionEPS.objects.filter(pk=_entier(pk))
            .annotate(
                equipe=_equipe_pre(user),
                invite=Exists(
                    InvitationEPS.objects.filter(reunion=OuterRef("pk"), professionnel__user=user)
                ),
            )
            .select_related("programme")
            .first()
        )
    autorise = reunion is not None and (
        reunion.equipe
        if Capacite(capacite) == Capacite.EQUIPE
        else reunion.equipe or reunion.invite
    )
    if not autorise:
        raise Http404(_("Réunion introuvable."))
    return reunion


def examen_pour(*, user, reunion: ReunionEPS, examen_pk, capacite=Capacite.ECRITURE) -> Examen:
    """An examination on the agenda of `reunion` (fetched by `reunion_pour`), if the user holds
    `capacite` on its pathway; `examen.parcours` is that pathway, authorised and traced."""
    examen = Examen.objects.filter(reunion=reunion, pk=_entier(examen_pk)).first()
    if examen is None:
        raise Http404(_("Examen introuvable."))
    examen.reunion = reunion
    examen.parcours = parcours_pour(user=user, pk=examen.parcours_id, capacite=capacite)
    return examen


# --- Referrals ------------------------------------------------------------------------------


class CapaciteOrientation(enum.StrEnum):
    """What a page wants to do with a referral."""

    # The referral, its thread and its document: the coordination of its programme, and the
    # professional who sent it (never another member of their structure).
    SUIVI = "suivi"
    # Decide (study, question, accept, redirect, refuse): the programme's coordinators.
    COORDINATION = "coordination"
    # Answer the coordination's question: the referrer.
    ORIENTEUR = "orienteur"


@dataclass(frozen=True)
class DroitsOrientation:
    coordination: bool
    orienteur: bool

    def peut(self, capacite: CapaciteOrientation) -> bool:
        return {
            CapaciteOrientation.SUIVI: self.coordination or self.orienteur,
            CapaciteOrientation.COORDINATION: self.coordination,
            CapaciteOrientation.ORIENTEUR: self.orienteur,
        }[capacite]


def orientation_pour(
    *, user, orientation_pk, capacite: CapaciteOrientation = CapaciteOrientation.SUIVI
) -> Orientation:
    """The referral `orientation_pk` if `user` holds `capacite` on it (rights in `.droits`);
    otherwise 404, traced like a pathway. The referrer reads their referral, never the pathway
    it opened: that one still goes through `parcours_pour`."""
    capacite = CapaciteOrientation(capacite)
    identifiant = _entier(orientation_pk)
    orientation = None
    if identifiant is not None and user.is_authenticated and user.is_active:
        orientation = (
            Orientation.objects.filter(pk=identifiant)
            .annotate(
                acces_coordonne=role_sur_programme(user, [Role.COORDINATEUR], "programme_id"),
                acces_orienteur=Exists(
                    Professionnel.objects.filter(
                        pk=OuterRef("auteur_id"), user_id=user.pk, actif=True
                    )
                ),
            )
            .select_related("programme", "structure", "auteur__user", "etablissement")
            .first()
        )
    if orientation is not None:
        orientation.droits = DroitsOrientation(
            coordination=orientation.acces_coordonne, orienteur=orientation.acces_orienteur
        )
        if not orientation.droits.peut(capacite):
            orientation = None
    if orientation is None:
        tracer(
            user=user,
            evenement=Evenement.REFUS,
            autorise=False,
            modele=Orientation,
            object_id=identifiant,
        )
        raise Http404(_("Orientation introuvable."))
    tracer(
        user=user,
        evenement=Evenement.LECTURE
        if methode_requete() in {"GET", "HEAD"}
        else Evenement.MODIFICATION,
        autorise=True,
        objet=orientation,
    )
    return orientation


# --- Caseload imports -----------------------------------------------------------------------


def import_pour(*, user, import_pk):
    """A caseload import, for the coordinators of its programme; otherwise 404. Its preview
    names children: opening it is traced."""
    from .models import ImportParcours

    identifiant = _entier(import_pk)
    imp = None
    if identifiant is not None and user.is_authenticated and user.is_active:
        imp = (
            ImportParcours.objects.filter(
                pk=identifiant,
                programme_id__in=programmes_coordonnes(user).values("pk"),
            )
            .select_related("programme", "auteur")
            .first()
        )
    if imp is None:
        tracer(
            user=user,
            evenement=Evenement.REFUS,
            autorise=False,
            modele=ImportParcours,
            object_id=identifiant,
        )
        raise Http404(_("Import introuvable."))
    tracer(
        user=user,
        evenement=Evenement.LECTURE
        if methode_requete() in {"GET", "HEAD"}
        else Evenement.MODIFICATION,
        autorise=True,
        objet=imp,
    )
    return imp


# --- Transfers between programmes -----------------------------------------------------------


@dataclass(frozen=True)
class DroitsTransfert:
    envoi: bool  # coordinates the sending programme
    reception: bool  # coordinates the receiving programme


def transfert_pour(*, user, transfert_pk, decider: bool = False):
    """A transfer, for the coordinators of the sending and of the receiving programme (rights
    in `.droits`); `decider`: the receiving side only. Otherwise 404, traced."""
    from .models import Transfert

    identifiant = _entier(transfert_pk)
    transfert = None
    if identifiant is not None and user.is_authenticated and user.is_active:
        coordonnes = programmes_coordonnes(user).values("pk")
        transfert = (
            Transfert.objects.filter(pk=identifiant)
            .filter(Q(programme_origine__in=coordonnes) | Q(programme_destination__in=coordonnes))
            .annotate(
                acces_envoi=role_sur_programme(user, [Role.COORDINATEUR], "programme_origine_id"),
                acces_reception=role_sur_programme(
                    user, [Role.COORDINATEUR], "programme_destination_id"
                ),
            )
            .select_related("programme_origine", "programme_destination")
            .first()
        )
    if transfert is not None:
        transfert.droits = DroitsTransfert(
            envoi=transfert.acces_envoi, reception=transfert.acces_reception
        )
        if decider and not transfert.droits.reception:
            transfert = None
    if transfert is None:
        tracer(
            user=user,
            evenement=Evenement.REFUS,
            autorise=False,
            modele=Transfert,
            object_id=identifiant,
        )
        raise Http404(_("Transfert introuvable."))
    tracer(
        user=user,
        evenement=Evenement.LECTURE
        if methode_requete() in {"GET", "HEAD"}
        else Evenement.MODIFICATION,
        autorise=True,
        objet=transfert,
    )
    return transfert


# --- Requests to partners -------------------------------------------------------------------


def sollicitations_recues_par(user):
    """Requests addressed to `user`: those naming them (an active membership), and those naming
    only a structure they are an active member of. Each annotated `voit_enfant`: whether the
    pathway is visible to them through consent and assignment (`visibles_par`), the one thing
    that lets the partner read who the child is."""
    from .models import Sollicitation

    if not user.is_authenticated or not user.is_active:
        return Sollicitation.objects.none()
    # `pk IN (… UNION …)`: each branch starts from the user's own memberships.
    nommees = Sollicitation.objects.filter(
        professionnel__user=user, professionnel__actif=True
    ).values("pk")
    par_structure = Sollicitation.objects.filter(
        professionnel__isnull=True,
        structure__professionnels__user=user,
        structure__professionnels__actif=True,
    ).values("pk")
    return Sollicitation.objects.filter(
        pk__dans_tableau=nommees.union(par_structure, all=True)
    ).annotate(
        voit_enfant=Exists(Parcours.objects.visibles_par(user).filter(pk=OuterRef("parcours_id")))
    )


def sollicitation_pour(*, user, sollicitation_pk):
    """A request addressed to `user` (`sollicitations_recues_par`), otherwise 404 (traced).
    `.voit_enfant` says whether its pathway may be named to them; when it may not, the pages
    show its pseudonymised reference only. Who may read it may answer it."""
    from .models import Sollicitation

    identifiant = _entier(sollicitation_pk)
    sollicitation = None
    if identifiant is not None:
        sollicitation = (
            sollicitations_recues_par(user)
            .filter(pk=identifiant)
            .select_related(
                "structure",
                "professionnel__user",
                "objectif",
                "parcours__enfant",
                "structure_conseillee",
                "origine__structure",
                "suite__structure",
            )
            .first()
        )
    if sollicitation is None:
        tracer(
            user=user,
            evenement=Evenement.REFUS,
            autorise=False,
            modele=Sollicitation,
            object_id=identifiant,
        )
        raise Http404(_("Sollicitation introuvable."))
    tracer(
        user=user,
        evenement=Evenement.LECTURE
        if methode_requete() in {"GET", "HEAD"}
        else Evenement.MODIFICATION,
        autorise=True,
        objet=sollicitation,
    )
    return sollicitation


def sollicitation_equipe_pour(*, user, pk, sollicitation_pk, capacite=Capacite.EQUIPE):
    """A request of the pathway `pk`, for its team: `EQUIPE` reads it, `MODIFICATION`
    withdraws it or turns it into an action."""
    from .models import Sollicitation

    def trouver(parcours, droits):
        return _rattacher(
            Sollicitation.objects.filter(parcours=parcours, pk=_entier(sollicitation_pk))
            .select_related(
                "structure",
                "professionnel__user",
                "objectif",
                "repondu_par",
                "structure_conseillee",
                "origine__structure",
                "suite__structure",
            )
            .first(),
            parcours,
        )

    return _acceder(user=user, pk=pk, capacite=capacite, sous_objet=trouver)[1]
