# The client link of calls and keys is empty for a personal token used without an app: partial
# indexes (present links only) in place of full ones, so such a call writes no page of them. The
# full index of IdempotencyKey.client is dropped by name (on SQLite, AlterField would copy the
# table); apicall_client_at, whose first column is the client, answers client = … on its own.

import django.db.models.deletion
from django.db import migrations, models

DROPPED = [("api_apicall", "client", "api_apicall_client_id_773d6d16"),
           ("api_idempotencykey", "client", "api_idempotencykey_client_id_ae0c4030")]


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0002_ratecounter_window_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(f'DROP INDEX IF EXISTS "{index}"', f'CREATE INDEX "{index}" ON "{table}" ("{field}_id")')
                for table, field, index in DROPPED
            ],
            state_operations=[
                migrations.AlterField(
                    model_name='apicall',
                    name='client',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='api.apiclient', verbose_name='客户端'),
                ),
                migrations.AlterField(
                    model_name='idempotencykey',
                    name='client',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='api.apiclient', verbose_name='客户端'),
                ),
            ],
        ),
        migrations.RemoveIndex(
            model_name='apicall',
            name='apicall_client_at',
        ),
        migrations.AddIndex(
            model_name='apicall',
            index=models.Index(condition=models.Q(('client__isnull', False)), fields=['client', 'at'], name='apicall_client_at'),
        ),
        migrations.AddIndex(
            model_name='idempotencykey',
            index=models.Index(condition=models.Q(('client__isnull', False)), fields=['client'], name='idempotency_client_present'),
        ),
    ]
