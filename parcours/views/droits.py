"""The register of the families' rights requests (issue 19), kept by the programme's
coordination, its administrators and its DPO (`programmes_juridiques`): anyone else gets 404.

The register names a pathway by its number. The right-of-access file is produced from the
request by someone the access module lets read the pathway (`parcours_pour`, capability
`COORDINATION`): the DPO keeps the register but never opens a child's file.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from reussite.core.ecriture import ecrire, version_soumise
from reussite.core.exports import reponse_csv, reponse_xlsx
from reussite.core.models import Evenement, ProgrammeUserObjectPermission, User
from reussite.core.pdf import pdf_depuis_gabarit, reponse_pdf
from reussite.core.roles import GESTION, JURIDIQUE, a_un_role, programmes_juridiques
from reussite.core.trace import tracer

from ..access import Capacite, parcours_pour
from ..forms import DemandeDroitForm, ReponseDemandeForm
from ..models import DemandeDroit, GenreDemande, Parcours, StatutTransfert, Transfert
from ..selectors import droit_acces_donnees
from ..services import (
    DonneesDemande,
    demande_droit_creer,
    demande_droit_dossier_produit,
    demande_droit_repondre,
)

__all__ = []


def _programme(request, programme_pk):
    return get_object_or_404(programmes_juridiques(request.user), pk=programme_pk)


def _demande(programme, pk):
    return get_object_or_404(
        DemandeDroit.objects.select_related("suivie_par", "cree_par"), programme=programme, pk=pk
    )


def _personnes(programme):
    """Who may follow a request: the holders of a legal-frame role on the programme."""
    return User.objects.filter(
        Exists(
            ProgrammeUserObjectPermission.objects.filter(
                user=OuterRef("pk"),
                content_object=programme,
                permission__codename__in=[r.value for r in JURIDIQUE],
            )
        ),
        is_active=True,
    ).order_by("last_name", "first_name")


def _registre(programme):
    return DemandeDroit.objects.filter(programme=programme).select_related("suivie_par")


@require_GET
def registre(request, programme_pk):
    programme = _programme(request, programme_pk)
    page = Paginator(_registre(programme), settings.PAGINATION_PAR_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "parcours/droits/registre.html",
        {"programme": programme, "page": page, "aujourdhui": timezone.localdate()},
    )


def _initiales(request) -> dict:
    """The reminder of a request on a transferred pathway links here with the receiving
    programme's pathway number and the right exercised (`?parcours=…&genre=…`)."""
    initiales = {"recue_le": timezone.localdate(), "suivie_par": request.user.pk}
    if (numero := request.GET.get("parcours", "")).isdigit():
        initiales["numero_parcours"] = int(numero)
    if request.GET.get("genre") in GenreDemande.values:
        initiales["genre"] = request.GET["genre"]
    return initiales


def creer(request, programme_pk):
    programme = _programme(request, programme_pk)
    form = DemandeDroitForm(
        request.POST if request.method == "POST" else None,
        programme=programme,
        personnes=_personnes(programme),
        initial=_initiales(request),
    )

    def service():
        donnees = form.cleaned_data
        return demande_droit_creer(
            programme=programme,
            donnees=DonneesDemande(
                genre=donnees["genre"],
                demandeur=donnees["demandeur"],
                canal=donnees["canal"],
                recue_le=donnees["recue_le"],
                objet=donnees["objet"],
                parcours=donnees["numero_parcours"],
                suivie_par=donnees["suivie_par"],
            ),
            auteur=request.user,
        )

    return ecrire(
        request,
        form,
        service,
        creation=True,
        succes=lambda d: (
            _("Demande enregistrée : réponse due au plus tard le %(date)s.")
            % {"date": d.echeance.strftime("%d/%m/%Y")}
        ),
        suite=lambda d: reverse("droits:demande", args=[programme.pk, d.pk]),
        page=lambda: render(
            request,
            "parcours/droits/creer.html",
            {"programme": programme, "form": form},
        ),
    )


def demande(request, programme_pk, pk):
    """The request, its deadline, and the form that handles and answers it."""
    programme = _programme(request, programme_pk)
    objet = _demande(programme, pk)
    form = ReponseDemandeForm(
        request.POST if request.method == "POST" else None,
        demande=objet,
        personnes=_personnes(programme),
    )
    adresse = reverse("droits:demande", args=[programme.pk, objet.pk])

    def service():
        donnees = form.cleaned_data
        return demande_droit_repondre(
            demande=objet,
            version=version_soumise(request),
            auteur=request.user,
            statut=donnees["statut"],
            suivie_par=donnees["suivie_par"],
            prolongee=donnees["prolongee"],
            motif_prolongation=donnees["motif_prolongation"],
            reponse=donnees["reponse"],
            repondue_le=donnees["repondue_le"],
            preuve=donnees["preuve"],
        )

    # The pathway's own pages (access file, change history) are the coordination's: the
    # links are shown to it only, and the pages themselves check again (`parcours_pour`).
    gestion = objet.parcours_id is not None and a_un_role(request.user, GESTION, programme.pk)
    # A pathway transferred to another programme continues under that programme's controller,
    # which was told of the request when it was recorded (or when the transfer was accepted):
    # the page says who was told, when, and names the DPO's contact.
    transfert = (
        Transfert.objects.filter(
            parcours_origine_id=objet.parcours_id, statut=StatutTransfert.ACCEPTE
        )
        .select_related("programme_destination__cadre_juridique")
        .first()
        if objet.parcours_id is not None
        else None
    )
    cadre_destination = (
        getattr(transfert.programme_destination, "cadre_juridique", None) if transfert else None
    )
    return ecrire(
        request,
        form,
        service,
        succes=_("La demande est enregistrée."),
        suite=adresse,
        actuelle=adresse,
        page=lambda: render(
            request,
            "parcours/droits/demande.html",
            {
                "programme": programme,
                "demande": objet,
                "form": form if objet.ouverte else None,
                "aujourdhui": timezone.localdate(),
                "peut_produire_dossier": gestion and objet.genre == GenreDemande.ACCES,
                "peut_voir_historique": gestion and objet.genre == GenreDemande.RECTIFICATION,
                "efface": objet.genre in (GenreDemande.EFFACEMENT, GenreDemande.OPPOSITION),
                "transfert": transfert,
                "cadre_destination": cadre_destination,
                "informations": list(
                    objet.informations_transfert.select_related("programme").order_by(
                        "informe_le", "pk"
                    )
                ),
            },
        ),
    )


@require_GET
def dossier_pdf(request, programme_pk, pk):
    """The right-of-access file, produced from the request: what the access module lets the
    coordination read of the pathway, traced as a right-of-access export."""
    programme = _programme(request, programme_pk)
    objet = _demande(programme, pk)
    if objet.genre != GenreDemande.ACCES or objet.parcours_id is None:
        raise Http404
    parcours = parcours_pour(
        user=request.user,
        pk=objet.parcours_id,
        capacite=Capacite.COORDINATION,
        queryset=Parcours.objects.select_related("enfant", "programme"),
    )
    donnees = droit_acces_donnees(parcours)
    tracer(user=request.user, evenement=Evenement.DROIT_ACCES, autorise=True, objet=parcours)
    demande_droit_dossier_produit(demande=objet)
    contenu = pdf_depuis_gabarit(
        "parcours/protection/droit_acces_pdf.html",
        {"donnees": donnees, "parcours": parcours},
        request=request,
    )
    return reponse_pdf(contenu, f"demande-{objet.pk}-droit-acces-{timezone.localdate():%Y%m%d}")


def _rangees(programme):
    for d in _registre(programme).order_by("recue_le", "pk").iterator(chunk_size=500):
        yield [
            d.pk,
            d.get_genre_display(),
            d.demandeur,
            d.get_canal_display(),
            d.recue_le.strftime("%d/%m/%Y"),
            d.parcours_id or "",
            d.echeance.strftime("%d/%m/%Y"),
            _("oui") if d.prolongee else _("non"),
            d.motif_prolongation,
            d.get_statut_display(),
            d.suivie_par.get_full_name() if d.suivie_par else "",
            d.repondue_le.strftime("%d/%m/%Y") if d.repondue_le else "",
            d.reponse,
            d.preuve,
        ]


ENTETES = [
    gettext_lazy("Numéro"),
    gettext_lazy("Droit exercé"),
    gettext_lazy("Demandeur"),
    gettext_lazy("Reçue par"),
    gettext_lazy("Reçue le"),
    gettext_lazy("Parcours"),
    gettext_lazy("Date limite"),
    gettext_lazy("Prolongée"),
    gettext_lazy("Motif de la prolongation"),
    gettext_lazy("Statut"),
    gettext_lazy("Suivie par"),
    gettext_lazy("Réponse envoyée le"),
    gettext_lazy("Réponse"),
    gettext_lazy("Preuve"),
]


@require_GET
def registre_export(request, programme_pk, format_):
    """The register as CSV or XLSX, for the DPO; the export is traced with its programme."""
    programme = _programme(request, programme_pk)
    tracer(
        user=request.user,
        evenement=Evenement.EXPORT,
        autorise=True,
        modele=DemandeDroit,
        programme_id=programme.pk,
    )
    entetes = [str(e) for e in ENTETES]
    nom = f"registre-demandes-droits-{programme.pk}-{timezone.localdate():%Y-%m-%d}"
    if format_ == "xlsx":
        return reponse_xlsx(nom, [(_("Demandes"), entetes, _rangees(programme))])
    return reponse_csv(nom, entetes, _rangees(programme))
