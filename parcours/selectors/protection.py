# ruff: noqa: S608 - SQL built from model table names and constants; values are parameters
"""Reads of the data-protection lifecycle: the right-of-access export of everything held about a
child and their family, and the rectification history of a pathway (django-pghistory events).

Both are for the coordination of the pathway's programme only; the views fetch the pathway
through `parcours_pour` first."""

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partenaires.models import Professionnel, Structure
from reussite.core.models import TraceAcces, User
from reussite.core.trace import ALIAS

from ..models import (
    Action,
    Addendum,
    Consentement,
    Enfant,
    Examen,
    Intervenant,
    Note,
    Parcours,
    ResponsableLegal,
)

__all__ = [
    "HistoriqueModifications",
    "droit_acces_donnees",
    "protection_du_parcours",
]


def protection_du_parcours(droits) -> dict:
    """What the pathway page needs for its data-protection links: a flag, no query."""
    # Shown exactly when the pages open: `Capacite.COORDINATION` (coordinators, administrators).
    return {"peut_proteger": droits.coordination}


# --- Right of access ------------------------------------------------------------------------


def _d(valeur):
    if valeur is None or valeur == "":
        return None
    if isinstance(valeur, datetime):
        return timezone.localtime(valeur).isoformat(timespec="seconds")
    if isinstance(valeur, date):
        return valeur.isoformat()
    return valeur


def _nom(user) -> str | None:
    return user.get_full_name() if user is not None else None


def _pro(professionnel) -> str | None:
    if professionnel is None:
        return None
    return f"{professionnel.user.get_full_name()} ({professionnel.structure.nom})"


def droit_acces_donnees(parcours: Parcours) -> dict:
    """Everything held about the child of `parcours` and their family, in this programme: every
    pathway of the child, with notes of every visibility and their addenda, examinations,
    documents (the list: files are handed over separately), and the access-trail entries about
    the child. Plain values (texts, ISO dates) ready for JSON and for the PDF template."""
    enfant = Enfant.objects.select_related("famille", "etablissement", "programme").get(
        pk=parcours.enfant_id
    )
    famille = enfant.famille
    tous = list(
        Parcours.objects.filter(enfant=enfant, programme_id=parcours.programme_id)
        .select_related(
            "referent__user",
            "referent__structure",
            "orienteur_structure",
            "questionnaire_sortie",
        )
        .prefetch_related(
            "historique__auteur",
            Prefetch(
                "consentements",
                Consentement.objects.select_related("enregistre_par").prefetch_related(
                    "signataires", "structures"
                ),
            ),
            Prefetch(
                "intervenants",
                Intervenant.objects.select_related(
                    "professionnel__user", "professionnel__structure"
                ),
            ),
            "objectifs__paroles__auteur",
            "dispositifs",
            Prefetch(
                "actions",
                Action.objects.select_related(
                    "objectif", "structure", "professionnel__user", "convention", "offre"
                ),
            ),
            Prefetch(
                "notes",
                Note.objects.select_related("auteur").prefetch_related(
                    Prefetch("addenda", Addendum.objects.select_related("auteur"))
                ),
            ),
            "ruptures",
            "informations_preoccupantes",
            Prefetch("examens", Examen.objects.select_related("reunion", "decide_par")),
            "documents",
            "besoins",
        )
        .order_by("date_entree", "pk")
    )
    ids = [p.pk for p in tous]
    types = ContentType.objects.get_for_models(Parcours, Enfant)
    entrees = list(
        TraceAcces.objects.using(ALIAS)
        .filter(
            models.Q(content_type=types[Parcours], object_id__in=ids)
            | models.Q(content_type=types[Enfant], object_id=enfant.pk)
        )
        .order_by("le", "pk")
    )
    noms = {
        u.pk: u.get_full_name() for u in User.objects.filter(pk__in={e.user_id for e in entrees})
    }
    return {
        "document": _("Droit d’accès : données détenues sur l’enfant et sa famille"),
        "genere_le": _d(timezone.now()),
        "programme": enfant.programme.nom,
        "enfant": {
            "identifiant": enfant.pk,
            "nom": enfant.nom,
            "prenom": enfant.prenom,
            "date_naissance": _d(enfant.date_naissance),
            "sexe": enfant.get_sexe_display(),
            "etablissement_scolaire": enfant.etablissement.nom if enfant.etablissement else None,
            "niveau_scolaire": enfant.get_niveau_scolaire_display() or None,
            "classe": enfant.classe or None,
            "quartier": enfant.quartier or None,
            "quartier_prioritaire": enfant.qpv,
            "anonymise_le": _d(enfant.anonymise_le),
            "enregistre_le": _d(enfant.cree_le),
        },
        "famille": {
            "identifiant": famille.pk,
            "adresse": famille.adresse or None,
            "commune": famille.commune or None,
            "langue_parlee": famille.langue_parlee or None,
            "responsables_legaux": [
                {
                    "nom": r.nom,
                    "prenom": r.prenom or None,
                    "lien": r.get_lien_display(),
                    "autorite_parentale": r.autorite_parentale,
                    "telephone": r.telephone or None,
                    "email": r.email or None,
                }
                for r in ResponsableLegal.objects.filter(famille=famille).order_by("pk")
            ],
        },
        "parcours": [_parcours(p) for p in tous],
        "journal_des_acces": [
            {
                "le": _d(e.le),
                "qui": noms.get(e.user_id),
                "evenement": e.get_evenement_display(),
                "autorise": e.autorise,
                "page": e.page or None,
            }
            for e in entrees
        ],
    }


def _questionnaire(p: Parcours) -> dict | None:
    q = getattr(p, "questionnaire_sortie", None)
    if q is None:
        return None
    return {
        "rempli_le": _d(q.date),
        "qui_repond": q.get_repondants_display(),
        "satisfaction": q.get_satisfaction_display(),
        "ce_qui_a_aide": [str(a) for a in q.get_aides_display()],
        "ce_qui_a_aide_commentaire": q.aide_commentaire or None,
        "ce_qui_n_a_pas_aide": [str(f) for f in q.get_freins_display()],
        "ce_qui_n_a_pas_aide_commentaire": q.frein_commentaire or None,
    }


def _parcours(p: Parcours) -> dict:
    return {
        "identifiant": p.pk,
        "statut": p.get_statut_display(),
        "oriente_par": p.get_orienteur_display(),
        "structure_qui_oriente": p.orienteur_structure.nom if p.orienteur_structure else None,
        "motifs_orientation": [str(m) for m in p.get_motifs_orientation_display()],
        "profil_accompagnement": p.get_profil_accompagnement_display() or None,
        "referent": _pro(p.referent),
        "date_entree": _d(p.date_entree),
        "date_sortie": _d(p.date_sortie),
        "motif_sortie": p.get_motif_sortie_display() or None,
        "prochaine_revue_eps": _d(p.date_prochaine_revue),
        "information_preoccupante_transmise_le": _d(p.information_preoccupante_le),
        "changements_de_statut": [
            {
                "le": _d(c.le),
                "ancien_statut": c.get_ancien_statut_display() or None,
                "nouveau_statut": c.get_nouveau_statut_display(),
                "par": _nom(c.auteur),
                "commentaire": c.commentaire or None,
            }
            for c in sorted(p.historique.all(), key=lambda c: (c.le, c.pk))
        ],
        "consentements": [
            {
                "date_signature": _d(c.date_signature),
                "date_expiration": _d(c.date_expiration),
                "signataires": [str(s) for s in c.signataires.all()],
                "finalites": [str(dict(_finalites()).get(f, f)) for f in c.finalites],
                "structures_destinataires": sorted(s.nom for s in c.structures.all()),
                "formulaire_signe_depose": bool(c.fichier),
                "date_retrait": _d(c.date_retrait),
                "motif_retrait": c.motif_retrait or None,
                "enregistre_par": _nom(c.enregistre_par),
            }
            for c in p.consentements.all()
        ],
        "intervenants": [
            {"professionnel": _pro(i.professionnel), "depuis": _d(i.depuis), "actif": i.actif}
            for i in p.intervenants.all()
        ],
        "objectifs": [
            {
                "domaine": o.get_domaine_display(),
                "objectif": o.intitule,
                "statut": o.get_statut_display(),
                "commentaire_resultat": o.commentaire_resultat or None,
                "ouvert_le": _d(o.date_ouverture),
                "clos_le": _d(o.date_cloture),
                # Issue 21: the family's own words on the objective.
                "paroles_de_la_famille": [
                    {
                        "le": _d(parole.date),
                        "qui": parole.get_locuteur_display(),
                        "moment": parole.get_moment_display(),
                        "texte": parole.texte,
                        "note_par": _nom(parole.auteur),
                    }
                    for parole in o.paroles.all()
                ],
            }
            for o in p.objectifs.all()
        ],
        "autres_dispositifs": [
            {
                "dispositif": d.get_type_display(),
                "precision": d.precision or None,
                "depuis": _d(d.date_debut),
                "jusqu_au": _d(d.date_fin),
                "contact": d.contact or None,
            }
            for d in p.dispositifs.all()
        ],
        "questionnaire_de_sortie": _questionnaire(p),
        "actions": [
            {
                "action": a.intitule,
                "objectif": a.objectif.intitule if a.objectif else None,
                "offre": a.offre.intitule if a.offre else None,
                "structure": a.structure.nom if a.structure else None,
                "professionnel": a.professionnel.user.get_full_name() if a.professionnel else None,
                "debut": _d(a.date_debut),
                "fin": _d(a.date_fin),
                "statut": a.get_statut_display(),
                "resultat": a.resultat or None,
                "convention": a.convention.intitule if a.convention else None,
            }
            for a in p.actions.all()
        ],
        "notes": [
            {
                "le": _d(n.cree_le),
                "auteur": _nom(n.auteur),
                "visibilite": n.get_visibilite_display(),
                "texte": n.texte,
                "addenda": [
                    {"le": _d(a.cree_le), "auteur": _nom(a.auteur), "texte": a.texte}
                    for a in n.addenda.all()
                ],
            }
            for n in sorted(p.notes.all(), key=lambda n: (n.cree_le, n.pk))
        ],
        "ruptures": [
            {
                "type": r.get_type_display(),
                "date": _d(r.date),
                "description": r.description or None,
                "reponse": r.reponse or None,
                "reponse_decidee_le": _d(r.date_reponse),
            }
            for r in p.ruptures.all()
        ],
        "informations_preoccupantes": [
            {
                "transmise_le": _d(i.date_transmission),
                "transmise_par": i.transmise_par,
                "reference": i.reference or None,
                "commentaire": i.commentaire or None,
            }
            for i in p.informations_preoccupantes.all()
        ],
        "examens_eps": [
            {
                "reunion_le": _d(e.reunion.date),
                "decision": e.get_decision_display() or None,
                "releve_de_conclusions": e.releve_conclusions or None,
                "decide_le": _d(e.decide_le),
                "decide_par": _nom(e.decide_par),
                "prochaine_revue": _d(e.date_prochaine_revue),
            }
            for e in sorted(p.examens.all(), key=lambda e: (e.reunion.date, e.pk))
        ],
        "documents": [
            {
                "titre": d.titre,
                "depose_le": _d(d.cree_le),
                "type": d.type_mime or None,
                "archive_le": _d(d.archive_le),
            }
            for d in p.documents.all()
        ],
        "besoins_non_couverts": [
            {
                "domaine": b.get_domaine_display(),
                "besoin": b.description,
                "statut": b.get_statut_display(),
                "signale_le": _d(b.date_signalement),
            }
            for b in p.besoins.all()
        ],
    }


def _finalites():
    from ..models import Finalite

    return Finalite.choices


# --- Rectification history ------------------------------------------------------------------

# Tracked models, and how their events are tied to a pathway (SQL on the event row `e`, with
# the parameters it takes from the pathway).
SOURCES = [
    ("Enfant", "e.pgh_obj_id = %(enfant)s"),
    ("Famille", "e.pgh_obj_id = %(famille)s"),
    ("ResponsableLegal", "e.famille_id = %(famille)s"),
    ("Parcours", "e.pgh_obj_id = %(parcours)s"),
    ("Consentement", "e.parcours_id = %(parcours)s"),
    ("Note", "e.parcours_id = %(parcours)s"),
    (
        "Addendum",
        "e.note_id IN (SELECT n.id FROM parcours_note n WHERE n.parcours_id = %(parcours)s)",
    ),
    ("Transition", "e.parcours_id = %(parcours)s"),
]
# Columns never shown: keys and links to the parent rows.
CACHES = {
    "id",
    "programme_id",
    "famille_id",
    "enfant_id",
    "parcours_id",
    "note_id",
    "cree_le",  # the event's own date says it
}
# Contents shown elsewhere under their own visibility rules: the history says they changed.
CONTENUS = {("Note", "texte"), ("Addendum", "texte")}
LIBELLES_OBJETS = {
    "Enfant": gettext_lazy("Enfant"),
    "Famille": gettext_lazy("Famille"),
    "ResponsableLegal": gettext_lazy("Responsable légal"),
    "Parcours": gettext_lazy("Parcours"),
    "Consentement": gettext_lazy("Consentement"),
    "Note": gettext_lazy("Note"),
    "Addendum": gettext_lazy("Addendum"),
    "Transition": gettext_lazy("Passage à la rentrée"),
}
ACTIONS = {
    "insert": gettext_lazy("Création"),
    "update": gettext_lazy("Modification"),
    "delete": gettext_lazy("Suppression"),
}
# Foreign keys whose names the page shows: the related model and how to name a row.
NOMMES = {
    "referent_id": Professionnel,
    "etablissement_id": Structure,
    "orienteur_structure_id": Structure,
    "enregistre_par_id": User,
    "auteur_id": User,
    # A transition's steps carry who recorded them.
    "cree_par_id": User,
    "contact_par_id": User,
    "accord_famille_par_id": User,
    "fiche_remise_par_id": User,
    "reunion_par_id": User,
    "renouvelle_id": None,
}


@dataclass
class Changement:
    champ: str
    avant: str
    apres: str


@dataclass
class Modification:
    le: datetime
    qui: str
    objet: str
    action: str
    changements: list[Changement] = field(default_factory=list)


def _union(params: dict, *, avec_precedent: bool, modeles: tuple[str, ...] | None = None) -> str:
    selects = []
    for nom, condition in SOURCES:
        if modeles is not None and nom not in modeles:
            continue
        table = apps.get_model("parcours", f"{nom}Event")._meta.db_table
        precedent = (
            f"""(SELECT to_jsonb(p) FROM "{table}" p WHERE p.pgh_obj_id = e.pgh_obj_id
                 AND p.pgh_id < e.pgh_id ORDER BY p.pgh_id DESC LIMIT 1)"""
            if avec_precedent
            else "NULL::jsonb"
        )
        selects.append(
            f"""SELECT '{nom}' AS modele, e.pgh_id, e.pgh_created_at, e.pgh_label,
                       e.pgh_context_id, to_jsonb(e) AS donnees, {precedent} AS precedent
                FROM "{table}" e WHERE {condition}"""
        )
    return " UNION ALL ".join(selects)


class HistoriqueModifications:
    """The history of a pathway as a sequence Django's Paginator can page: `count()` is one
    query and a slice another, whatever the number of events."""

    def __init__(self, parcours: Parcours, *, modeles: tuple[str, ...] | None = None):
        # `modeles`: only these tracked models' events (the Historique tab shows a transition's
        # changes to the pathway's team, who may not open the full rectification history).
        self.modeles = modeles
        self.params = {
            "enfant": parcours.enfant_id,
            "famille": parcours.enfant.famille_id,
            "parcours": parcours.pk,
        }
        self._nombre = None

    def count(self) -> int:
        if self._nombre is None:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT count(*) FROM ({_union(self.params, avec_precedent=False, modeles=self.modeles)}) u",
                    self.params,
                )
                self._nombre = cursor.fetchone()[0]
        return self._nombre

    def __len__(self):
        return self.count()

    def __getitem__(self, tranche: slice) -> list[Modification]:
        debut = tranche.start or 0
        limite = (tranche.stop or self.count()) - debut
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT u.modele, u.pgh_label, u.pgh_created_at, u.donnees, u.precedent,
                           c.metadata
                    FROM ({_union(self.params, avec_precedent=True, modeles=self.modeles)}) u
                    LEFT OUTER JOIN pghistory_context c ON c.id = u.pgh_context_id
                    ORDER BY u.pgh_created_at DESC, u.pgh_id DESC
                    LIMIT %(limite)s OFFSET %(debut)s""",
                {**self.params, "limite": limite, "debut": debut},
            )
            # Django's psycopg2 backend hands jsonb over as text.
            lignes = [
                (m, label, le, *(json.loads(v) if isinstance(v, str) else v for v in jsons))
                for m, label, le, *jsons in cursor.fetchall()
            ]
        return _presenter(lignes)


def _presenter(lignes) -> list[Modification]:
    """Turn event rows into French lines, naming users, structures and professionals in one
    query whatever the page holds."""
    a_nommer: dict = {}
    utilisateurs = set()
    for _modele, _label, _le, donnees, precedent, contexte in lignes:
        if contexte and contexte.get("user"):
            utilisateurs.add(int(contexte["user"]))
        for cle, cible in NOMMES.items():
            for source in (donnees, precedent or {}):
                if cible is not None and source.get(cle):
                    if cible is User:
                        utilisateurs.add(source[cle])
                    else:
                        a_nommer.setdefault(cible, set()).add(source[cle])
    noms = _noms(utilisateurs, a_nommer.get(Structure, set()), a_nommer.get(Professionnel, set()))

    evenements = []
    for modele, label, le, donnees, precedent, contexte in lignes:
        classe = apps.get_model("parcours", modele)
        champs = {f.attname: f for f in classe._meta.concrete_fields}
        changements = []
        for cle, valeur in donnees.items():
            if cle.startswith("pgh_") or cle in CACHES or cle not in champs:
                continue
            avant = (precedent or {}).get(cle) if label == "update" else None
            if label == "update" and avant == valeur:
                continue
            if label != "update" and valeur in (None, "", []):
                continue
            champ = champs[cle]
            if (modele, cle) in CONTENUS:
                texte = _("(contenu non affiché ici : voir le journal du parcours)")
                changements.append(Changement(str(champ.verbose_name), "", texte))
                continue
            changements.append(
                Changement(
                    str(champ.verbose_name),
                    _valeur(champ, avant, noms) if label == "update" else "",
                    _valeur(champ, valeur, noms),
                )
            )
        utilisateur = (contexte or {}).get("user")
        if utilisateur:
            qui = noms.get(User, {}).get(int(utilisateur), _("Compte supprimé"))
        elif (contexte or {}).get("tache") == "anonymisation":
            qui = _("Anonymisation automatique")
        else:
            qui = _("Traitement automatique")
        if (contexte or {}).get("import"):
            qui = _("%(qui)s, par import de fichier") % {"qui": qui}
        objet = str(LIBELLES_OBJETS[modele])
        if modele in ("ResponsableLegal", "Note", "Addendum", "Consentement"):
            objet = f"{objet} n° {donnees.get('id')}"
        evenements.append(
            Modification(
                le=le,
                qui=qui,
                objet=objet,
                action=str(ACTIONS.get(label, label)),
                changements=changements,
            )
        )
    return evenements


def _noms(utilisateurs: set, structures: set, professionnels: set) -> dict:
    """One query, always run (so that the page's count does not depend on its rows)."""
    user, structure, pro = (m._meta.db_table for m in (User, Structure, Professionnel))
    # « Prénom NOM », as reussite.core.noms writes names in plain text.
    nom_complet = "trim(concat_ws(' ', u.first_name, upper(u.last_name)))"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT 'u', u.id, {nom_complet} FROM "{user}" u WHERE u.id = ANY(%s)
                UNION ALL
                SELECT 's', s.id, s.nom FROM "{structure}" s WHERE s.id = ANY(%s)
                UNION ALL
                SELECT 'p', p.id, {nom_complet} || ' (' || s.nom || ')'
                FROM "{pro}" p JOIN "{user}" u ON u.id = p.user_id
                JOIN "{structure}" s ON s.id = p.structure_id
                WHERE p.id = ANY(%s)""",
            [sorted(utilisateurs), sorted(structures), sorted(professionnels)],
        )
        lignes = cursor.fetchall()
    modeles = {"u": User, "s": Structure, "p": Professionnel}
    noms: dict = {User: {}, Structure: {}, Professionnel: {}}
    for genre, pk, nom in lignes:
        noms[modeles[genre]][pk] = nom
    return noms


def _valeur(champ, valeur, noms) -> str:
    if valeur in (None, "", []):
        return "—"
    if isinstance(champ, models.ForeignKey):
        cible = NOMMES.get(champ.attname)
        nom = noms.get(cible, {}).get(valeur) if cible else None
        return nom or f"n° {valeur}"
    if isinstance(champ, models.BooleanField):
        return _("Oui") if valeur else _("Non")
    base = getattr(champ, "base_field", None)
    if base is not None and isinstance(valeur, list):
        choix = dict(base.choices or [])
        return ", ".join(str(choix.get(v, v)) for v in valeur)
    if champ.choices:
        return str(dict(champ.choices).get(valeur, valeur))
    if isinstance(champ, models.DateTimeField):
        moment = parse_datetime(str(valeur))
        return date_format(timezone.localtime(moment), "d/m/Y H:i") if moment else str(valeur)
    if isinstance(champ, models.DateField):
        jour = parse_date(str(valeur))
        return date_format(jour, "d/m/Y") if jour else str(valeur)
    return str(valeur)
