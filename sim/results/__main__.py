"""``python -m sim.results [--write]``: print the outcome catalogue as a markdown table, or write it into
docs/outputs.md."""

import argparse
import sys

from sim.outputs import atomic_write_text
from sim.results.outcomes import DOC, markdown_table, render


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m sim.results", description="The outcome catalogue.")
    p.add_argument("--write", action="store_true", help=f"regenerate the outcome table in {DOC}")
    args = p.parse_args(argv)
    if not args.write:
        print(markdown_table())
        return 0
    atomic_write_text(DOC, render(DOC.read_text()))
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
