"""`make bench`: every benchmark section in turn. Each section is a module with `main()`."""

import importlib
import sys

SECTIONS = ("bench.fast_path", "bench.engine", "bench.ladder", "bench.http", "bench.batch", "bench.plan")


def main() -> None:
    chosen = sys.argv[1:] or SECTIONS
    for name in chosen:
        try:
            module = importlib.import_module(name if name.startswith("bench.") else f"bench.{name}")
        except ModuleNotFoundError as error:
            if error.name and error.name.startswith("bench."):
                continue
            raise
        module.main()


if __name__ == "__main__":
    main()
