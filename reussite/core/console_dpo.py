"""The DPO's console (issue 19): search one programme's access trail by person, pathway,
period and event, and export the result. The DPO never sees a child's file: rows name a
pathway by its number, never by the child.

Every query starts from `programme_id` and orders by time, on the index
`journal_programme_le` (programme_id, -le): its cost follows the page, not the trail's size.
A professional's logins carry no programme: those of the people holding a role on the programme
are added by a second branch on the index (user_id, -le), in a UNION.
"""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from .dates import PlageDates
from .exports import reponse_csv
from .forms import DateInput, FormulaireDsfr
from .journal import journaliser
from .models import Evenement, JournalAcces, ProgrammeUserObjectPermission, User
from .roles import programmes_dpo

# The people whose logins a programme's DPO sees, beyond its role holders: each business layer
# adds a function (programme id -> queryset of user ids), e.g. parcours: the people holding an
# assignment on one of its pathways. The core imports no business app (ARCHITECTURE.md).
PERSONNES_DU_PROGRAMME: list = []


def personnes_du_programme(programme_id: int):
    """A queryset of the user ids of the people acting in the programme."""
    ids = ProgrammeUserObjectPermission.objects.filter(content_object_id=programme_id).values(
        "user_id"
    )
    for fournisseur in PERSONNES_DU_PROGRAMME:
        ids = ids.union(fournisseur(programme_id))
    return ids


PAR_PAGE = 50
EXPORT_MAX = 50_000
# Events that carry no programme (a login is not about one programme): shown for the people
# holding a role on it.
SANS_PROGRAMME = [Evenement.CONNEXION, Evenement.DECONNEXION]


class RechercheJournalForm(FormulaireDsfr):
    personne = forms.EmailField(
        label=gettext_lazy("Adresse électronique de la personne"), required=False
    )
    parcours = forms.IntegerField(
        label=gettext_lazy("Numéro du parcours"), required=False, min_value=1
    )
    du = forms.DateField(
        label=gettext_lazy("Du"),
        required=False,
        validators=[PlageDates("periode")],
        widget=DateInput(),
    )
    au = forms.DateField(
        label=gettext_lazy("Au"),
        required=False,
        validators=[PlageDates("periode")],
        widget=DateInput(),
    )
    evenement = forms.ChoiceField(
        label=gettext_lazy("Événement"),
        required=False,
        choices=[("", gettext_lazy("Tous")), *list(Evenement.choices)],
    )

    def clean(self):
        donnees = super().clean()
        if donnees.get("du") and donnees.get("au") and donnees["du"] > donnees["au"]:
            self.add_error("au", _("La fin de la période doit suivre son début."))
        return donnees


def _debut(jour):
    return timezone.make_aware(datetime.combine(jour, time.min))


def journal_du_programme(programme_id: int, filtres: dict):
    """The trail rows of `programme_id` matching `filtres`, newest first (a queryset)."""
    conditions = Q()
    if filtres.get("du"):
        conditions &= Q(le__gte=_debut(filtres["du"]))
    if filtres.get("au"):
        conditions &= Q(le__lt=_debut(filtres["au"] + timedelta(days=1)))
    if filtres.get("evenement"):
        conditions &= Q(evenement=filtres["evenement"])
    if filtres.get("personne"):
        conditions &= Q(
            user_id__in=User.objects.filter(email__iexact=filtres["personne"]).values("pk")
        )
    lignes = JournalAcces.objects.filter(conditions, programme_id=programme_id)
    if filtres.get("parcours"):
        type_parcours = ContentType.objects.get_by_natural_key("parcours", "parcours")
        return lignes.filter(content_type=type_parcours, object_id=filtres["parcours"]).order_by(
            "-le", "-pk"
        )
    if filtres.get("evenement") in ("", None, *SANS_PROGRAMME):
        connexions = JournalAcces.objects.filter(
            conditions,
            programme_id__isnull=True,
            evenement__in=SANS_PROGRAMME,
            user_id__in=personnes_du_programme(programme_id),
        )
        return lignes.union(connexions, all=True).order_by("-le", "-pk")
    return lignes.order_by("-le", "-pk")


def _personnes(lignes) -> dict[int, User]:
    ids = {ligne.user_id for ligne in lignes if ligne.user_id}
    return User.objects.in_bulk(ids)


def _objet(ligne) -> str:
    if ligne.content_type_id is None or ligne.object_id is None:
        return ""
    modele = ContentType.objects.get_for_id(ligne.content_type_id)
    return f"{modele.name} n° {ligne.object_id}"


def _programme(request, programme_pk):
    return get_object_or_404(programmes_dpo(request.user), pk=programme_pk)


@require_GET
def console(request, programme_pk):
    programme = _programme(request, programme_pk)
    form = RechercheJournalForm(request.GET or None)
    filtres = form.cleaned_data if form.is_valid() else {}
    page = Paginator(journal_du_programme(programme.pk, filtres), PAR_PAGE).get_page(
        request.GET.get("page")
    )
    personnes = _personnes(page.object_list)
    lignes = [
        {
            "ligne": ligne,
            "personne": personnes.get(ligne.user_id),
            "objet": _objet(ligne),
        }
        for ligne in page.object_list
    ]
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return render(
        request,
        "core/console_dpo.html",
        {
            "programme": programme,
            "form": form,
            "page": page,
            "lignes": lignes,
            "parametres": parametres.urlencode(),
        },
    )


@require_GET
def console_export(request, programme_pk):
    """The search's result as CSV; the export is itself traced, for this programme."""
    programme = _programme(request, programme_pk)
    form = RechercheJournalForm(request.GET or None)
    filtres = form.cleaned_data if form.is_valid() else {}
    lignes = list(journal_du_programme(programme.pk, filtres)[:EXPORT_MAX])
    personnes = _personnes(lignes)
    journaliser(
        user=request.user,
        evenement=Evenement.EXPORT,
        autorise=True,
        modele=JournalAcces,
        programme_id=programme.pk,
    )
    entetes = [
        _("Date et heure"),
        _("Personne"),
        _("Adresse électronique"),
        _("Événement"),
        _("Autorisé"),
        _("Objet"),
        _("Page"),
    ]
    libelles = dict(Evenement.choices)

    def rangees():
        for ligne in lignes:
            personne = personnes.get(ligne.user_id)
            yield [
                timezone.localtime(ligne.le).strftime("%d/%m/%Y %H:%M:%S"),
                personne.get_full_name() if personne else "",
                personne.email if personne else ligne.identifiant,
                str(libelles.get(ligne.evenement, ligne.evenement)),
                _("oui") if ligne.autorise else _("non"),
                _objet(ligne),
                ligne.page,
            ]

    return reponse_csv(
        f"journal-{programme.pk}-{timezone.localdate():%Y-%m-%d}", entetes, rangees()
    )
