"""A programme's legal identity (`CadreJuridique`), kept by its coordination, its
administrators and its DPO (issue 19), and the documents its DPO reads: the register entry of
GDPR article 30 and the inputs of a data-protection impact assessment."""

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..ecriture import ecrire, version_soumise
from ..forms.cadre import CadreJuridiqueForm
from ..models import CadreJuridique, Programme, Role
from ..pdf import pdf_depuis_gabarit, reponse_pdf
from ..roles import programmes_juridiques, role_sur_programme
from ..services.cadre import cadre_juridique_enregistrer
from . import juridique


def _programme(user, programme_pk) -> Programme:
    """404 unless `user` coordinates, administers or is the DPO of the programme."""
    return get_object_or_404(
        programmes_juridiques(user).select_related("cadre_juridique"), pk=programme_pk
    )


def cadre_juridique(request, programme_pk):
    programme = _programme(request.user, programme_pk)
    actuel = getattr(programme, "cadre_juridique", None)
    form = CadreJuridiqueForm(request.POST or None, instance=actuel, prefix="cadre")
    objet = actuel or CadreJuridique(programme=programme, version=0)

    def page():
        return render(
            request,
            "core/cadre_juridique.html",
            {"programme": programme, "form": form, "cadre": objet},
        )

    return ecrire(
        request,
        form,
        lambda: cadre_juridique_enregistrer(
            programme=programme, version=version_soumise(request), donnees=form.cleaned_data
        ),
        succes=_("Le cadre juridique du programme est enregistré."),
        suite=reverse("programmes:cadre_juridique", args=[programme.pk]),
        page=page,
    )


@require_GET
def protection_des_donnees(request):
    """The legal space of the user's programmes: their legal identity and documents."""
    programmes = list(
        programmes_juridiques(request.user)
        .select_related("cadre_juridique")
        .annotate(est_dpo=role_sur_programme(request.user, [Role.DPO]))
        .order_by("nom")
    )
    for programme in programmes:
        # A missing reverse one-to-one raises in templates; say it here.
        programme.cadre = getattr(programme, "cadre_juridique", None)
    return render(request, "core/protection_des_donnees.html", {"programmes": programmes})


def contexte_registre(programme: Programme) -> dict:
    from .. import mesures

    return juridique.contexte_programme(programme) | {
        "mesures": mesures.MESURES,
        "journal_conservation": settings.REUSSITE_JOURNAL_CONSERVATION_MOIS,
    }


@require_GET
def registre(request, programme_pk):
    programme = _programme(request.user, programme_pk)
    return render(request, "core/registre.html", contexte_registre(programme))


@require_GET
def registre_pdf(request, programme_pk):
    programme = _programme(request.user, programme_pk)
    contenu = pdf_depuis_gabarit("core/registre_pdf.html", contexte_registre(programme))
    return reponse_pdf(
        contenu, _("registre-traitement-%(programme)s") % {"programme": programme.nom}
    )


@require_GET
def aipd(request, programme_pk):
    programme = _programme(request.user, programme_pk)
    return render(request, "core/aipd.html", contexte_registre(programme))
