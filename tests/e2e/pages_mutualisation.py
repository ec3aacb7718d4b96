"""Page objects of the mutualisation journeys: the offers' catalogue and an offer, the
competence map, an unmet need reported from a pathway, the partners' directory and the
invitation of a professional, who then chooses a password."""

from playwright.sync_api import Locator, expect

from .pages import PageConnexion, PageParcours, PageReussite, PageTableauDeBord, libelle
from .pages_conventions import menu_reseau
from .pages_imports import PageAnnuaire
from .pages_securite import PageActivation


class _PageNommee(PageReussite):
    """A page whose h1 is the name of what it shows (an offer, a structure)."""

    @classmethod
    def atteinte(cls, depuis: PageReussite, nom: str, etape: str):
        page = cls(depuis.page, depuis.serveur, depuis.controle)
        page.titre = nom
        return page.verifier(etape)


# --- Offers -----------------------------------------------------------------------------------


class PageCatalogueOffres(PageReussite):
    titre = "Catalogue des offres"
    etape = "catalogue"

    @classmethod
    def depuis_le_menu(cls, depuis: PageReussite, etape=None) -> "PageCatalogueOffres":
        return menu_reseau(depuis, "Catalogue des offres", cls, etape)

    def offre(self, intitule: str) -> Locator:
        return self.page.get_by_role("link", name=intitule)

    def publier(self) -> "PagePublierOffre":
        self.page.get_by_role("link", name="Publier une offre").click()
        return self._vers(PagePublierOffre)


class PagePublierOffre(PageReussite):
    titre = "Publier une offre"
    etape = "publier une offre"

    def publier(
        self,
        *,
        intitule: str,
        description: str,
        type_service: str,
        domaine: str,
        age_min: str,
        age_max: str,
        capacite: str,
    ) -> "PageOffre":
        """Keyboard only through the first fields (type, Tab, type); the first programme
        offered is ticked; Enter on the button publishes."""
        self.page.get_by_label(libelle("Intitulé")).focus()
        self._taper_puis_tab(self.page.get_by_label(libelle("Intitulé")), intitule)
        self.page.keyboard.type(description)
        self.page.get_by_label(libelle("Type de service")).select_option(type_service)
        self.page.get_by_label(libelle("Domaine")).select_option(domaine)
        self.page.get_by_label(libelle("Âge minimum")).fill(age_min)
        self.page.get_by_label(libelle("Âge maximum")).fill(age_max)
        self.page.get_by_label(libelle("Capacité")).fill(capacite)
        self.page.locator("label[for=id_programmes_0]").click()
        self.page.get_by_role("button", name="Publier l’offre").press("Enter")
        return PageOffre.atteinte(self, intitule, "offre publiée")


class PageOffre(_PageNommee):
    etape = "offre"

    def vers_le_catalogue(self, etape: str) -> PageCatalogueOffres:
        self.page.get_by_role("link", name="Catalogue des offres").click()
        return self._vers(PageCatalogueOffres, etape)


# --- Unmet needs and the competence map -------------------------------------------------------


class PageCarte(PageReussite):
    titre = "Carte des compétences"
    etape = "carte"
    chemin = "/parcours/mutualisation/carte/"

    @property
    def cellules_avec_un_besoin(self) -> Locator:
        return self.page.locator("#carte td[data-besoins='1']")

    def cellule(self, domaine: str) -> Locator:
        """The first cell of the domain's row."""
        return self.page.locator("#carte tbody tr", has_text=domaine).locator("td").first


class PageTableauDeBordCarte(PageTableauDeBord):
    def carte(self, etape: str) -> PageCarte:
        self.page.get_by_role("link", name="Carte des compétences").click()
        return self._vers(PageCarte, etape)


class PageParcoursBesoins(PageParcours):
    """The pathway's page, at its objectives and actions, where an unmet need is reported."""

    @classmethod
    def ouverte(cls, depuis: PageReussite, parcours, nom_affiche: str, etape: str):
        depuis.page.goto(f"{depuis.serveur}/parcours/{parcours.pk}/objectifs/")
        return cls.atteinte(depuis, nom_affiche, etape)

    def signaler_un_besoin(self) -> "PageSignalerBesoin":
        self.page.get_by_role("link", name="Signaler un besoin non couvert").click()
        page = self._vers(PageSignalerBesoin)
        page.nom_affiche = self.titre
        return page

    def tableau_de_bord(self) -> PageTableauDeBordCarte:
        self.page.get_by_role("link", name="Tableau de bord").click()
        return self._vers(PageTableauDeBordCarte)


class PageSignalerBesoin(PageReussite):
    titre = "Signaler un besoin non couvert"
    etape = "signaler un besoin"
    nom_affiche = ""

    @property
    def territoire(self) -> Locator:
        return self.page.get_by_label(libelle("Territoire"))

    def enregistrer(self, *, domaine: str, besoin: str) -> PageParcoursBesoins:
        self.page.get_by_label(libelle("Domaine")).select_option(domaine)
        self.page.get_by_label(libelle("Besoin")).fill(besoin)
        self.page.get_by_role("button", name="Enregistrer le besoin").click()
        expect(self.page.get_by_text(besoin)).to_be_visible()
        return PageParcoursBesoins.atteinte(self, self.nom_affiche, "besoin enregistré")


# --- The directory and the invitation ---------------------------------------------------------


class PageAnnuaireInvitations(PageAnnuaire):
    @classmethod
    def depuis_le_menu(cls, depuis: PageReussite) -> "PageAnnuaireInvitations":
        return menu_reseau(depuis, "Annuaire des partenaires", cls)

    def structure(self, nom: str) -> "PageStructure":
        self.page.get_by_role("link", name=nom).click()
        return PageStructure.atteinte(self, nom, "fiche structure")


class PageStructure(_PageNommee):
    etape = "fiche structure"

    def inviter(self) -> "PageInviter":
        self.page.get_by_role("link", name="Inviter un professionnel").click()
        page = self._vers(PageInviter)
        page.structure = self.titre
        return page


class PageInviter(PageReussite):
    titre = "Inviter un professionnel"
    etape = "inviter"
    structure = ""

    def envoyer(self, *, prenom: str, nom: str, email: str, fonction: str) -> PageStructure:
        self.page.get_by_label(libelle("Prénom")).fill(prenom)
        self.page.get_by_label(libelle("Nom")).fill(nom)
        self.page.get_by_label(libelle("Adresse électronique")).fill(email)
        self.page.get_by_label(libelle("Fonction")).select_option(fonction)
        self.page.get_by_role("button", name="Envoyer l’invitation").click()
        expect(self.page.get_by_text("L’invitation a été envoyée")).to_be_visible()
        return PageStructure.atteinte(self, self.structure, "invitation envoyée")


class PageChoisirMotDePasse(PageReussite):
    """Reached through the link of the invitation's e-mail."""

    titre = "Choisir un nouveau mot de passe"
    etape = "choisir son mot de passe"

    @classmethod
    def par_le_lien(cls, page, serveur, controle, lien: str) -> "PageChoisirMotDePasse":
        page.goto(lien)
        return cls(page, serveur, controle).verifier()

    def choisir(self, mot_de_passe: str) -> "PageMotDePasseEnregistre":
        self.page.get_by_label(libelle("Nouveau mot de passe")).first.fill(mot_de_passe)
        self.page.get_by_label(libelle("Confirmation")).fill(mot_de_passe)
        self.page.get_by_role("button").last.click()
        return self._vers(PageMotDePasseEnregistre)


class PageMotDePasseEnregistre(PageReussite):
    titre = "Mot de passe enregistré"
    etape = "mot de passe choisi"


class PageConnexionInvitee(PageConnexion):
    def se_connecter_sans_second_facteur(
        self, email: str, mot_de_passe: str
    ) -> "PageActivationInvitee":
        """A new professional has no second factor yet: first asked to enrol one."""
        self.page.get_by_label(libelle("Adresse électronique")).fill(email)
        self.page.get_by_label(libelle("Mot de passe")).fill(mot_de_passe)
        self.page.keyboard.press("Enter")
        return self._vers(PageActivationInvitee)


class PageActivationInvitee(PageActivation):
    etape = "invitée connectée"
