"""How fast the command line starts: `flask --help` and each command's start (its --help, a fresh process)
against `python -c "import flask, sqlalchemy"`, the two libraries every command needs."""

from __future__ import annotations

from bench import env, proc

GOAL = 1.5
COMMANDS = [
    ["--help"],
    ["report", "engagement", "--help"],
    ["match", "suggest", "--help"],
    ["roster", "import", "--help"],
    ["reminders", "send", "--help"],
    ["db", "upgrade", "--help"],
]


def run(repeat: int = 5, say=print) -> list[dict]:
    python = str(proc.BIN / "python")
    flask = str(proc.BIN / "flask")
    environment = proc.app_env(env.sqlite_url("small"))
    base, base_wall = proc.best([python, "-c", "import flask, sqlalchemy"], repeat, environment)
    say(f"  python -c 'import flask, sqlalchemy': {base:.2f} s CPU ({base_wall:.2f} s wall)")
    results = []
    for args in COMMANDS:
        seconds, wall = proc.best([flask, *args], repeat, environment)
        ratio = seconds / base
        name = "flask " + " ".join(args)
        say(f"  {name:<34} {seconds:.2f} s CPU ({wall:.2f} s wall); ratio {ratio:.2f}x (goal <= {GOAL:g}x)")
        results.append(
            {
                "name": name,
                "figure": f"{seconds:.2f} s",
                "seconds": seconds,
                "baseline": f"import flask, sqlalchemy {base:.2f} s",
                "baseline_seconds": base,
                "ratio": ratio,
                "goal": GOAL,
            }
        )
    return results
