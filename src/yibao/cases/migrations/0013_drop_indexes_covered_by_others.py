# Two indexes of the cases that others answer, dropped by name: on SQLite, AlterField would copy
# the whole table (twice) to change what is only an index.

import django.db.models.deletion
from django.db import migrations, models

DROPPED = {"region": "cases_case_region_id_ffee331b", "agent": "cases_case_agent_id_9d88692e"}


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0012_evaluation_region_figures'),
        ('catalog', '0004_catalog_version'),
        ('people', '0005_office_ref_data'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(f'DROP INDEX IF EXISTS "{index}"',
                                  f'CREATE INDEX "{index}" ON "cases_case" ("{field}_id")')
                for field, index in DROPPED.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name='case',
                    name='agent',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='agent_cases', to='people.applicant', verbose_name='代理人（帮办代办）'),
                ),
                migrations.AlterField(
                    model_name='case',
                    name='region',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='catalog.region', verbose_name='地区'),
                ),
            ],
        ),
    ]
