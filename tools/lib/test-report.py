#!/usr/bin/env python3
"""Adds up the reports of one tools/test run and prints its closing line, `tests: N passed, M failed`.

  test-report.py [--swift EVENTS.jsonl:STATUS]... [--drm REPORT:STATUS] [--package REPORT:STATUS] [--wlcs STATUS]

--swift  the JSON-lines event stream of one `swift test --experimental-event-stream-output EVENTS.jsonl`
         (Swift Testing's ABI event stream, one JSON record per line) and that run's exit status. Each test
         function counts once (a parameterised test too): failed if it recorded an issue that is not a known
         issue or a warning, or if it started and never ended (the test process died); skipped tests are
         counted apart. A run that exited non-zero with no failing test in its stream counts one failure.
--drm    the counts tools/test-drm wrote with --report (`passed N` and `failed M` lines), and its exit status;
         no report counts one failure.
--package  the same for tools/test-package (the Debian package built, inspected, unpacked and run).
--wlcs   the exit status of `tools/wlcs --check`: the conformance suite against its expected-failures list
         counts as one test (tools/lib/wlcs-report.py reads WLCS's JSON reports for that check).

Prints each failed test's name and where it is, then the closing line alone on its own line (CI reads it).
"""
import json
import sys


def swift_counts(path, status):
    """(passed, failed, skipped, names of failures) from one Swift Testing event stream."""
    functions, started, ended, skipped, failing = {}, set(), set(), set(), {}
    ran = False
    try:
        with open(path) as f:
            lines = f.readlines()
    except OSError:
        lines = []
    for raw in lines:
        try:
            record = json.loads(raw)
        except ValueError:
            continue   # a line cut short when the process died
        payload = record.get("payload", {})
        if record.get("kind") == "test":
            if payload.get("kind") == "function":
                functions[payload["id"]] = payload
            continue
        kind, test = payload.get("kind"), payload.get("testID")
        # A parameterised test's cases carry the function's ID; anything below a function is counted with it.
        owner = next((f for f in functions if test and (test == f or test.startswith(f + "/"))), test)
        if kind == "runStarted":
            ran = True
        elif kind == "testStarted" and owner in functions:
            started.add(owner)
        elif kind == "testEnded" and owner in functions:
            ended.add(owner)
        elif kind == "testSkipped" and owner in functions:
            skipped.add(owner)
        elif kind == "issueRecorded":
            issue = payload.get("issue", {})
            severity = issue.get("severity", issue.get("_severity", "error"))
            if not issue.get("isKnown") and severity != "warning" and issue.get("isFailure", True) is not False:
                failing.setdefault(owner or "(outside any test)", payload)
    for never_ended in started - ended:
        failing.setdefault(never_ended, {"messages": [{"text": "started and never ended (did the test process die?)"}]})
    names = []
    for test, payload in sorted(failing.items()):
        info = functions.get(test, {})
        where = info.get("sourceLocation", {})
        place = f" ({where.get('fileID')}:{where.get('line')})" if where else ""
        messages = payload.get("messages", [])
        details = [m.get("text", "") for m in messages if m.get("symbol") == "details"]
        text = (details or [m.get("text", "") for m in messages] or [""])[0].split("\n")[0]
        names.append(f"{test.split('/')[0]}.{info.get('name', '')}{place}: {text}" if info else f"{test}: {text}")
    failed = len(failing)
    passed = len(ended - set(failing) - skipped)
    if not ran:
        return 0, 1, 0, [f"{path}: swift test exited {status} before running the tests"]
    if status != 0 and failed == 0:
        return passed, 1, len(skipped), [f"{path}: swift test exited {status} though no test failed"]
    return passed, failed, len(skipped), names


def drm_counts(path, status, tool="tools/test-drm"):
    counts = {}
    try:
        with open(path) as f:
            for line in f:
                key, _, value = line.partition(" ")
                counts[key] = int(value)
    except (OSError, ValueError):
        return 0, 1, [f"{tool} exited {status} without its report {path}"]
    passed, failed = counts.get("passed", 0), counts.get("failed", 0)
    if status != 0 and failed == 0:
        return passed, 1, [f"{tool} exited {status} though its report counts no failure"]
    return passed, failed, []


def main(argv):
    passed = failed = skipped = 0
    failures = []
    args = argv[1:]
    if not args or len(args) % 2:
        sys.exit(__doc__)
    for option, value in zip(args[::2], args[1::2]):
        if option == "--swift":
            path, _, status = value.rpartition(":")
            p, f, s, names = swift_counts(path, int(status))
            passed, failed, skipped, failures = passed + p, failed + f, skipped + s, failures + names
        elif option == "--drm":
            path, _, status = value.rpartition(":")
            p, f, names = drm_counts(path, int(status))
            passed, failed, failures = passed + p, failed + f, failures + names
        elif option == "--package":
            path, _, status = value.rpartition(":")
            p, f, names = drm_counts(path, int(status), "tools/test-package")
            passed, failed, failures = passed + p, failed + f, failures + names
        elif option == "--wlcs":
            if int(value) == 0:
                passed += 1
            else:
                failed += 1
                failures.append(f"tools/wlcs --check exited {value}")
        else:
            sys.exit(__doc__)
    for name in failures:
        print(f"failed: {name}")
    if skipped:
        print(f"skipped: {skipped} Swift tests (not counted)")
    print(f"tests: {passed} passed, {failed} failed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
