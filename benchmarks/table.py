"""The results as a table: aligned for the terminal (conftest.py), as Markdown for the README
(python -m benchmarks.table, from benchmarks/results.json)."""

import json
from pathlib import Path

RESULTS_FILE = Path(__file__).parent / "results.json"
HEADER = ("benchmark", "PeerCert", "baseline (same run)", "ratio", "target", "met")


def rows(results: list[dict], *, missed: str = "NO") -> list[tuple[str, ...]]:
    return [
        (
            r["name"],
            f"{r['figure']:g} {r['unit']}",
            "—"
            if r["baseline"] is None
            else f"{r['baseline']:g} {r['unit']} ({r['baseline_name']})",
            "—" if r["ratio"] is None else f"{r['ratio']:g}×",
            r["target"],
            {True: "yes", False: missed, None: "—"}[r["met"]],
        )
        for r in results
    ]


def aligned(results: list[dict]) -> list[str]:
    table = [HEADER, *rows(results)]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADER))]

    def line(row):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    return [
        line(HEADER),
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
        *map(line, table[1:]),
    ]


def markdown(results: list[dict]) -> str:
    table = [HEADER, ("---",) * len(HEADER), *rows(results, missed="**no**")]
    return "\n".join("| " + " | ".join(row) + " |" for row in table)


if __name__ == "__main__":
    run = json.loads(RESULTS_FILE.read_text())
    print(
        f"Run {run['run_at']} on {run['database']}; {run['machine']}; "
        f"machine reference workload {run.get('machine_reference_ms', '?')} ms.\n"
    )
    print(markdown(run["results"]))
