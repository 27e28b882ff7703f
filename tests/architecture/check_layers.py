#!/usr/bin/env python3
"""Checks that lib/ keeps its layers (docs/ARCHITECTURE.md, "Modules and their layers"): a
module includes only the modules listed for it below, so there is no include cycle, the pure
core (log, text, metrics, status) never reaches a socket or a file, and the sources reach the
metrics only through sources::Recorder. A new module, or a new dependency, is added here on
purpose or not at all."""
import pathlib
import re
import sys

ALLOWED = {
    "text": set(),
    "error": set(),
    "os": set(),
    "log": {"text"},
    "logging": {"text"},
    "progress": {"log", "text", "error"},
    "config": {"text", "error", "os"},
    "whm": {"text", "error"},
    "web": {"text", "error", "config"},  # config: the YAML front end of the web config
    "sources": {"log", "text", "error", "whm"},
    "metrics": {"sources", "log", "text", "error"},
    "status": {"sources", "log", "text", "error"},
    "remote": {"sources", "whm", "config", "log", "logging", "text", "error"},
    "local": {"sources", "config", "log", "logging", "text", "error", "os"},
    "exporter": None,  # the wiring: anything
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/', re.M)


def main() -> int:
    lib = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "lib")
    problems = []
    for module_dir in sorted(p for p in lib.iterdir() if p.is_dir()):
        module = module_dir.name
        if module not in ALLOWED:
            problems.append(f"lib/{module}: a module this check does not know; add it to ALLOWED")
            continue
        allowed = ALLOWED[module]
        for source in sorted(module_dir.rglob("*.[ch]pp")):
            for used in INCLUDE.findall(source.read_text(errors="replace")):
                if used == module or allowed is None or used in allowed:
                    continue
                problems.append(f"{source}: includes {used}/, which lib/{module} may not use")
    for p in problems:
        print(p)
    print(f"{len(problems)} layering problem(s)" if problems else "layers: ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
