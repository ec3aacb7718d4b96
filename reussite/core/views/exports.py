"""List exports: direct download under the threshold, a background build above it.

`exporter` serves every registered list (the app's URL names the kind and the format); the
pages below follow and hand over a background export to its requester, and to nobody else."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..exports import TYPES_MIME, genre_export, reponse_export
from ..exports_arriere_plan import demande_export_creer
from ..models import DemandeExport, Evenement, StatutExport
from ..stockage import reponse_fichier
from ..trace import tracer


def _genre_et_tableau(user, cle: str, format: str, parametres: QueryDict, *, direct=False):
    genre = genre_export(cle)
    if genre is None or format not in genre.formats:
        raise Http404
    if direct and genre.ecrire is not None:
        # A document is only ever built in the background.
        raise Http404
    # Raises Http404 exactly where the list page does (and for steering users on identities).
    return genre, genre.construire(user, parametres)


def _tracer(user, genre, programmes=()) -> None:
    """An export of identifying rows is traced as an export, once per programme whose rows it
    holds (`programmes`), so that each programme's DPO finds it in their console (issue 19)."""
    if not genre.identites:
        return
    for programme_id in sorted(programmes) or [None]:
        tracer(
            user=user,
            evenement=Evenement.EXPORT,
            autorise=True,
            modele=genre.modele,
            programme_id=programme_id,
        )


@require_GET
def exporter(request, genre, format):
    """The list with the page's filters. Small: the file itself, streamed. Large: a page that
    offers to build it in the background (a POST, since it records a request)."""
    parametres = request.GET.copy()
    parametres.pop("page", None)
    genre, tableau = _genre_et_tableau(request.user, genre, format, parametres, direct=True)
    if genre.identites and genre.champ_programme:
        # The total and the programmes to trace in one scan of the list (issue 18: the two
        # scans were most of the time before the first byte).
        par_programme = tableau.compter_par(genre.champ_programme)
        total = sum(par_programme.values())
    else:
        par_programme, total = {}, tableau.compter()
    if total > settings.EXPORTS_SEUIL_ARRIERE_PLAN:
        return render(
            request,
            "core/exports/confirmer.html",
            {
                "genre": genre,
                "format": format,
                "filtres": parametres.urlencode(),
                "total": total,
                "seuil": settings.EXPORTS_SEUIL_ARRIERE_PLAN,
            },
        )
    _tracer(request.user, genre, par_programme)
    return reponse_export(tableau, format, f"{genre.nom_fichier}-{date.today():%Y-%m-%d}")


@require_POST
def demander(request):
    """Record a background export of a list the user may see, then follow its progress."""
    cle, format = request.POST.get("genre", ""), request.POST.get("format", "")
    filtres = request.POST.get("filtres", "")[:2000]
    # The same check as the list page, for the requester, before anything is recorded.
    _genre_et_tableau(request.user, cle, format, QueryDict(filtres))
    try:
        demande = demande_export_creer(
            demandeur=request.user, genre=cle, format=format, filtres=filtres
        )
    except ValidationError:
        raise Http404 from None
    messages.info(request, _("Votre export est en préparation."))
    return redirect("exports:demande", demande_pk=demande.pk)


def _demande(request, demande_pk) -> DemandeExport:
    """The request if the user made it; anyone else gets 404, as if it did not exist."""
    demande = DemandeExport.objects.filter(pk=demande_pk, demandeur=request.user).first()
    if demande is None:
        raise Http404
    return demande


@require_GET
def demande_detail(request, demande_pk):
    demande = _demande(request, demande_pk)
    genre = genre_export(demande.genre)
    contexte = {
        "demande": demande,
        "libelle": genre.libelle if genre else demande.genre,
        "etapes": genre is not None and genre.unite == "etapes",
        "expiree": demande.expire_le is not None and demande.expire_le <= timezone.now(),
    }
    if request.htmx:
        return render(request, "core/exports/_progression.html", contexte)
    return render(request, "core/exports/demande.html", contexte)


@require_GET
def demande_fichier(request, demande_pk):
    demande = _demande(request, demande_pk)
    if (
        demande.statut != StatutExport.TERMINE
        or not demande.fichier
        or (demande.expire_le and demande.expire_le <= timezone.now())
    ):
        raise Http404
    genre = genre_export(demande.genre)
    if genre is not None:
        _tracer(request.user, genre)
    nom = f"{genre.nom_fichier if genre else 'export'}-{demande.cree_le:%Y-%m-%d}.{demande.format}"
    return reponse_fichier(demande.fichier, nom=nom, type_mime=TYPES_MIME[demande.format])
