#!/usr/bin/env python3
"""Reads WLCS's gtest JSON report (--gtest_output=json:FILE) and prints Seawall's summary of the run.

  wlcs-report.py [--check EXPECTED-FAILURES [--skipped SKIPPED]] REPORT.json...

Several reports (gtest shards of one run) are counted as one run.

Counts every test as passed, failed or skipped (WLCS skips a test whose extension Seawall does not advertise,
e.g. wl_shell or xdg-shell v6; WLCS also disables a few of its own tests), then the same for the core group: the suites that need only wl_compositor,
wl_shm, wl_subcompositor, xdg_wm_base, wl_output and wl_seat, split into pointer and touch variants (a
parameterised test's input method is named in its value_param: WLCS prints the short std::string inline).

With --check, compares the failures with the list (one test per line, `# reason` after it): exit status 1
if a test failed that is not listed, or a listed test ran and passed (so the list only shrinks). Listed
tests that did not run (filtered out) are left alone. With --skipped, every test WLCS skipped must be
covered by a line of that file (`missing NAME # reason` for the extension named in WLCS's skip message, or
`test PATTERN # reason`), or the exit status is 1; the skipped tests are counted by reason.
"""
import fnmatch
import json
import sys

CORE = ("SelfTest.* FrameSubmission.* WlOutputTest.* BadBufferTest.* SecondBadBufferTest.* "
        "ClientSurfaceEventsTest.* *SurfacePointerMotionTest* XdgShellStableSubsurfaces/* "
        "*RegionSurfaceInputCombinations* SurfaceInputRegions/* ToplevelInputRegions/* XdgSurfaceStableTest.* "
        "XdgToplevelStableTest.* XdgToplevelStableConfigurationTest.* XdgPopupStable/* *XdgPopupPositionerTest*").split()
TOUCH_BYTES = "74-6F 75-63 68"   # "touch", as gtest prints the input method's name inside value_param


def outcome(test):
    if test.get("status") == "NOTRUN":
        return "disabled"   # DISABLED_ in WLCS itself
    if test.get("result") == "SKIPPED" or test.get("wlcs-skip-test"):
        return "skipped"
    return "failed" if test.get("failures") else "passed"


def read_reasons(path):
    """`missing NAME # reason` and `test PATTERN # reason` lines, as (kind, key, reason) triples."""
    rules = []
    with open(path) as f:
        for raw in f:
            entry, _, reason = raw.partition(" #")
            entry = entry.strip()
            if not entry or entry.startswith("#"):
                continue
            kind, _, key = entry.partition(" ")
            if kind not in ("missing", "test") or not key.strip() or not reason.strip():
                sys.exit(f"{path}: not `missing NAME # reason` or `test PATTERN # reason`: {raw.strip()}")
            rules.append((kind, key.strip(), reason.strip()))
    return rules


def skip_rule(name, message, rules):
    """The first rule covering a skipped test, or None."""
    missing = message.split(":", 1)[1].split(">=", 1)[0].strip() if message.startswith("Missing extension:") else None
    for rule in rules:
        kind, key, _ = rule
        if (kind == "missing" and key == missing) or (kind == "test" and fnmatch.fnmatchcase(name, key)):
            return rule
    return None


def line(counts):
    disabled = f", {counts['disabled']} disabled by WLCS" if counts["disabled"] else ""
    return f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped{disabled}"


def main(argv):
    args = argv[1:]
    expected_file = None
    skipped_file = None
    if args[:1] == ["--check"] and len(args) >= 2:
        expected_file, args = args[1], args[2:]
        if args[:1] == ["--skipped"] and len(args) >= 2:
            skipped_file, args = args[1], args[2:]
    if not args or any(a.startswith("--") for a in args):
        sys.exit(__doc__)
    suites = []
    for path in args:
        with open(path) as f:
            suites += json.load(f).get("testsuites", [])
    results = {}
    skip_messages = {}
    every = dict(passed=0, failed=0, skipped=0, disabled=0)
    core = {"pointer": dict(passed=0, failed=0, skipped=0, disabled=0),
            "touch": dict(passed=0, failed=0, skipped=0, disabled=0)}
    for suite in suites:
        for test in suite.get("testsuite", []):
            name = f"{suite['name']}.{test['name']}"
            result = outcome(test)
            results[name] = result
            if result == "skipped":
                skip_messages[name] = test.get("wlcs-skip-test", "")
            every[result] += 1
            if any(fnmatch.fnmatchcase(name, pattern) for pattern in CORE):
                kind = "touch" if TOUCH_BYTES in test.get("value_param", "") else "pointer"
                core[kind][result] += 1
    pointer = core["pointer"]
    ran = pointer["passed"] + pointer["failed"]
    share = f" ({100 * pointer['passed'] / ran:.1f} % of those that ran)" if ran else ""
    print(f"wlcs: core group, pointer: {line(pointer)}{share}")
    print(f"wlcs: core group, touch variants: {line(core['touch'])}")
    status = 0
    if expected_file:
        expected = {}
        with open(expected_file) as f:
            for raw in f:
                entry = raw.split(" #", 1)[0].strip()
                if entry and not entry.startswith("#"):
                    expected[entry] = raw.split(" #", 1)[1].strip() if " #" in raw else ""
        new = sorted(n for n, r in results.items() if r == "failed" and n not in expected)
        fixed = sorted(n for n in expected if results.get(n) == "passed")
        if new:
            print("wlcs: failing but not in the expected-failures list:")
            print("\n".join(f"  {n}" for n in new))
        if fixed:
            print("wlcs: listed as failing but passed (remove them from the list):")
            print("\n".join(f"  {n}" for n in fixed))
        status = 1 if new or fixed else 0
        if skipped_file:
            rules = read_reasons(skipped_file)
            by_rule, uncovered = {}, []
            for name, message in sorted(skip_messages.items()):
                rule = skip_rule(name, message, rules)
                if rule is None:
                    uncovered.append(f"{name} ({message or 'no reason given'})")
                else:
                    by_rule[rule] = by_rule.get(rule, 0) + 1
            for (kind, key, _), count in by_rule.items():
                print(f"wlcs: skipped, {kind} {key}: {count}")
            if uncovered:
                print(f"wlcs: skipped for a reason {skipped_file} does not give:")
                print("\n".join(f"  {n}" for n in uncovered))
                status = 1
        print(f"wlcs: {line(every)} of {sum(every.values())}"
              f" ({every['failed'] - len(new)} of the failures expected)")
    else:
        print(f"wlcs: {line(every)} of {sum(every.values())}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
