"""The Idempotency-Keys recorded before they moved onto the cases (cases 0015, api 0004) answer the
same after the move, and come back if the move is undone."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from yibao.cases import actions
from yibao.cases.models import Case
from yibao.core.models import Channel

BEFORE = [("api", "0003_partial_client_indexes"), ("cases", "0014_partial_indexes_for_rare_links")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _old_keys():
    return MigrationExecutor(connection).loader.project_state(BEFORE).apps.get_model("api", "IdempotencyKey")


@pytest.mark.django_db(transaction=True)
def test_keys_recorded_before_the_move_are_on_their_cases_after_it_and_back(person, three_day):
    case = actions.submit_case(item=three_day, applicant=person, actor=person.user, channel=Channel.API)
    _migrate(BEFORE)
    try:
        _old_keys().objects.create(caller=f"u{person.user.pk}", key="order-7", request_hash="a" * 64,
                                   case_id=case.pk, user_id=person.user.pk)
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        moved = Case.objects.get(pk=case.pk)
        assert (moved.request_scope, moved.request_key, moved.request_hash) == (f"u{person.user.pk}", "order-7", "a" * 64)
        assert Case.objects.filter(request_key__isnull=False).count() == 1
        _migrate(BEFORE)  # and undone: the table is back with the key
        back = _old_keys().objects.get()
        assert (back.caller, back.key, back.case_id, back.user_id) == (f"u{person.user.pk}", "order-7", case.pk,
                                                                       person.user.pk)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
