"""The one write pattern of the site's forms (ARCHITECTURE.md, « Writes »).

A view fetches its object through the access module, builds its form, and hands the rest to
`ecrire`: validate the forms, call one service, show the success message and redirect, or
re-render the page with the service's errors on the form. Two guards come with it:

- every edit form carries the version of the row it was read at; the service locks the row
  with `verrouiller`, and a missing or stale version raises `ConflitDeModification`, which
  `ecrire` answers with the conflict page (409) showing what the user typed;
- every creation form carries a one-time token (`EnvoiFormulaire`), consumed in the same
  transaction as the creation: the same form sent twice creates one row.

django-concurrency was considered for the version: its field checks the version inside
`Model.save()`, from the instance the form bound. Our services take the version as a keyword,
lock the row first and apply their rules to the locked row (several of them save other rows
than the versioned one), so its check would come after the rules it must precede; the ten lines
of `verrouiller` say the rule in one place instead.
"""

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms import BaseForm, BaseFormSet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .models import EnvoiFormulaire

CHAMP_VERSION = "version"
CHAMP_JETON = "jeton"


class ConflitDeModification(Exception):
    """The row changed since the form was read (or the form did not say which version it read).
    `actuel` is the locked, current row."""

    def __init__(self, actuel):
        super().__init__("Concurrent modification")
        self.actuel = actuel


def verrouiller(objet, version: int | None, *, queryset=None):
    """Lock `objet`'s row until the end of the transaction and return it as saved, provided the
    form was read at its current `version`. A missing version is a conflict too: a form that
    does not say what it read cannot show that it read the last save. The caller holds (or
    opens) the transaction: services are atomic."""
    if queryset is None:
        queryset = type(objet)._default_manager.all()
    actuel = queryset.select_for_update(of=("self",)).get(pk=objet.pk)
    if version is None or actuel.version != version:
        raise ConflitDeModification(actuel)
    return actuel


def version_soumise(request) -> int | None:
    """The version an edit form was read at, as posted (None when absent or not a number)."""
    try:
        return int(request.POST.get(CHAMP_VERSION, ""))
    except ValueError:
        return None


def jeton_soumis(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get(CHAMP_JETON, ""))
    except ValueError:
        return None


def appliquer_erreurs(formulaire, erreur: ValidationError) -> None:
    """Attach a service's ValidationError to the form, on its fields where it names them."""
    if hasattr(erreur, "error_dict"):
        for champ, liste in erreur.error_dict.items():
            formulaire.add_error(champ if champ in formulaire.fields else None, liste)
    else:
        formulaire.add_error(None, erreur.messages)


def tous_valides(formulaires: Iterable) -> bool:
    """Validate every form (not stopping at the first invalid one), so that each shows its
    errors at once."""
    valides = [f.is_valid() for f in formulaires]
    return all(valides)


class _DejaEnvoye(Exception):
    def __init__(self, envoi: EnvoiFormulaire):
        super().__init__("Form already sent")
        self.envoi = envoi


def _consommer(request, jeton: uuid.UUID) -> EnvoiFormulaire:
    """Record the token, or raise _DejaEnvoye. A concurrent submission of the same token waits
    on the unique index until the first one's transaction ends, then finds its row."""
    try:
        with transaction.atomic():
            return EnvoiFormulaire.objects.create(jeton=jeton, user=request.user)
    except IntegrityError:
        raise _DejaEnvoye(EnvoiFormulaire.objects.get(jeton=jeton)) from None


def _deja_envoye(request, envoi: EnvoiFormulaire) -> HttpResponse:
    messages.info(
        request,
        _(
            "Ce formulaire a déjà été envoyé : voici ce qu’il a enregistré, rien n’a été créé deux fois."
        ),
    )
    return redirect(envoi.suite or "accueil")


def envoi_rejoue(request) -> HttpResponse | None:
    """For a creation form sent again (its token already consumed): the page of what the first
    submission created. A view that checks something before `ecrire` (duplicates, warnings)
    asks this first, so that a double click never reaches those checks."""
    jeton = jeton_soumis(request)
    envoi = EnvoiFormulaire.objects.filter(jeton=jeton).first() if jeton else None
    return _deja_envoye(request, envoi) if envoi is not None else None


def _formulaires(formulaires: Iterable) -> list[BaseForm]:
    a_plat = []
    for formulaire in formulaires:
        if isinstance(formulaire, BaseFormSet):
            a_plat.extend(formulaire.forms)
        else:
            a_plat.append(formulaire)
    return a_plat


def _texte(champ, valeur) -> str:
    """What the user typed in one field, as they would read it back."""
    if valeur in (None, "", [], ()):
        return ""
    if isinstance(valeur, bool):
        return _("oui") if valeur else ""
    choix = getattr(champ.field, "choices", None)
    if choix is not None:
        libelles = {str(cle): str(libelle) for cle, libelle in champ.field.choices}
        valeurs = valeur if isinstance(valeur, list | tuple) else [valeur]
        return ", ".join(libelles.get(str(v), str(v)) for v in valeurs if v not in (None, ""))
    if hasattr(valeur, "name") and hasattr(valeur, "read"):
        return ""  # an uploaded file cannot be kept: it is sent again
    return str(valeur)


def saisies(formulaires: Iterable) -> list[tuple[str, str]]:
    """The (label, text) pairs of every filled visible field of the bound forms."""
    lignes = []
    for formulaire in _formulaires(formulaires):
        if not formulaire.is_bound:
            continue
        for champ in formulaire:
            if champ.is_hidden:
                continue
            texte = _texte(champ, champ.value())
            if texte:
                lignes.append((str(champ.label), texte))
    return lignes


def page_conflit(request, formulaires: Iterable, *, actuelle: str) -> HttpResponse:
    """409: the row was saved by someone else; what the user typed is shown so that nothing is
    lost, next to a link to the version now saved."""
    return render(
        request,
        "core/conflit.html",
        {"saisies": saisies(formulaires), "actuelle": actuelle},
        status=409,
    )


def ecrire(
    request,
    formulaire,
    service: Callable[[], Any],
    *,
    succes: str | Callable[[Any], str],
    suite: str | Callable[[Any], str],
    page: Callable[[], HttpResponse],
    autres: Iterable = (),
    creation: bool = False,
    actuelle: str | None = None,
) -> HttpResponse:
    """Run an edit or creation form through its service.

    `formulaire` receives the service's errors; `autres` are validated with it (formsets,
    secondary forms). `service` is called without arguments once every form is valid (a
    closure over their cleaned data) and returns the written object, which `suite` turns into
    the URL to go to (and `succes`, when callable, into the message). `page` renders the form
    page (GET, invalid input, a refused write). `creation` requires the form's one-time token; `actuelle` is the URL of the current
    version shown on the conflict page (the edit page itself by default, which reloads it)."""
    if request.method != "POST":
        return page()
    formulaires = [formulaire, *autres]
    jeton = jeton_soumis(request) if creation else None
    if creation and (rejoue := envoi_rejoue(request)) is not None:
        return rejoue
    if not tous_valides(formulaires):
        return page()
    if creation and jeton is None:
        formulaire.add_error(
            None,
            _(
                "Ce formulaire n’a pas pu être vérifié : relisez vos saisies et envoyez-le à nouveau."
            ),
        )
        return page()
    try:
        # One savepoint for the token and the write: a refused write gives the token back, so
        # that the corrected form can be sent with it.
        with transaction.atomic():
            envoi = _consommer(request, jeton) if creation else None
            resultat = service()
            adresse = suite(resultat) if callable(suite) else suite
            if envoi is not None:
                envoi.suite = adresse
                envoi.save(update_fields=["suite"])
    except _DejaEnvoye as exc:
        return _deja_envoye(request, exc.envoi)
    except ConflitDeModification:
        return page_conflit(request, formulaires, actuelle=actuelle or request.get_full_path())
    except ValidationError as erreur:
        appliquer_erreurs(formulaire, erreur)
        return page()
    messages.success(request, succes(resultat) if callable(succes) else succes)
    return redirect(adresse)
