# A submission's Idempotency-Key now lives on the case it opened (cases 0015): the keys recorded
# so far are copied onto their cases, then their table goes. Backwards, the table comes back with
# the keys of the cases (their account as the key's; the client is not kept on a case).

from django.db import migrations

COPY = """
UPDATE cases_case SET
    request_scope = (SELECT k.caller FROM api_idempotencykey k WHERE k.case_id = cases_case.id LIMIT 1),
    request_key = (SELECT k.key FROM api_idempotencykey k WHERE k.case_id = cases_case.id LIMIT 1),
    request_hash = (SELECT k.request_hash FROM api_idempotencykey k WHERE k.case_id = cases_case.id LIMIT 1)
WHERE id IN (SELECT case_id FROM api_idempotencykey WHERE case_id IS NOT NULL)
"""

COPY_BACK = """
INSERT INTO api_idempotencykey (caller, key, request_hash, case_id, user_id, created_at)
SELECT request_scope, request_key, request_hash, id, submitted_by_id, submitted_at
FROM cases_case WHERE request_key IS NOT NULL
"""


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0003_partial_client_indexes'),
        ('cases', '0015_request_key_on_the_case'),
    ]

    operations = [
        migrations.RunSQL(COPY, COPY_BACK),
        migrations.DeleteModel(
            name='IdempotencyKey',
        ),
    ]
