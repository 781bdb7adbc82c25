#!/usr/bin/env python3
"""autobahn_summary.py: summarise an Autobahn TestSuite report and judge it strictly.

Usage:
    scripts/autobahn_summary.py REPORT_DIR/index.json [--allow-unimplemented 12.,13.]
                                [--expect N] [--label NAME]

Reads the index.json that wstest writes (fuzzingclient or fuzzingserver mode:
{agent: {case_id: {"behavior": ..., "behaviorClose": ..., ...}}}) and prints,
for every agent, one line per behaviour with its count and the case ids
(sorted numerically: 6.4.1 < 6.10.1), then one line per close behaviour.

Exit status: 0 only if at least one case ran and every case's behaviour is OK or
INFORMATIONAL, or UNIMPLEMENTED for a case id starting with one of the
--allow-unimplemented prefixes, and (with --expect N) N cases ran for every
agent. NON-STRICT, FAILED and anything else fail.
The close behaviour (behaviorClose) is reported but not judged: Autobahn already
folds what matters of it into the case behaviour. 2 means the report is
missing or unreadable.
"""
import argparse
import json
import sys
from collections import defaultdict

PASSING = ("OK", "INFORMATIONAL")
# Fixed display order; anything else Autobahn might emit is listed after these.
ORDER = ("OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED")


def case_key(case_id):
    """'6.10.1' -> (6, 10, 1), so that ids sort numerically."""
    return tuple(int(p) if p.isdigit() else p for p in case_id.split("."))


def matches(case_id, prefixes):
    return any(case_id.startswith(p) for p in prefixes)


def format_ids(ids, limit):
    ids = sorted(ids, key=case_key)
    if limit and len(ids) > limit:
        return " ".join(ids[:limit]) + " ... (+%d more)" % (len(ids) - limit)
    return " ".join(ids)


def summarise(label, agent, cases, allow_prefixes, show_ok_ids):
    """Print the lines for one agent; return the number of unacceptable cases."""
    by_behavior = defaultdict(list)
    by_close = defaultdict(list)
    for case_id, result in cases.items():
        by_behavior[result.get("behavior", "MISSING")].append(case_id)
        by_close[result.get("behaviorClose", "MISSING")].append(case_id)

    prefix = "autobahn %s [%s]" % (label, agent)
    bad = 0
    for behavior in list(ORDER) + sorted(set(by_behavior) - set(ORDER)):
        ids = by_behavior.get(behavior, [])
        if behavior in PASSING:
            failing = []
        elif behavior == "UNIMPLEMENTED":
            failing = [c for c in ids if not matches(c, allow_prefixes)]
        else:
            failing = ids
        bad += len(failing)
        line = "%s %-13s %4d" % (prefix, behavior, len(ids))
        if behavior == "UNIMPLEMENTED" and ids:
            line += "  (allowed: %d, not allowed: %d)" % (len(ids) - len(failing), len(failing))
        if failing:
            line += "  FAILING: " + format_ids(failing, 0)
        elif ids and behavior != "OK" and (behavior != "UNIMPLEMENTED" or show_ok_ids):
            line += "  " + format_ids(ids, 40)
        print(line)

    close_parts = ["%s=%d" % (b, len(by_close[b])) for b in sorted(by_close)]
    print("%s close behaviour (reported, not judged): %s" % (prefix, ", ".join(close_parts)))
    # A passing case whose close was not OK (say UNCLEAN or FAILED BY CLIENT) hints at a
    # close-handshake problem that Autobahn chose not to fail on: name those.
    odd = [c for c, r in cases.items()
           if r.get("behavior") in PASSING and r.get("behaviorClose") not in PASSING]
    if odd:
        print("%s close behaviour not OK in passing cases: %s"
              % (prefix, " ".join("%s(%s)" % (c, cases[c].get("behaviorClose"))
                                  for c in sorted(odd, key=case_key))))
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("index", help="path to wstest's index.json")
    ap.add_argument("--allow-unimplemented", default="",
                    help="comma-separated case id prefixes that may be UNIMPLEMENTED, e.g. '12.,13.'")
    ap.add_argument("--expect", type=int, default=0,
                    help="number of cases every agent must have run (e.g. from wstest's 'will run N test cases')")
    ap.add_argument("--label", default="", help="name printed on every line (e.g. server or client)")
    ap.add_argument("--show-allowed-ids", action="store_true",
                    help="also list the ids of allowed UNIMPLEMENTED cases")
    args = ap.parse_args()
    label = args.label or args.index
    allow = [p.strip() for p in args.allow_unimplemented.split(",") if p.strip()]

    try:
        with open(args.index, encoding="utf-8") as f:
            report = json.load(f)
    except (OSError, ValueError) as e:
        print("autobahn %s: FAILED: cannot read report %s: %s" % (label, args.index, e))
        return 2
    if not isinstance(report, dict):
        print("autobahn %s: FAILED: %s is not an Autobahn index.json" % (label, args.index))
        return 2

    total = sum(len(cases) for cases in report.values())
    if total == 0:
        print("autobahn %s: FAILED: no cases ran (%s has no results)" % (label, args.index))
        return 1

    bad = 0
    for agent in sorted(report):
        bad += summarise(label, agent, report[agent], allow, args.show_allowed_ids)
        if args.expect and len(report[agent]) != args.expect:
            print("autobahn %s [%s] MISSING: only %d of the %d expected cases ran"
                  % (label, agent, len(report[agent]), args.expect))
            bad += abs(args.expect - len(report[agent]))
    verdict = "PASS" if bad == 0 else "FAIL"
    print("autobahn %s: %s: %d cases, %d not acceptable" % (label, verdict, total, bad))
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
