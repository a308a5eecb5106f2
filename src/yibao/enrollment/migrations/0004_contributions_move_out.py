"""The contributions, notices and credentials models moved to the contributions app: only Django's
record of the models changes here; the tables and their rows stay as they are (contributions 0001
takes them over under the same table names)."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('enrollment', '0003_contributions_credentials_parameters'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
                migrations.RemoveField(
                    model_name='certificate',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='certificate',
                    name='issued_by',
                ),
                migrations.RemoveField(
                    model_name='certificate',
                    name='person',
                ),
                migrations.RemoveField(
                    model_name='certificate',
                    name='region',
                ),
                migrations.RemoveField(
                    model_name='contributionbase',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='contributionbase',
                    name='employer',
                ),
                migrations.RemoveField(
                    model_name='contributionbase',
                    name='person',
                ),
                migrations.RemoveField(
                    model_name='contributionperiod',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='contributionperiod',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='contributionperiod',
                    name='notice',
                ),
                migrations.RemoveField(
                    model_name='contributionperiod',
                    name='person',
                ),
                migrations.RemoveField(
                    model_name='contributionperiod',
                    name='region',
                ),
                migrations.RemoveField(
                    model_name='ecredential',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='ecredential',
                    name='person',
                ),
                migrations.RemoveField(
                    model_name='ecredential',
                    name='region',
                ),
                migrations.RemoveField(
                    model_name='paymentnotice',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='paymentnotice',
                    name='employer',
                ),
                migrations.RemoveField(
                    model_name='paymentnotice',
                    name='person',
                ),
                migrations.RemoveField(
                    model_name='paymentnotice',
                    name='region',
                ),
                migrations.DeleteModel(
                    name='Assessment',
                ),
                migrations.DeleteModel(
                    name='Certificate',
                ),
                migrations.DeleteModel(
                    name='ContributionBase',
                ),
                migrations.DeleteModel(
                    name='ContributionPeriod',
                ),
                migrations.DeleteModel(
                    name='ECredential',
                ),
                migrations.DeleteModel(
                    name='PaymentNotice',
                ),
        ], database_operations=[]),
    ]
