# The index of every case by (state, due date) served the overdue sweep and the deadline recount
# only, which now read the region's indexes (cases.actions.overdue_candidates): one index fewer for
# every submission and step to write. DROP INDEX: no table copied.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0015_request_key_on_the_case'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='case',
            name='cases_case_state_44f3e6_idx',
        ),
    ]
