#!/usr/bin/env python3
"""How many of a run's statements share content characters with another statement of
their article (the same words counted twice), and how many of those pairs are nested.

  tools/statement_overlaps.py OUT
"""
import os
import sys
from collections import defaultdict

import polars as pl


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip())
    path = os.path.join(sys.argv[1], "statements.parquet")
    if not os.path.exists(path):
        sys.exit(f"{path}: not found")
    rows = pl.read_parquet(path, columns=["article_id", "content_start", "content_end", "actor_id"]).to_dicts()
    by_article = defaultdict(list)
    for row in rows:
        by_article[row["article_id"]].append(row)
    overlapping, pairs, nested, same_actor = set(), 0, 0, 0
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
    share = len(overlapping) / len(rows) if rows else 0.0
    print(f"statements {len(rows)}  overlapping {len(overlapping)} ({share:.1%})  "
          f"pairs {pairs} (nested {nested}, same actor {same_actor})")


if __name__ == "__main__":
    main()
