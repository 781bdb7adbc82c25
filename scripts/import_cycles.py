#!/usr/bin/env python3
"""Find import cycles among the source files of the crate.

Reads every non-test `.rs` file of the module tree under `src/` (starting at
`src/lib.rs` and following `mod x;` declarations), and draws an edge from a
file to each file it imports from:

- `use` declarations (also `pub use`, `pub(crate) use`, and `use` inside
  functions), with `crate::`, `super::`, `self::` and child-module paths;
- fully qualified `crate::a::b` / `super::a::b` paths in code bodies.

A path is resolved to the file that defines the item: through re-exports
(`pub use`) to the original, so `use crate::Status` depends on
`src/status.rs`, not on `src/lib.rs`. Comments and string literals are
ignored, and a file is read only up to its `#[cfg(test)] mod tests`.

A `mod x;` declaration is containment, not an import. By default, edges
between a module's file and the files of its own submodules (a `mod.rs` that
re-exports its children, children that `impl` a type of their parent) are
also containment: Rust treats a module and its descendants as one privacy
unit. `--strict` counts those edges too.

Prints every cycle found, with the line that makes each edge, and exits 1;
otherwise prints "no import cycles among N files".

Usage: scripts/import_cycles.py [--strict] [SRC_DIR]
"""

import re
import sys
from pathlib import Path

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
TOKEN = re.compile(
    r"(?P<ws>\s+)|(?P<path>::)|(?P<ident>r#" + IDENT + r"|" + IDENT + r")"
    r"|(?P<punct>.)",
    re.S,
)
TEST_MODULE = re.compile(r"#\s*\[\s*cfg\s*\(\s*test\s*\)\s*\]\s*(?:pub(?:\s*\([^)]*\))?\s+)?mod\s+tests\b")


def strip(text):
    """Blanks out comments, string, byte-string and char literals (keeping
    newlines so line numbers hold)."""
    out = []
    i, n = 0, len(text)

    def blank(s):
        return re.sub(r"[^\n]", " ", s)

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(blank(text[i:j]))
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(blank(text[i:j]))
            i = j
        elif re.match(r'(?:b|c)?r(#*)"', text[i:i + 260]) and (i == 0 or not re.match(r"\w", text[i - 1])):
            m = re.match(r'(?:b|c)?r(#*)"', text[i:])
            end = '"' + m.group(1)
            j = text.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            out.append(blank(text[i:j]))
            i = j
        elif c == '"' or (c in "bc" and text.startswith('"', i + 1) and (i == 0 or not re.match(r"\w", text[i - 1]))):
            j = i + (1 if c == '"' else 2)
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(blank(text[i:j + 1]))
            i = j + 1
        elif c == "'":
            # A char literal ('x', '\n', '\u{..}', b'x'), not a lifetime ('a).
            m = re.match(r"'(?:\\(?:u\{[0-9a-fA-F]*\}|x[0-9a-fA-F]{2}|.)|[^\\'\n])'", text[i:])
            if m:
                out.append(blank(m.group(0)))
                i += m.end()
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def tokens(text):
    """(kind, value, line) for every token but whitespace."""
    line = 1
    for m in TOKEN.finditer(text):
        kind = m.lastgroup
        if kind != "ws":
            yield kind, m.group(kind), line
        line += m.group(0).count("\n")


class Module:
    def __init__(self, path, file):
        self.path = path  # tuple of segments from the crate root
        self.file = file
        self.children = set()  # submodule names (files and inline)
        self.uses = {}  # local name -> (absolute segments or None, is glob)
        self.refs = []  # (segments relative to this module, line)


def parse_use_tree(toks, i, prefix, out):
    """Parses a use tree at toks[i]; appends (segments, alias) to out.
    Returns the index after the tree."""
    segs = list(prefix)
    if toks[i][1] == "::":
        i += 1
    while True:
        kind, val, _ = toks[i]
        if val == "{":
            i += 1
            while toks[i][1] != "}":
                i = parse_use_tree(toks, i, segs, out)
                if toks[i][1] == ",":
                    i += 1
            return i + 1
        if val == "*":
            out.append((segs, "*"))
            return i + 1
        if kind != "ident":
            return i
        segs = segs + [val]
        i += 1
        if toks[i][1] == "::":
            i += 1
            continue
        alias = val
        if toks[i][1] == "as":
            alias = toks[i + 1][1]
            i += 2
        out.append((segs, alias))
        return i


def read_module_file(modules, path, file, src):
    text = strip(file.read_text(encoding="utf-8"))
    m = TEST_MODULE.search(text)
    if m:
        text = text[: m.start()]
    toks = list(tokens(text)) + [("eof", "", 0)] * 4
    root = modules.setdefault(path, Module(path, file))
    stack = [(root, -1)]  # (module, brace depth at which it closes)
    depth = 0
    child_files = []
    i = 0
    while i < len(toks) - 4:
        kind, val, line = toks[i]
        mod = stack[-1][0]
        if val == "{":
            depth += 1
        elif val == "}":
            depth -= 1
            if depth == stack[-1][1]:
                stack.pop()
        elif val == "mod" and toks[i + 1][0] == "ident":
            name = toks[i + 1][1]
            mod.children.add(name)
            if toks[i + 2][1] == "{":
                inner = modules.setdefault(mod.path + (name,), Module(mod.path + (name,), file))
                stack.append((inner, depth))
                depth += 1
                i += 3
                continue
            if toks[i + 2][1] == ";" and mod is root:
                child_files.append(name)
            i += 3
            continue
        elif val == "use" and kind == "ident":
            trees = []
            j = parse_use_tree(toks, i + 1, [], trees)
            for segs, alias in trees:
                target = absolute(modules, mod, segs)
                if alias == "*":
                    mod.uses.setdefault("*", []).append((target, line))
                elif alias != "_":
                    mod.uses[alias] = (target, line)
                if target is not None:
                    mod.refs.append((target, line, "::".join(segs)))
            i = j
            continue
        elif kind == "ident" and val in ("crate", "super", "self") and toks[i + 1][1] == "::" \
                and (i == 0 or toks[i - 1][1] not in ("::", "$")):
            segs, j = [val], i + 1
            while toks[j][1] == "::" and toks[j + 1][0] == "ident":
                segs.append(toks[j + 1][1])
                j += 2
            mod.refs.append((segs, line, "::".join(segs)))
            i = j
            continue
        i += 1
    for name in child_files:
        base = file.parent if file.name in ("lib.rs", "mod.rs") else file.parent / file.stem
        for candidate in (base / f"{name}.rs", base / name / "mod.rs"):
            if candidate.exists():
                read_module_file(modules, path + (name,), candidate, src)
                break


def absolute(modules, mod, segs):
    """Segments of a use path made absolute from the crate root, or None for
    another crate. Child-module names are resolved later (see resolve)."""
    if not segs:
        return None
    head = segs[0]
    if head == "crate":
        return ["crate"] + segs[1:]
    if head in ("self", "super"):
        return ["@" + ".".join(mod.path)] + segs
    # A path starting with a child module, a local name, or another crate:
    # decided once every module is read.
    return ["@" + ".".join(mod.path)] + ["self"] + segs


def normalize(modules, segs):
    """Absolute module path and remaining segments, or None (another crate)."""
    if segs[0] == "crate":
        base, rest = (), segs[1:]
    elif segs[0].startswith("@"):
        base = tuple(s for s in segs[0][1:].split(".") if s)
        rest = segs[1:]
        while rest and rest[0] in ("self", "super"):
            if rest[0] == "super":
                base = base[:-1]
            rest = rest[1:]
        explicit = segs[1] != "self" or len(segs) > 2 and segs[2] in ("self", "super")
        if segs[1] == "self" and not explicit and rest:
            # `use x::y` where x is not `self`/`super`/`crate`.
            here = modules.get(base)
            if here is None:
                return None
            if rest[0] not in here.children and rest[0] not in here.uses:
                return None  # another crate (core, alloc, base64, ...)
    else:
        return None
    return base, list(rest)


def resolve(modules, segs, seen=None):
    """The file defining the item a path names, or None."""
    seen = set() if seen is None else seen
    norm = normalize(modules, segs)
    if norm is None:
        return None
    base, rest = norm
    while True:
        mod = modules.get(base)
        if mod is None:
            return None
        if not rest:
            return mod.file
        name = rest[0]
        if name in mod.children and base + (name,) in modules:
            base, rest = base + (name,), rest[1:]
            continue
        key = (base, name)
        if name in mod.uses and key not in seen:
            seen.add(key)
            target = mod.uses[name][0]
            if target is None:
                return None  # an item of another crate, renamed here
            return resolve(modules, target + rest[1:], seen)
        return mod.file


def module_of(modules, file):
    for mod in modules.values():
        if mod.file == file:
            return min((m.path for m in modules.values() if m.file == file), key=len)
    return None


def main(argv):
    strict = "--strict" in argv
    args = [a for a in argv if not a.startswith("--")]
    src = Path(args[0]) if args else Path(__file__).resolve().parent.parent / "src"
    modules = {}
    read_module_file(modules, (), src / "lib.rs", src)
    files = sorted({m.file for m in modules.values()})
    owner = {f: module_of(modules, f) for f in files}

    edges = {f: {} for f in files}
    for mod in modules.values():
        for segs, line, text in mod.refs:
            target = resolve(modules, segs)
            if target is None or target == mod.file:
                continue
            a, b = owner[mod.file], owner[target]
            related = a[: len(b)] == b or b[: len(a)] == a
            if related and not strict:
                continue
            edges[mod.file].setdefault(target, (line, text))

    cycles = find_cycles(files, edges)
    rel = lambda f: f.relative_to(src.parent).as_posix()
    for cycle, knot in cycles:
        print("import cycle: " + " -> ".join(rel(f) for f in cycle + [cycle[0]]))
        for a, b in zip(cycle, cycle[1:] + cycle[:1]):
            line, text = edges[a][b]
            print(f"    {rel(a)}:{line} uses {text} ({rel(b)})")
        if len(knot) > len(cycle):
            print(f"    (one of several cycles among: {', '.join(rel(f) for f in sorted(knot))})")
    if cycles:
        print(f"{len(cycles)} import cycle(s) among {len(files)} files")
        return 1
    print(f"no import cycles among {len(files)} files" + (" (strict)" if strict else ""))
    return 0


def find_cycles(files, edges):
    """One shortest cycle through each strongly connected component, with
    the component."""
    index, low, on_stack, stack, sccs = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                scc.append(w)
                if w == v:
                    break
            if len(scc) > 1:
                sccs.append(set(scc))

    sys.setrecursionlimit(10000)
    for f in files:
        if f not in index:
            visit(f)

    cycles = []
    for scc in sccs:
        start = min(scc)
        # Breadth-first search back to `start` within the component.
        prev, queue = {start: None}, [start]
        found = None
        while queue and found is None:
            v = queue.pop(0)
            for w in sorted(edges[v]):
                if w not in scc:
                    continue
                if w == start:
                    found = v
                    break
                if w not in prev:
                    prev[w] = v
                    queue.append(w)
        path, v = [], found
        while v is not None:
            path.append(v)
            v = prev[v]
        cycles.append((path[::-1], scc))
    return sorted(cycles, key=lambda c: c[0])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
