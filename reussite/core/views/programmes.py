"""A programme's own settings, for its coordinators and administrators: the thresholds of the
reminders and of the "parcours à risque" list, the consent rule (DOMAIN.md, rule 6) and the
retention period before anonymisation (rule 5)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ..forms.programmes import ParametresForm
from ..models import Programme, User
from ..roles import programmes_de_gestion
from ..services.programmes import programme_parametrer


def programmes_parametrables(user: User):
    return programmes_de_gestion(user)


def parametres(request, programme_pk):
    programme = get_object_or_404(programmes_parametrables(request.user), pk=programme_pk)
    form = ParametresForm(request.POST or None, instance=Programme.objects.get(pk=programme.pk))
    if request.method == "POST" and form.is_valid():
        try:
            programme_parametrer(programme=programme, donnees=form.cleaned_data)
        except ValidationError as erreur:
            for champ, messages_champ in erreur.message_dict.items():
                for message in messages_champ:
                    form.add_error(champ if champ in form.fields else None, message)
        else:
            messages.success(request, _("Les paramètres du programme sont enregistrés."))
            return redirect("programmes:parametres", programme_pk=programme.pk)
    return render(
        request,
        "core/programme_parametres.html",
        {"programme": programme, "form": form},
    )
