"""Derived permissions on pathways: assigning a professional and recording a consent go through
the sharing rules (DOMAIN.md rule 2), and the signed form is checked by its content."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from parcours.forms import ConsentementForm
from parcours.models import Consentement, Finalite, Intervenant, Parcours
from parcours.services import (
    DonneesCreation,
    DonneesResponsable,
    consentement_retirer,
    enfant_et_parcours_creer,
    parcours_modifier,
)
from reussite.core.fichiers import TAILLE_MAX, type_document
from reussite.core.models import Programme
from tests.acces.partage import aujourdhui, jours, partage, voit
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import (
    PDF,
    ajouter_intervenant,
    consentement,
    partenaire,
    png,
    pre,
    professionnel,
    titulaire,
    version_actuelle,
)

pytestmark = pytest.mark.django_db


# --- Assigning goes through the sharing rules -------------------------------------------------


def _non_couvert(a, parcours, structure, cas: str):
    if cas == "autre-structure":
        partage(a, parcours, partenaire(a.programme))
    elif cas == "retire":
        c = partage(a, parcours, structure)
        consentement_retirer(
            consentement=c, date_retrait=aujourdhui(), motif="Refus", auteur=a.coordinateur
        )
    elif cas == "expire":
        partage(
            a,
            parcours,
            structure,
            date_signature=aujourdhui() - jours(400),
            date_expiration=aujourdhui() - jours(1),
        )
    elif cas == "renouvele-sans-elle":
        ancien = partage(a, parcours, structure, date_signature=aujourdhui() - jours(20))
        consentement(
            parcours,
            structures=[partenaire(a.programme)],
            auteur=a.coordinateur,
            date_signature=aujourdhui(),
            renouvelle=ancien,
        )
    elif cas == "sans-finalite-partage":
        # A row the service now refuses to write (written before the rule, or by hand).
        sans_partage = Consentement.objects.create(
            parcours=parcours,
            date_signature=aujourdhui() - jours(5),
            date_expiration=aujourdhui() + jours(100),
            finalites=[Finalite.ACCOMPAGNEMENT],
        )
        sans_partage.structures.set([structure])


CAS_NON_COUVERTS = [
    "sans-consentement",
    "autre-structure",
    "retire",
    "expire",
    "renouvele-sans-elle",
    "sans-finalite-partage",
]


@pytest.mark.parametrize("cas", CAS_NON_COUVERTS)
def test_ajouter_un_intervenant_non_couvert_est_refuse(a, p, structure, cas):
    pro = professionnel(structure)
    _non_couvert(a, p, structure, cas)

    with pytest.raises(ValidationError) as erreur:
        ajouter_intervenant(p, pro, auteur=a.coordinateur)

    assert "Le consentement de la famille ne couvre pas" in " ".join(
        erreur.value.message_dict["professionnel"]
    )
    assert not Intervenant.objects.filter(parcours=p).exists()
    assert not voit(pro.user, p)


@pytest.mark.parametrize("cas", CAS_NON_COUVERTS)
def test_nommer_un_referent_partenaire_non_couvert_est_refuse(a, p, structure, cas):
    pro = professionnel(structure)
    _non_couvert(a, p, structure, cas)

    with pytest.raises(ValidationError) as erreur:
        parcours_modifier(
            parcours=p,
            donnees={"referent": pro},
            version=version_actuelle(p),
            auteur=a.coordinateur,
        )

    assert "ne couvre pas" in " ".join(erreur.value.message_dict["referent"])
    p.refresh_from_db()
    assert p.referent is None
    assert not voit(pro.user, p)


def test_professionnel_d_une_structure_hors_programme_est_refuse(a, p):
    autre = pre(nom="PRE B")
    etranger = professionnel(partenaire(autre.programme))
    with pytest.raises(ValidationError) as erreur:
        ajouter_intervenant(p, etranger, auteur=a.coordinateur)
    assert "ne travaille pas avec ce programme" in str(erreur.value)


def test_creer_un_parcours_avec_un_referent_partenaire_est_refuse(a, structure):
    pro = professionnel(structure)
    donnees = DonneesCreation(
        enfant={
            "nom": "Martin",
            "prenom": "Lina",
            "date_naissance": aujourdhui() - jours(365 * 7),
            "sexe": "F",
        },
        parcours={
            "orienteur": "ecole",
            "motifs_orientation": ["langage"],
            "date_entree": aujourdhui(),
            "referent": pro,
        },
        responsables=[DonneesResponsable(nom="Martin", lien="mere")],
    )
    with pytest.raises(ValidationError) as erreur:
        enfant_et_parcours_creer(programme=a.programme, auteur=a.coordinateur, donnees=donnees)
    assert "ne couvre pas" in str(erreur.value)
    assert not Parcours.objects.filter(programme=a.programme).exists()


# --- Consent rules ----------------------------------------------------------------------------


def test_deux_signataires_exiges_quand_le_programme_le_demande(a, p, structure):
    Programme.objects.filter(pk=a.programme.pk).update(consentement_deux_signataires=True)
    mere, pere = titulaire(p), titulaire(p, lien="pere")

    with pytest.raises(ValidationError) as erreur:
        partage(a, p, structure, signataires=[mere])
    assert "deux titulaires" in " ".join(erreur.value.message_dict["signataires"])
    with pytest.raises(ValidationError):
        partage(a, p, structure, signataires=[mere, mere])
    assert not Consentement.objects.filter(parcours=p).exists()

    c = partage(a, p, structure, signataires=[mere, pere])
    assert set(c.signataires.all()) == {mere, pere}


def test_un_seul_titulaire_suffit_quand_la_famille_n_en_a_qu_un(a, p, structure):
    Programme.objects.filter(pk=a.programme.pk).update(consentement_deux_signataires=True)
    mere = titulaire(p)
    titulaire(p, lien="autre", autorite_parentale=False)
    assert partage(a, p, structure, signataires=[mere]).pk


def test_un_signataire_suffit_quand_le_programme_ne_demande_pas_les_deux(a, p, structure):
    mere = titulaire(p)
    titulaire(p, lien="pere")
    assert partage(a, p, structure, signataires=[mere]).pk


def test_signataire_d_une_autre_famille_refuse(a, p, structure):
    etranger = titulaire(ParcoursFactory(programme=a.programme))
    with pytest.raises(ValidationError) as erreur:
        partage(a, p, structure, signataires=[etranger])
    assert "signataires" in erreur.value.message_dict


def test_structure_qui_ne_travaille_pas_avec_le_programme_refusee(a, p):
    etrangere = partenaire(pre(nom="PRE B").programme)
    with pytest.raises(ValidationError) as erreur:
        partage(a, p, etrangere)
    assert "structures" in erreur.value.message_dict


def test_signature_future_refusee(a, p, structure):
    with pytest.raises(ValidationError):
        partage(a, p, structure, date_signature=aujourdhui() + jours(1))


# --- The signed form: checked by content, not by name -----------------------------------------


def _formulaire(parcours, fichier, titulaire_pk):
    return ConsentementForm(
        {
            "date_signature": aujourdhui().isoformat(),
            "date_expiration": (aujourdhui() + jours(100)).isoformat(),
            "signataires": [titulaire_pk],
            "finalites": [Finalite.ACCOMPAGNEMENT],
        },
        {"fichier": fichier},
        parcours=parcours,
    )


def test_un_texte_nomme_pdf_est_refuse(a, p, structure):
    mere = titulaire(p)

    def faux():
        return SimpleUploadedFile(
            "consentement.pdf", b"Ceci n'est pas un PDF.\n" * 20, "application/pdf"
        )

    with pytest.raises(ValidationError) as erreur:
        type_document(faux())
    assert erreur.value.code == "type"
    with pytest.raises(ValidationError):
        partage(a, p, structure, fichier=faux())
    formulaire = _formulaire(p, faux(), mere.pk)
    assert not formulaire.is_valid()
    assert "fichier" in formulaire.errors
    assert not Consentement.objects.filter(parcours=p).exists()


def test_une_image_png_renommee_en_exe_reste_acceptee_car_seul_le_contenu_compte(a, p):
    assert type_document(SimpleUploadedFile("scan.exe", png())) == "image/png"


@pytest.mark.parametrize(
    ("nom", "contenu", "extension"),
    [("Lina MARTIN.png", png(), ".png"), ("Lina MARTIN.pdf", PDF, ".pdf")],
    ids=["png", "pdf"],
)
def test_un_vrai_png_ou_pdf_est_accepte_et_range_sans_son_nom(
    a, p, structure, nom, contenu, extension
):
    mere = titulaire(p)
    assert _formulaire(p, SimpleUploadedFile(nom, contenu), mere.pk).is_valid()

    c = partage(a, p, structure, fichier=SimpleUploadedFile(nom, contenu))

    assert c.fichier.name.startswith("consentements/")
    assert c.fichier.name.endswith(extension)
    assert "MARTIN" not in c.fichier.name and "Lina" not in c.fichier.name
    with c.fichier.open("rb") as lu:
        assert lu.read() == contenu


def test_un_fichier_de_plus_de_10_mo_est_refuse(a, p, structure):
    assert type_document(SimpleUploadedFile("limite.png", png(TAILLE_MAX))) == "image/png"

    trop_gros = png(TAILLE_MAX + 1)
    assert len(trop_gros) == TAILLE_MAX + 1
    with pytest.raises(ValidationError) as erreur:
        type_document(SimpleUploadedFile("gros.png", trop_gros))
    assert erreur.value.code == "taille"
    with pytest.raises(ValidationError):
        partage(a, p, structure, fichier=SimpleUploadedFile("gros.png", trop_gros))
    assert not Consentement.objects.filter(parcours=p).exists()
