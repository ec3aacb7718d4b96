"""Issue 22 in Chromium: a coordinator creates an API token from the account page (after
the second factor), reads a pathway of their programme with it and gets 404 on another
programme's, revokes it (401 from then on), and opens the API's documentation page, which
Swagger UI renders under the site's CSP. axe-core and a screenshot on every page."""

from playwright.sync_api import expect

from parcours.models import Statut
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import pre

from .pages_api import PageJetons


def _parcours(programme):
    return ParcoursFactory(
        programme=programme, statut=Statut.EN_COURS, enfant=EnfantFactory(programme=programme)
    )


def test_un_jeton_cree_depuis_le_compte_lit_son_parcours_puis_est_revoque(
    page, serveur, connecter, controle
):
    a, b = pre(nom="PRE A"), pre(nom="PRE B")
    sien, ailleurs = _parcours(a.programme), _parcours(b.programme)
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)

    jetons = PageJetons.depuis_l_en_tete(connecter(a.coordinateur))
    expect(jetons.page.get_by_text("Aucun jeton pour l’instant.")).to_be_visible()
    secret = jetons.creer(
        "Logiciel de la ville", ["Lire les parcours auxquels j’ai accès"], "30 jours"
    )
    assert secret.startswith("rsk_")
    expect(jetons.ligne("Logiciel de la ville")).to_contain_text("parcours:lecture")

    api = page.context.request
    entetes = {"Authorization": f"Bearer {secret}"}
    lu = api.get(f"{serveur}/api/v1/parcours/{sien.pk}/", headers=entetes)
    assert lu.status == 200 and lu.json()["id"] == sien.pk
    assert api.get(f"{serveur}/api/v1/parcours/{ailleurs.pk}/", headers=entetes).status == 404

    jetons.page.reload()
    jetons.verifier("le secret n’est plus affiché")
    expect(jetons.page.locator("#jeton-secret")).to_have_count(0)
    jetons.revoquer("Logiciel de la ville")
    expect(jetons.ligne("Logiciel de la ville")).to_contain_text("Révoqué")
    assert api.get(f"{serveur}/api/v1/parcours/{sien.pk}/", headers=entetes).status == 401

    documentation = jetons.documentation()
    expect(documentation.operation("/api/v1/parcours/{id}/")).to_be_visible()
    # Swagger UI runs under the site's CSP: nothing it needs was blocked.
    assert not [m for m in console if "Content Security Policy" in m], console


def test_la_coordination_cree_un_compte_de_service_de_pilotage_puis_le_desactive(
    page, serveur, connecter, controle
):
    from .pages_api import PageParametresProgramme

    a = pre(nom="PRE A")
    connecter(a.coordinateur)
    parametres = PageParametresProgramme(page, serveur, controle).ouvrir_pour(a.programme)
    comptes = parametres.comptes_de_service()

    secret = comptes.creer("Tableau de bord du comité")
    api = page.context.request
    entetes = {"Authorization": f"Bearer {secret}"}
    stats = api.get(f"{serveur}/api/v1/statistiques/?programme={a.programme.pk}", headers=entetes)
    assert stats.status == 200
    assert api.get(f"{serveur}/api/v1/parcours/", headers=entetes).status == 403

    comptes.desactiver("Tableau de bord du comité")
    expect(comptes.ligne("Tableau de bord du comité")).to_contain_text("Désactivé")
    assert api.get(f"{serveur}/api/v1/statistiques/", headers=entetes).status == 401
