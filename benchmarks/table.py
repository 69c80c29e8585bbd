"""The README's Performance table, from benchmarks/results.json: python -m benchmarks.table"""

import json
from pathlib import Path

RESULTS_FILE = Path(__file__).parent / "results.json"


def markdown(results: dict) -> str:
    lines = [
        "| benchmark | PeerCert | baseline (same run) | ratio | target | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in results["results"]:
        baseline = "—"
        if r["baseline"] is not None:
            baseline = f"{r['baseline']:g} {r['unit']} ({r['baseline_name']})"
        met = {True: "yes", False: "**no**", None: "—"}[r["met"]]
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:g}×"
        lines.append(
            f"| {r['name']} | {r['figure']:g} {r['unit']} | {baseline} | {ratio} "
            f"| {r['target']} | {met} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    results = json.loads(RESULTS_FILE.read_text())
    print(
        f"Run {results['run_at']} on {results['database']}; {results['machine']}; "
        f"machine reference workload {results.get('machine_reference_ms', '?')} ms.\n"
    )
    print(markdown(results))
