"""Page objects for the coordinator's journey: one class per page, intent-level methods.

Each page object checks, when it is reached, that it is the expected page (its h1) and runs the
journey's `Controle` on it (screenshot, then axe-core). Fields are found by their label, buttons
and links by their accessible name: if a label goes missing, the journey fails.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from playwright.sync_api import Locator, Page, expect

from tests.factories.partage import png

from .verifications import Controle


@dataclass
class EnfantSaisi:
    nom: str
    prenom: str
    date_naissance: date
    sexe: str  # label of the radio button: "Fille" or "Garçon"
    etablissement: str = ""
    niveau_scolaire: str = ""
    classe: str = ""
    quartier: str = ""
    qpv: bool = False


@dataclass
class ResponsableSaisi:
    nom: str
    prenom: str
    lien: str  # label of the option, e.g. "Mère"
    telephone: str = ""
    email: str = ""


@dataclass
class FamilleSaisie:
    adresse: str
    commune: str
    responsable: ResponsableSaisi
    langue_parlee: str = ""


@dataclass
class ParcoursSaisi:
    orienteur: str  # label of the option, e.g. "École / établissement scolaire"
    motifs: list[str] = field(default_factory=list)
    date_prochaine_revue: date | None = None


def libelle(texte: str) -> re.Pattern:
    """A label that starts with `texte` ("Nom" must not match "Prénom"; the DSFR may add "*")."""
    return re.compile(rf"^\s*{re.escape(texte)}(\s|\*|$)")


class PageReussite:
    titre: str | re.Pattern = ""
    etape: str = ""
    chemin: str = ""

    def __init__(self, page: Page, serveur: str, controle: Controle):
        self.page = page
        self.serveur = serveur
        self.controle = controle

    def _vers(self, classe: type["PageReussite"], etape: str | None = None):
        return classe(self.page, self.serveur, self.controle).verifier(etape)

    def ouvrir(self, etape: str | None = None):
        return self.ouvrir_adresse(self.serveur + self.chemin, etape)

    def statut_http(self, chemin: str) -> int:
        """The HTTP status a visit to `chemin` gets (a page the user may not reach)."""
        return self.page.goto(self.serveur + chemin).status

    def ouvrir_adresse(self, adresse: str, etape: str | None = None):
        """This page at `adresse` (one given to the user, or copied from another browser)."""
        self.page.goto(adresse)
        return self.verifier(etape)

    def verifier(self, etape: str | None = None):
        expect(self.page.get_by_role("heading", level=1)).to_have_text(self.titre)
        self.controle.page_verifiee(etape or self.etape)
        return self

    @property
    def messages(self) -> Locator:
        return self.page.get_by_role("status")

    @property
    def corps(self) -> Locator:
        """The whole page, for what it must never show."""
        return self.page.locator("body")

    def texte(self, texte: str | re.Pattern, *, exact: bool | None = None) -> Locator:
        """What the page says, wherever it says it."""
        return self.page.get_by_text(texte, exact=exact)

    def lien(self, nom: str | re.Pattern) -> Locator:
        """A link by its accessible name (to check that one is, or is not, offered)."""
        return self.page.get_by_role("link", name=nom)

    def region(self, nom: str) -> Locator:
        return self.page.get_by_role("region", name=nom)

    @property
    def contenu(self) -> Locator:
        return self.page.get_by_role("main")

    @property
    def adresse(self) -> str:
        return self.page.url

    def appuyer(self, *touches: str):
        """Keys pressed in turn, as a keyboard user would."""
        for touche in touches:
            self.page.keyboard.press(touche)
        return self

    def retour(self):
        """The browser's back button."""
        self.page.go_back()
        return self

    def recharger(self, etape: str):
        """Read again, as someone else has written meanwhile."""
        self.page.reload()
        return self.verifier(etape)

    def redimensionner(self, largeur: int, hauteur: int):
        self.page.set_viewport_size({"width": largeur, "height": hauteur})
        return self

    def largeur_du_document(self) -> int:
        """What the page is wide: above the window's width, it scrolls sideways."""
        return self.page.evaluate("document.documentElement.scrollWidth")

    @property
    def utilisateur_connecte(self) -> Locator:
        """The signed-in user's name in the header."""
        return self.page.locator("#utilisateur-connecte")

    @property
    def menu_principal(self) -> Locator:
        return self.page.get_by_role("navigation", name="Menu principal")

    def aller_aux_parcours(self) -> "PageListeParcours":
        return self.aller_au_menu("Parcours", PageListeParcours, exact=True)

    def aller_au_menu(
        self, lien: str, classe: type["PageReussite"], etape: str | None = None, *, exact=False
    ):
        self.menu_principal.get_by_role("link", name=lien, exact=exact).click()
        return self._vers(classe, etape)

    def se_deconnecter(self) -> None:
        self.page.get_by_role("button", name="Se déconnecter").click()
        self.page.wait_for_load_state()

    def _taper_puis_tab(self, champ: Locator, texte: str) -> None:
        """Type into the focused field, as a user would, then move on with Tab."""
        expect(champ).to_be_focused()
        if texte:
            self.page.keyboard.type(texte)
        self.page.keyboard.press("Tab")


class PageConnexion(PageReussite):
    titre = "Se connecter à Réussite"
    etape = "connexion"
    chemin = "/connexion/"

    def se_connecter(self, email: str, mot_de_passe: str) -> "PageTableauDeBord":
        return self.se_connecter_vers(email, mot_de_passe, PageTableauDeBord)

    def se_connecter_vers(self, email: str, mot_de_passe: str, arrivee: type[PageReussite]):
        """The journey lands on `arrivee` (a steering user's home is the statistics page)."""
        self.saisir_identifiants(email, mot_de_passe)
        self.page.wait_for_url(self.serveur + arrivee.chemin)
        return self._vers(arrivee)

    def saisir_identifiants(self, email: str, mot_de_passe: str) -> None:
        """Keyboard only: the e-mail field has the focus, Tab to the password, Enter to submit,
        then the second factor."""
        self._taper_puis_tab(self.page.get_by_label(libelle("Adresse électronique")), email)
        expect(self.page.get_by_label(libelle("Mot de passe"))).to_be_focused()
        self.page.keyboard.type(mot_de_passe)
        self.page.keyboard.press("Enter")
        self.second_facteur(email)

    def second_facteur(self, email: str) -> None:
        """After the password: the verification step, with the code of the user's TOTP device
        (created when the test did not enrol one), typed as a user would."""
        from reussite.core.models import User
        from tests.conftest import appareil_totp, code_totp

        device = appareil_totp(User.objects.get(email=email))
        self.page.wait_for_url(re.compile(r".*/compte/double-authentification/verifier/.*"))
        PageVerification(self.page, self.serveur, self.controle).verifier().saisir(
            code_totp(device)
        )


class PageIntrouvable(PageReussite):
    """Not found: what a page the user may not see answers, exactly like one that is not."""

    titre = "Page introuvable"
    etape = "introuvable"


class PageVerification(PageReussite):
    titre = "Vérification en deux étapes"
    etape = "vérification du second facteur"
    chemin = "/compte/double-authentification/verifier/"

    def saisir(self, code: str) -> None:
        champ = self.page.get_by_label(libelle("Code à usage unique"))
        expect(champ).to_be_focused()
        self.page.keyboard.type(code)
        self.page.keyboard.press("Enter")


class PageTableauDeBord(PageReussite):
    titre = "Tableau de bord"
    etape = "tableau de bord"
    chemin = "/"

    def nouveau_parcours(self) -> "PageCreationParcours":
        self.page.get_by_role("link", name="Nouveau parcours").click()
        return self._vers(PageCreationParcours)


class PageCreationParcours(PageReussite):
    titre = "Nouvel enfant et son parcours"
    etape = "nouveau parcours"
    chemin = "/parcours/nouveau/"

    @property
    def _enfant(self) -> Locator:
        return self.page.get_by_role("group", name="L’enfant", exact=True)

    @property
    def _famille(self) -> Locator:
        return self.page.get_by_role("group", name="La famille", exact=True)

    @property
    def _responsable(self) -> Locator:
        return self.page.get_by_role("group", name="Responsable légal", exact=True)

    @property
    def _parcours(self) -> Locator:
        return self.page.get_by_role("group", name="Le parcours", exact=True)

    @property
    def avertissement(self) -> Locator:
        return self.page.locator("#avertissements")

    def champ_enfant(self, nom: str) -> Locator:
        return self._enfant.get_by_label(libelle(nom))

    def saisir_enfant(self, enfant: EnfantSaisi) -> "PageCreationParcours":
        """Identity by keyboard (Tab between fields, arrows in the radio group); the date with
        fill(), since typing into a date input depends on the browser's locale."""
        self.champ_enfant("Nom").click()
        self._taper_puis_tab(self.champ_enfant("Nom"), enfant.nom)
        self._taper_puis_tab(self.champ_enfant("Prénom"), enfant.prenom)
        self.champ_enfant("Date de naissance").fill(enfant.date_naissance.isoformat())

        # No option is preselected: focus the first radio, Space selects it, arrows move on.
        sexe = self._enfant.get_by_role("group", name=libelle("Sexe"))
        sexe.get_by_role("radio").first.focus()
        self.page.keyboard.press("Space")
        cible = sexe.get_by_role("radio", name=enfant.sexe, exact=True)
        for _ in range(sexe.get_by_role("radio").count()):
            if cible.is_checked():
                break
            self.page.keyboard.press("ArrowDown")
        expect(cible).to_be_checked()
        self.page.keyboard.press("Tab")

        self._choisir_puis_tab(self.champ_enfant("Établissement scolaire"), enfant.etablissement)
        self._choisir_puis_tab(self.champ_enfant("Niveau scolaire"), enfant.niveau_scolaire)
        self._taper_puis_tab(self.champ_enfant("Classe"), enfant.classe)
        self._taper_puis_tab(self.champ_enfant("Quartier"), enfant.quartier)
        qpv = self._enfant.get_by_role("checkbox", name=libelle("Habite un quartier prioritaire"))
        expect(qpv).to_be_focused()
        if enfant.qpv:
            self.page.keyboard.press("Space")
        expect(qpv).to_be_checked(checked=enfant.qpv)
        self.page.keyboard.press("Tab")
        return self

    def saisir_famille(self, famille: FamilleSaisie) -> "PageCreationParcours":
        """Continues the Tab sequence from the child's last field."""
        self._taper_puis_tab(self._famille.get_by_label(libelle("Adresse")).first, famille.adresse)
        self._taper_puis_tab(self._famille.get_by_label(libelle("Commune")), famille.commune)
        self._taper_puis_tab(
            self._famille.get_by_label(libelle("Langue parlée")), famille.langue_parlee
        )
        responsable = famille.responsable
        self._taper_puis_tab(self._responsable.get_by_label(libelle("Nom")), responsable.nom)
        self._taper_puis_tab(self._responsable.get_by_label(libelle("Prénom")), responsable.prenom)
        self._choisir_puis_tab(
            self._responsable.get_by_label(libelle("Lien avec l’enfant")), responsable.lien
        )
        autorite = self._responsable.get_by_role("checkbox", name=libelle("Exerce l’autorité"))
        expect(autorite).to_be_focused()
        expect(autorite).to_be_checked()
        self.page.keyboard.press("Tab")
        self._taper_puis_tab(
            self._responsable.get_by_label(libelle("Téléphone")), responsable.telephone
        )
        self._taper_puis_tab(
            self._responsable.get_by_label(libelle("Adresse électronique")), responsable.email
        )
        return self

    def saisir_parcours(self, parcours: ParcoursSaisi) -> "PageCreationParcours":
        self._parcours.get_by_label(libelle("Orienté par")).select_option(label=parcours.orienteur)
        motifs = self._parcours.get_by_role("group", name=libelle("Motifs d’orientation"))
        for motif in parcours.motifs:
            motifs.get_by_role("checkbox", name=motif, exact=True).check(force=True)
        if parcours.date_prochaine_revue:
            self._parcours.get_by_label(libelle("Prochaine revue")).fill(
                parcours.date_prochaine_revue.isoformat()
            )
        return self

    def _soumettre(self) -> int:
        """Submit the form; the status of the POST's response (302 when created)."""
        with self.page.expect_response(
            lambda r: r.request.method == "POST" and r.url.endswith(self.chemin)
        ) as reponse:
            self.page.get_by_role("button", name="Créer le parcours").last.click()
        self.page.wait_for_load_state()
        return reponse.value.status

    def erreurs_affichees(self) -> list[str]:
        principal = self.page.get_by_role("main")
        erreurs = principal.locator(".fr-alert--error, .errorlist, .fr-error-text")
        return [texte.strip() for texte in erreurs.all_inner_texts() if texte.strip()]

    def creer(self, nom_affiche: str) -> "PageParcours":
        statut = self._soumettre()
        assert statut == 302, (
            f"Création refusée (HTTP {statut}) ; la page affiche : {self.erreurs_affichees()} "
            f"— titre : {self.page.get_by_role('heading', level=1).all_inner_texts()}"
        )
        return PageParcours.atteinte(self, nom_affiche, "parcours cree")

    def creer_sans_confirmer(self) -> "PageCreationParcours":
        """Submit, expecting the form back with the "check before creating" warning."""
        statut = self._soumettre()
        assert statut == 200, f"HTTP {statut} au lieu du formulaire renvoyé avec l’avertissement"
        assert self.avertissement.count() == 1, (
            f"Pas d’avertissement de doublon ; la page affiche : {self.erreurs_affichees()}"
        )
        expect(self.avertissement).to_be_visible()
        return self.verifier("avertissement doublon")

    def confirmer_et_creer(self, nom_affiche: str) -> "PageParcours":
        confirmation = self.page.get_by_role("checkbox", name=re.compile("créer quand même"))
        # A DSFR checkbox: the label lies over the input and takes the clicks; the keyboard works.
        confirmation.focus()
        self.page.keyboard.press("Space")
        expect(confirmation).to_be_checked()
        return self.creer(nom_affiche)

    def _choisir_puis_tab(self, liste: Locator, option: str) -> None:
        expect(liste).to_be_focused()
        if option:
            liste.select_option(label=option)
        self.page.keyboard.press("Tab")


class PageListeParcours(PageReussite):
    titre = "Parcours"
    etape = "liste des parcours"
    chemin = "/parcours/"

    @property
    def resultats(self) -> Locator:
        return self.page.locator("#resultats table tbody tr")

    @property
    def nombre_resultats(self) -> Locator:
        return self.page.locator("#nombre-resultats")

    def lien_enfant(self, nom: str) -> Locator:
        return self.page.locator("#resultats").get_by_role("link", name=nom)

    def rechercher(self, texte: str, nombre_attendu: int) -> "PageListeParcours":
        """Type in the search field: htmx refreshes the results as the user types."""
        champ = self.page.get_by_label("Rechercher un enfant")
        champ.click()
        self.page.keyboard.type(texte)
        pluriel = "s" if nombre_attendu > 1 else ""
        expect(self.nombre_resultats).to_have_text(
            f"{nombre_attendu} parcours trouvé{pluriel}", timeout=10_000
        )
        expect(self.resultats).to_have_count(nombre_attendu)
        return self.verifier(f"recherche {texte}")

    def cellule(self, enfant: str, colonne: str) -> Locator:
        """The cell of `colonne` (« Statut », « Référent »...) on the row of `enfant`."""
        return self.resultats.filter(has_text=enfant).locator(f'td[data-label="{colonne}"]')

    def ouvrir(self, lien: str, nom_affiche: str) -> "PageParcours":
        """The pathway of the child named `lien` (the list itself: `ouvrir_adresse`)."""
        self.page.locator("#resultats").get_by_role("link", name=lien, exact=True).click()
        return PageParcours.atteinte(self, nom_affiche, "fiche parcours")


class PageParcours(PageReussite):
    etape = "fiche parcours"

    @classmethod
    def ouvrir_pour(
        cls, page: Page, serveur: str, controle: Controle, parcours, nom_affiche: str, etape: str
    ):
        """The pathway's page, opened by its address."""
        page.goto(f"{serveur}/parcours/{parcours.pk}/")
        return cls.atteinte(cls(page, serveur, controle), nom_affiche, etape)

    @classmethod
    def atteinte(cls, depuis: PageReussite, nom_affiche: str, etape: str) -> "PageParcours":
        page = cls(depuis.page, depuis.serveur, depuis.controle)
        page.titre = nom_affiche
        return page.verifier(etape)

    @property
    def statut(self) -> Locator:
        return self.page.get_by_role("main").locator("h1 + p .fr-badge").first

    @property
    def onglets(self) -> Locator:
        return self.page.get_by_role("navigation", name="Sections du parcours")

    def onglet(self, nom: str):
        """Open a section of the pathway's page by its tab: a link to a page of its own
        (issue 15, point 15), marked as the current page once there."""
        lien = self.onglets.get_by_role("link", name=nom, exact=True)
        if lien.get_attribute("aria-current") != "page":
            lien.click()
            expect(lien).to_have_attribute("aria-current", "page")
            self.controle.page_verifiee(f"onglet {nom}")
        return self

    @property
    def historique(self) -> Locator:
        self.onglet("Historique")
        return self.page.get_by_role("region", name="Historique").get_by_role("listitem")

    def bouton_statut(self, statut: str) -> Locator:
        return self.page.get_by_role("button", name=f"Passer à « {statut} »")

    def passer_a(self, statut: str) -> "PageParcours":
        self.onglet("Synthèse")
        self.bouton_statut(statut).click()
        expect(self.messages).to_contain_text(f"Statut changé : {statut}.")
        return self.verifier(f"statut {statut}")

    def enregistrer_consentement(self) -> "PageConsentement":
        self.onglet("Synthèse")
        self.page.get_by_role("link", name="Enregistrer le consentement").click()
        page = self._vers(PageConsentement)
        page.nom_affiche = self.titre
        return page


class PageConsentement(PageReussite):
    titre = "Enregistrer le consentement de la famille"
    etape = "consentement"
    nom_affiche = ""

    def signe_par(self, *signataires: str, structures: tuple[str, ...] = ()) -> "PageParcours":
        """The signature and expiry dates keep their defaults (today, end of school year), all
        purposes stay ticked; the scan of the signed form is attached."""
        groupe = self.page.get_by_role("group", name=libelle("Signataires"))
        for signataire in signataires:
            groupe.get_by_role("checkbox", name=re.compile(re.escape(signataire))).check(force=True)
        partage = self.page.get_by_role("group", name=libelle("Structures avec qui"))
        for structure in structures:
            partage.get_by_role("checkbox", name=structure).check(force=True)
        self.page.get_by_label(libelle("Formulaire signé")).set_input_files(
            files=[{"name": "consentement-signe.png", "mimeType": "image/png", "buffer": png()}]
        )
        self.page.get_by_role("button", name="Enregistrer le consentement").click()
        parcours = PageParcours.atteinte(self, self.nom_affiche, "consentement enregistre")
        expect(self.messages).to_contain_text("Le consentement de la famille est enregistré.")
        return parcours
