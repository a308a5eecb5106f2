# Events are read by case, never across cases by time (but in the admin's list): the index of their
# time goes, one index fewer for every step of every case to write. Dropped by name: on SQLite,
# AlterField would copy the whole events table to change what is only an index.

from django.db import migrations, models
from django.utils import timezone

INDEX = "cases_caseevent_at_2a0bb58d"


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0016_sweeps_read_region_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(f'DROP INDEX IF EXISTS "{INDEX}"', f'CREATE INDEX "{INDEX}" ON "cases_caseevent" ("at")'),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name='caseevent',
                    name='at',
                    field=models.DateTimeField(default=timezone.now, verbose_name='时间'),
                ),
            ],
        ),
    ]
