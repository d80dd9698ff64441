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
    lines = iter(lines)
    first = next(lines, "")
    if first.lstrip().startswith("VMA"):
        yield from parse_lld(first, lines)
    else:
        yield from parse_gold(lines)


def parse_lld(header, lines):
    """lld: "VMA LMA Size Align Out In Symbol"; in the name column an output section starts at
    the "Out" column, an input section ("file:(section)") 8 columns further, a symbol 16."""
    column = header.index("Out")
    output = None
    for line in lines:
        fields = line[:column].split()
        name = line[column:].rstrip("\n")
        if len(fields) < 4 or not name.strip():
            continue
        depth = len(name) - len(name.lstrip(" "))
        if depth == 0:
            output = name.split()[0]
        elif depth == 8 and ":(" in name:
            text = name.strip()
            yield output, origin(text[: text.rfind(":(")]), int(fields[2], 16)


def parse_gold(lines):
    """gold: after "Memory map", output sections at column 0 and input sections as
    " name 0xADDRESS 0xSIZE file" (a long name on a line of its own, its numbers on the next)."""
    output = None
    pending = None
    in_map = False
    for line in lines:
        line = line.rstrip("\n")
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
