"""
Run the benchmarks: ``make bench`` or ``python -m bench.run [name ...]``.

Each module in bench/ with a ``main()`` is one benchmark. They run in a
throwaway database created like the test database (``test_<name>`` on the
server in DATABASE_URL, PostgreSQL by default), and print their figures side
by side with a baseline measured in the same run, so a noisy machine still
gives a true ratio.
"""

import argparse
import importlib
import os
import pkgutil
import sys
from pathlib import Path

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/kexie_bench"


def main(argv=None):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kexie.settings")
    os.environ.setdefault("AXES_ENABLED", "0")
    # This process only loads data and drives the servers (which run with debug off);
    # without it the settings would ask for a production secret key.
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    names = sorted(
        module.name
        for module in pkgutil.iter_modules([str(Path(__file__).parent)])
        if module.name not in {"run", "__init__"} and not module.name.startswith("_")
    )
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("benchmarks", nargs="*", choices=[*names, []], help="default: all")
    parser.add_argument("--keepdb", action="store_true", help="reuse the benchmark database")
    args = parser.parse_args(argv)

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.keepdb)
    try:
        for name in args.benchmarks or names:
            module = importlib.import_module(f"bench.{name}")
            print(f"\n### {name} ({connection.vendor})\n", flush=True)
            module.main()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=args.keepdb)


if __name__ == "__main__":
    main()
