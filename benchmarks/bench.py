"""Speed of cyx on real reports, run by hand (not part of the test suite):

    .venv/bin/python benchmarks/bench.py [FOLDER ...] [--docs 1000] [--jobs 2] [--rounds 3]

Reads the sample report and the *.txt reports under any FOLDER given, each whole and as it
is (real text, never recombined paragraphs: a corpus spliced from paragraphs has more
headings and more jumps between periods than any report), then prints:

- extraction speed in one process after start-up (characters per second over the reports,
  passed over until at least --in-process-chars characters; the median of --rounds such
  measurements, with the slowest and fastest), with the time spent in each stage;
- documents per second, wall time and peak memory of ``cyx extract --jobs N`` over --docs
  copies of the reports, taken in turn (memory: the summed RSS, and PSS where Linux gives
  it, of cyx and its workers, sampled every 100 ms), and that time scaled to reports of
  20,000 characters, which the target is set for;
- the speed of the API (``extract_text``) against the pipeline it wraps;
- the CPU time of ``cyx extract`` on the sample report with the rule cache warm and cold;
- the time of a 100-page text PDF read and extracted, and of HTML pages read;
- the time of ``cyx --help``;

and whether each meets the target of the issue that asked for it. ``--profile`` adds a
pyinstrument profile of the in-process extraction (cProfile when pyinstrument is absent).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "chaoyang_2017.txt"

TARGET_CHARS_PER_S = 2_000_000
TARGET_CLI_S = 15.0  # for 1,000 reports of TARGET_REPORT_CHARS characters
TARGET_REPORT_CHARS = 20_000
TARGET_MEM_MB = 500.0
TARGET_HELP_S = 0.3
TARGET_WARM_CPU_S = 0.5  # `cyx extract` on the sample, rules from the cache
TARGET_COLD_CPU_S = 1.3  # the same with an empty cache
TARGET_API_RATIO = 0.9  # extract_text against the pipeline it wraps
TARGET_PDF_100_S = 2.0  # a 100-page text PDF, read and extracted
TARGET_HTML_MS = 20.0  # an HTML page read, before matching


def read_sources(folders: Sequence[Path]) -> list[tuple[str, str]]:
    """(file name, text) of the sample and of every report under ``folders``; a text met
    twice (the sample is also in the dev corpus) counts once."""
    from chaoyang_extract.reading import read_document

    paths = [SAMPLE]
    for folder in folders:
        paths += sorted(folder.rglob("*.txt"))
    seen: set[str] = set()
    out = []
    for path in paths:
        text = read_document(path)
        if text not in seen:
            seen.add(text)
            out.append((path.name, text))
    return out


def write_corpus(sources: Sequence[tuple[str, str]], docs: int, folder: Path) -> int:
    """``docs`` copies of the reports, taken in turn; returns their characters in all."""
    total = 0
    for i in range(docs):
        name, text = sources[i % len(sources)]
        (folder / f"{i:05d}_{name}").write_text(text, encoding="utf-8")
        total += len(text)
    return total


def in_process(
    sources: Sequence[tuple[str, str]], min_chars: int, rounds: int, profile: bool
) -> float:
    from chaoyang_extract.extract import extract_document
    from chaoyang_extract.matching import match_text
    from chaoyang_extract.normalize import normalize
    from chaoyang_extract.rulebook import load_rules
    from chaoyang_extract.structure import analyze

    t0 = time.perf_counter()
    rs = load_rules()
    # Start-up: compiling the rules and each report year's structure patterns.
    for name, text in sources:
        extract_document(rs, text, name)
    startup = time.perf_counter() - t0

    work: list[tuple[str, str]] = []
    total = 0
    while total < min_chars:
        for name, text in sources:
            work.append((name, text))
            total += len(text)
    rates = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for name, text in work:
            extract_document(rs, text, name)
        rates.append(total / (time.perf_counter() - t0))
    rate = statistics.median(rates)
    print(
        f"extraction, one process ({len(sources)} real reports, {len(work)} extractions, "
        f"{total:,} characters a round)"
    )
    print(f"  start-up (rules, first reports)   {startup:8.2f} s")
    print(
        f"  characters per second            {rate:12,.0f}   target >= {TARGET_CHARS_PER_S:,}  {_ok(rate >= TARGET_CHARS_PER_S)}"
    )
    print(f"  (median of {rounds} rounds; slowest {min(rates):,.0f}, fastest {max(rates):,.0f})")
    ms = 1000 * TARGET_REPORT_CHARS / rate
    print(f"  ms per {TARGET_REPORT_CHARS:,} characters         {ms:8.1f}")

    # Stage shares, measured in the same loop as a full extraction of each report so that
    # both see the same machine load; "records+rest" is what the stages leave over.
    stages = dict.fromkeys(("normalize", "structure", "matching", "records+rest"), 0.0)
    full = 0.0
    for name, text in work:
        a = time.perf_counter()
        norm = normalize(text)
        b = time.perf_counter()
        st = analyze(norm.text, name=name)
        c = time.perf_counter()
        match_text(rs, norm.text, st.region)
        d = time.perf_counter()
        extract_document(rs, text, name)
        full += time.perf_counter() - d
        stages["normalize"] += b - a
        stages["structure"] += c - b
        stages["matching"] += d - c
    stages["records+rest"] = max(0.0, full - sum(stages.values()))
    shares = ", ".join(f"{k} {100 * v / full:.0f}%" for k, v in stages.items())
    print(f"  time by stage: {shares}")

    if profile:
        _profile(lambda: [extract_document(rs, t, n) for n, t in work])
    return rate


def _profile(fn: Callable[[], object]) -> None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        import cProfile
        import pstats

        pr = cProfile.Profile()
        pr.runcall(fn)
        pstats.Stats(pr).sort_stats("tottime").print_stats(20)
        return
    prof = Profiler(interval=0.0005)
    prof.start()
    fn()
    prof.stop()
    print(prof.output_text(unicode=False, color=False))


class TreeMemory:
    """Peak summed RSS and PSS (MB) of a process and all its descendants, sampled."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_rss = 0.0
        self.peak_pss = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(d))
        out, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo.extend(children.get(p, []))
        return out

    def _run(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._stop.is_set():
            rss = pss = 0.0
            for p in self._tree():
                try:
                    rss += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * page
                    for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                        if line.startswith("Pss:"):
                            pss += int(line.split()[1]) * 1024
                except (OSError, IndexError, ValueError):
                    continue
            self.peak_rss = max(self.peak_rss, rss / 2**20)
            self.peak_pss = max(self.peak_pss, pss / 2**20)
            time.sleep(self.interval)


def cyx_command() -> list[str]:
    script = Path(sys.executable).parent / "cyx"
    if script.exists():
        return [str(script)]
    found = shutil.which("cyx")
    if found is None:
        sys.exit("bench: cyx is not installed in this environment")
    return [found]


def cli_run(folder: Path, out: Path, docs: int, chars: int, jobs: int) -> tuple[float, float]:
    cmd = [*cyx_command(), "extract", str(folder), "--jobs", str(jobs), "-o", str(out), "-q"]
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    with TreeMemory(proc.pid) as mem:
        _, err = proc.communicate()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} exited {proc.returncode}: {err.strip()[-500:]}")
    # The target is for 1,000 reports of 20,000 characters: the time is scaled by
    # characters, which overstates it (each report's fixed cost is scaled up too).
    scaled = wall * (1000 * TARGET_REPORT_CHARS) / chars
    print(f"cyx extract --jobs {jobs} over {docs:,} reports ({chars:,} characters)")
    print(f"  command                          {' '.join(cmd)}")
    print(f"  wall time                        {wall:8.2f} s")
    print(
        f"  scaled to 1,000 x {TARGET_REPORT_CHARS:,} characters {scaled:6.2f} s   "
        f"target < {TARGET_CLI_S:.0f} s  {_ok(scaled < TARGET_CLI_S)}"
    )
    print(f"  documents per second             {docs / wall:8.1f}")
    # Other work on the machine shows here: with the cores to itself, cyx keeps about
    # --jobs of them busy.
    print(
        f"  CPU time, all processes          {cpu:8.2f} s   ({cpu / wall:.2f} cores busy; load average before {load:.2f})"
    )
    peak = mem.peak_pss or mem.peak_rss
    print(
        f"  peak memory (all processes)      {mem.peak_rss:8.0f} MB RSS, {mem.peak_pss:.0f} MB PSS   "
        f"target < {TARGET_MEM_MB:.0f} MB  {_ok(peak < TARGET_MEM_MB)}"
    )
    return scaled, peak


def startup_cpu(runs: int = 7) -> tuple[float, float]:
    """Median CPU seconds (user + system) of ``cyx extract <sample> -q``: with the rule
    cache warm, and with an empty one each time (cold)."""

    def cpu_of(cache: Path, out: Path) -> float:
        env = dict(os.environ, CYX_CACHE_DIR=str(cache))
        cmd = [*cyx_command(), "extract", str(SAMPLE), "-q", "-o", str(out)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, env=env, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    # pip byte-compiles an installed package; an editable one run with
    # PYTHONDONTWRITEBYTECODE set (as on the development machine) would compile every
    # module from source on every run instead, which no user's cyx does.
    import compileall

    compileall.compile_dir(str(ROOT / "chaoyang_extract"), quiet=1)
    with tempfile.TemporaryDirectory(prefix="cyx-bench-cache-") as tmp:
        warm_cache = Path(tmp) / "warm"
        cpu_of(warm_cache, Path(tmp) / "out")  # fills it
        warm = [cpu_of(warm_cache, Path(tmp) / "out") for _ in range(runs)]
        cold = [cpu_of(Path(tmp) / f"cold{i}", Path(tmp) / "out") for i in range(runs)]
    w, c = statistics.median(warm), statistics.median(cold)
    print(f"cyx extract {SAMPLE.relative_to(ROOT)} -q, CPU (median of {runs})")
    print(
        f"  rule cache warm                  {w:8.2f} s   target < {TARGET_WARM_CPU_S} s  {_ok(w < TARGET_WARM_CPU_S)}"
    )
    print(
        f"  rule cache empty (cold)          {c:8.2f} s   target < {TARGET_COLD_CPU_S} s  {_ok(c < TARGET_COLD_CPU_S)}"
    )
    return w, c


def api_ratio(sources: Sequence[tuple[str, str]], rounds: int = 15) -> float:
    """Speed of ``extract_text`` (a DataFrame a report) over that of the pipeline it wraps
    (``extract_document``: the records), the two taken in turn, median of ``rounds``."""
    from chaoyang_extract import extract_text
    from chaoyang_extract.extract import extract_document
    from chaoyang_extract.rulebook import load_rules

    rs = load_rules()
    work = [(n, t) for n, t in sources if len(t) >= 5000] or list(sources)
    for name, text in work:
        extract_text(text, name)
    internal, api = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for name, text in work:
            extract_document(rs, text, name)
        internal.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for name, text in work:
            extract_text(text, name)
        api.append(time.perf_counter() - t0)
    ratio = statistics.median(internal) / statistics.median(api)
    print(f"extract_text against extract_document ({len(work)} reports, median of {rounds})")
    print(
        f"  speed ratio                      {ratio:8.2f}     target >= {TARGET_API_RATIO}  {_ok(ratio >= TARGET_API_RATIO)}"
    )
    return ratio


def formats_time(sources: Sequence[tuple[str, str]]) -> tuple[float, float]:
    """Seconds to read and extract a 100-page text PDF (the sample typeset over and over
    by the PDF fixtures' script, with reportlab), and the median milliseconds to read
    each report as a government-site HTML page before matching."""
    import importlib.util

    from chaoyang_extract.extract import extract_document
    from chaoyang_extract.formats.html import read_html
    from chaoyang_extract.formats.pdf import read_pdf
    from chaoyang_extract.rulebook import load_rules

    rs = load_rules()
    script = ROOT / "tests" / "fixtures" / "pdf" / "make_fixtures.py"
    spec = importlib.util.spec_from_file_location("make_pdf_fixtures", script)
    assert spec is not None and spec.loader is not None
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    paragraphs = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line]
    lines = sum(len(maker.wrap(p)) for p in paragraphs)
    copies = -(-100 * maker.LINES_PER_PAGE // lines)
    with tempfile.TemporaryDirectory(prefix="cyx-bench-pdf-") as tmp:
        path = Path(tmp) / "long.pdf"
        pages = len(maker.build_report(path, paragraphs * copies))
        data = path.read_bytes()
    read_pdf(data, "warm.pdf")  # the import of pypdfium2 is start-up, not reading
    t0 = time.perf_counter()
    got = read_pdf(data, "long.pdf")
    extract_document(rs, got.text, "long")
    pdf_s = time.perf_counter() - t0
    html_ms = []
    for name, text in sources:
        body = "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
        page = (
            "<html><head><meta charset='utf-8'><title>政府工作报告_政务公开</title></head><body>"
            "<div class='nav'>首页 | 政务公开 | 政府工作报告</div>"
            f"<div class='info'>来源：人民政府 发布时间：2017-03-01</div><div class='content'>{body}</div>"
            "<div class='footer'>主办单位：人民政府办公室 备案号：辽ICP备00000000号</div></body></html>"
        ).encode()
        read_html(page, name)
        t0 = time.perf_counter()
        read_html(page, name)
        html_ms.append(1000 * (time.perf_counter() - t0))
    html = statistics.median(html_ms)
    print("reports as published")
    print(
        f"  {pages}-page text PDF, read and extracted {pdf_s:6.2f} s   target < {TARGET_PDF_100_S:g} s  {_ok(pdf_s < TARGET_PDF_100_S)}"
    )
    print(
        f"  HTML page read, before matching  {html:8.1f} ms  (median of {len(html_ms)} reports; max {max(html_ms):.1f})  target < {TARGET_HTML_MS:g} ms  {_ok(html < TARGET_HTML_MS)}"
    )
    return pdf_s, html


def help_time(runs: int = 7) -> float:
    cmd = [*cyx_command(), "--help"]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    print(
        f"cyx --help (median of {runs})          {med:8.3f} s   target < {TARGET_HELP_S} s  {_ok(med < TARGET_HELP_S)}"
    )
    return med


def _ok(flag: bool) -> str:
    return "ok" if flag else "MISSED"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("folders", nargs="*", type=Path, help="more real reports (*.txt)")
    ap.add_argument("--docs", type=int, default=1000, help="reports for the CLI run (default 1000)")
    ap.add_argument("--jobs", type=int, default=2, help="--jobs for the CLI run (default 2)")
    ap.add_argument(
        "--in-process-chars",
        type=int,
        default=2_000_000,
        help="characters a round of the one-process measurement (default 2000000)",
    )
    ap.add_argument("--rounds", type=int, default=3, help="rounds of it (default 3)")
    ap.add_argument("--profile", action="store_true", help="profile the one-process extraction")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    sources = read_sources(args.folders)
    chars = sum(len(t) for _, t in sources)
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; {len(sources)} real "
        f"report(s), {chars:,} characters (mean {chars // len(sources):,})\n"
    )
    rate = in_process(sources, args.in_process_chars, max(1, args.rounds), args.profile)
    print()
    ratio = api_ratio(sources)
    print()
    warm, cold = startup_cpu()
    print()
    pdf_s, html_ms = formats_time(sources)
    print()
    with tempfile.TemporaryDirectory(prefix="cyx-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        total = write_corpus(sources, args.docs, corpus)
        wall, peak = cli_run(corpus, Path(tmp) / "out", args.docs, total, args.jobs)
    print()
    hel = help_time()
    ok = (
        rate >= TARGET_CHARS_PER_S
        and ratio >= TARGET_API_RATIO
        and warm < TARGET_WARM_CPU_S
        and cold < TARGET_COLD_CPU_S
        and pdf_s < TARGET_PDF_100_S
        and html_ms < TARGET_HTML_MS
        and wall < TARGET_CLI_S
        and peak < TARGET_MEM_MB
        and hel < TARGET_HELP_S
    )
    print("\nall targets met" if ok else "\nsome targets missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
