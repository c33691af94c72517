#!/usr/bin/env python3
"""Fails when the test build compiles again a dependency the release build compiled.

    cargo build --release --message-format=json > release.json
    cargo test --release --no-run --message-format=json-render-diagnostics \\
        | python3 tools/check_no_dependency_rebuilt.py release.json

Both inputs are cargo's JSON messages. The first lists every compiled unit of the
release build with its output files; the second, read from stdin, is the test build
(its rendered diagnostics are passed through). A unit of a dependency that the test
build takes from other files than the release build (another feature set, so another
hash) means that the two builds resolved different features (a dev-dependency can
turn on features of a shared crate), and every `make test` after `make demo` would
compile polars and friends a second time: that fails. Comparing files rather than
cargo's `fresh` flag makes the check hold on any later run too, when both variants
already exist. Units only the tests use (dev-dependencies and what they alone need)
are listed. The workspace's own crates are always compiled; they are not counted.
"""
import json
import sys


def messages(stream):
    for line in stream:
        try:
            yield json.loads(line)
        except json.JSONDecodeError:
            sys.stdout.write(line)


def units(stream, on_message=None):
    """{(package, target, kinds): {output files}} of every dependency artifact. A
    crate can be built more than once in one build (for build scripts and proc macros
    on the host, and for the code), so each key holds every set of files."""
    found = {}
    for message in messages(stream):
        if on_message:
            on_message(message)
        if message.get("reason") != "compiler-artifact" or message.get("package_id", "").startswith("path+"):
            continue
        target = message["target"]
        key = (message["package_id"], target["name"], tuple(target["kind"]))
        found.setdefault(key, set()).add(frozenset(message.get("filenames", [])))
    return found


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as release_file:
        release = units(release_file)
    if not release:
        print(f"build-check: {sys.argv[1]} lists no dependencies: is it cargo's JSON output?", file=sys.stderr)
        return 2
    outcome = {"failed": False}

    def on_test_message(message):
        if message.get("reason") == "compiler-message":
            rendered = message.get("message", {}).get("rendered")
            if rendered:
                sys.stderr.write(rendered)
        elif message.get("reason") == "build-finished":
            outcome["failed"] = not message.get("success", False)

    test = units(sys.stdin, on_test_message)
    if outcome["failed"]:
        print("build-check: the test build failed (errors above)", file=sys.stderr)
        return 1
    name = lambda key: f"{key[0].rsplit('#', 1)[-1]} ({key[1]})"  # noqa: E731
    rebuilt = sorted(name(k) for k, files in test.items() if k in release and not files <= release[k])
    test_only = sorted({k[0].rsplit("#", 1)[-1] for k in test if k not in release})
    if rebuilt:
        print(f"build-check: the test build compiles {len(rebuilt)} dependencies of the release build a second "
              "time, with other features:", file=sys.stderr)
        for item in rebuilt:
            print(f"  {item}", file=sys.stderr)
        print("Align the features of [dev-dependencies] with [dependencies] "
              "(`cargo tree -e features,normal,dev` shows who turns on what).", file=sys.stderr)
        return 1
    shared = sum(1 for k in test if k in release)
    extra = f"; for the tests alone: {', '.join(test_only)}" if test_only else ""
    print(f"build-check: the test build shares all {shared} dependency units with the release build{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
