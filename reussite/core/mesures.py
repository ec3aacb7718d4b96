"""The security measures the platform implements, each with the test file that shows it: the
inputs of a programme's register entry and impact assessment (issue 19). A file named here
must exist (tests/core/test_juridique.py checks it), so the list cannot drift into promises."""

from django.utils.translation import gettext_lazy as _

MESURES = [
    (
        _(
            "Accès par besoin d’en connaître : un professionnel ne voit que les parcours qui lui "
            "sont confiés et couverts par le consentement ; tout le reste répond « page introuvable »"
        ),
        "tests/acces/test_acces_urls.py",
    ),
    (
        _(
            "Permissions recalculées à chaque changement de consentement, d’affectation ou de "
            "structure, et vérifiées à la lecture"
        ),
        "tests/acces/test_partage_fin_d_acces.py",
    ),
    (
        _(
            "Journal des accès : chaque lecture, modification et refus ; non modifiable par "
            "l’application, purgé seulement après sa durée de conservation"
        ),
        "tests/core/test_trace.py",
    ),
    (_("Double authentification obligatoire"), "tests/core/test_securite_2fa.py"),
    (
        _("Verrouillage après cinq échecs de connexion"),
        "tests/core/test_connexion_verrouillage.py",
    ),
    (
        _("Sessions courtes, renouvelées à la connexion, terminées à la désactivation"),
        "tests/core/test_securite_sessions.py",
    ),
    (
        _("Chiffrement des échanges (HTTPS, HSTS) et en-têtes de sécurité (CSP)"),
        "tests/core/test_securite_entetes.py",
    ),
    (
        _("Fichiers déposés vérifiés, servis seulement après contrôle des droits"),
        "tests/core/test_securite_fichiers.py",
    ),
    (
        _(
            "Anonymisation automatique à la fin de la durée de conservation, y compris dans "
            "l’historique des modifications ; droit d’accès exportable"
        ),
        "tests/parcours/test_protection.py",
    ),
    (_("Sauvegardes et exercice de restauration"), "tests/core/test_sauvegarde.py"),
    (
        _("Aucune donnée personnelle dans les métriques et les journaux techniques"),
        "tests/core/test_exploitation.py",
    ),
]
