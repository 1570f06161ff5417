"""Run every benchmark end to end: `python -m bench` (or `make bench`).

Builds bench/data/large.db and small.db (the demo institutions as of bench.env.TODAY) if missing, runs
each benchmark against its baseline measured in the same run, prints a summary and writes
bench/results/latest.json.
Options: --only NAME[,NAME] (cli, reports, pages, match, roster, mail, load), --quick (fewer repeats, a 20 s
load run).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import time

from bench import env


def machine() -> dict:
    info = {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}
    try:
        with open("/proc/cpuinfo") as fh:
            names = [line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")]
        info["cpu"] = names[0] if names else platform.processor()
        with open("/proc/meminfo") as fh:
            kb = int(next(line for line in fh if line.startswith("MemTotal")).split()[1])
        info["memory_gb"] = round(kb / 1024 / 1024, 1)
        info["load_average"] = os.getloadavg()
    except (OSError, StopIteration, ValueError):
        pass
    return info


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="cli,reports,pages,match,roster,mail,load")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    wanted = {w.strip() for w in args.only.split(",") if w.strip()}
    logging.getLogger("alembic").setLevel(logging.WARNING)
    os.environ.pop("TEST_DATABASE_URL", None)
    repeat = 1 if args.quick else 3

    def say(text: str) -> None:
        print(text, flush=True)

    say(f"Machine: {machine()}")
    started = time.perf_counter()
    say("Databases (bench/data/):")
    large = env.seeded_app("large", say=say)
    small = env.seeded_app("small", say=say)
    results: list[dict] = []
    if "cli" in wanted:
        from bench import bench_cli

        say("Command-line start, fresh processes (best of 5):")
        results += bench_cli.run(repeat=3 if args.quick else 5, say=say)
    if "reports" in wanted:
        from bench import bench_reports

        say(f"Workbooks for AY {env.LAST_COMPLETE_YEAR}, large demo, fresh processes (best of {repeat}):")
        results += bench_reports.run(repeat=repeat, say=say)
    if "pages" in wanted:
        from bench import bench_pages

        n = 10 if args.quick else 30
        say(f"Pages through gunicorn (1 worker, SQLite, large demo), median of {n} requests:")
        results += bench_pages.run(large, small, requests=n, say=say)
    if "match" in wanted:
        from bench import bench_suggest

        say(f"Matching (best of {repeat}):")
        results += bench_suggest.run(large, repeat=repeat, say=say)
    if "roster" in wanted:
        from bench import bench_roster

        say("Roster import into an empty SQLite database (best of 2):")
        results += bench_roster.run(repeat=1 if args.quick else 2, say=say)
    if "mail" in wanted:
        from bench import bench_mail

        say("Mail while applying 300 matches (SQLite, one run):")
        results += bench_mail.summary(300, say=say)
    if "load" in wanted:
        from bench import bench_load

        if args.quick:
            bench_load.DURATION = 20.0
        say(f"Load run against gunicorn on PostgreSQL ({bench_load.DURATION:.0f} s at most):")
        results += bench_load.run(say=say)

    say("")
    say(f"{'benchmark':<34} {'figure':>12}  {'baseline':<36} {'ratio':>7}  {'goal':>7}  result")
    misses = 0
    for r in results:
        if "skipped" in r:
            say(f"{r['name']:<34} {'skipped':>12}  {r['skipped'][:36]:<36}")
            continue
        if "ratio" in r:
            ok = r["ratio"] <= r["goal"] and r.get("sql_ok", True)
            line = (
                f"{r['name']:<34} {r['figure']:>12}  {r['baseline']:<36} {r['ratio']:>6.2f}x "
                f"{'<= ' + format(r['goal'], 'g') + 'x':>8}  {'met' if ok else 'MISSED'}"
            )
            if "sql_large" in r:
                line += f"  (SQL statements {r['sql_large']} large / {r['sql_small']} small)"
            if "floor" in r:
                line += f"  (floor {r['floor']:.2f}x: its imports and the dump's writing)"
        elif "detail" in r:
            ok = r["ok"]
            line = (
                f"{r['name']:<34} {r['figure']:>12}  {r['detail']:<36} {'':>7}  {r['goal']:>7}  "
                f"{'met' if ok else 'MISSED'}"
            )
        else:
            ok = r["ok"]
            line = (
                f"{r['name']:<34} {r['figure']:>12}  {str(r['requests']) + ' requests':<36} "
                f"{r['errors']:>4} err {r['goal']:>9}  {'met' if ok else 'MISSED'}"
            )
        r["ok"] = ok
        misses += not ok
        say(line)
    say(f"\n{len(results)} benchmarks in {time.perf_counter() - started:.0f} s; {misses} miss their goal.")
    env.RESULTS.mkdir(parents=True, exist_ok=True)
    out = env.RESULTS / "latest.json"
    out.write_text(
        json.dumps(
            {
                "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "machine": machine(),
                "today": env.TODAY.isoformat(),
                "results": results,
            },
            indent=2,
            default=str,
        )
    )
    say(f"Wrote {out.relative_to(env.HERE.parent)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
