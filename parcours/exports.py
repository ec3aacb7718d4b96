"""The parcours app's list exports: pathways and actions, registered with the core's exports, and
the offer catalogue, whose capacity used is computed from the actions.

The writers and the formula neutralisation live in `reussite.core.exports`; this module says
which rows each list holds for a user and how a row reads. The pathways and actions lists carry
children's identities: they are built on the same queryset as their page and are reserved to the
programme's coordinators (a steering user never gets one). The catalogue holds network rows and
aggregates only, and follows its page's rules."""

from datetime import date

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partenaires.exports import entetes_offres, ligne_offre
from partenaires.filters import OffreFilter
from reussite.core.exports import (  # noqa: F401 - re-exported for the statistics exports
    TAILLE_LOT,
    GenreExport,
    Tableau,
    enregistrer,
    libelle,
    libelles,
    neutraliser,
    reponse_csv,
    reponse_xlsx,
)

from .models import Action, Enfant, Objectif, Parcours
from .selectors.mutualisation import offres_catalogue_avec_utilisation


def entetes_parcours() -> list[str]:
    return [
        _("Programme"),
        _("Nom"),
        _("Prénom"),
        _("Date de naissance"),
        _("Sexe"),
        _("Niveau scolaire"),
        _("Classe"),
        _("École"),
        _("QPV"),
        _("Statut"),
        _("Orienté par"),
        _("Référent"),
        _("Date d’entrée"),
        _("Date de sortie"),
        _("Motif de sortie"),
        _("Prochaine revue"),
    ]


# The columns `ligne_parcours` reads, in its order: one tuple per row, no model instance.
COLONNES_PARCOURS = (
    "programme__nom",
    "enfant__nom",
    "enfant__prenom",
    "enfant__date_naissance",
    "enfant__sexe",
    "enfant__niveau_scolaire",
    "enfant__classe",
    "enfant__etablissement__nom",
    "enfant__qpv",
    "statut",
    "orienteur",
    "referent_id",
    "referent__user__first_name",
    "referent__user__last_name",
    "referent__user__email",
    "date_entree",
    "date_sortie",
    "motif_sortie",
    "date_prochaine_revue",
)


def nom_d_utilisateur(prenom: str, nom: str, email: str) -> str:
    """`str(user)` from its three columns (`User.__str__`: full name, else the address)."""
    return f"{prenom} {nom}".strip() or email


def ligne_parcours(v: tuple) -> list:
    """One pathway's row from the tuple of `COLONNES_PARCOURS`."""
    sexes = libelles(Enfant, "sexe")
    niveaux = libelles(Enfant, "niveau_scolaire")
    statuts = libelles(Parcours, "statut")
    orienteurs = libelles(Parcours, "orienteur")
    motifs = libelles(Parcours, "motif_sortie")
    (
        programme,
        nom,
        prenom,
        naissance,
        sexe,
        niveau,
        classe,
        etablissement,
        qpv,
        statut,
        orienteur,
        referent,
        referent_prenom,
        referent_nom,
        referent_email,
        entree,
        sortie,
        motif,
        revue,
    ) = v
    return [
        programme,
        nom,
        prenom,
        naissance,
        sexes.get(sexe, sexe),
        niveaux.get(niveau, niveau),
        classe,
        etablissement or "",
        qpv,
        statuts.get(statut, statut),
        orienteurs.get(orienteur, orienteur),
        nom_d_utilisateur(referent_prenom, referent_nom, referent_email) if referent else "",
        entree,
        sortie,
        motifs.get(motif, motif),
        revue,
    ]


def _coordination_seulement(user):
    from .selectors import programmes_coordonnes

    if not programmes_coordonnes(user).exists():
        raise Http404


def tableau_parcours(user, parametres) -> Tableau:
    """The pathway list (`/parcours/`) with its filters: coordinators only."""
    from .filters import ParcoursFilter
    from .selectors import parcours_pour_liste

    _coordination_seulement(user)
    filtre = ParcoursFilter(parametres, queryset=parcours_pour_liste(user))
    return Tableau(
        _("Parcours"),
        entetes_parcours(),
        filtre.qs,
        ligne_parcours,
        colonnes=COLONNES_PARCOURS,
    )


def entetes_actions() -> list[str]:
    return [
        _("Programme"),
        _("Nom de l’enfant"),
        _("Prénom de l’enfant"),
        _("Action"),
        _("Objectif"),
        _("Domaine"),
        _("Offre"),
        _("Action collective"),
        _("Structure"),
        _("Professionnel"),
        _("Début"),
        _("Fin prévue"),
        _("Statut"),
        _("Résultat"),
        _("Coût (euros)"),
        _("Volume horaire"),
        _("Convention"),
    ]


def ligne_action(v: tuple) -> list:
    """One action's row from the tuple of `COLONNES_ACTION`."""
    domaines = libelles(Objectif, "domaine")
    statuts = libelles(Action, "statut")
    (
        programme,
        nom,
        prenom,
        intitule,
        objectif,
        objectif_intitule,
        domaine,
        offre,
        collective,
        structure,
        professionnel,
        pro_prenom,
        pro_nom,
        pro_email,
        debut,
        fin,
        statut,
        resultat,
        cout,
        heures,
        convention,
    ) = v
    return [
        programme,
        nom,
        prenom,
        intitule,
        objectif_intitule if objectif else "",
        domaines.get(domaine, domaine) if objectif else "",
        offre or "",
        collective or "",
        structure or "",
        nom_d_utilisateur(pro_prenom, pro_nom, pro_email) if professionnel else "",
        debut,
        fin,
        statuts.get(statut, statut),
        resultat,
        cout,
        heures,
        convention or "",
    ]


def tableau_actions(user, parametres) -> Tableau:
    """The action list (`/parcours/actions/`) with its filters: coordinators only."""
    from .selectors.exports import filtre_actions

    _coordination_seulement(user)
    filtre = filtre_actions(user, parametres)
    return Tableau(
        _("Actions"),
        entetes_actions(),
        filtre.qs,
        ligne_action,
        colonnes=COLONNES_ACTION,
    )


# The columns `ligne_action` reads, in its order (issue 18: one tuple per row instead of nine
# model instances, 7 of every 10 seconds of a 10,000-row export). The ids say whether an
# optional relation is there.
COLONNES_ACTION = (
    "parcours__programme__nom",
    "parcours__enfant__nom",
    "parcours__enfant__prenom",
    "intitule",
    "objectif_id",
    "objectif__intitule",
    "objectif__domaine",
    "offre__intitule",
    "collective__intitule",
    "structure__nom",
    "professionnel_id",
    "professionnel__user__first_name",
    "professionnel__user__last_name",
    "professionnel__user__email",
    "date_debut",
    "date_fin",
    "statut",
    "resultat",
    "cout",
    "heures",
    "convention__intitule",
)


def tableau_offres(user, parametres) -> Tableau:
    """The catalogue (`/partenaires/offres/`, `parcours.views.reseau.catalogue`) with its filters
    and the capacity each offer has used: what the page lists."""
    offres = offres_catalogue_avec_utilisation(user).filter(active=True)
    filtre = OffreFilter(parametres or None, queryset=offres)
    return Tableau(_("Offres"), entetes_offres(), filtre.qs.order_by("intitule", "pk"), ligne_offre)


def enregistrer_les_exports() -> None:
    enregistrer(
        GenreExport(
            cle="parcours",
            libelle=gettext_lazy("Liste des parcours"),
            nom_fichier="parcours",
            construire=tableau_parcours,
            identites=True,
            modele=Parcours,
            champ_programme="programme_id",
        )
    )
    enregistrer(
        GenreExport(
            cle="actions",
            libelle=gettext_lazy("Liste des actions"),
            nom_fichier="actions",
            construire=tableau_actions,
            identites=True,
            modele=Action,
            champ_programme="parcours__programme_id",
        )
    )
    enregistrer(
        GenreExport(
            cle="offres",
            libelle=gettext_lazy("Catalogue des offres"),
            nom_fichier="offres",
            construire=tableau_offres,
        )
    )


def nom_du_jour(prefixe: str) -> str:
    return f"{prefixe}-{date.today():%Y-%m-%d}"
