from django.db import migrations


def creer_config(apps, schema_editor):
    DsfrConfig = apps.get_model("dsfr", "DsfrConfig")
    DsfrConfig.objects.update_or_create(
        language="fr",
        defaults={
            "site_title": "Réussite",
            "site_tagline": "Coordonner les parcours de réussite éducative",
            "header_brand": "République française",
            "header_brand_html": "République<br />française",
            "footer_brand": "République française",
            "footer_brand_html": "République<br />française",
            "footer_description": (
                "Réussite aide les Programmes de Réussite Éducative à coordonner, avec les "
                "familles et les partenaires, les parcours des enfants qu’ils accompagnent."
            ),
            "accessibility_status": "PART",
        },
    )


def supprimer_config(apps, schema_editor):
    apps.get_model("dsfr", "DsfrConfig").objects.filter(language="fr").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("dsfr", "0012_dsfrconfig_notice_description_and_more"),
    ]

    operations = [migrations.RunPython(creer_config, supprimer_config)]
