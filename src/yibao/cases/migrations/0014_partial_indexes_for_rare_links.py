# The office and bundle links most cases lack get partial indexes (present links only) in place of
# full ones: a case without them writes no page of those indexes. The full indexes are dropped by
# name: on SQLite, AlterField would copy the whole table to change what is only an index.

import django.db.models.deletion
from django.db import migrations, models

DROPPED = [("cases_case", "bundle", "cases_case_bundle_id_599600e2"),
           ("cases_case", "office_ref", "cases_case_office_ref_id_3b4a3a3b"),
           ("cases_caseevent", "office_ref", "cases_caseevent_office_ref_id_2859b516")]


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0013_drop_indexes_covered_by_others'),
        ('catalog', '0004_catalog_version'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(f'DROP INDEX IF EXISTS "{index}"', f'CREATE INDEX "{index}" ON "{table}" ("{field}_id")')
                for table, field, index in DROPPED
            ],
            state_operations=[
                migrations.AlterField(
                    model_name='case',
                    name='bundle',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='cases.bundle', verbose_name='合并申请'),
                ),
                migrations.AlterField(
                    model_name='case',
                    name='office_ref',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.office', verbose_name='经办机构（办事指南）'),
                ),
                migrations.AlterField(
                    model_name='caseevent',
                    name='office_ref',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.office', verbose_name='经办机构（办事指南）'),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('office_ref__isnull', False)), fields=['office_ref'], name='case_office_ref_present'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('bundle__isnull', False)), fields=['bundle'], name='case_bundle_present'),
        ),
        migrations.AddIndex(
            model_name='caseevent',
            index=models.Index(condition=models.Q(('office_ref__isnull', False)), fields=['office_ref'], name='caseevent_office_ref_present'),
        ),
    ]
