"""Writing many rows at once where the ORM's own tool is slow: bulk_update builds one CASE WHEN
per field that grows with the batch (quadratic on SQLite); an UPDATE per row through one
executemany is linear."""
from django.db import connections, router


def update_rows(objs, fields):
    """UPDATE each of `objs` (instances of one model) setting `fields` to their values, by pk, in one
    executemany. Values go through each field's own conversion, as save() would."""
    objs = list(objs)
    if not objs:
        return 0
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name) for name in fields]
    sets = ", ".join(f"{quote(f.column)} = %s" for f in columns)
    pk = model._meta.pk
    sql = f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {quote(pk.column)} = %s"
    rows = [[f.get_db_prep_save(getattr(o, f.attname), connection) for f in columns] + [o.pk] for o in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(rows)
