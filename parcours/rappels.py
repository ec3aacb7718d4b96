"""The reminder kinds about pathways (DOMAIN.md, rule 6), registered with the core's scan.

Each kind selects its candidates with joins over the whole programme set at once (one query
per kind, whatever the number of pathways), and says which pending reminders still have a
reason, so that reminders stop when it ends (consent withdrawn, pathway exited, new activity).
"""

from datetime import date, datetime, time, timedelta

from django.db.models import DateField, ExpressionWrapper, F, Func, Value
from django.db.models.functions import Cast, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reussite.core.models import Rappel, Role
from reussite.core.rappels import Genre, Rendu, enregistrer

from .models import (
    STATUTS_ACTION_ACTIFS,
    STATUTS_ORIENTATION_OUVERTS,
    STATUTS_SOLLICITATION_REPONDUS,
    Action,
    BesoinNonCouvert,
    Consentement,
    EchangeOrientation,
    GenreEchange,
    Intervenant,
    InvitationEPS,
    Orientation,
    Parcours,
    ReunionEPS,
    Sollicitation,
    Statut,
    StatutBesoin,
    StatutReunion,
    StatutSollicitation,
    StatutTransfert,
    Transfert,
)

COORDINATION = Role.COORDINATEUR.value
# An expired consent older than this when reminders start is not announced any more.
FENETRE_EXPIRATION = timedelta(days=30)


def _pour_referent(qs, prefixe: str = ""):
    return qs.filter(**{f"{prefixe}referent__isnull": False}).annotate(
        r_destinataire=F(f"{prefixe}referent__user_id")
    )


def _pour_coordination(qs, prefixe: str = ""):
    # filter() then annotate() on the same multi-valued relation: one join, one row per
    # coordinator of the pathway's programme.
    lien = f"{prefixe}programme__programmeuserobjectpermission"
    return qs.filter(**{f"{lien}__permission__codename": COORDINATION}).annotate(
        r_destinataire=F(f"{lien}__user_id")
    )


def _colonnes(qs, *, objet: str, programme: str, echeance):
    return (
        qs.annotate(r_objet=F(objet), r_programme=F(programme), r_echeance=echeance)
        .order_by()
        .values("r_objet", "r_destinataire", "r_programme", "r_echeance")
    )


# --- Reviews -----------------------------------------------------------------------------------


def _revues_proches(le: date):
    base = (
        Parcours.objects.exclude(statut=Statut.SORTI)
        .annotate(
            r_debut=ExpressionWrapper(
                F("date_prochaine_revue") - F("programme__rappel_revue_jours"),
                output_field=DateField(),
            )
        )
        .filter(date_prochaine_revue__gte=le, r_debut__lte=le)
    )
    return _union_referent_coordination(base)


def _revues_depassees(le: date):
    base = Parcours.objects.exclude(statut=Statut.SORTI).filter(date_prochaine_revue__lt=le)
    return _union_referent_coordination(base)


def _union_referent_coordination(base):
    colonnes = {"objet": "pk", "programme": "programme_id", "echeance": F("date_prochaine_revue")}
    return _colonnes(_pour_referent(base), **colonnes).union(
        _colonnes(_pour_coordination(base), **colonnes)
    )


def _destinataires_valables(rappels, parcours_valables: dict[int, Parcours], coordination):
    """Reminders whose pathway still qualifies and whose recipient is still its référent or
    one of its programme's coordinators."""
    valables = set()
    for r in rappels:
        p = parcours_valables.get(r.object_id)
        if p is None:
            continue
        referent = p.referent.user_id if p.referent_id else None
        if r.destinataire_id == referent or (p.programme_id, r.destinataire_id) in coordination:
            valables.add(r.pk)
    return valables


def _coordination(programmes: set[int]) -> set[tuple[int, int]]:
    from reussite.core.roles import titulaires

    return titulaires(programmes, Role.COORDINATEUR)


def _revues_valables(rappels: list[Rappel], le: date, *, depassee: bool) -> set[int]:
    parcours = {
        p.pk: p
        for p in Parcours.objects.exclude(statut=Statut.SORTI)
        .filter(pk__in={r.object_id for r in rappels})
        .select_related("referent")
    }
    # Same review date as when the reminder was created: a new date is a new event.
    parcours = {
        pk: p
        for pk, p in parcours.items()
        if p.date_prochaine_revue is not None
        and (p.date_prochaine_revue < le if depassee else p.date_prochaine_revue >= le)
    }
    echeances = {(r.object_id, r.echeance) for r in rappels}
    parcours = {pk: p for pk, p in parcours.items() if (pk, p.date_prochaine_revue) in echeances}
    return _destinataires_valables(
        rappels, parcours, _coordination({p.programme_id for p in parcours.values()})
    )


def _rendre_parcours(rappels: list[Rappel], titre: str, texte: str) -> dict[int, Rendu]:
    parcours = Parcours.objects.select_related("enfant").in_bulk({r.object_id for r in rappels})
    rendus = {}
    for r in rappels:
        p = parcours.get(r.object_id)
        if p is None:
            continue
        contexte = {
            "enfant": f"{p.enfant.prenom} {p.enfant.nom[:1]}.",
            "date": r.echeance.strftime("%d/%m/%Y"),
        }
        rendus[r.pk] = Rendu(
            titre=titre % contexte,
            texte=texte % contexte,
            lien=reverse("parcours:detail", args=[p.pk]),
        )
    return rendus


# --- Consents ------------------------------------------------------------------------------------


def _consentements_en_cours(le: date):
    return Consentement.objects.filter(
        date_retrait__isnull=True, renouvele_par__isnull=True, date_signature__lte=le
    ).exclude(parcours__statut=Statut.SORTI)


def _consentements_bientot(le: date):
    base = _consentements_en_cours(le).annotate(
        r_debut=ExpressionWrapper(
            F("date_expiration") - F("parcours__programme__rappel_consentement_jours"),
            output_field=DateField(),
        )
    )
    base = base.filter(date_expiration__gt=le, r_debut__lte=le)
    return _colonnes(
        _pour_referent(base, "parcours__"),
        objet="pk",
        programme="parcours__programme_id",
        echeance=F("date_expiration"),
    )


def _consentements_expires(le: date):
    base = _consentements_en_cours(le).filter(
        date_expiration__lte=le, date_expiration__gt=le - FENETRE_EXPIRATION
    )
    return _colonnes(
        _pour_referent(base, "parcours__"),
        objet="pk",
        programme="parcours__programme_id",
        echeance=F("date_expiration"),
    )


def _consentements_valables(rappels: list[Rappel], le: date, *, expire: bool) -> set[int]:
    consentements = {
        c.pk: c
        for c in _consentements_en_cours(le)
        .filter(pk__in={r.object_id for r in rappels})
        .select_related("parcours__referent")
    }
    valables = set()
    for r in rappels:
        c = consentements.get(r.object_id)
        if c is None or (c.date_expiration <= le) != expire:
            continue
        referent = c.parcours.referent
        if referent is not None and referent.user_id == r.destinataire_id:
            valables.add(r.pk)
    return valables


def _rendre_consentements(rappels: list[Rappel], titre: str, texte: str) -> dict[int, Rendu]:
    consentements = Consentement.objects.select_related("parcours__enfant").in_bulk(
        {r.object_id for r in rappels}
    )
    rendus = {}
    for r in rappels:
        c = consentements.get(r.object_id)
        if c is None:
            continue
        enfant = c.parcours.enfant
        contexte = {
            "enfant": f"{enfant.prenom} {enfant.nom[:1]}.",
            "date": r.echeance.strftime("%d/%m/%Y"),
        }
        rendus[r.pk] = Rendu(
            titre=titre % contexte,
            texte=texte % contexte,
            lien=reverse("parcours:detail", args=[c.parcours_id]),
        )
    return rendus


# --- Pathways going quiet -----------------------------------------------------------------------


def _silence(qs):
    """The day a pathway became quiet: its last write plus the programme's delay."""
    return qs.annotate(
        r_silence=ExpressionWrapper(
            Cast("derniere_activite", DateField()) + F("programme__delai_inactivite_jours"),
            output_field=DateField(),
        )
    )


def _inactifs(le: date):
    base = _silence(Parcours.objects.exclude(statut=Statut.SORTI)).filter(r_silence__lte=le)
    return _colonnes(
        _pour_referent(base), objet="pk", programme="programme_id", echeance=F("r_silence")
    )


def _inactifs_valables(rappels: list[Rappel], le: date) -> set[int]:
    parcours = {
        p.pk: p
        for p in _silence(Parcours.objects.exclude(statut=Statut.SORTI))
        .filter(pk__in={r.object_id for r in rappels})
        .select_related("referent")
    }
    return {
        r.pk
        for r in rappels
        if (p := parcours.get(r.object_id)) is not None
        and p.r_silence == r.echeance
        and p.referent is not None
        and p.referent.user_id == r.destinataire_id
    }


# --- Actions overdue ------------------------------------------------------------------------------


def _actions_en_cours():
    return Action.objects.filter(statut__in=STATUTS_ACTION_ACTIFS, resultat="").exclude(
        parcours__statut=Statut.SORTI
    )


def _actions_en_retard(le: date):
    base = _actions_en_cours().filter(date_fin__lt=le)
    colonnes = {"objet": "pk", "programme": "parcours__programme_id", "echeance": F("date_fin")}
    professionnels = base.filter(professionnel__isnull=False).annotate(
        r_destinataire=F("professionnel__user_id")
    )
    return _colonnes(professionnels, **colonnes).union(
        _colonnes(_pour_referent(base, "parcours__"), **colonnes)
    )


def _actions_valables(rappels: list[Rappel], le: date) -> set[int]:
    actions = {
        a.pk: a
        for a in _actions_en_cours()
        .filter(pk__in={r.object_id for r in rappels}, date_fin__lt=le)
        .select_related("professionnel", "parcours__referent")
    }
    valables = set()
    for r in rappels:
        a = actions.get(r.object_id)
        if a is None or a.date_fin != r.echeance:
            continue
        concernes = {
            a.professionnel.user_id if a.professionnel else None,
            a.parcours.referent.user_id if a.parcours.referent else None,
        }
        if r.destinataire_id in concernes:
            valables.add(r.pk)
    return valables


def _rendre_actions(rappels: list[Rappel]) -> dict[int, Rendu]:
    actions = Action.objects.select_related("parcours__enfant").in_bulk(
        {r.object_id for r in rappels}
    )
    rendus = {}
    for r in rappels:
        a = actions.get(r.object_id)
        if a is None:
            continue
        enfant = a.parcours.enfant
        contexte = {
            "action": a.intitule,
            "enfant": f"{enfant.prenom} {enfant.nom[:1]}.",
            "date": r.echeance.strftime("%d/%m/%Y"),
        }
        rendus[r.pk] = Rendu(
            titre=_("Une action devait se terminer le %(date)s") % contexte,
            texte=_(
                "L’action « %(action)s » du parcours de %(enfant)s devait se terminer le "
                "%(date)s : indiquez son résultat, ou prolongez-la."
            )
            % contexte,
            lien=reverse("parcours:detail", args=[a.parcours_id]),
        )
    return rendus


# --- Unmet needs -----------------------------------------------------------------------------------


def _besoins_en_attente(le: date):
    base = (
        BesoinNonCouvert.objects.filter(statut=StatutBesoin.OUVERT)
        .annotate(
            r_seuil=ExpressionWrapper(
                F("date_signalement") + F("programme__rappel_besoin_jours"),
                output_field=DateField(),
            )
        )
        .filter(r_seuil__lte=le)
    )
    return _colonnes(
        _pour_coordination(base), objet="pk", programme="programme_id", echeance=F("r_seuil")
    )


def _besoins_valables(rappels: list[Rappel], le: date) -> set[int]:
    besoins = BesoinNonCouvert.objects.filter(
        pk__in={r.object_id for r in rappels}, statut=StatutBesoin.OUVERT
    ).in_bulk()
    coordination = _coordination({b.programme_id for b in besoins.values()})
    return {
        r.pk
        for r in rappels
        if (b := besoins.get(r.object_id)) is not None
        and (b.programme_id, r.destinataire_id) in coordination
    }


def _rendre_besoins(rappels: list[Rappel]) -> dict[int, Rendu]:
    besoins = BesoinNonCouvert.objects.in_bulk({r.object_id for r in rappels})
    rendus = {}
    for r in rappels:
        b = besoins.get(r.object_id)
        if b is None:
            continue
        contexte = {
            "domaine": b.get_domaine_display(),
            "age": b.get_tranche_age_display(),
            "depuis": b.date_signalement.strftime("%d/%m/%Y"),
        }
        rendus[r.pk] = Rendu(
            titre=_("Un besoin attend une offre depuis le %(depuis)s") % contexte,
            texte=_(
                "Un besoin en %(domaine)s (%(age)s) signalé le %(depuis)s n’a toujours pas "
                "d’offre : à porter au comité de pilotage ?"
            )
            % contexte,
            lien=reverse("parcours:detail", args=[b.parcours_id]) if b.parcours_id else "",
        )
    return rendus


# --- New assignment (raised by the services) ------------------------------------------------------


def _affectations_valables(rappels: list[Rappel], le: date) -> set[int]:
    """Still assigned: still référent, active intervenant, or delivering an active action of
    the open pathway."""
    parcours = {
        p.pk: p
        for p in Parcours.objects.exclude(statut=Statut.SORTI)
        .filter(pk__in={r.object_id for r in rappels})
        .select_related("referent")
        .prefetch_related("intervenants__professionnel", "actions__professionnel")
    }
    valables = set()
    for r in rappels:
        p = parcours.get(r.object_id)
        if p is None:
            continue
        affectes = {i.professionnel.user_id for i in p.intervenants.all() if i.actif}
        affectes |= {
            a.professionnel.user_id
            for a in p.actions.all()
            if a.professionnel is not None and a.statut in STATUTS_ACTION_ACTIFS
        }
        if p.referent is not None:
            affectes.add(p.referent.user_id)
        if r.destinataire_id in affectes:
            valables.add(r.pk)
    return valables


# --- EPS meetings ----------------------------------------------------------------------------------


def _reunions_demain(le: date):
    """Invited professionals, the day before a planned meeting (or on the day, if the scan of
    the day before was missed)."""
    debut = timezone.make_aware(datetime.combine(le, time.min))
    fin = debut + timedelta(days=2)
    return (
        InvitationEPS.objects.filter(
            reunion__statut=StatutReunion.PLANIFIEE, reunion__date__gte=debut, reunion__date__lt=fin
        )
        .annotate(
            r_objet=F("reunion_id"),
            r_destinataire=F("professionnel__user_id"),
            r_programme=F("reunion__programme_id"),
            r_echeance=TruncDate("reunion__date"),
        )
        .order_by()
        .values("r_objet", "r_destinataire", "r_programme", "r_echeance")
    )


def _invitations_valables(rappels: list[Rappel], le: date) -> set[int]:
    invites = set(
        InvitationEPS.objects.filter(
            reunion_id__in={r.object_id for r in rappels},
            reunion__statut=StatutReunion.PLANIFIEE,
        ).values_list("reunion_id", "professionnel__user_id")
    )
    return {r.pk for r in rappels if (r.object_id, r.destinataire_id) in invites}


def _rendre_reunions(rappels: list[Rappel], titre: str, texte: str) -> dict[int, Rendu]:
    reunions = ReunionEPS.objects.in_bulk({r.object_id for r in rappels})
    rendus = {}
    for r in rappels:
        reunion = reunions.get(r.object_id)
        if reunion is None:
            continue
        contexte = {
            "date": timezone.localtime(reunion.date).strftime("%d/%m/%Y à %H:%M"),
            "lieu": reunion.lieu,
        }
        rendus[r.pk] = Rendu(
            titre=titre % contexte,
            texte=texte % contexte,
            lien=reverse("parcours:eps_reunion", args=[reunion.pk]),
        )
    return rendus


def _affectations_en_cours(le: date):
    """(pathway, user) pairs of the open pathways' référents, intervenants and the
    professionals of their active actions."""
    ouverts = Parcours.objects.exclude(statut=Statut.SORTI)
    referents = ouverts.filter(referent__isnull=False).annotate(
        r_objet=F("pk"), r_destinataire=F("referent__user_id")
    )
    intervenants = Intervenant.objects.filter(actif=True, parcours__in=ouverts).annotate(
        r_objet=F("parcours_id"), r_destinataire=F("professionnel__user_id")
    )
    realisateurs = Action.objects.filter(
        statut__in=STATUTS_ACTION_ACTIFS, professionnel__isnull=False, parcours__in=ouverts
    ).annotate(r_objet=F("parcours_id"), r_destinataire=F("professionnel__user_id"))
    colonnes = ("r_objet", "r_destinataire")
    return (
        referents.order_by()
        .values(*colonnes)
        .union(
            intervenants.order_by().values(*colonnes),
            realisateurs.order_by().values(*colonnes),
        )
    )


def _invitations_en_cours(le: date):
    return (
        InvitationEPS.objects.filter(reunion__statut=StatutReunion.PLANIFIEE)
        .annotate(r_objet=F("reunion_id"), r_destinataire=F("professionnel__user_id"))
        .order_by()
        .values("r_objet", "r_destinataire")
    )


# --- Referrals ----------------------------------------------------------------------------------


def _echanges_suivis(le: date):
    """(step, referrer) pairs still worth telling: the referrer's membership is active."""
    return (
        EchangeOrientation.objects.filter(orientation__auteur__actif=True)
        .annotate(r_objet=F("pk"), r_destinataire=F("orientation__auteur__user_id"))
        .order_by()
        .values("r_objet", "r_destinataire")
    )


def _echanges_suivis_valables(rappels: list[Rappel], le: date) -> set[int]:
    paires = set(
        EchangeOrientation.objects.filter(
            pk__in={r.object_id for r in rappels}, orientation__auteur__actif=True
        ).values_list("pk", "orientation__auteur__user_id")
    )
    return {r.pk for r in rappels if (r.object_id, r.destinataire_id) in paires}


def _echanges_a_traiter(le: date):
    """(step, coordinator) pairs of deposits and answers on referrals still waiting."""
    base = EchangeOrientation.objects.filter(
        genre__in=[GenreEchange.DEPOT, GenreEchange.REPONSE],
        orientation__statut__in=STATUTS_ORIENTATION_OUVERTS,
    )
    lien = "orientation__programme__programmeuserobjectpermission"
    return (
        base.filter(**{f"{lien}__permission__codename": COORDINATION})
        .annotate(r_objet=F("pk"), r_destinataire=F(f"{lien}__user_id"))
        .order_by()
        .values("r_objet", "r_destinataire")
    )


def _echanges_a_traiter_valables(rappels: list[Rappel], le: date) -> set[int]:
    echanges = EchangeOrientation.objects.filter(
        pk__in={r.object_id for r in rappels},
        orientation__statut__in=STATUTS_ORIENTATION_OUVERTS,
    ).values_list("pk", "orientation__programme_id")
    programme_de = dict(echanges)
    coordination = _coordination(set(programme_de.values()))
    return {
        r.pk
        for r in rappels
        if r.object_id in programme_de
        and (programme_de[r.object_id], r.destinataire_id) in coordination
    }


def _rendre_echanges(rappels: list[Rappel], *, pour_coordination: bool) -> dict[int, Rendu]:
    echanges = EchangeOrientation.objects.select_related("orientation__structure").in_bulk(
        {r.object_id for r in rappels}
    )
    rendus = {}
    for r in rappels:
        e = echanges.get(r.object_id)
        if e is None:
            continue
        o = e.orientation
        contexte = {
            "numero": o.pk,
            "date": timezone.localtime(o.recue_le).strftime("%d/%m/%Y"),
            "statut": o.get_statut_display(),
            "etape": e.get_genre_display(),
            "structure": o.structure.nom,
        }
        if pour_coordination:
            titre = (
                _("Nouvelle orientation n° %(numero)s (%(structure)s)")
                if e.genre == GenreEchange.DEPOT
                else _("L’orienteur a répondu sur l’orientation n° %(numero)s")
            )
            texte = _(
                "%(etape)s par %(structure)s le %(date)s : l’orientation attend la décision de "
                "la coordination."
            )
        else:
            titre = _("Votre orientation n° %(numero)s : %(statut)s")
            texte = _(
                "Votre orientation du %(date)s est désormais « %(statut)s ». Ouvrez-la pour lire "
                "le message de la coordination."
            )
        rendus[r.pk] = Rendu(
            titre=titre % contexte,
            texte=texte % contexte,
            lien=reverse("parcours:orientation", args=[o.pk]),
        )
    return rendus


def _orientations_en_attente(le: date):
    """Referrals without a decision for more than the programme's number of days."""
    base = (
        Orientation.objects.filter(statut__in=STATUTS_ORIENTATION_OUVERTS)
        .annotate(
            r_seuil=ExpressionWrapper(
                Cast(TruncDate("recue_le"), DateField()) + F("programme__delai_orientation_jours"),
                output_field=DateField(),
            )
        )
        .filter(r_seuil__lte=le)
    )
    return _colonnes(
        _pour_coordination(base), objet="pk", programme="programme_id", echeance=F("r_seuil")
    )


def _orientations_en_attente_valables(rappels: list[Rappel], le: date) -> set[int]:
    orientations = Orientation.objects.filter(
        pk__in={r.object_id for r in rappels}, statut__in=STATUTS_ORIENTATION_OUVERTS
    ).in_bulk()
    coordination = _coordination({o.programme_id for o in orientations.values()})
    return {
        r.pk
        for r in rappels
        if (o := orientations.get(r.object_id)) is not None
        and (o.programme_id, r.destinataire_id) in coordination
    }


def _rendre_orientations_en_attente(rappels: list[Rappel]) -> dict[int, Rendu]:
    orientations = Orientation.objects.select_related("structure").in_bulk(
        {r.object_id for r in rappels}
    )
    rendus = {}
    for r in rappels:
        o = orientations.get(r.object_id)
        if o is None:
            continue
        contexte = {
            "numero": o.pk,
            "date": timezone.localtime(o.recue_le).strftime("%d/%m/%Y"),
            "structure": o.structure.nom,
        }
        rendus[r.pk] = Rendu(
            titre=_("L’orientation n° %(numero)s attend une décision") % contexte,
            texte=_(
                "L’orientation envoyée par %(structure)s le %(date)s attend toujours une "
                "décision : l’orienteur et la famille attendent une réponse."
            )
            % contexte,
            lien=reverse("parcours:orientation", args=[o.pk]),
        )
    return rendus


# --- Transfers ----------------------------------------------------------------------------------


def _transferts_en_cours(le: date, *, cote: str, statuts):
    lien = f"{cote}__programmeuserobjectpermission"
    return (
        Transfert.objects.filter(
            statut__in=statuts, **{f"{lien}__permission__codename": COORDINATION}
        )
        .annotate(r_objet=F("pk"), r_destinataire=F(f"{lien}__user_id"))
        .order_by()
        .values("r_objet", "r_destinataire")
    )


def _transferts_valables(rappels: list[Rappel], le: date, *, cote: str, statuts) -> set[int]:
    transferts = dict(
        Transfert.objects.filter(
            pk__in={r.object_id for r in rappels}, statut__in=statuts
        ).values_list("pk", f"{cote}_id")
    )
    coordination = _coordination(set(transferts.values()))
    return {
        r.pk
        for r in rappels
        if r.object_id in transferts
        and (transferts[r.object_id], r.destinataire_id) in coordination
    }


def _rendre_transferts(rappels: list[Rappel], *, propose: bool) -> dict[int, Rendu]:
    transferts = Transfert.objects.select_related(
        "programme_origine", "programme_destination"
    ).in_bulk({r.object_id for r in rappels})
    rendus = {}
    for r in rappels:
        t = transferts.get(r.object_id)
        if t is None:
            continue
        contexte = {
            "numero": t.pk,
            "origine": t.programme_origine.nom,
            "destination": t.programme_destination.nom,
            "statut": t.get_statut_display(),
        }
        if propose:
            titre = _("Transfert proposé par %(origine)s") % contexte
            texte = (
                _(
                    "Une famille suivie par %(origine)s s’installe sur votre territoire : le "
                    "transfert n° %(numero)s attend votre réponse."
                )
                % contexte
            )
        else:
            titre = _("Transfert n° %(numero)s : %(statut)s") % contexte
            texte = (
                _("%(destination)s a répondu au transfert n° %(numero)s : %(statut)s.") % contexte
            )
        rendus[r.pk] = Rendu(
            titre=titre, texte=texte, lien=reverse("parcours:transfert", args=[t.pk])
        )
    return rendus


_DECIDES = (StatutTransfert.ACCEPTE, StatutTransfert.REFUSE)


# --- School transitions (issue 21) ---------------------------------------------------------------


def _transitions_incompletes(le: date):
    """From the programme's alert month (June by default), the référent of a child changing
    school at the rentrée whose checklist is not complete — the coordination when the pathway has
    no référent. Due on the 1st of that month: once a year per pathway and recipient."""
    from .selectors.transitions import transitions_incompletes

    base = transitions_incompletes(le)
    colonnes = {
        "objet": "pk",
        "programme": "programme_id",
        "echeance": Func(
            Value(le.year),
            F("programme__transitions_alerte_mois"),
            Value(1),
            function="make_date",
            output_field=DateField(),
        ),
    }
    return _colonnes(_pour_referent(base), **colonnes).union(
        _colonnes(_pour_coordination(base.filter(referent__isnull=True)), **colonnes)
    )


def _transitions_valables(rappels: list[Rappel], le: date) -> set[int]:
    encore = {(ligne["r_objet"], ligne["r_destinataire"]) for ligne in _transitions_incompletes(le)}
    return {r.pk for r in rappels if (r.object_id, r.destinataire_id) in encore}


def _rendre_transitions(rappels: list[Rappel]) -> dict[int, Rendu]:
    rendus = _rendre_parcours(
        rappels,
        _("Passage à la rentrée : liste de passage incomplète"),
        _(
            "%(enfant)s change d’école à la rentrée et sa liste de passage n’est pas complète "
            "(contact avec l’établissement d’accueil, accord de la famille, fiche de liaison, "
            "rencontre avant l’été)."
        ),
    )
    for r in rappels:
        if r.pk in rendus:
            rendus[r.pk].lien = reverse("parcours:transition", args=[r.object_id])
    return rendus


def enregistrer_les_genres() -> None:
    enregistrer(
        Genre(
            nom="transition_incomplete",
            libelle=gettext_lazy("Passage à la rentrée à préparer"),
            modele=Parcours,
            candidats=_transitions_incompletes,
            valables=_transitions_valables,
            rendre=_rendre_transitions,
        )
    )
    enregistrer(
        Genre(
            nom="transfert_propose",
            libelle=gettext_lazy("Transfert proposé"),
            modele=Transfert,
            candidats=None,
            encore_dus=lambda le: _transferts_en_cours(
                le, cote="programme_destination", statuts=[StatutTransfert.PROPOSE]
            ),
            valables=lambda rappels, le: _transferts_valables(
                rappels, le, cote="programme_destination", statuts=[StatutTransfert.PROPOSE]
            ),
            rendre=lambda rappels: _rendre_transferts(rappels, propose=True),
        )
    )
    enregistrer(
        Genre(
            nom="transfert_decide",
            libelle=gettext_lazy("Réponse à un transfert"),
            modele=Transfert,
            candidats=None,
            encore_dus=lambda le: _transferts_en_cours(
                le, cote="programme_origine", statuts=_DECIDES
            ),
            valables=lambda rappels, le: _transferts_valables(
                rappels, le, cote="programme_origine", statuts=_DECIDES
            ),
            rendre=lambda rappels: _rendre_transferts(rappels, propose=False),
        )
    )
    enregistrer(
        Genre(
            nom="orientation_suivi",
            libelle=gettext_lazy("Suivi de votre orientation"),
            modele=EchangeOrientation,
            candidats=None,
            encore_dus=_echanges_suivis,
            valables=_echanges_suivis_valables,
            rendre=lambda rappels: _rendre_echanges(rappels, pour_coordination=False),
        )
    )
    enregistrer(
        Genre(
            nom="orientation_a_traiter",
            libelle=gettext_lazy("Orientation à traiter"),
            modele=EchangeOrientation,
            candidats=None,
            encore_dus=_echanges_a_traiter,
            valables=_echanges_a_traiter_valables,
            rendre=lambda rappels: _rendre_echanges(rappels, pour_coordination=True),
        )
    )
    enregistrer(
        Genre(
            nom="orientation_en_attente",
            libelle=gettext_lazy("Orientation en attente de décision"),
            modele=Orientation,
            candidats=_orientations_en_attente,
            valables=_orientations_en_attente_valables,
            rendre=_rendre_orientations_en_attente,
        )
    )
    enregistrer(
        Genre(
            nom="revue_proche",
            libelle=gettext_lazy("Revue à venir"),
            modele=Parcours,
            candidats=_revues_proches,
            valables=lambda rappels, le: _revues_valables(rappels, le, depassee=False),
            rendre=lambda rappels: _rendre_parcours(
                rappels,
                _("Revue de parcours à préparer pour le %(date)s"),
                _("La revue du parcours de %(enfant)s est prévue le %(date)s."),
            ),
        )
    )
    enregistrer(
        Genre(
            nom="revue_depassee",
            libelle=gettext_lazy("Revue dépassée"),
            modele=Parcours,
            candidats=_revues_depassees,
            valables=lambda rappels, le: _revues_valables(rappels, le, depassee=True),
            rendre=lambda rappels: _rendre_parcours(
                rappels,
                _("Revue de parcours dépassée depuis le %(date)s"),
                _(
                    "La revue du parcours de %(enfant)s était prévue le %(date)s : "
                    "inscrivez-le à une réunion EPS ou fixez une nouvelle date."
                ),
            ),
        )
    )
    enregistrer(
        Genre(
            nom="consentement_bientot",
            libelle=gettext_lazy("Consentement bientôt expiré"),
            modele=Consentement,
            candidats=_consentements_bientot,
            valables=lambda rappels, le: _consentements_valables(rappels, le, expire=False),
            rendre=lambda rappels: _rendre_consentements(
                rappels,
                _("Un consentement expire le %(date)s"),
                _(
                    "Le consentement de la famille de %(enfant)s expire le %(date)s : "
                    "proposez son renouvellement."
                ),
            ),
        )
    )
    enregistrer(
        Genre(
            nom="consentement_expire",
            libelle=gettext_lazy("Consentement expiré"),
            modele=Consentement,
            candidats=_consentements_expires,
            valables=lambda rappels, le: _consentements_valables(rappels, le, expire=True),
            rendre=lambda rappels: _rendre_consentements(
                rappels,
                _("Un consentement a expiré le %(date)s"),
                _(
                    "Le consentement de la famille de %(enfant)s a expiré le %(date)s : les "
                    "partenaires n’ont plus accès au parcours jusqu’à son renouvellement."
                ),
            ),
        )
    )
    enregistrer(
        Genre(
            nom="action_en_retard",
            libelle=gettext_lazy("Action en retard"),
            modele=Action,
            candidats=_actions_en_retard,
            valables=_actions_valables,
            rendre=_rendre_actions,
        )
    )
    enregistrer(
        Genre(
            nom="besoin_en_attente",
            libelle=gettext_lazy("Besoin non couvert en attente"),
            modele=BesoinNonCouvert,
            candidats=_besoins_en_attente,
            valables=_besoins_valables,
            rendre=_rendre_besoins,
        )
    )
    enregistrer(
        Genre(
            nom="affectation",
            libelle=gettext_lazy("Nouvelle affectation"),
            modele=Parcours,
            candidats=None,
            encore_dus=_affectations_en_cours,
            valables=_affectations_valables,
            rendre=lambda rappels: _rendre_parcours(
                rappels,
                _("Un parcours vous a été confié"),
                _(
                    "Vous suivez désormais le parcours de %(enfant)s (depuis le %(date)s). "
                    "Ouvrez-le pour prendre connaissance de ses objectifs et de ses actions."
                ),
            ),
        )
    )
    enregistrer(
        Genre(
            nom="eps_invitation",
            libelle=gettext_lazy("Invitation à une réunion EPS"),
            modele=ReunionEPS,
            candidats=None,
            encore_dus=_invitations_en_cours,
            valables=_invitations_valables,
            rendre=lambda rappels: _rendre_reunions(
                rappels,
                _("Invitation à la réunion EPS du %(date)s"),
                _(
                    "Vous êtes invité·e à la réunion de l’équipe pluridisciplinaire de soutien "
                    "le %(date)s, %(lieu)s. L’ordre du jour est en ligne."
                ),
            ),
        )
    )
    enregistrer(
        Genre(
            nom="eps_veille",
            libelle=gettext_lazy("Réunion EPS demain"),
            modele=ReunionEPS,
            candidats=_reunions_demain,
            valables=_invitations_valables,
            rendre=lambda rappels: _rendre_reunions(
                rappels,
                _("Rappel : réunion EPS le %(date)s"),
                _("La réunion EPS a lieu le %(date)s, %(lieu)s."),
            ),
        )
    )
    enregistrer(
        Genre(
            nom="parcours_inactif",
            libelle=gettext_lazy("Parcours sans activité"),
            modele=Parcours,
            candidats=_inactifs,
            valables=_inactifs_valables,
            rendre=lambda rappels: _rendre_parcours(
                rappels,
                _("Un parcours est sans activité depuis le %(date)s"),
                _(
                    "Rien n’a été écrit sur le parcours de %(enfant)s depuis longtemps "
                    "(seuil atteint le %(date)s) : une note, une action ou un point avec la "
                    "famille ?"
                ),
            ),
        )
    )


# --- Requests to partners (issue 21) ---------------------------------------------------------
# A request's wording names the structure, the domain and the pseudonymised reference, never
# the child: the partner may not be allowed to see who it is, and e-mails travel.

# The partner is reminded this many days before the deadline.
SOLLICITATION_RAPPEL_JOURS = 3


def _sollicitations_destinataires_partenaire(base):
    """(request, partner user) rows: the named professional, or every active member of the
    structure named alone."""
    nommees = base.filter(professionnel__isnull=False, professionnel__actif=True).annotate(
        r_destinataire=F("professionnel__user_id")
    )
    par_structure = base.filter(
        professionnel__isnull=True, structure__professionnels__actif=True
    ).annotate(r_destinataire=F("structure__professionnels__user_id"))
    colonnes = {"objet": "pk", "programme": "programme_id", "echeance": F("echeance")}
    return _colonnes(nommees, **colonnes).union(_colonnes(par_structure, **colonnes))


def _sollicitations_ouvertes():
    return Sollicitation.objects.filter(statut=StatutSollicitation.ENVOYEE).exclude(
        parcours__statut=Statut.SORTI
    )


def _sollicitations_echeance_proche(le: date):
    base = _sollicitations_ouvertes().filter(
        echeance__gte=le, echeance__lte=le + timedelta(days=SOLLICITATION_RAPPEL_JOURS)
    )
    return _sollicitations_destinataires_partenaire(base)


def _sollicitations_echues(le: date):
    base = _sollicitations_ouvertes().filter(echeance__lt=le, auteur__isnull=False)
    return _colonnes(
        base.annotate(r_destinataire=F("auteur_id")),
        objet="pk",
        programme="programme_id",
        echeance=F("echeance"),
    )


def _sollicitations_valables(rappels: list[Rappel], le: date) -> set[int]:
    """Still unanswered and the pathway open; the recipient still one who answers (partner
    kinds) or the author (past deadline)."""
    ouvertes = {
        s.pk: s
        for s in _sollicitations_ouvertes()
        .filter(pk__in={r.object_id for r in rappels})
        .select_related("professionnel")
    }
    membres = set(
        Sollicitation.objects.filter(
            pk__in=list(ouvertes), structure__professionnels__actif=True
        ).values_list("pk", "structure__professionnels__user_id")
    )
    valables = set()
    for r in rappels:
        s = ouvertes.get(r.object_id)
        if s is None:
            continue
        if r.genre == "sollicitation_echue":
            if r.destinataire_id == s.auteur_id:
                valables.add(r.pk)
        elif s.professionnel_id is not None:
            if s.professionnel.actif and s.professionnel.user_id == r.destinataire_id:
                valables.add(r.pk)
        elif (s.pk, r.destinataire_id) in membres:
            valables.add(r.pk)
    return valables


def _sollicitations_repondues_valables(rappels: list[Rappel], le: date) -> set[int]:
    auteurs = dict(
        Sollicitation.objects.filter(
            pk__in={r.object_id for r in rappels}, statut__in=STATUTS_SOLLICITATION_REPONDUS
        ).values_list("pk", "auteur_id")
    )
    return {r.pk for r in rappels if auteurs.get(r.object_id) == r.destinataire_id}


def _sollicitations_repondues_encore(le: date):
    return (
        Sollicitation.objects.filter(
            statut__in=STATUTS_SOLLICITATION_REPONDUS, auteur__isnull=False
        )
        .annotate(r_objet=F("pk"), r_destinataire=F("auteur_id"))
        .order_by()
        .values("r_objet", "r_destinataire")
    )


def _sollicitations_recues_encore(le: date):
    base = _sollicitations_ouvertes()
    nommees = base.filter(professionnel__isnull=False, professionnel__actif=True).annotate(
        r_objet=F("pk"), r_destinataire=F("professionnel__user_id")
    )
    par_structure = base.filter(
        professionnel__isnull=True, structure__professionnels__actif=True
    ).annotate(r_objet=F("pk"), r_destinataire=F("structure__professionnels__user_id"))
    return (
        nommees.order_by()
        .values("r_objet", "r_destinataire")
        .union(par_structure.order_by().values("r_objet", "r_destinataire"))
    )


def _rendre_sollicitations(rappels: list[Rappel], *, pour_partenaire: bool) -> dict[int, Rendu]:
    sollicitations = Sollicitation.objects.select_related("structure").in_bulk(
        {r.object_id for r in rappels}
    )
    rendus = {}
    for r in rappels:
        s = sollicitations.get(r.object_id)
        if s is None:
            continue
        contexte = {
            "reference": s.reference,
            "structure": s.structure.nom,
            "domaine": s.get_domaine_display(),
            "echeance": s.echeance.strftime("%d/%m/%Y"),
            "statut": s.get_statut_display(),
        }
        if r.genre == "sollicitation_recue":
            titre = _("Nouvelle sollicitation %(reference)s") % contexte
            texte = (
                _(
                    "Un programme de réussite éducative sollicite %(structure)s (%(domaine)s) : "
                    "réponse souhaitée avant le %(echeance)s."
                )
                % contexte
            )
        elif r.genre == "sollicitation_echeance":
            titre = _("Sollicitation %(reference)s : réponse attendue le %(echeance)s") % contexte
            texte = (
                _(
                    "La sollicitation %(reference)s adressée à %(structure)s attend votre "
                    "réponse avant le %(echeance)s : acceptée, liste d’attente, refusée ou "
                    "réorientée."
                )
                % contexte
            )
        elif r.genre == "sollicitation_echue":
            titre = _("Sollicitation %(reference)s sans réponse") % contexte
            texte = (
                _(
                    "%(structure)s n’a pas répondu à la sollicitation %(reference)s avant le "
                    "%(echeance)s : relancez-la ou retirez la sollicitation."
                )
                % contexte
            )
        else:
            titre = _("Sollicitation %(reference)s : %(statut)s") % contexte
            texte = _("%(structure)s a répondu à la sollicitation %(reference)s : %(statut)s.") % (
                contexte
            )
        lien = (
            reverse("parcours:sollicitation_recue", args=[s.pk])
            if pour_partenaire
            else reverse("parcours:sollicitation_equipe", args=[s.parcours_id, s.pk])
        )
        rendus[r.pk] = Rendu(titre=titre, texte=texte, lien=lien)
    return rendus


def enregistrer_les_genres_sollicitations() -> None:
    enregistrer(
        Genre(
            nom="sollicitation_recue",
            libelle=gettext_lazy("Sollicitation reçue"),
            modele=Sollicitation,
            candidats=None,
            encore_dus=_sollicitations_recues_encore,
            valables=_sollicitations_valables,
            rendre=lambda rappels: _rendre_sollicitations(rappels, pour_partenaire=True),
        )
    )
    enregistrer(
        Genre(
            nom="sollicitation_echeance",
            libelle=gettext_lazy("Sollicitation : échéance proche"),
            modele=Sollicitation,
            candidats=_sollicitations_echeance_proche,
            valables=_sollicitations_valables,
            rendre=lambda rappels: _rendre_sollicitations(rappels, pour_partenaire=True),
        )
    )
    enregistrer(
        Genre(
            nom="sollicitation_echue",
            libelle=gettext_lazy("Sollicitation sans réponse à l’échéance"),
            modele=Sollicitation,
            candidats=_sollicitations_echues,
            valables=_sollicitations_valables,
            rendre=lambda rappels: _rendre_sollicitations(rappels, pour_partenaire=False),
        )
    )
    enregistrer(
        Genre(
            nom="sollicitation_repondue",
            libelle=gettext_lazy("Réponse à une sollicitation"),
            modele=Sollicitation,
            candidats=None,
            encore_dus=_sollicitations_repondues_encore,
            valables=_sollicitations_repondues_valables,
            rendre=lambda rappels: _rendre_sollicitations(rappels, pour_partenaire=False),
        )
    )
