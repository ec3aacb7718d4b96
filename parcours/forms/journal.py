"""Forms of the pathway's journal: notes, addenda, information préoccupante, ruptures,
documents. They only validate input; the rules live in services/journal.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reussite.core.dates import PlageDates
from reussite.core.forms import DateInput, FormulaireDsfr

from ..models import TypeRupture, Visibilite

__all__ = [
    "TYPES_CHRONOLOGIE",
    "AddendumForm",
    "DocumentForm",
    "InformationPreoccupanteForm",
    "NoteForm",
    "ReponseRuptureForm",
    "RuptureForm",
]


class NoteForm(FormulaireDsfr):
    texte = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Écrivez le texte de la note.")},
    )
    visibilite = forms.ChoiceField(
        label=_("Qui peut lire cette note"),
        choices=Visibilite.choices,
        initial=Visibilite.EQUIPE,
        widget=forms.RadioSelect,
        help_text=_(
            "Les partenaires affectés au parcours lisent les notes de l’équipe, jamais les "
            "notes réservées au référent et à la coordination."
        ),
    )


class AddendumForm(FormulaireDsfr):
    texte = forms.CharField(
        label=_("Addendum"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Écrivez le texte de l’addendum.")},
    )


class InformationPreoccupanteForm(FormulaireDsfr):
    date_transmission = forms.DateField(
        validators=[PlageDates("suivi")],
        label=_("Date de transmission à la CRIP"),
        widget=DateInput(),
    )
    transmise_par = forms.CharField(
        label=_("Transmise par"),
        max_length=200,
        help_text=_("Nom et fonction de la personne qui a transmis l’information."),
    )
    reference = forms.CharField(
        label=_("Référence de la transmission"), max_length=100, required=False
    )
    commentaire = forms.CharField(
        label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class RuptureForm(FormulaireDsfr):
    type = forms.ChoiceField(label=_("Type de rupture"), choices=TypeRupture.choices)
    date = forms.DateField(validators=[PlageDates("suivi")], label=_("Date"), widget=DateInput())
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    reponse = forms.CharField(
        label=_("Réponse décidée"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Elle peut être ajoutée plus tard."),
    )
    date_reponse = forms.DateField(
        validators=[PlageDates("suivi")],
        label=_("Réponse décidée le"),
        widget=DateInput(),
        required=False,
    )


class ReponseRuptureForm(FormulaireDsfr):
    reponse = forms.CharField(
        label=_("Réponse décidée"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Indiquez la réponse décidée.")},
    )
    date_reponse = forms.DateField(
        validators=[PlageDates("suivi")],
        label=_("Réponse décidée le"),
        widget=DateInput(),
        error_messages={"required": _("Indiquez la date de la réponse.")},
    )


class DocumentForm(FormulaireDsfr):
    titre = forms.CharField(label=_("Titre"), max_length=200)
    fichier = forms.FileField(
        label=_("Fichier"),
        help_text=_("PDF, JPEG ou PNG, 10 Mo au plus."),
        error_messages={"required": _("Joignez un fichier (PDF, JPEG ou PNG).")},
    )


# Kinds of events the timeline filters on (GET ?type=).
TYPES_CHRONOLOGIE = {
    "statut": _("Statut"),
    "consentement": _("Consentements"),
    "note": _("Notes"),
    "objectif": _("Objectifs"),
    "action": _("Actions"),
    "eps": _("EPS"),
    "rupture": _("Ruptures"),
    "ip": _("Information préoccupante"),
    "document": _("Documents"),
}
