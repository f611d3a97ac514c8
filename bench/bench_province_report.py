"""Benchmark: the parts of the nation-scale province report that are not ``metrics.compute``.

Runs against the database of ``DATABASE_URL`` built by ``bench/build_scale_data.py`` (10,000
participating communes, PostgreSQL; read only) as the user ``bench-admin``, and prints, for the
province report as of ``QMS_AS_OF``: the time of ``metrics.compute``, of the rest of
``report_context`` (``report_context`` minus ``compute``), of rendering the PDF (template and
WeasyPrint) and the Excel workbook, with the PDF's pages and sizes. Not a test.

    DATABASE_URL=postgres://qms:qms@127.0.0.1:5432/qms_scale QMS_PROVINCE= \\
        QMS_PROVINCE_PREDECESSORS= QMS_AS_OF=2017-12-15 \\
        .venv/bin/python bench/bench_province_report.py [--runs 3] [--cache /tmp/figures.pickle]
        [--profile] [--out /tmp/province.pdf]

``metrics.compute`` keeps its figures in the report cache per data generation, so its time after
the first run is that of the cache. ``--cache`` keeps the figures in a pickle instead, so that rendering can be timed
again and again without computing them (the time of ``compute`` is then the pickle's load).
"""

import argparse
import cProfile
import datetime
import os
import pickle
import pstats
import statistics
import sys
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms_rollout.settings")
os.environ.setdefault("QMS_AS_OF", "2017-12-15")


def patch_compute(cache_path: str | None, timings: list) -> None:
    """Time every ``metrics.compute``; with ``cache_path``, load its result from the pickle."""
    from reports import metrics

    real = metrics.compute

    def compute(participations, *, as_of=None, **options):
        start = time.perf_counter()
        if cache_path and Path(cache_path).exists():
            figures = pickle.loads(Path(cache_path).read_bytes())  # noqa: S301 (our own file)
        else:
            figures = real(participations, as_of=as_of, **options)
            if cache_path:
                Path(cache_path).write_bytes(pickle.dumps(figures))
        timings.append(time.perf_counter() - start)
        return figures

    metrics.compute = compute


def timed(fn, *, profile: bool):
    """(seconds, result) of ``fn()``, with the top of its profile printed when ``profile``."""
    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    result = fn()
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - start
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return elapsed, result


def pdf_pages(content: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(BytesIO(content)).pages)


def run_once(user, as_of, args, compute_times):
    from reports import documents
    from reports.services import ReportScope, report_context

    compute_times.clear()
    t_ctx, ctx = timed(
        lambda: report_context(user=user, scope=ReportScope.province(), as_of=as_of),
        profile=args.profile,
    )
    t_compute = sum(compute_times)
    t_pdf, pdf = timed(lambda: documents.render(ctx, "pdf"), profile=args.profile)
    t_xlsx, xlsx = (0.0, b"")
    if not args.no_xlsx:
        t_xlsx, xlsx = timed(lambda: documents.render(ctx, "xlsx"), profile=False)
    if args.out:
        Path(args.out).write_bytes(pdf)
    return {
        "communes": ctx["figures"].total,
        "compute": t_compute,
        "context": t_ctx - t_compute,
        "pdf": t_pdf,
        "xlsx": t_xlsx,
        "pages": pdf_pages(pdf),
        "pdf_kB": len(pdf) / 1024,
        "xlsx_kB": len(xlsx) / 1024,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache", help="a pickle of metrics.compute's figures")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-xlsx", action="store_true")
    parser.add_argument("--out", help="write the PDF there")
    args = parser.parse_args()

    import django

    django.setup()
    from accounts.models import User

    compute_times: list = []
    patch_compute(args.cache, compute_times)
    user = User.objects.get(username="bench-admin")
    as_of = datetime.date.fromisoformat(os.environ["QMS_AS_OF"])
    results = [run_once(user, as_of, args, compute_times) for _ in range(args.runs)]
    print(f"province report, {results[0]['communes']} communes, as of {as_of:%d/%m/%Y}")
    for name in ("compute", "context", "pdf", "xlsx"):
        values = [r[name] for r in results]
        print(f"  {name:8} median {statistics.median(values):6.2f} s  (min {min(values):.2f} s)")
    own = [r["context"] + r["pdf"] for r in results]
    print(f"  PDF's own cost (context without compute + PDF): {statistics.median(own):.2f} s")
    last = results[-1]
    print(f"  PDF: {last['pages']} pages, {last['pdf_kB']:.0f} kB; Excel: {last['xlsx_kB']:.0f} kB")


if __name__ == "__main__":
    main()
