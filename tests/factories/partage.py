"""Scenario helpers for the sharing tests: a PRE team, partners, consents and assignments.

They go through the services, as the application does, so that permission rows are derived
exactly as in production.
"""

import io
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from parcours.models import Consentement, Finalite, Intervenant, Parcours, ResponsableLegal
from parcours.services import consentement_enregistrer, intervenant_ajouter, parcours_modifier
from partenaires.models import Fonction, Professionnel, Structure
from reussite.core.models import Programme, Role, User
from reussite.core.services import role_attribuer

from .core import ProgrammeFactory, UserFactory
from .core import coordinateur as _coordinateur
from .parcours import ResponsableLegalFactory
from .partenaires import ProfessionnelFactory, StructureFactory, structure_porteuse


@dataclass
class Pre:
    """A programme with its structure porteuse (unless built without), one coordinator and
    one user for each other role asked for."""

    programme: Programme
    porteuse: Structure | None
    coordinateur: User
    roles: dict[Role, User] = field(default_factory=dict)


def pre(
    *,
    porteuse: bool = True,
    coordinateur: Mapping | None = None,
    roles: Mapping[Role, Mapping] | None = None,
    **programme,
) -> Pre:
    """A programme (`programme`: ProgrammeFactory fields), its structure porteuse
    (`porteuse=False`: none, for pages that would show it), its coordinator (`coordinateur`:
    UserFactory fields) and, for each role of `roles`, a user holding it (its UserFactory fields).
    """
    programme_ = ProgrammeFactory(**programme)
    equipe = Pre(
        programme=programme_,
        porteuse=structure_porteuse(programme_) if porteuse else None,
        coordinateur=_coordinateur(programme_, **(coordinateur or {})),
    )
    for role, champs in (roles or {}).items():
        equipe.roles[role] = UserFactory(**champs)
        role_attribuer(user=equipe.roles[role], programme=programme_, role=role)
    return equipe


def partenaire(*programmes: Programme, **kwargs) -> Structure:
    """A partner structure (not the porteuse) of the given programmes."""
    return StructureFactory(programmes=list(programmes), **kwargs)


def professionnel(structure: Structure, *, charte_acceptee: bool = True, **kwargs) -> Professionnel:
    """A member of `structure`; pass charte_acceptee=False for someone who has not accepted it."""
    kwargs.setdefault("fonction", Fonction.EDUCATEUR)
    if "user" not in kwargs:
        kwargs["user__charte_acceptee"] = charte_acceptee
    return ProfessionnelFactory(structure=structure, **kwargs)


def titulaire(parcours: Parcours, **kwargs) -> ResponsableLegal:
    """A holder of parental authority in the child's family."""
    return ResponsableLegalFactory(famille=parcours.enfant.famille, **kwargs)


def png(taille: int | None = None) -> bytes:
    """A real 1×1 PNG; with `taille`, padded with a trailing chunk up to that many bytes."""

    def chunk(genre: bytes, donnees: bytes) -> bytes:
        corps = genre + donnees
        return struct.pack(">I", len(donnees)) + corps + struct.pack(">I", zlib.crc32(corps))

    contenu = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
    )
    if taille is not None and taille > len(contenu) + 24:
        contenu += chunk(b"tEXt", b"x" * (taille - len(contenu) - 24))
    return contenu + chunk(b"IEND", b"")


def _pdf() -> bytes:
    """A real one-page PDF (uploads are parsed: a PDF must open with pypdf)."""
    from pypdf import PdfWriter

    ecrivain = PdfWriter()
    ecrivain.add_blank_page(width=595, height=842)
    tampon = io.BytesIO()
    ecrivain.write(tampon)
    return tampon.getvalue()


PDF = _pdf()
# Starts like a PDF, is HTML: accepted by a first-bytes check alone (issue 15, point 10).
POLYGLOTTE = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n"


def fichier_png(nom: str = "consentement.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(nom, png(), content_type="image/png")


def consentement(
    parcours: Parcours,
    *,
    auteur: User,
    structures=(),
    signataires=None,
    date_signature: date | None = None,
    date_expiration: date | None = None,
    fichier=None,
    renouvelle: Consentement | None = None,
    finalites=(Finalite.ACCOMPAGNEMENT, Finalite.PARTAGE),
) -> Consentement:
    """Record a consent through the service (permissions recomputed as in production)."""
    if signataires is None:
        existants = list(
            ResponsableLegal.objects.filter(
                famille_id=parcours.enfant.famille_id, autorite_parentale=True
            )
        )
        signataires = existants or [titulaire(parcours)]
    date_signature = date_signature or date.today() - timedelta(days=5)
    return consentement_enregistrer(
        parcours=parcours,
        date_signature=date_signature,
        date_expiration=date_expiration or date.today() + timedelta(days=180),
        signataires=list(signataires),
        structures=list(structures),
        finalites=list(finalites),
        fichier=fichier,
        renouvelle=renouvelle,
        auteur=auteur,
    )


def nommer_referent(parcours: Parcours, referent: Professionnel | None, *, auteur: User):
    return parcours_modifier(
        parcours=parcours,
        donnees={"referent": referent},
        version=version_actuelle(parcours),
        auteur=auteur,
    )


def version_actuelle(objet) -> int:
    """The version saved now: what an edit form opened at this instant would carry."""
    return type(objet).objects.values_list("version", flat=True).get(pk=objet.pk)


def ajouter_intervenant(parcours: Parcours, pro: Professionnel, *, auteur: User) -> Intervenant:
    return intervenant_ajouter(parcours=parcours, professionnel=pro, auteur=auteur)
