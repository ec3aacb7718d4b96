"""The whole-site benchmark's verdict (reussite/devtools/bench_site.py, issue 18, point 2): which
target each page is held to, which ones a measured page misses, and how long a fast page is
measured so that its ratio is the page's, not the machine's noise."""

from reussite.devtools.bench_site import (
    BRUIT_MS,
    CIBLE_P95_MS,
    MESURE_MIN_MS,
    cible,
    ecarts,
    repetitions,
    tableau,
)


def _mesure(p50, p95, requetes=(8, 0), scans=()):
    return {"p50": p50, "p95": p95, "default": requetes[0], "trace": requetes[1], "scans": [*scans]}


def _page(nom, role="coordination", url="/x/"):
    return {"cle": f"{nom} [{role}]", "nom": nom, "role": role, "url": url}


def test_une_page_d_un_programme_est_tenue_aux_cibles_de_l_issue():
    assert cible("parcours:liste", "coordination", "/parcours/") == (CIBLE_P95_MS, True, "")
    page = _page("parcours:liste")
    assert ecarts(page, _mesure(80, 100), _mesure(110, 190)) == []
    assert ecarts(page, _mesure(80, 100), _mesure(121, 150)) == ["rapport > 1.5"]
    assert ecarts(page, _mesure(80, 100), _mesure(90, 201)) == ["p95 > 200 ms"]
    assert ecarts(page, _mesure(80, 100), _mesure(90, 100, requetes=(8, 1))) == ["requêtes"]
    assert ecarts(page, _mesure(80, 100), _mesure(90, 100, scans=["parcours_action (430000)"])) == [
        "scan séquentiel"
    ]


def test_les_pdf_et_les_exports_ont_leur_propre_cible_et_gardent_le_rapport():
    p95, rapport, pourquoi = cible("parcours:fiche_pdf", "coordination", "/f.pdf")
    assert (p95, rapport) == (1000, True)
    assert "PDF" in pourquoi
    assert cible("parcours:parcours_export_xlsx", "coordination", "/e.xlsx")[:2] == (5000, True)
    page = _page("parcours:droit_acces_pdf")
    assert ecarts(page, _mesure(230, 240), _mesure(240, 260)) == []
    assert ecarts(page, _mesure(230, 240), _mesure(400, 450)) == ["rapport > 1.5"]


def test_les_vues_de_toute_la_plateforme_n_ont_pas_de_rapport_pour_le_personnel_seulement():
    assert cible("parcours:statistiques", "personnel", "/s/")[:2] == (1000, False)
    # The same page for a coordinator is one programme's: the default targets.
    assert cible("parcours:statistiques", "coordination", "/s/") == (CIBLE_P95_MS, True, "")
    page = _page("parcours:statistiques", "personnel")
    assert ecarts(page, _mesure(30, 40), _mesure(240, 260)) == []
    assert ecarts(page, _mesure(30, 40), _mesure(900, 1100)) == ["p95 > 1000 ms"]


def test_les_exports_et_l_api_de_toute_la_plateforme_ne_sont_pas_pris_pour_ceux_d_un_programme():
    # The platform-wide lines come before the generic files: the survey export of every
    # programme has no ratio, the same export of one programme keeps it.
    assert cible("parcours:statistiques_enquete_xlsx", "personnel", "/e.xlsx")[:2] == (5000, False)
    assert cible("parcours:statistiques_enquete_xlsx", "pilotage", "/e.xlsx")[:2] == (5000, True)
    assert cible("api:data_inclusion_export", "coordination (API)", "/api/")[:2] == (5000, False)
    # An API client holds its user's role.
    assert cible("api:statistiques", "personnel (API)", "/api/s/")[:2] == (1000, False)
    assert cible("api:statistiques", "coordination (API)", "/api/s/") == (CIBLE_P95_MS, True, "")


def test_un_ecart_de_temps_doit_etre_confirme_par_une_seconde_mesure():
    page = _page("partenaires:annuaire", "partenaire le plus chargé")
    premiere = (_mesure(45, 60), _mesure(69, 84))
    bruit = {"city": _mesure(44, 55), "national": _mesure(46, 58)}
    assert ecarts(page, *premiere) == ["rapport > 1.5"]
    assert ecarts(page, *premiere, contre=bruit) == []
    confirme = {"city": _mesure(44, 55), "national": _mesure(70, 90)}
    assert ecarts(page, *premiere, contre=confirme) == ["rapport > 1.5"]
    # The query count and the plans are not noise: no second chance.
    assert ecarts(page, _mesure(45, 60), _mesure(46, 60, requetes=(9, 0)), contre=bruit) == [
        "requêtes"
    ]


def test_un_rapport_sur_une_difference_de_l_ordre_de_la_milliseconde_n_est_pas_un_ecart():
    page = _page("api:schema", "personnel (API)")
    assert ecarts(page, _mesure(1.0, 1.3), _mesure(1.7, 2.0)) == []
    assert BRUIT_MS <= 2


def test_la_liste_des_programmes_cherchee_garde_le_rapport():
    assert cible("admin:core_programme_changelist", "personnel", "/admin/core/programme/")[1] is (
        False
    )
    assert cible(
        "admin:core_programme_changelist", "personnel", "/admin/core/programme/?q=001"
    ) == (CIBLE_P95_MS, True, "")


def test_une_page_rapide_est_mesuree_plus_longtemps_en_plus_de_tours():
    # A 100 ms page: the requests asked for, in the rounds asked for.
    assert repetitions(20, 2, [100, 110, 95, 105]) == (20, 2)
    # An 8 ms page: at least MESURE_MIN_MS of requests, in rounds of about ten.
    n, tours = repetitions(20, 2, [8, 8, 8, 8])
    assert n * 8 >= MESURE_MIN_MS
    assert tours == n // 10
    # Never more than ten times the requests asked for.
    assert repetitions(20, 2, [0.5] * 4) == (200, 20)
    assert repetitions(20, 2, []) == (20, 2)


def test_le_tableau_dit_quelles_pages_sont_hors_cible():
    pages = [_page("parcours:liste"), _page("parcours:a_risque"), _page("parcours:fiche_pdf")]
    inv = {
        echelle: {
            "base": echelle,
            "parcours": 3000,
            "pages": pages,
            "post_seulement": [],
            "exclues": {},
            "problemes": [],
            "utilisateurs": {"coordination": {"pk": 1, "droits": 0}},
        }
        for echelle in ("city", "national")
    }
    resultats = {
        "parcours:liste [coordination]": {"city": _mesure(70, 90), "national": _mesure(80, 100)},
        "parcours:a_risque [coordination]": {
            "city": _mesure(90, 120),
            "national": _mesure(150, 210),
        },
        "parcours:fiche_pdf [coordination]": {
            "city": _mesure(300, 320),
            "national": _mesure(310, 330),
        },
    }
    # A page off target at first but not at its second measurement: both figures shown.
    pages.append(_page("partenaires:annuaire"))
    resultats["partenaires:annuaire [coordination]"] = {
        "city": _mesure(45, 60),
        "national": _mesure(69, 84),
        "contre": {"city": _mesure(44, 55), "national": _mesure(46, 58)},
    }
    texte = tableau(inv, resultats, 20, 2, "0.1", "0.2", 60)
    assert "| parcours:liste [coordination] | 8+0 | 8+0 | 70 | 80 | 1.14 | 100 | aucun | — |" in (
        texte
    )
    assert "rapport > 1.5, p95 > 200 ms |" in texte
    assert (
        "**Hors cible : 1 page(s)** : parcours:a_risque [coordination] (rapport > 1.5, "
        "p95 > 200 ms)." in texte
    )
    assert "- PDF : moins d’une seconde : 1 page(s)" in texte
    assert (
        "| partenaires:annuaire [coordination] | 8+0 | 8+0 | 45 | 69 | 1.53 | 84 | aucun "
        "| — (seconde mesure : 44 / 46 ms, rapport 1.05, p95 58) |" in texte
    )
