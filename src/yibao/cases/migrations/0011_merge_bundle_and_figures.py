from django.db import migrations


class Migration(migrations.Migration):
    """Joins the bundle (maternity's 合并申请) and the public figures' indexes, made side by side."""

    dependencies = [
        ("cases", "0010_bundle"),
        ("cases", "0010_figures_indexes"),
    ]

    operations = []
