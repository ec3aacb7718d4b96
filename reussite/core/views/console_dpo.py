"""The DPO's console (issue 19): search one programme's access trail by person, pathway,
period and event, and export the result. The DPO never sees a child's file: rows name a
pathway by its number, never by the child.

Every query starts from `programme_id` and orders by time, on the index
`trace_programme_le` (programme_id, -le): its cost follows the page, not the trail's size.
A professional's logins carry no programme: those of the people holding a role on the programme
are added by a second branch on the index (user_id, -le), in a UNION.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..exports import TAILLE_LOT, reponse_csv
from ..forms.console_dpo import RechercheTraceForm
from ..models import Evenement, TraceAcces, User
from ..roles import programmes_dpo
from ..selectors.console_dpo import EXPORT_MAX, trace_du_programme
from ..trace import tracer

PAR_PAGE = 50
# What a row of the export reads (the primary key: the UNION's order needs it selected).
COLONNES_EXPORT = (
    "pk",
    "le",
    "personne",
    "evenement",
    "autorise",
    "content_type_id",
    "object_id",
    "page",
    "identifiant",
)


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
    form = RechercheTraceForm(request.GET or None)
    filtres = form.cleaned_data if form.is_valid() else {}
    page = Paginator(trace_du_programme(programme.pk, filtres), PAR_PAGE).get_page(
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
    """The search's result as CSV; the export is itself traced, for this programme.

    Streamed (issue 18): the header goes out before the query runs, rows are read from a
    server-side cursor `TAILLE_LOT` at a time with their people joined: one query whatever the
    number of rows, and the export never holds the result (up to `EXPORT_MAX` rows) in memory."""
    programme = _programme(request, programme_pk)
    form = RechercheTraceForm(request.GET or None)
    filtres = form.cleaned_data if form.is_valid() else {}
    # Tuples, not instances: building a model instance per row was a sixth of the export's time.
    requete = trace_du_programme(programme.pk, filtres, avec_personnes=True).values_list(
        *COLONNES_EXPORT
    )[:EXPORT_MAX]
    tracer(
        user=request.user,
        evenement=Evenement.EXPORT,
        autorise=True,
        modele=TraceAcces,
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
    # Translated now, in the request's language: the rows are written after the view returns.
    libelles = {valeur: str(texte) for valeur, texte in Evenement.choices}
    oui, non = _("oui"), _("non")
    fuseau = timezone.get_current_timezone()
    # A content type's name is a translation looked up on every call: a third of the export's
    # time when it was read once per row. Once per type here.
    noms_objets = {}

    def rangees():
        lignes = requete.iterator(chunk_size=TAILLE_LOT)
        for _pk, le, personne, evenement, autorise, type_id, objet_id, page, identifiant in lignes:
            le = le.astimezone(fuseau)
            if type_id is None or objet_id is None:
                objet = ""
            else:
                if type_id not in noms_objets:
                    noms_objets[type_id] = ContentType.objects.get_for_id(type_id).name
                objet = f"{noms_objets[type_id]} n° {objet_id}"
            yield [
                # strftime("%d/%m/%Y %H:%M:%S") at a fraction of its cost
                f"{le.day:02d}/{le.month:02d}/{le.year} {le.hour:02d}:{le.minute:02d}:{le.second:02d}",
                # User.get_full_name
                f"{personne['first_name']} {personne['last_name']}".strip() if personne else "",
                personne["email"] if personne else identifiant,
                libelles.get(evenement, evenement),
                oui if autorise else non,
                objet,
                page,
            ]

    return reponse_csv(
        f"journal-{programme.pk}-{timezone.localdate():%Y-%m-%d}", entetes, rangees()
    )
