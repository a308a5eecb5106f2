"""Writing many rows at once where the ORM's own tools are slow: bulk_create spends most of its
time building INSERT SQL value by value (about 49 of 64 s for 100,000 enrolments, the database's
own work 4.6 s); bulk_update builds one CASE WHEN per field that grows with the batch (quadratic
on SQLite). One statement run by executemany over plain tuples (COPY on PostgreSQL) is linear and
cheap; callers run it inside their transaction, so all rows or none."""
from django.db import connections, router

BATCH = 5000  # rows per executemany call: bounds the memory of one call, not the transaction


def insert_rows(model, columns, rows):
    """INSERT into `model`'s table one row per tuple of `rows`, values in the order of `columns`
    (column names, as in the table). Values go to the driver as they are: str, int, None, date,
    and datetimes adapted once by the caller (db_datetime). Returns the number of rows."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    rows = list(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: PostgreSQL's own bulk path, several times executemany's speed; inside the
            # caller's transaction like any statement. The driver's own cursor: its errors are
            # turned into Django's (IntegrityError …) as a statement's would be.
            with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
            for i in range(0, len(rows), BATCH):
                cursor.executemany(sql, rows[i:i + BATCH])
    return len(rows)


def db_datetime(model, value):
    """An aware datetime as the model's database stores it (naive UTC on SQLite), for insert_rows."""
    return connections[router.db_for_write(model)].ops.adapt_datetimefield_value(value)


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
