#!/usr/bin/env python3
"""Where the bytes of a linked binary come from: reads the linker's map file (gold's or lld's
`-Map`) and sums the input sections kept in the output by where they came from (an archive such
as libswiftCore.a or libFoundationEssentials.a, or a module's object files), per output section.

    swift build -c release --product steward --static-swift-stdlib --scratch-path .build-static \\
        -Xlinker -Map=/tmp/steward.map
    python3 Benchmarks/Scripts/binary_composition.py /tmp/steward.map [--sections .text,.rodata]

Only allocated sections are counted by default (what is in memory: code, read-only data,
unwind tables, metadata); DWARF and symbol tables are left out, as `strip` leaves them out.
"""
import argparse
import collections
import re
import sys

# Output sections that stay in a stripped binary and are not bss (not in the file).
DEFAULT_SKIP = re.compile(r"^\.(debug|comment|note\.gnu\.gold|symtab|strtab|shstrtab|bss|tbss)")


def origin(path):
    """A short name for an input file: the archive's name, a SwiftPM module (X.build), or the file."""
    path = path.strip()
    archive = re.match(r"(.*/)?([^/(]+\.a)\(", path)
    if archive:
        return archive.group(2)
    module = re.search(r"/([^/]+)\.build/", path)
    if module:
        return module.group(1) + " (package)"
    return path.rsplit("/", 1)[-1] or path


def parse(lines):
    """Yields (output section, origin, size) for each input section of the map."""
    output = None
    pending = None  # gold: a long input section name on its own line, its numbers on the next
    in_map = False
    lld = None
    for line in lines:
        line = line.rstrip("\n")
        if lld is None and line.strip():
            lld = line.lstrip().startswith("VMA")
            in_map = lld
            if lld:
                continue
        if lld:
            # lld: "VMA LMA Size Align Out In Symbol": output sections at indent 0 of the
            # name column, input sections ("file:(section)") at indent 8, symbols at 16.
            parts = line.split(None, 4)
            if len(parts) < 5:
                continue
            name = line[line.index(parts[4]) if parts[4] in line else 0:]
            indent = len(line) - len(line.lstrip()) if False else None
            column = line.find(parts[4])
            text = parts[4]
            if column < 0:
                continue
            # The name column starts after 4 fields; count its leading spaces.
            start = len(" ".join(line.split(None, 4)[:4]))
            raw = line[start:]
            depth = len(raw) - len(raw.lstrip(" ")) - 1
            size = int(parts[2], 16)
            if depth <= 0:
                output = text.strip()
            elif depth <= 8 and ":(" in text:
                yield output, origin(text[: text.rfind(":(")]), size
            continue
        if not in_map:
            in_map = line.startswith("Memory map")
            continue
        if re.match(r"^\S", line):
            output = line.split()[0]
            continue
        match = re.match(r"^ (\S+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$", line)
        if match and (match.group(1) or pending):
            yield output, origin(match.group(4)), int(match.group(3), 16)
            pending = None
            continue
        single = re.match(r"^ (\S+)$", line)
        pending = single.group(1) if single else None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("map")
    parser.add_argument("--sections", help="comma-separated output sections to count (default: all allocated)")
    parser.add_argument("--top", type=int, default=25)
    arguments = parser.parse_args()
    wanted = set(arguments.sections.split(",")) if arguments.sections else None
    totals = collections.Counter()
    by_section = collections.defaultdict(collections.Counter)
    with open(arguments.map, errors="replace") as file:
        for section, source, size in parse(file):
            if section is None or (wanted and section not in wanted) or (not wanted and DEFAULT_SKIP.match(section)):
                continue
            totals[source] += size
            by_section[source][section] += size
    grand = sum(totals.values())
    print(f"{'origin':44} {'bytes':>12} {'MB':>7} {'share':>6}  largest sections")
    for source, size in totals.most_common(arguments.top):
        parts = ", ".join(f"{name} {count / 1e6:.2f}" for name, count in by_section[source].most_common(3))
        print(f"{source[:44]:44} {size:12,} {size / 1e6:7.2f} {100 * size / grand:5.1f}%  {parts}")
    rest = sum(size for _, size in totals.most_common()[arguments.top:])
    if rest:
        print(f"{'(the rest)':44} {rest:12,} {rest / 1e6:7.2f} {100 * rest / grand:5.1f}%")
    print(f"{'total':44} {grand:12,} {grand / 1e6:7.2f}")


if __name__ == "__main__":
    sys.exit(main())
