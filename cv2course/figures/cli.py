"""``cv2course figures -o DIR``: regenerate every slide figure, an index.html and a table of times.

    cv2course figures --preview -o figures/     # the README's first command: a few minutes, pictures worth a look
    cv2course figures --quick -o figures/       # what CI runs: seconds per figure, thumbnails
    cv2course figures -o figures/
    cv2course figures -o figures/ --only nst_result gram_heatmap --seed 1
    cv2course figures --list
"""
import html
import time
from pathlib import Path


def write_index(out_dir, rows):
    """index.html listing every figure with its caption (written atomically)."""
    from cv2course.atomic import atomic_path
    from cv2course.i18n import language, tr

    items = "\n".join(
        f'<figure id="{html.escape(r["name"])}"><img src="{html.escape(r["file"])}" style="max-width:100%">'
        f'<figcaption><b>{html.escape(r["name"])}</b> ({html.escape(r["lecture"])}): {html.escape(tr(r["caption"]))}'
        f"</figcaption></figure>" for r in rows)
    title = html.escape(tr("cv2course slide figures"))
    page = (f"<!doctype html><html lang='{language()}'><meta charset='utf-8'><title>{title}</title>"
            f"<h1>{title}</h1>\n{items}\n")
    with atomic_path(Path(out_dir) / "index.html") as tmp:
        tmp.write_text(page, encoding="utf-8")


def time_table(rows, failed=()):
    """The figures' times, slowest first, and the total: what ``cv2course figures`` prints at the end."""
    width = max([len(r["name"]) for r in rows] + [len(n) for n in failed] + [6])
    lines = [f"{'figure':{width}s}  {'seconds':>8s}  lecture"]
    for r in sorted(rows, key=lambda r: -r["seconds"]):
        lines.append(f"{r['name']:{width}s}  {r['seconds']:8.1f}  {r['lecture']}")
    lines += [f"{name:{width}s}  {'FAILED':>8s}" for name in failed]
    lines.append(f"{'total':{width}s}  {sum(r['seconds'] for r in rows):8.1f}  {len(rows)} figure(s)")
    return "\n".join(lines)


def output_folder(path):
    """The output folder, created if missing; an existing file there is an error, not a traceback."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise ValueError(f"-o/--output {str(out)!r} is a file; give a folder for the figures "
                         f"(it is created if missing), e.g. -o {out.with_suffix('')}_figures/")
    out.mkdir(parents=True, exist_ok=True)
    return out


def run(args):
    from cv2course import settings
    from cv2course.cli import writing
    from cv2course.figures import load_all, render

    if args.preview:
        settings.set_preview(True)
    specs = load_all()
    if args.list:
        from cv2course.i18n import tr

        for spec in specs.values():
            print(f"{spec.name:28s} {spec.kind:6s} {spec.lecture:14s} {tr(spec.caption)}")
        return 0
    if not args.output:
        raise ValueError("give -o/--output DIR for the figures (or --list to see their names)")
    names = args.only or list(specs)
    unknown = [n for n in names if n not in specs]
    if unknown:
        raise ValueError(f"unknown figure(s) {unknown}; known figures: {sorted(specs)}")
    with writing(args.output):
        out = output_folder(args.output)
    rows, failed = [], []
    for name in names:
        t0 = time.perf_counter()
        try:
            path = render(name, out, seed=args.seed)
        except Exception as exc:  # one broken figure must not stop the others
            failed.append(name)
            print(f"FAILED {name}: {type(exc).__name__}: {exc}", flush=True)
            continue
        seconds = time.perf_counter() - t0
        rows.append({"name": name, "file": path.name, "caption": specs[name].caption,
                     "lecture": specs[name].lecture, "seconds": seconds})
        print(f"{seconds:7.1f} s  {path}", flush=True)
    with writing(out / "index.html"):
        write_index(out, rows)
    print()
    print(time_table(rows, failed))
    print(f"{len(rows)} figure(s) in {sum(r['seconds'] for r in rows):.1f} s; index: {out / 'index.html'}")
    if failed:
        print(f"{len(failed)} figure(s) failed: {failed}")
        return 1
    return 0


def register(sub):
    p = sub.add_parser("figures", help="regenerate the slide figures (PNG for images, SVG for plots)",
                       description="Regenerate the slide figures: 300-dpi PNG for images, SVG for plots, "
                                   "an index.html, and a table of each figure's time.")
    p.add_argument("-o", "--output", metavar="DIR", help="output folder (created if missing); --out works too")
    p.add_argument("--only", nargs="+", metavar="NAME", help="only these figures")
    p.add_argument("--list", action="store_true", help="list the figures and exit")
    p.add_argument("--preview", action="store_true",
                   help="quick mode, except that the pictures a first look judges (style transfer, texture "
                        "synthesis, filter visualisations ...) get enough pixels and steps to be recognisable: "
                        "about 3 minutes on 2 cores; with --quick or CV2COURSE_QUICK=1 it is plain quick mode")
    p.set_defaults(func=run)
