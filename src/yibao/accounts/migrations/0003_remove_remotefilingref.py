"""The stand-in accounts.RemoteFilingRef goes: its rows are on the remote-care filing register now
(remote_care 0002 moved them), which account-transfer asks through remote_care.queries."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_sample_parameters"),
        ("remote_care", "0002_sample_parameters_and_filings_from_accounts"),
    ]

    operations = [
        migrations.DeleteModel(
            name="RemoteFilingRef",
        ),
    ]
