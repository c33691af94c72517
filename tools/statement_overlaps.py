#!/usr/bin/env python3
"""How many of a run's statements share content characters with another statement of
their article (the same words counted twice), and how many of those pairs are nested.
It also counts them leaving out genuinely nested attributions, which issue #13 allows
(`X said that Y claimed Z`): the inner statement's cue stands inside the outer one's
content and the two have different speakers (another actor, or no actor on one side
with different speaker words).

  tools/statement_overlaps.py OUT [--json]

`--json` prints the counts and both shares as one JSON object instead.
"""
import json
import os
import sys
from collections import defaultdict

import polars as pl


def main():
    args = sys.argv[1:]
    as_json = "--json" in args
    args = [a for a in args if a != "--json"]
    if len(args) != 1:
        sys.exit(__doc__.strip())
    path = os.path.join(args[0], "statements.parquet")
    if not os.path.exists(path):
        sys.exit(f"{path}: not found")
    rows = pl.read_parquet(path, columns=["article_id", "content_start", "content_end", "actor_id", "cue_start",
                                          "speaker_text"]).to_dicts()
    by_article = defaultdict(list)
    for row in rows:
        by_article[row["article_id"]].append(row)
    overlapping, pairs, nested, same_actor = set(), 0, 0, 0
    not_genuine = set()
    for statements in by_article.values():
        statements.sort(key=lambda r: r["content_start"])
        for i, a in enumerate(statements):
            for b in statements[i + 1:]:
                if b["content_start"] >= a["content_end"]:
                    break
                pairs += 1
                overlapping.update((id(a), id(b)))
                inner = (a, b) if b["content_end"] <= a["content_end"] else None
                nested += inner is not None or a["content_start"] == b["content_start"]
                same_actor += a["actor_id"] is not None and a["actor_id"] == b["actor_id"]
                if not genuinely_nested(a, b):
                    not_genuine.update((id(a), id(b)))
    share = len(overlapping) / len(rows) if rows else 0.0
    not_nested_share = len(not_genuine) / len(rows) if rows else 0.0
    if as_json:
        print(json.dumps({"statements": len(rows), "overlapping": len(overlapping), "overlapping_share": share,
                          "pairs": pairs, "nested_pairs": nested, "same_actor_pairs": same_actor,
                          "not_nested": len(not_genuine), "not_nested_share": not_nested_share}))
        return
    print(f"statements {len(rows)}  overlapping {len(overlapping)} ({share:.1%})  "
          f"pairs {pairs} (nested {nested}, same actor {same_actor})")
    print(f"leaving out genuinely nested attributions: overlapping {len(not_genuine)} ({not_nested_share:.1%})")


def genuinely_nested(a, b) -> bool:
    """One statement reported inside the other's content by another speaker."""
    for outer, inner in ((a, b), (b, a)):
        cue = inner["cue_start"]
        inside = cue is not None and outer["content_start"] <= cue < outer["content_end"]
        if outer["actor_id"] is not None and inner["actor_id"] is not None:
            other = outer["actor_id"] != inner["actor_id"]
        else:
            other = (outer["speaker_text"] or "").lower() != (inner["speaker_text"] or "").lower()
        if inside and other:
            return True
    return False


if __name__ == "__main__":
    main()
