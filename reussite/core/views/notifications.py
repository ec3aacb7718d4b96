"""In-app reminders: the bell's list, marking as read, and how each user wants emails.

Every query starts from `request.user`'s own reminders: an id that is not theirs is a 404.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms.notifications import PreferencesForm
from ..models import Rappel, StatutRappel
from ..noms import nom_complet_texte
from ..rappels import (
    libelles,
    rappel_marquer_lu,
    rappel_renvoyer,
    rappels_tout_marquer_lus,
    rendre,
)
from ..roles import programmes_coordonnes

PAR_PAGE = 25


def notifications(request):
    non_lus_seulement = request.GET.get("filtre") == "non-lus"
    rappels = Rappel.objects.visibles().filter(destinataire=request.user)
    if non_lus_seulement:
        rappels = rappels.filter(lu_le__isnull=True)
    page = Paginator(rappels.order_by("-cree_le", "-pk"), PAR_PAGE).get_page(
        request.GET.get("page")
    )
    noms = libelles()
    elements = [
        {"rappel": r, "rendu": rendu, "genre": noms.get(r.genre, r.genre)}
        for r, rendu in rendre(list(page.object_list))
    ]
    return render(
        request,
        "core/notifications.html",
        {"page": page, "elements": elements, "non_lus_seulement": non_lus_seulement},
    )


def compteur(request):
    """The bell's badge, loaded by htmx after the page: pages pay no query for it."""
    return render(
        request,
        "core/includes/_cloche.html",
        {"non_lus": Rappel.objects.non_lus().filter(destinataire=request.user).count()},
    )


@require_POST
def notification_ouvrir(request, rappel_pk):
    """Mark as read, then go to the page it is about (which checks access itself)."""
    rappel = Rappel.objects.visibles().filter(pk=rappel_pk, destinataire=request.user).first()
    if rappel is None:
        raise Http404(_("Rappel introuvable."))
    rappel_marquer_lu(user=request.user, rappel_id=rappel.pk)
    [(_r, rendu)] = rendre([rappel])
    if rendu.lien and url_has_allowed_host_and_scheme(rendu.lien, allowed_hosts=None):
        return redirect(rendu.lien)
    return redirect("notifications:liste")


@require_POST
def notification_lue(request, rappel_pk):
    if (
        not rappel_marquer_lu(user=request.user, rappel_id=rappel_pk)
        and not Rappel.objects.filter(pk=rappel_pk, destinataire=request.user).exists()
    ):
        raise Http404(_("Rappel introuvable."))
    messages.success(request, _("Le rappel est marqué comme lu."))
    return redirect("notifications:liste")


@require_POST
def notifications_tout_lire(request):
    nombre = rappels_tout_marquer_lus(user=request.user)
    messages.success(request, _("%(n)s rappel(s) marqué(s) comme lu(s).") % {"n": nombre})
    return redirect("notifications:liste")


def preferences(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Vos préférences sont enregistrées."))
        return redirect("notifications:preferences")
    return render(request, "core/preferences.html", {"form": form})


def _echecs_visibles(user):
    return Rappel.objects.filter(
        statut=StatutRappel.ECHEC,
        programme_id__in=programmes_coordonnes(user).values("pk"),
    ).select_related("destinataire")


def echecs(request):
    """Reminders whose email could not be delivered, for the programme's coordinators."""
    page = Paginator(_echecs_visibles(request.user).order_by("-cree_le", "-pk"), PAR_PAGE).get_page(
        request.GET.get("page")
    )
    noms = libelles()
    elements = [
        {"rappel": r, "rendu": rendu, "genre": noms.get(r.genre, r.genre)}
        for r, rendu in rendre(list(page.object_list))
    ]
    return render(request, "core/echecs.html", {"page": page, "elements": elements})


@require_POST
def echec_renvoyer(request, rappel_pk):
    rappel = _echecs_visibles(request.user).filter(pk=rappel_pk).first()
    if rappel is None:
        raise Http404(_("Rappel introuvable."))
    rappel_renvoyer(rappel=rappel)
    messages.success(
        request,
        _("Le courriel sera renvoyé à %(qui)s.") % {"qui": nom_complet_texte(rappel.destinataire)},
    )
    return redirect("notifications:echecs")
