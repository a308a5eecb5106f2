"""The `yibao` console command: Django's management commands under one name.

`yibao guides import FILE`, `yibao catalog export`, `yibao serve` ... are management commands
of the apps; this wrapper only points Django at our settings.
"""
import os
import sys

NOT_MIGRATED = "数据库尚未建好或未升级到本版本：请先运行 `yibao migrate`（scripts/run.sh 会自动运行）。"


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "yibao"
    try:
        execute_from_command_line(argv)
    except DatabaseError:
        # A command run before `migrate` fails deep inside with "no such table"; say what to do
        # instead of a traceback. Any other database error is a real one and is raised as is.
        if not _unapplied_migrations():
            raise
        sys.stderr.write(NOT_MIGRATED + "\n")
        sys.exit(2)


def _unapplied_migrations():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except Exception:  # the database cannot even be read: not a migration problem we can name
        return False


if __name__ == "__main__":
    main()
