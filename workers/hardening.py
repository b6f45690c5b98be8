"""`wirestream hardening`: pathological bodies through the worker's own per-message code.

Every field of a raw article is size-limited in workers/validate.py (the body by --max-body-bytes, 1 MiB
by default), so the worst an input can do is bounded by the time one article of that size takes. This
runs bodies built to be hard for each stage (one letter, one giant word, markup that never closes, a
name repeated a hundred thousand times, ...) through `workers.pipeline.validate_and_enrich`, the
function the worker's agent calls for every message, and reports the worst time per article of each.

Each case runs in a child process with a time limit, so a case that is quadratic in the body size
reports "timeout" instead of holding the command. Figures are printed, never asserted: they depend on
the machine.
"""

from __future__ import annotations

import argparse
import multiprocessing
import string
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

STAGES = ("entities", "topics", "calls", "fingerprint")  # the stages validate_and_enrich times itself
DEFAULT_TIMEOUT_S = 120.0
NAME = "Vladimir Putin "


def _fill(unit: str, size: int) -> str:
    """`unit` repeated to `size` UTF-8 bytes (whole characters)."""
    if not unit:
        raise ValueError("empty unit")
    text = unit * (size // len(unit.encode("utf-8")) + 1)
    data = text.encode("utf-8")[:size]
    return data.decode("utf-8", errors="ignore")


def _nested(size: int) -> str:
    depth = max(1, (size - 4) // len("<div><b></b></div>"))
    return "<div><b>" * depth + "text" + "</b></div>" * depth


# name -> (what it is, body of about `size` bytes)
CASES: dict[str, tuple[str, Callable[[int], str]]] = {
    "letter_a": ("the letter a, over and over", lambda n: "a" * n),
    "less_than": ("'<' over and over", lambda n: "<" * n),
    "open_parens": ("'((((' over and over", lambda n: "(" * n),
    "letters_and_spaces": (
        "alternating letters and spaces",
        lambda n: _fill(" ".join(string.ascii_lowercase) + " ", n),
    ),
    "giant_word": ("one word of the whole body's length", lambda n: _fill(string.ascii_lowercase, n)),
    "repeated_surname": ("'Putin ' over and over (174k times at 1 MiB)", lambda n: _fill("Putin ", n)),
    "repeated_name": ("'Vladimir Putin ' over and over (70k times at 1 MiB)", lambda n: _fill(NAME, n)),
    "repeated_call": (
        "one call-reporting sentence over and over",
        lambda n: _fill("Putin spoke by phone with Erdoğan on Monday. ", n),
    ),
    "repeated_dates": ("dates and weekdays over and over", lambda n: _fill("on 13 July 2020, on Wednesday, ", n)),
    "nested_html": ("nested <div><b> tags, closed at the end", _nested),
    "unclosed_tags": ("'<p ' over and over: markup that never closes", lambda n: _fill("<p ", n)),
    "unclosed_script": ("'<script>' over and over: a script element that never ends", lambda n: _fill("<script>", n)),
}


@dataclass
class CaseResult:
    case: str
    description: str
    body_bytes: int
    result: str  # "enriched", "dead letter: <reason>", "timeout", "error: ..."
    worst_s: float | None  # None when it did not finish
    runs: int
    stages_s: dict[str, float] = field(default_factory=dict)  # of the worst run; "validate" is the rest

    @property
    def slowest_stage(self) -> str:
        if not self.stages_s:
            return "-"
        name = max(self.stages_s, key=self.stages_s.__getitem__)
        return f"{name} {self.stages_s[name]:.3f}s"


def message(case: str, body: str) -> bytes:
    return orjson.dumps(
        {"id": f"hardening-{case}", "title": "Hardening", "published_at": "2024-05-01T12:00:00Z", "body": body}
    )


def _measure(value: bytes, max_body_bytes: int, runs: int) -> dict[str, Any]:
    from workers.pipeline import validate_and_enrich
    from workers.validate import Rejection

    worst: dict[str, Any] = {"seconds": -1.0}
    for _ in range(runs):
        timings: dict[str, float] = {}
        started = time.perf_counter()
        result = validate_and_enrich(value, datetime.now(UTC), max_body_bytes, timings)
        seconds = time.perf_counter() - started
        if seconds > worst["seconds"]:
            stages = {k: round(v, 6) for k, v in timings.items()}
            stages["validate"] = round(max(0.0, seconds - sum(timings.values())), 6)
            outcome = f"dead letter: {result.reason}" if isinstance(result, Rejection) else "enriched"
            worst = {"seconds": seconds, "stages": stages, "result": outcome}
    return worst


def _child(conn: Any, target: Callable[..., dict[str, Any]], args: tuple[Any, ...]) -> None:
    try:
        conn.send(("ok", target(*args)))
    except BaseException as exc:  # reported, not raised: the parent prints every case
        conn.send(("error", f"{type(exc).__name__}: {exc}"[:200]))
    finally:
        conn.close()


def run_in_child(
    target: Callable[..., dict[str, Any]], args: tuple[Any, ...], timeout: float
) -> tuple[str, dict[str, Any] | str | None]:
    """target(*args) in a forked child: ("ok", value), ("error", text) or ("timeout", None)."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, target, args), daemon=True)
    proc.start()
    child.close()
    try:
        if parent.poll(timeout):
            try:
                return parent.recv()
            except EOFError:
                return "error", f"the child exited with {proc.exitcode}"
        return "timeout", None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(10)
        parent.close()


def run(
    size: int,
    *,
    max_body_bytes: int = 1_048_576,
    runs: int = 3,
    cases: list[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
    target: Callable[..., dict[str, Any]] = _measure,
    progress: Callable[[CaseResult], None] | None = None,
) -> list[CaseResult]:
    names = cases or list(CASES)
    unknown = sorted(set(names) - set(CASES))
    if unknown:
        raise ValueError(f"unknown case(s) {unknown}; known: {', '.join(CASES)}")
    _measure(message("warmup", "Warm-up: the knowledge base loads once, before any case."), max_body_bytes, 1)
    results = []
    for name in names:
        description, build = CASES[name]
        body = build(size)
        status, value = run_in_child(target, (message(name, body), max_body_bytes, runs), timeout)
        body_bytes = len(body.encode("utf-8"))
        if status == "ok" and isinstance(value, dict):
            result = CaseResult(name, description, body_bytes, value["result"], value["seconds"], runs, value["stages"])
        elif status == "timeout":
            result = CaseResult(name, description, body_bytes, f"timeout (> {timeout:g} s)", None, runs)
        else:
            result = CaseResult(name, description, body_bytes, f"error: {value}", None, runs)
        results.append(result)
        if progress:
            progress(result)
    return results


def format_row(r: CaseResult) -> str:
    worst = f"{r.worst_s:9.3f}" if r.worst_s is not None else "        -"
    rate = f"{r.body_bytes / r.worst_s / 1_048_576:8.2f}" if r.worst_s else "       -"
    return f"{r.case:<20} {r.body_bytes:>9} {worst} {rate}  {r.result:<28} {r.slowest_stage}"


HEADER = f"{'case':<20} {'bytes':>9} {'worst_s':>9} {'MiB/s':>8}  {'result':<28} slowest stage"


def main(args: argparse.Namespace) -> int:
    size = args.size or args.max_body_bytes
    timeout = getattr(args, "timeout", None) or DEFAULT_TIMEOUT_S
    print(
        f"pathological bodies of {size} bytes through validate_and_enrich (limit {args.max_body_bytes} bytes), "
        f"worst of {args.runs} run(s) per case, {timeout:g} s limit per case",
        flush=True,
    )
    print(HEADER, flush=True)
    results = run(
        size,
        max_body_bytes=args.max_body_bytes,
        runs=args.runs,
        cases=args.cases,
        timeout=timeout,
        progress=lambda r: print(format_row(r), flush=True),
    )
    finished = [r for r in results if r.worst_s is not None]
    unfinished = [r.case for r in results if r.worst_s is None]
    if finished:
        worst = max(finished, key=lambda r: r.worst_s or 0.0)
        line = f"worst_case={worst.case} worst_s={worst.worst_s:.3f}"
    else:
        line = "worst_case=- worst_s=-"
    if unfinished:
        line += f" unfinished={','.join(unfinished)}"
    print(line, flush=True)
    if args.json_path:
        with open(args.json_path, "wb") as fh:
            fh.write(orjson.dumps([asdict(r) for r in results], option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":  # pragma: no cover
    from workers.cli import main as cli_main

    sys.exit(cli_main(["hardening", *sys.argv[1:]]))
