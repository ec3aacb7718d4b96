"""What the API shows of a pathway: what its pages show the same user (read through the access
module first), never more. Read-only serializers; the writes go through the pages' forms and
services (vues.py)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reussite.core.noms import nom_complet_texte

from ..models import (
    Action,
    CategorieDispositif,
    Dispositif,
    Note,
    Objectif,
    Parcours,
    StatutAction,
    Visibilite,
)


class EnfantSerializer(serializers.Serializer):
    nom = serializers.CharField()
    prenom = serializers.CharField()
    date_naissance = serializers.DateField()
    sexe = serializers.CharField()
    niveau_scolaire = serializers.CharField()
    qpv = serializers.BooleanField()
    etablissement = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_etablissement(self, enfant) -> str | None:
        return enfant.etablissement.nom if enfant.etablissement_id else None


class ParcoursSerializer(serializers.ModelSerializer):
    programme = serializers.CharField(source="programme.nom")
    enfant = EnfantSerializer()
    referent = serializers.SerializerMethodField()

    class Meta:
        model = Parcours
        fields = [
            "id",
            "programme",
            "enfant",
            "statut",
            "referent",
            "date_entree",
            "date_sortie",
            "motif_sortie",
            "date_prochaine_revue",
            "version",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_referent(self, parcours) -> str | None:
        return nom_complet_texte(parcours.referent.user) if parcours.referent_id else None


class ObjectifSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objectif
        fields = [
            "id",
            "domaine",
            "intitule",
            "statut",
            "commentaire_resultat",
            "date_ouverture",
            "date_cloture",
            "version",
        ]


class ActionSerializer(serializers.ModelSerializer):
    structure = serializers.CharField(source="structure.nom", allow_null=True, default=None)

    class Meta:
        model = Action
        fields = [
            "id",
            "objectif",
            "intitule",
            "offre",
            "structure",
            "date_debut",
            "date_fin",
            "statut",
            "resultat",
            "version",
        ]


class NoteSerializer(serializers.ModelSerializer):
    auteur = serializers.SerializerMethodField()

    class Meta:
        model = Note
        fields = ["id", "texte", "visibilite", "auteur", "cree_le", "version"]

    def get_auteur(self, note) -> str:
        return nom_complet_texte(note.auteur) if note.auteur_id else ""


class DispositifSerializer(serializers.ModelSerializer):
    """Another scheme the child is in. Reserved measures (AEMO, ASE placement, CMP/CMPP, PPS)
    are in the list only for the pathway's référent and coordination, as on the page."""

    categorie = serializers.ChoiceField(choices=CategorieDispositif.choices, read_only=True)
    reserve = serializers.BooleanField(
        read_only=True,
        help_text="Mesure de protection de l’enfance ou de santé : réservée au référent et à "
        "la coordination.",
    )

    class Meta:
        model = Dispositif
        fields = [
            "id",
            "type",
            "categorie",
            "reserve",
            "precision",
            "date_debut",
            "date_fin",
            "accord_contact",
            "contact",
            "version",
        ]


# --- Writes: the body's shape (documented in the schema); the page's form then validates it
# with the same rules and querysets as the page, and the service writes.


class ActionCreationSerializer(serializers.Serializer):
    intitule = serializers.CharField(max_length=200)
    date_debut = serializers.DateField()
    statut = serializers.ChoiceField(choices=StatutAction.choices, default=StatutAction.PREVUE)
    objectif = serializers.IntegerField(required=False, allow_null=True)
    offre = serializers.IntegerField(required=False, allow_null=True)
    structure = serializers.IntegerField(required=False, allow_null=True)
    professionnel = serializers.IntegerField(required=False, allow_null=True)
    convention = serializers.IntegerField(required=False, allow_null=True)
    date_fin = serializers.DateField(required=False, allow_null=True)
    resultat = serializers.CharField(required=False, allow_blank=True)
    cout = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True
    )
    heures = serializers.DecimalField(
        max_digits=7, decimal_places=1, required=False, allow_null=True
    )
    confirmer_capacite = serializers.BooleanField(required=False, default=False)


class ActionAvancementSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="La version de l’action lue (champ `version`).")
    statut = serializers.ChoiceField(choices=StatutAction.choices)
    resultat = serializers.CharField(required=False, allow_blank=True, default="")


class NoteCreationSerializer(serializers.Serializer):
    texte = serializers.CharField(max_length=20000)
    visibilite = serializers.ChoiceField(choices=Visibilite.choices, default=Visibilite.EQUIPE)


class IndicateurSerializer(serializers.Serializer):
    rubrique = serializers.CharField()
    indicateur = serializers.CharField()
    valeur = serializers.CharField(help_text="« < 5 » quand la valeur est masquée.")


class StatistiquesSerializer(serializers.Serializer):
    programme = serializers.CharField()
    annee = serializers.IntegerField()
    indicateurs = IndicateurSerializer(many=True)
