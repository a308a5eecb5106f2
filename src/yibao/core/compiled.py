"""Hot read queries whose SQL is compiled by the ORM once per database and kept.

Building a small query through the ORM (a lookup by a unique key, a few joins) costs several times
what the database spends answering it from an index (~0.2–0.8 ms against ~0.02–0.05 ms on
SQLite), and such a query never changes, only its parameters. A CompiledQuery is built from an
ordinary QuerySet in which every parameter is a sample value of its own; the compiled parameters
are matched back to their names by value (the ORM may reorder conditions). Rows go through the
ORM's own converters (dates and datetimes on SQLite, JSON, decimals), and `objects()` builds model
instances with their select_related objects and annotations exactly as iterating the QuerySet would.
"""
import json
import threading

from django.db import connections, router
from django.db.models import fields as model_fields
from django.db.models.fields.related import ForeignKey
from django.db.models.query import get_related_populators
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery


class CompiledQuery:
    def __init__(self, model, build):
        """`model`: the model read (which database to read it from is the router's answer);
        `build(alias)` → (QuerySet on that alias, {parameter name: sample value}). Each sample
        value must be distinct from every other value the query compiles to (e.g. "\\x00name")."""
        self._model = model
        self._build = build
        self._compiled = {}
        self._lock = threading.Lock()

    def compiled(self, alias):
        """(compiler, SQL, parameter names in the SQL's order, the columns' converters) for the
        database `alias`."""
        return self._entry(alias)[:4]

    def _entry(self, alias):
        """compiled(alias) and the select_related objects' populators."""
        try:
            return self._compiled[alias]
        except KeyError:
            pass
        queryset, sample = self._build(alias)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()  # also fills compiler.select and klass_info
        by_value = {value: name for name, value in sample.items()}
        if len(by_value) != len(sample) or any(value not in by_value for value in params):
            raise ValueError("每个参数须有自己的样例值，且查询的每个参数都须来自样例")
        converters = compiler.get_converters([column[0] for column in compiler.select[:compiler.col_count]])
        # The select_related objects' builders: the same for every row and call.
        populators = get_related_populators(compiler.klass_info, compiler.select, alias) if compiler.klass_info else []
        entry = (compiler, sql, [by_value[value] for value in params], converters, populators)
        with self._lock:
            self._compiled[alias] = entry
        return entry

    def _execute(self, values, alias):
        alias = alias or router.db_for_read(self._model)
        compiler, sql, names, converters, _ = self._entry(alias)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, [values[name] for name in names])
            rows = cursor.fetchall()
        if converters and rows:
            rows = [tuple(row) for row in compiler.apply_converters(rows, converters)]
        return alias, compiler, rows

    def rows(self, *, using=None, **values):
        """The rows as tuples (a values_list QuerySet's columns)."""
        return self._execute(values, using)[2]

    def objects(self, *, using=None, **values):
        """Model instances, their select_related objects attached and their annotations set, as the
        QuerySet would give."""
        alias, compiler, rows = self._execute(values, using)
        klass_info, select, annotations = compiler.klass_info, compiler.select, compiler.annotation_col_map
        model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        attnames = [column[0].target.attname for column in select[start:end]]
        populators = self._entry(alias)[4]
        out = []
        for row in rows:
            obj = model.from_db(alias, attnames, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations.items():
                setattr(obj, name, row[position])
            out.append(obj)
        return out


_INSERTS = {}  # (model, alias) → (SQL, [(field, the value types it passes as they are)] in order)
_insert_lock = threading.Lock()

# Field classes (exactly these, not subclasses, which may prepare values their own way) whose
# get_db_prep_save returns a value of these types unchanged: such values skip the ORM's chain of
# calls (~3 µs a field, ~30 fields a case). Anything else (dates, JSON, decimals, a str given to
# an IntegerField) goes through it.
_NONE = type(None)
_TEXT = (str, _NONE)  # and any str subclass (a choices member): CharField.to_python returns it as it is
_AS_IS = {
    **dict.fromkeys((model_fields.CharField, model_fields.TextField), _TEXT),
    **dict.fromkeys((model_fields.IntegerField, model_fields.PositiveIntegerField,
                     model_fields.SmallIntegerField, model_fields.PositiveSmallIntegerField,
                     model_fields.BigIntegerField, model_fields.PositiveBigIntegerField,
                     model_fields.AutoField, model_fields.BigAutoField), (int, _NONE)),
    model_fields.BooleanField: (bool, _NONE),
    **dict.fromkeys((model_fields.DateField, model_fields.DateTimeField, model_fields.DecimalField), (_NONE,)),
}


def _as_is(field):
    """The value types `field` passes to the database unchanged (a foreign key: its target's)."""
    if type(field) is ForeignKey:
        return _as_is(field.target_field)
    return _AS_IS.get(type(field), ())


class _Written(str):
    """A JSON field's value already serialised (insert's json_texts)."""


class _AsWritten(json.JSONEncoder):
    """Gives a _Written text as it is: through the backend's own JSON adaptation (a str parameter
    on SQLite, psycopg's Jsonb on PostgreSQL), without serialising the value again."""

    def encode(self, o):
        return str(o) if type(o) is _Written else super().encode(o)


def insert(obj, *, using=None, json_texts=None):
    """What `obj.save()` does for a new row of a model without parents whose primary key the
    database assigns — pre_save and post_save signals, auto_now(_add) values, the primary key set
    on `obj` — with the INSERT compiled once per model and database (~0.15 ms of the ORM's ~0.3 ms
    per one-row save). A model's own save() is not called: use it for models that add nothing
    there but the append-only check (a new row passes it). json_texts: {JSON field name: the JSON
    text of obj's value}, written as it is (the caller vouches that it is that value's). Returns
    `obj`."""
    return prepare_insert(obj, using=using, json_texts=json_texts)()


def prepare_insert(obj, *, using=None, json_texts=None, late=()):
    """insert() in two steps: the row's values prepared now (pre_save sent, defaults and
    auto_now values taken), the INSERT run by the function returned, which returns `obj`. For a
    transaction that holds a lock (SQLite's one writer): only the statement runs inside it. `late`:
    the names of fields whose values are taken when the INSERT runs, e.g. a link to a row written
    in between (a foreign key to an object saved since takes its primary key then)."""
    model = type(obj)
    meta = model._meta
    if obj.pk is not None or not obj._state.adding:
        raise ValueError(f"{meta.label}：只用于插入新行（主键由数据库分配）")
    alias = using or router.db_for_write(model, instance=obj)
    connection = connections[alias]
    try:
        sql, fields = _INSERTS[model, alias]
    except KeyError:
        sql, fields = _compile_insert(model, alias, obj)
    pre_save.send(sender=model, instance=obj, raw=False, using=alias, update_fields=None)

    def value_of(field, as_is):
        value = field.pre_save(obj, True)
        if json_texts and field.name in json_texts:
            return connection.ops.adapt_json_value(_Written(json_texts[field.name]), _AsWritten)
        if type(value) in as_is or (as_is is _TEXT and isinstance(value, str)):
            return value
        return field.get_db_prep_save(value, connection=connection)

    params = [None if field.name in late else value_of(field, as_is) for field, as_is in fields]
    late_fields = [(i, field, as_is) for i, (field, as_is) in enumerate(fields) if field.name in late]
    if len(late_fields) != len(late):
        raise ValueError(f"{meta.label}：late 中有不是本表字段的名称：{late}")

    def run():
        if obj.pk is not None:
            raise ValueError(f"{meta.label}：该行已写入")
        for i, field, as_is in late_fields:
            related = field.get_cached_value(obj, None) if field.is_relation else None
            if related is not None and related.pk is not None and getattr(obj, field.attname) is None:
                setattr(obj, field.attname, related.pk)  # as save() does for an object saved after assignment
            params[i] = value_of(field, as_is)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            pk = cursor.fetchone()[0] if connection.features.can_return_columns_from_insert else \
                connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = alias
        post_save.send(sender=model, instance=obj, created=True, update_fields=None, raw=False, using=alias)
        return obj

    return run


def _compile_insert(model, alias, obj):
    meta = model._meta
    if meta.parents or not meta.auto_field or meta.proxy:
        raise ValueError(f"{meta.label}：只适用于无父表、主键由数据库分配的模型")
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated]
    query = InsertQuery(model)
    query.insert_values(fields, [obj])
    compiler = query.get_compiler(using=alias)
    compiler.returning_fields = [meta.pk] if connections[alias].features.can_return_columns_from_insert else None
    (sql, params), = compiler.as_sql()
    if len(params) != len(fields) or sql.count("%s") != len(fields):
        raise ValueError(f"{meta.label}：插入语句的参数与字段不一一对应")
    fields = [(field, _as_is(field)) for field in fields]
    with _insert_lock:
        _INSERTS[model, alias] = (sql, fields)
    return sql, fields
