"""Page objects of the partnership conventions: the list, the new convention's form, the
convention's page (parties, signatories, commitments, signed PDF, status, totals)."""

from playwright.sync_api import Locator, expect

from .pages import PageReussite


def menu_reseau(depuis: PageReussite, lien: str, arrivee: type[PageReussite], etape=None):
    """Open the « Réseau » menu of the header and follow one of its links."""
    menu = depuis.page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("button", name="Réseau").click()
    menu.get_by_role("link", name=lien, exact=True).click()
    return depuis._vers(arrivee, etape)


class PageConventions(PageReussite):
    titre = "Conventions"
    etape = "liste des conventions"
    chemin = "/partenaires/conventions/"

    @classmethod
    def depuis_le_menu(cls, depuis: PageReussite) -> "PageConventions":
        return menu_reseau(depuis, "Conventions", cls)

    def nouvelle(self) -> "PageNouvelleConvention":
        self.page.get_by_role("link", name="Nouvelle convention").click()
        return self._vers(PageNouvelleConvention)


class PageNouvelleConvention(PageReussite):
    titre = "Nouvelle convention"
    etape = "nouvelle convention (formulaire vide)"

    def saisir(
        self, *, intitule: str, reference: str, objet: str, debut: str, fin: str
    ) -> "PageNouvelleConvention":
        """Keyboard only for the text fields: type, then Tab to the next one; dates with fill()
        (typing into a date input depends on the browser's locale)."""
        self.page.get_by_label("Intitulé").focus()
        self._taper_puis_tab(self.page.get_by_label("Intitulé"), intitule)
        self._taper_puis_tab(self.page.get_by_label("Référence"), reference)
        expect(self.page.get_by_label("Objet")).to_be_focused()
        self.page.keyboard.type(objet)
        self.page.get_by_label("Date de début").fill(debut)
        self.page.get_by_label("Date de fin").fill(fin)
        self.controle.page_verifiee("nouvelle convention")
        return self

    def enregistrer(self, intitule: str) -> "PageConvention":
        self.page.get_by_role("button", name="Enregistrer").click()
        return PageConvention.atteinte(self, intitule, "convention créée")


class PageConvention(PageReussite):
    etape = "convention"

    @classmethod
    def atteinte(cls, depuis: PageReussite, intitule: str, etape: str) -> "PageConvention":
        page = cls(depuis.page, depuis.serveur, depuis.controle)
        page.titre = intitule
        return page.verifier(etape)

    @property
    def statut(self) -> Locator:
        return self.page.locator("#statut")

    def total(self, nom: str) -> Locator:
        """« engage », « consomme » or « solde »."""
        return self.page.locator(f"#total-{nom}")

    @property
    def actions_financees(self) -> Locator:
        return self.page.locator("#actions-financees")

    def ajouter_partie(
        self,
        structure: str,
        *,
        signataire: str,
        qualite: str,
        signee_le: str,
        annee: str,
        nature: str,
        quantite: str,
    ) -> "PageConvention":
        """A party, its signatory and one commitment: three forms, each reloading the page."""
        ajout = self.page.get_by_role("group", name="Ajouter une partie")
        ajout.get_by_label("Structure").select_option(label=structure)
        ajout.get_by_role("button", name="Ajouter la partie").click()
        expect(self.messages).to_contain_text("La partie est ajoutée")
        groupe = self.page.get_by_role("group", name=f"Signataire pour {structure}")
        groupe.get_by_label("Signataire (Optionnel)", exact=True).fill(signataire)
        groupe.get_by_label("Qualité du signataire").fill(qualite)
        groupe.get_by_label("Date de signature").fill(signee_le)
        groupe.get_by_role("button", name="Enregistrer le signataire").click()
        expect(self.messages).to_contain_text("Le signataire est enregistré")
        engagement = self.page.get_by_role("group", name=f"Nouvel engagement de {structure}")
        engagement.get_by_label("Année").fill(annee)
        engagement.get_by_label("Nature").select_option(nature)
        engagement.get_by_label("Montant (€) ou quantité").fill(quantite)
        engagement.get_by_role("button", name="Ajouter l’engagement").click()
        expect(self.messages).to_contain_text("L’engagement est ajouté")
        return self.verifier(f"partie {structure}")

    def deposer_le_pdf(self, nom: str, contenu: bytes) -> "PageConvention":
        depot = self.page.get_by_role("group", name="Déposer la convention signée")
        depot.get_by_label("Convention signée (PDF, 10 Mo au plus)").set_input_files(
            {"name": nom, "mimeType": "application/pdf", "buffer": contenu}
        )
        depot.get_by_role("button", name="Déposer").click()
        expect(self.messages).to_contain_text("La convention signée est déposée")
        return self.verifier("convention signée déposée")

    def marquer_signee(self, le: str) -> "PageConvention":
        signature = self.page.get_by_role("group", name="Enregistrer la signature")
        signature.get_by_label("Date de signature").fill(le)
        signature.get_by_role("button", name="Marquer signée").click()
        expect(self.statut).to_have_text("Signée")
        return self.verifier("convention signée")

    def mettre_en_vigueur(self) -> "PageConvention":
        self.page.get_by_role("button", name="Mettre en vigueur").click()
        expect(self.statut).to_have_text("En vigueur")
        return self.verifier("convention en vigueur")
