# The caller's key of a submission moves onto the case (api.IdempotencyKey's rows are copied by
# api 0004). Nullable columns: SQLite adds them in place instead of copying the table.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0014_partial_indexes_for_rare_links'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='request_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, null=True, verbose_name='请求摘要'),
        ),
        migrations.AddField(
            model_name='case',
            name='request_key',
            field=models.CharField(blank=True, editable=False, max_length=100, null=True, verbose_name='幂等键'),
        ),
        migrations.AddField(
            model_name='case',
            name='request_scope',
            field=models.CharField(blank=True, editable=False, max_length=60, null=True, verbose_name='请求方'),
        ),
        migrations.AddConstraint(
            model_name='case',
            constraint=models.UniqueConstraint(condition=models.Q(('request_key__isnull', False)), fields=('request_scope', 'request_key'), name='case_request_key_unique'),
        ),
    ]
