"""What the deployment checkers share: collecting problems and running checkov."""
import json
import os
import pathlib
import subprocess
import sys

problems = []


def problem(text):
    problems.append(text)


def known_settings(repo):
    """The SOBEL_* variables sobel reads, from its own list: `sobel settings --json` of the binary in $SOBEL_BINARY,
    else of the debug build."""
    binary = os.environ.get("SOBEL_BINARY") or str(repo / ".build" / "debug" / "sobel")
    listed = subprocess.run([binary, "settings", "--json"], capture_output=True, text=True)
    if listed.returncode != 0:
        raise SystemExit(f"{binary} settings --json failed (build sobel first): {listed.stderr}")
    return {row["variable"] for row in json.loads(listed.stdout)}


def check_settings(where, names, repo):
    """Every SOBEL_* setting a deployment file sets is one sobel reads (a typo would be silently ignored)."""
    for name in sorted(set(names) - known_settings(repo)):
        problem(f"{where} sets {name}, which sobel does not read")


def run_checkov(folder, framework):
    """Runs checkov on `folder`; a failed check is a problem. Returns the summary line."""
    checkov = subprocess.run([str(pathlib.Path(sys.executable).parent / "checkov"), "-d", str(folder), "--framework", framework,
                              "--compact", "--quiet", "--skip-download", "--output", "json"], capture_output=True, text=True)
    report = json.loads(checkov.stdout) if checkov.stdout.strip() else {}
    summary = report.get("summary", {})
    if checkov.returncode != 0 or summary.get("failed", 1) != 0:
        failed = [f"{c['check_id']} {c['resource']} ({c['file_path']})" for c in report.get("results", {}).get("failed_checks", [])]
        problem("checkov found:\n  " + "\n  ".join(failed or [checkov.stderr[-2000:]]))
        return "checkov: failed"
    return f"checkov: {summary['passed']} passed, {summary['skipped']} skipped with a written reason, 0 failed"


def finish(summary):
    """Prints the summary, or every problem and exits 1."""
    print(summary)
    if problems:
        print("\n".join(f"PROBLEM: {p}" for p in problems))
        sys.exit(1)
