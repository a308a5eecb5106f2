"""The `yibao` console command: Django's management commands under one name.

`yibao guides import FILE`, `yibao catalog export`, `yibao serve` ... are management commands
of the apps; this wrapper only points Django at our settings.
"""
import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "yibao"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
