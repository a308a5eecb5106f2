"""core.compiled: a query compiled once answers as the QuerySet it was built from would."""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from yibao.api.actions import hash_token, personal_token
from yibao.api.auth import TOKEN
from yibao.api.models import ApiToken
from yibao.core.compiled import CompiledQuery
from yibao.people.models import Applicant, ApplicantKind, IdType

pytestmark = pytest.mark.django_db


def _user(name, applicant=True):
    user = get_user_model().objects.create_user(name)
    if applicant:
        Applicant.objects.create(user=user, kind=ApplicantKind.PERSON, id_type=IdType.RESIDENT_ID,
                                 id_number="511702199003071238", name="王芳", phone="13800001111")
    return user


def test_objects_are_what_the_queryset_gives_with_their_related_objects(django_assert_num_queries):
    token, row = personal_token(_user("wang"))
    expected = ApiToken.objects.select_related("user__applicant", "user__staff_profile").get(pk=row.pk)
    with django_assert_num_queries(1):
        (found,) = TOKEN.objects(key_hash=hash_token(token))
    with django_assert_num_queries(0):  # everything select_related asked for is attached
        assert found.user.applicant.name == "王芳" and found.client is None
        assert not hasattr(found.user, "staff_profile")  # known absent, not asked again
    assert found.expires_at == expected.expires_at and found.expires_at > timezone.now() + timedelta(days=1)
    assert found.created_at.tzinfo is not None  # the ORM's converters ran (SQLite stores text)
    assert [(f.attname, getattr(found, f.attname)) for f in ApiToken._meta.concrete_fields] == \
        [(f.attname, getattr(expected, f.attname)) for f in ApiToken._meta.concrete_fields]
    assert TOKEN.objects(key_hash="nothing") == []


def test_each_call_gets_its_own_instances_and_sees_changes():
    token, row = personal_token(_user("li", applicant=False))
    first = TOKEN.objects(key_hash=hash_token(token))[0]
    ApiToken.objects.filter(pk=row.pk).update(revoked_at=timezone.now())  # bypasses signals
    second = TOKEN.objects(key_hash=hash_token(token))[0]
    assert first.revoked_at is None and second.revoked_at is not None and first is not second


def test_rows_and_parameters_are_matched_by_name_in_any_order():
    users = [_user(name, applicant=False) for name in ("a1", "a2", "b1")]
    query = CompiledQuery(get_user_model(), lambda alias: (
        get_user_model().objects.using(alias).filter(username__gt=sample["after"], pk__gte=sample["low"])
        .order_by("pk").values_list("pk", "username"), sample))
    sample = {"low": -7, "after": "\x00after"}
    assert query.rows(after="a1", low=0) == [(users[1].pk, "a2"), (users[2].pk, "b1")]
    assert query.rows(low=users[2].pk, after="a") == [(users[2].pk, "b1")]
    _compiler, sql, names, _converters = query.compiled(connection.alias)
    assert sql.count("%s") == 2 and sorted(names) == ["after", "low"]


def test_a_sample_value_that_is_not_its_own_is_refused():
    same = {"a": 1, "b": 1}
    query = CompiledQuery(get_user_model(), lambda alias: (
        get_user_model().objects.using(alias).filter(pk=1, is_active=True).values_list("pk"), same))
    with pytest.raises(ValueError):
        query.rows(a=1, b=1)


def test_objects_carry_the_querysets_annotations():
    from django.db.models import Count, F

    users = [_user(name, applicant=False) for name in ("x1", "x2")]
    for user in users[:1]:
        personal_token(user)
        personal_token(user)

    def build(alias):
        sample = {"after": "\x00after"}
        people = get_user_model().objects.using(alias).filter(username__gt=sample["after"])
        return people.annotate(tokens=Count("api_tokens"), login=F("username")).order_by("pk"), sample

    query = CompiledQuery(get_user_model(), build)
    found = query.objects(after="x")
    assert [(u.pk, u.tokens, u.login) for u in found] == [(users[0].pk, 2, "x1"), (users[1].pk, 0, "x2")]


def test_insert_writes_what_save_writes_and_sends_the_same_signals():
    from django.db.models.signals import post_save, pre_save

    from yibao.core.compiled import insert
    from yibao.core.models import AuditEntry, Channel

    user = _user("zhao", applicant=False)
    seen = []

    def receiver(signal, sender, instance, **kwargs):
        seen.append((signal is pre_save, instance.pk, kwargs.get("created")))

    fields = dict(actor=user, actor_label="zhao", channel=Channel.API, action="测试", object_type="x.y",
                  object_id="1", summary="摘要", changes={"a": [1, "二"], "b": None})
    pre_save.connect(receiver, sender=AuditEntry)
    post_save.connect(receiver, sender=AuditEntry)
    try:
        by_orm = AuditEntry(**fields)
        by_orm.save()
        by_insert = insert(AuditEntry(**fields))
        again = insert(AuditEntry(**fields))  # the compiled statement, reused
    finally:
        pre_save.disconnect(receiver, sender=AuditEntry)
        post_save.disconnect(receiver, sender=AuditEntry)
    # pre_save before the row exists, post_save after, with created=True, as save() sends them
    assert seen == [(True, None, None), (False, by_orm.pk, True), (True, None, None), (False, by_insert.pk, True),
                    (True, None, None), (False, again.pk, True)]
    assert by_insert.pk and again.pk == by_insert.pk + 1 and not by_insert._state.adding
    rows = {row.pk: row for row in AuditEntry.objects.filter(pk__in=[by_orm.pk, by_insert.pk, again.pk])}
    for name in ("actor_id", "actor_label", "channel", "action", "object_type", "object_id", "summary", "changes"):
        assert getattr(rows[by_insert.pk], name) == getattr(rows[by_orm.pk], name), name
    assert rows[by_insert.pk].at >= rows[by_orm.pk].at  # the default filled in, as by save()



def test_insert_is_for_new_rows_only():
    from yibao.core.compiled import insert
    from yibao.core.models import AuditEntry, Channel

    entry = insert(AuditEntry(actor_label="x", channel=Channel.API, action="测试"))
    with pytest.raises(ValueError):
        insert(entry)  # already written: a second insert would make a second row
    with pytest.raises(ValueError):
        insert(AuditEntry(pk=10**9, actor_label="x", channel=Channel.API, action="测试"))
    assert not AuditEntry.objects.filter(pk=10**9).exists()


def test_insert_passes_only_exact_plain_values_as_they_are():
    """A str into a CharField goes to the database as it is; what the ORM would convert (an int
    into a CharField, a dict into a JSONField) is converted as save() converts it."""
    from yibao.core.compiled import insert
    from yibao.core.models import AuditEntry, Channel

    sent = []

    def spy(execute, sql, params, many, context):
        if sql.startswith("INSERT"):
            sent.append(dict(zip([f.attname for f in AuditEntry._meta.local_concrete_fields if not f.primary_key],
                                 params)))
        return execute(sql, params, many, context)

    summary = "摘要"
    with connection.execute_wrapper(spy):
        entry = insert(AuditEntry(actor_label="x", channel=Channel.API, action="测试", object_id=5, summary=summary,
                                  changes={"a": 1}))
    params = sent[0]
    assert params["summary"] is summary  # as it is
    assert params["object_id"] == "5" and type(params["object_id"]) is str  # CharField.to_python's str()
    assert not isinstance(params["changes"], dict)  # JSON, prepared by the field
    assert AuditEntry.objects.get(pk=entry.pk).object_id == "5"


def test_a_prepared_insert_takes_its_late_fields_when_it_runs_and_runs_once():
    from yibao.core.compiled import prepare_insert
    from yibao.core.models import AuditEntry, Channel

    entry = AuditEntry(actor_label="x", channel=Channel.API, action="测试", summary="早", object_id="?")
    run = prepare_insert(entry, late=("object_id",))
    entry.summary, entry.object_id = "晚", "42"  # summary was taken when prepared, object_id is late
    assert not AuditEntry.objects.filter(object_id="42").exists()  # nothing written before it runs
    run()
    row = AuditEntry.objects.get(pk=entry.pk)
    assert (row.summary, row.object_id) == ("早", "42")
    with pytest.raises(ValueError):
        run()  # a second run would write a second row
    with pytest.raises(ValueError):
        prepare_insert(AuditEntry(actor_label="x", channel=Channel.API, action="测试"), late=("no_such_field",))
    assert AuditEntry.objects.filter(object_id="42").count() == 1


def test_a_late_foreign_key_takes_the_primary_key_of_the_object_saved_since():
    from yibao.core.compiled import prepare_insert
    from yibao.core.models import AuditEntry, Channel

    other = get_user_model()(username="sun")  # not yet saved when the entry is prepared
    entry = AuditEntry(actor=other, actor_label="sun", channel=Channel.API, action="测试")
    run = prepare_insert(entry, late=("actor",))
    other.save()
    run()
    assert AuditEntry.objects.get(pk=entry.pk).actor_id == other.pk


def test_json_texts_are_written_as_given():
    from yibao.core.compiled import insert
    from yibao.core.models import AuditEntry, Channel

    text = '{"甲": [1, "二"], "b": null}'
    entry = insert(AuditEntry(actor_label="x", channel=Channel.API, action="测试", changes={"甲": [1, "二"], "b": None}),
                   json_texts={"changes": text})
    assert AuditEntry.objects.get(pk=entry.pk).changes == {"甲": [1, "二"], "b": None}
    if connection.vendor == "sqlite":  # the very text, unescaped (PostgreSQL's jsonb keeps no text)
        with connection.cursor() as cursor:
            cursor.execute("SELECT changes FROM core_auditentry WHERE id = %s", [entry.pk])
            assert cursor.fetchone()[0] == text
