"""The partenaires app's list exports: the conventions, registered with the core's exports, and
how an offer reads in the catalogue's export. Network rows, no child's data: each export follows
its page's rules. The catalogue's export shows the capacity used, a pathway figure: it is
registered by `parcours.exports`, like its page (`parcours.views.reseau`)."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reussite.core.exports import GenreExport, Tableau, enregistrer, libelle

from .models import Convention, Offre


def entetes_offres() -> list[str]:
    return [
        _("Offre"),
        _("Structure"),
        _("Type de service"),
        _("Domaine"),
        _("Âge minimum"),
        _("Âge maximum"),
        _("Territoire"),
        _("Capacité"),
        _("Unité"),
        _("Période"),
        _("Utilisé"),
        _("Restant"),
        _("Conditions d’accès"),
        _("Coût (euros)"),
        _("Contact"),
        _("Adresse électronique du contact"),
        _("Téléphone du contact"),
        _("Disponible du"),
        _("Disponible au"),
    ]


def ligne_offre(o: Offre) -> list:
    return [
        o.intitule,
        o.structure.nom,
        libelle(o, "type_service"),
        libelle(o, "domaine"),
        o.age_min,
        o.age_max,
        o.territoire,
        o.capacite,
        libelle(o, "unite_capacite") if o.capacite is not None else "",
        libelle(o, "periode_capacite") if o.capacite is not None else "",
        getattr(o, "utilise", None),
        getattr(o, "restant", None),
        o.conditions_acces,
        o.cout,
        o.contact_nom,
        o.contact_email,
        o.contact_telephone,
        o.disponible_du,
        o.disponible_au,
    ]


def entetes_conventions() -> list[str]:
    return [
        _("Intitulé"),
        _("Référence"),
        _("Programme"),
        _("Parties"),
        _("Statut"),
        _("Début"),
        _("Fin"),
        _("Signée le"),
        _("Objet"),
    ]


def ligne_convention(c: Convention) -> list:
    return [
        c.intitule,
        c.reference,
        c.programme.nom,
        ", ".join(p.structure.nom for p in c.parties.all()),
        libelle(c, "statut"),
        c.date_debut,
        c.date_fin,
        c.date_signature,
        c.objet,
    ]


def tableau_conventions(user, parametres) -> Tableau:
    """The conventions list (`/partenaires/conventions/`) with its filters; 404 like the page
    for whoever neither administers nor coordinates a programme."""
    from .forms.conventions import FiltreConventionsForm
    from .selectors.conventions import (
        conventions_filtrees,
        programmes_des_conventions,
        structures_filtrables,
    )

    if not programmes_des_conventions(user).exists():
        raise Http404
    filtre = FiltreConventionsForm(parametres or None, structures=structures_filtrables(user))
    criteres = filtre.cleaned_data if filtre.is_valid() else {}
    conventions = conventions_filtrees(
        user,
        statut=criteres.get("statut", ""),
        structure=criteres.get("structure"),
        fin_proche=criteres.get("fin_proche", False),
    )
    return Tableau(_("Conventions"), entetes_conventions(), conventions, ligne_convention)


def enregistrer_les_exports() -> None:
    enregistrer(
        GenreExport(
            cle="conventions",
            libelle=gettext_lazy("Conventions"),
            nom_fichier="conventions",
            construire=tableau_conventions,
        )
    )
