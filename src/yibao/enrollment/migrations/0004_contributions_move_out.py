"""The contributions, notices and credentials models moved to the contributions app: only Django's
record of the models changes here; the tables and their rows stay as they are (contributions 0001
takes them over under the same table names)."""
from django.db import migrations

# Those that refer to another of them first, so none is left pointing at a model already gone.
MOVED = ["ContributionPeriod", "Assessment", "ContributionBase", "Certificate", "ECredential", "PaymentNotice"]


class Migration(migrations.Migration):

    dependencies = [
        ('enrollment', '0003_contributions_credentials_parameters'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name) for name in MOVED], database_operations=[]),
    ]
