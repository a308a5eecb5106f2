"""The rating's region (the figures read a region's month from one index range) filled in from
its case for the ratings given before; the follow-ups' index for the month's 差评."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_regions(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Evaluation = apps.get_model("cases", "Evaluation")
    Evaluation.objects.filter(region__isnull=True).update(
        region_id=models.Subquery(Case.objects.filter(pk=models.OuterRef("case_id")).values("region_id")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0011_merge_bundle_and_figures'),
        ('catalog', '0003_merge_flow_and_lists'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='evaluation',
            name='region',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.region', verbose_name='地区'),
        ),
        migrations.RunPython(fill_regions, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='evaluation',
            index=models.Index(fields=['region', 'created_at', 'level', 'item_code', 'office'], name='evaluation_region_created'),
        ),
        migrations.AddIndex(
            model_name='followup',
            index=models.Index(fields=['region', 'opened_on', 'outcome', 'closed_at', 'due_date'], name='followup_region_opened'),
        ),
    ]
