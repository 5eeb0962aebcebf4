"""`tickpy test FILE.yaml...`: run alert-rule unit tests (see tickpy/testing.py for the format).

Each failing case prints what was expected next to what happened; the last line counts cases
passed and failed; the exit code is 1 when anything failed.
"""

from __future__ import annotations

import argparse

EXIT_OK = 0
EXIT_FAILED = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="test files (YAML)")


def run(args: argparse.Namespace) -> int:
    from tickpy.testing import run_test_file

    passed = failed = 0
    for path in args.files:
        result = run_test_file(path)
        if result.error:
            print(f"FAIL {path}: {result.error}")
            failed += 1
            continue
        for case in result.cases:
            if case.passed:
                passed += 1
                print(f"ok   {path}: {case.name}")
            else:
                failed += 1
                print(f"FAIL {path}: {case.name}")
                for problem in case.problems:
                    print("  " + problem.replace("\n", "\n  "))
    print(f"{passed} passed, {failed} failed")
    return EXIT_FAILED if failed else EXIT_OK
