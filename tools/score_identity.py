#!/usr/bin/env python3
"""Speaker identity on PolNeAR: does a statement carry the actor its Source denotes?

Gold: a TSV of hand-judged identities (tests/data/polnear_dev_identity.tsv, see
tests/data/README.md): one row per PolNeAR Source span with its mention form and the
full name of the entity it denotes (alternatives separated by `|`; `-` for sources
that denote nobody in particular).

A gold attribution is paired with a predicted statement exactly as the PolNeAR
scorer pairs them for its speaker accuracy (content IoU >= 0.5, one-to-one, best
first; its own code is imported), so the figures read beside it. For every pair whose
gold Source is in the identity set, the statement's actor (its name in actors.parquet)
is right when it equals one of the entity's names, compared case-, accent-, full-stop-
and leading-"the"-insensitively. A second, lenient figure also accepts the entity's
last word alone ("Trump" for Donald Trump): the right entity without its full name.

  score_identity.py --identity tests/data/polnear_dev_identity.tsv \
      --gold ../shared/data/polnear/dev --run OUT [--json] [--errors]
"""

import argparse
import csv
import importlib.util
import json
import os
import sys
import unicodedata
from collections import defaultdict

import polars as pl

SCORED_FORMS = ("name", "surname", "title", "pronoun", "first_person", "organisation")
UNSCORED_FORMS = ("generic", "conjoined")


def load_scorer(path):
    spec = importlib.util.spec_from_file_location("score_attribution", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def normalise(name):
    folded = unicodedata.normalize("NFKD", name or "")
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    folded = folded.replace("’", "'").replace(".", " ").replace(",", " ")
    words = folded.split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def read_identity(path):
    """{(article, start, end): (form, [names] or None, source_text)}."""
    rows = {}
    with open(path, encoding="utf-8", newline="") as f:
        for line, row in enumerate(csv.DictReader(f, delimiter="\t"), start=2):
            form = row["form"]
            if form not in SCORED_FORMS + UNSCORED_FORMS:
                raise SystemExit(f"{path}:{line}: unknown form {form!r}")
            names = None if form in UNSCORED_FORMS else [n.strip() for n in row["entity"].split("|")]
            key = (row["article"], int(row["source_start"]), int(row["source_end"]))
            rows[key] = (form, names, row["source_text"], row["entity"])
    return rows


def score(identity, gold_dir, run_dir, scorer):
    articles = sorted({a for a, _, _ in identity})
    gold = scorer.load_gold(gold_dir)
    missing = [a for a in articles if a not in gold]
    if missing:
        raise SystemExit(f"articles of the identity set not in {gold_dir}: {missing[:3]}")
    preds = scorer.load_pred(os.path.join(run_dir, "statements.parquet"))
    statements = pl.read_parquet(os.path.join(run_dir, "statements.parquet"), columns=["article_id", "actor_id"])
    actors = pl.read_parquet(os.path.join(run_dir, "actors.parquet"), columns=["actor_id", "name"])
    actor_names = dict(zip(actors["actor_id"].to_list(), actors["name"].to_list()))
    for p, actor_id in zip(preds, statements["actor_id"].to_list()):
        p["actor"] = actor_names.get(actor_id) if actor_id is not None else None
    by_article = defaultdict(list)
    for p in preds:
        by_article[p["article_id"]].append(p)

    per_form = {form: defaultdict(int) for form in SCORED_FORMS + UNSCORED_FORMS}
    errors = []
    for article in articles:
        text, events = gold[article]
        golds = [e for e in events if e["content"] and e["source"]]
        pr = by_article.get(article, [])
        ious = [(scorer.iou(g["content"], p["content"]), gi, pi)
                for gi, g in enumerate(golds) for pi, p in enumerate(pr)]
        matched = scorer.greedy_match([x for x in ious if x[0] >= 0.5])
        for gi, g in enumerate(golds):
            key = (article, g["source"][0], g["source"][1])
            if key not in identity:
                continue  # a source of an article outside the set
            form, names, source_text, entity = identity[key]
            counts = per_form[form]
            counts["attributions"] += 1
            if gi not in matched:
                continue
            counts["matched"] += 1
            actor = pr[matched[gi]]["actor"]
            if names is None:
                counts["given_actor"] += actor is not None
                continue
            wanted = {normalise(n) for n in names}
            got = normalise(actor) if actor else None
            strict = got in wanted
            lenient = strict or (got is not None and got in {w.split()[-1] for w in wanted if w})
            counts["right"] += strict
            counts["right_lenient"] += lenient
            if not strict:
                errors.append({"article": article, "source": source_text, "form": form,
                               "entity": entity, "actor": actor, "lenient": lenient})
    return per_form, errors


def ratio(a, b):
    return a / b if b else 0.0


def summary(per_form):
    def figures(forms):
        total = defaultdict(int)
        for form in forms:
            for key, value in per_form[form].items():
                total[key] += value
        return {
            "attributions": total["attributions"],
            "matched": total["matched"],
            "accuracy": ratio(total["right"], total["matched"]),
            "accuracy_lenient": ratio(total["right_lenient"], total["matched"]),
        }

    result = {"overall": figures(SCORED_FORMS),
              "pronoun_or_title": figures(("pronoun", "title")),
              "forms": {form: figures((form,)) for form in SCORED_FORMS}}
    for form in UNSCORED_FORMS:
        counts = per_form[form]
        result[form] = {"attributions": counts["attributions"], "matched": counts["matched"],
                        "given_an_actor": counts["given_actor"]}
    return result


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--identity", default=os.path.join(here, "..", "tests", "data", "polnear_dev_identity.tsv"))
    parser.add_argument("--gold", required=True, help="PolNeAR split folder (text/, attributions/)")
    parser.add_argument("--run", required=True, help="a run's output folder (statements.parquet, actors.parquet)")
    parser.add_argument("--scorer", default=os.path.join(here, "..", "..", "shared", "tools", "score_attribution.py"))
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--errors", action="store_true", help="list every wrong actor")
    args = parser.parse_args()
    for path in (args.identity, args.scorer, os.path.join(args.run, "statements.parquet")):
        if not os.path.exists(path):
            sys.exit(f"{path}: not found")
    per_form, errors = score(read_identity(args.identity), args.gold, args.run, load_scorer(args.scorer))
    result = summary(per_form)
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print(f"{'form':<18}{'attributions':>13}{'matched':>9}{'accuracy':>10}{'lenient':>9}")
        rows = [("overall", result["overall"]), ("pronoun or title", result["pronoun_or_title"])]
        rows += list(result["forms"].items())
        for label, f in rows:
            print(f"{label:<18}{f['attributions']:>13}{f['matched']:>9}{f['accuracy']:>10.3f}{f['accuracy_lenient']:>9.3f}")
        for form in UNSCORED_FORMS:
            f = result[form]
            print(f"{form:<18}{f['attributions']:>13}{f['matched']:>9}  given an actor: {f['given_an_actor']}")
    if args.errors:
        for e in errors:
            mark = "~" if e["lenient"] else "x"
            print(f"{mark} {e['form']:<13} {e['source'][:40]!r:<44} want {e['entity'][:30]!r:<32} got {e['actor']!r}  [{e['article'][:40]}]",
                  file=sys.stderr)


if __name__ == "__main__":
    main()
