"""Mutation testing (mutmut 3) of the modules that decide verdicts, permissions and money-like numbers.

    ./dev mutate                       list the modules and their tests
    ./dev mutate recusal wordcount     run mutmut on these modules, one after the other
    ./dev mutate --all                 every module (slow: hours on a small machine)

mutmut reads its settings from setup.cfg in the folder it runs in and keeps its state in mutants/
there. Each module gets its own scratch copy of the repository under .mutmut/<module>/ (ignored by
git) with a setup.cfg that mutates only that file and runs only its fast tests, never the browser
tests; a second run of the same module reuses the state and retests only what changed. The last
line printed per module is the score to copy into docs/mutation.md.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRATCH = REPO / ".mutmut"

# module key -> (file to mutate, the fast tests that cover it)
MODULES: dict[str, tuple[str, list[str]]] = {
    "media_rules": ("checks/media/rules.py",
                    ["tests/checks/media/test_rules.py", "tests/checks/media/test_boundaries.py",
                     "tests/checks/media/test_rules_wording.py"]),
    "document_rules": ("checks/documents/rules.py",
                       ["tests/checks/documents/test_rules.py", "tests/checks/documents/test_boundaries.py",
                        "tests/checks/documents/test_rules_wording.py"]),
    "wordcount": ("checks/documents/wordcount.py",
                  ["tests/checks/documents/test_wordcount.py",
                   "tests/checks/documents/test_wordcount_properties.py"]),
    "layout": ("checks/package/layout.py",
               ["tests/checks/package/test_layout.py", "tests/checks/package/test_layout_findings.py"]),
    "naming": ("checks/package/naming.py", ["tests/checks/package/test_naming.py"]),
    "items": ("checks/package/items.py",
              ["tests/checks/package/test_items_evidence.py", "tests/checks/package/test_items.py"]),
    "archive_paths": ("checks/archives/base.py",
                      ["tests/checks/archives/test_path_safety.py", "tests/checks/archives/test_member_guards.py",
                       "tests/checks/archives/test_listing_judge.py", "tests/checks/archives/test_zip.py",
                       "tests/checks/archives/test_rar.py"]),
    "recusal": ("scoring/recusal.py",
                ["tests/scoring/test_access_edges.py", "tests/scoring/test_assignment.py",
                 "tests/scoring/test_blind.py"]),
    "permissions": ("scoring/permissions.py",
                    ["tests/scoring/test_permissions.py", "tests/scoring/test_access_edges.py",
                     "tests/scoring/test_reviews.py"]),
    "reviews": ("scoring/reviews.py",
                ["tests/scoring/test_reviews.py", "tests/scoring/test_access_edges.py",
                 "tests/scoring/test_review_rules.py"]),
    "ranking": ("scoring/ranking.py",
                ["tests/scoring/test_ranking.py", "tests/scoring/test_ranking_properties.py",
                 "tests/scoring/test_ranking_listing.py"]),
    "uploads": ("ui/uploads.py", ["tests/ui/test_uploads.py", "tests/ui/test_upload_route.py"]),
    "upload_caps": ("ui/selfcheck/upload_route.py",
                    ["tests/ui/test_upload_tokens.py", "tests/ui/test_upload_caps.py",
                     "tests/ui/test_upload_route.py"]),
}

# Packages the tests import (copied, and importable from mutants/); only one file is mutated.
SOURCE_PATHS = ["checks", "checkpool", "scoring", "ui", "accounts", "samplegen"]
# What else the tests read, relative to the repository (the rules, rubrics, app config, fixtures).
ALSO_COPY = ["data/rules", "data/rubrics", "pytest.ini", ".streamlit", "app.py", "pages", "tests"]

def _copy_repo(dest: Path) -> None:
    """The repository's files as git sees them (tracked and new, never ignored ones)."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        src = REPO / rel
        if not src.is_file():
            continue
        target = dest / rel
        if target.exists() and target.stat().st_mtime >= src.stat().st_mtime:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)


def _setup_cfg(module_file: str, tests: list[str]) -> str:
    def lines(items):
        return "".join(f"\n    {x}" for x in items)
    return ("[mutmut]\n"
            f"source_paths ={lines(SOURCE_PATHS)}\n"
            f"only_mutate ={lines([module_file])}\n"
            f"also_copy ={lines(ALSO_COPY)}\n"
            f"pytest_add_cli_args_test_selection ={lines(tests)}\n"
            "pytest_add_cli_args =\n    -p\n    no:cacheprovider\n    -q\n")


def _score(workdir: Path, module_file: str) -> dict:
    meta = workdir / "mutants" / (module_file + ".meta")
    from mutmut.stats import status_by_exit_code     # mutmut's own reading of its exit codes
    codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
    counts = Counter(status_by_exit_code[c] for c in codes.values())
    total = sum(counts.values())
    # a mutant that makes the tests hang or crash is caught too; survivors and "no tests" are not
    killed = counts["killed"] + counts["timeout"] + counts["segfault"]
    return {"total": total, "killed": killed, "counts": dict(counts),
            "score": round(100 * killed / total, 1) if total else 0.0}


def run(key: str, max_children: int) -> dict:
    module_file, tests = MODULES[key]
    workdir = SCRATCH / key
    workdir.mkdir(parents=True, exist_ok=True)
    _copy_repo(workdir)
    (workdir / "setup.cfg").write_text(_setup_cfg(module_file, tests), "utf-8")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    print(f"== {key}: mutating {module_file}; tests: {' '.join(tests)}", flush=True)
    cmd = [sys.executable, "-m", "mutmut", "run", "--max-children", str(max_children)]
    proc = subprocess.run(cmd, cwd=workdir, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"mutmut failed on {key} (exit {proc.returncode}); see {workdir}")
    s = _score(workdir, module_file)
    survivors = subprocess.run([sys.executable, "-m", "mutmut", "results"], cwd=workdir, env=env,
                               capture_output=True, text=True).stdout
    (workdir / "survivors.txt").write_text(survivors, "utf-8")
    print(f"| {module_file} | {date.today().isoformat()} | {s['killed']}/{s['total']} | {s['score']} % | "
          f"{', '.join(f'{k} {v}' for k, v in sorted(s['counts'].items()))} |", flush=True)
    print(f"   survivors listed in {(workdir / 'survivors.txt').relative_to(REPO)}; "
          f"inspect one with: cd {workdir.relative_to(REPO)} && {Path(sys.executable).name} -m mutmut show NAME")
    return s


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="./dev mutate", description=__doc__.splitlines()[0])
    ap.add_argument("modules", nargs="*", help=f"any of: {', '.join(MODULES)}")
    ap.add_argument("--all", action="store_true", help="every module (slow)")
    ap.add_argument("--max-children", type=int, default=2, help="parallel mutants (default 2)")
    args = ap.parse_args(argv)
    keys = list(MODULES) if args.all else args.modules
    if not keys:
        for k, (f, tests) in MODULES.items():
            print(f"{k:15} {f:32} {' '.join(tests)}")
        return 0
    unknown = [k for k in keys if k not in MODULES]
    if unknown:
        ap.error(f"unknown module(s): {', '.join(unknown)}")
    for k in keys:
        run(k, args.max_children)
    return 0


if __name__ == "__main__":
    sys.exit(main())
