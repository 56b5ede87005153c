"""An SVG chart of the load benchmark: requests/s and the slowest p95 against web processes, per client count.

    python -m benchmarks.chart /tmp/load-pg.json docs/benchmarks-load.svg

Reads the JSON that `benchmarks.load --json` writes; plain SVG, no plotting library.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

WIDTH, HEIGHT, PAD = 360, 240, 44
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")


def panel(rows: list[dict[str, Any]], value: str, title: str, x0: int) -> list[str]:
    workers = sorted({r["workers"] for r in rows})
    top = max(r[value] for r in rows) * 1.15 or 1

    def xy(w: int, v: float) -> tuple[float, float]:
        span = max(1, len(workers) - 1)
        x = x0 + PAD + (workers.index(w) / span) * (WIDTH - 2 * PAD)
        return x, HEIGHT - PAD - v / top * (HEIGHT - 2 * PAD)

    parts = [
        f'<text x="{x0 + WIDTH / 2}" y="18" text-anchor="middle" font-size="13">{title}</text>',
        f'<line x1="{x0 + PAD}" y1="{HEIGHT - PAD}" x2="{x0 + WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#333"/>',
        f'<line x1="{x0 + PAD}" y1="{PAD}" x2="{x0 + PAD}" y2="{HEIGHT - PAD}" stroke="#333"/>',
        f'<text x="{x0 + WIDTH / 2}" y="{HEIGHT - 8}" text-anchor="middle" font-size="11">web processes</text>',
        f'<text x="{x0 + PAD - 4}" y="{PAD}" text-anchor="end" font-size="10">{top:.0f}</text>',
        f'<text x="{x0 + PAD - 4}" y="{HEIGHT - PAD}" text-anchor="end" font-size="10">0</text>',
    ]
    for w in workers:
        x, _ = xy(w, 0)
        parts.append(f'<text x="{x}" y="{HEIGHT - PAD + 14}" text-anchor="middle" font-size="10">{w}</text>')
    for i, clients in enumerate(sorted({r["clients"] for r in rows})):
        points = [
            xy(r["workers"], r[value]) for r in sorted(rows, key=lambda r: r["workers"]) if r["clients"] == clients
        ]
        colour = COLOURS[i % len(COLOURS)]
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
            f'points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in points)}"/>'
        )
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in points]
        parts.append(
            f'<text x="{x0 + WIDTH - PAD}" y="{PAD + 14 * i}" text-anchor="end" font-size="10" fill="{colour}">'
            f"{clients} client{'s' if clients > 1 else ''}</text>"
        )
    return parts


def main() -> None:
    rows = json.loads(Path(sys.argv[1]).read_text())
    for row in rows:
        row["worst_p95"] = max(row["p95"].values())
    body = panel(rows, "rps", "requests/s (the mix)", 0) + panel(rows, "worst_p95", "slowest p95, ms", WIDTH)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * WIDTH}" height="{HEIGHT}" '
        f'font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>{"".join(body)}</svg>\n'
    )
    Path(sys.argv[2]).write_text(svg)


if __name__ == "__main__":
    main()
