"""``cv2course figures --out DIR``: regenerate every slide figure and an index.html."""
import html
import time
from pathlib import Path


def write_index(out_dir, rows):
    """index.html listing every figure with its caption (written atomically)."""
    from cv2course.atomic import atomic_path

    items = "\n".join(
        f'<figure id="{html.escape(r["name"])}"><img src="{html.escape(r["file"])}" style="max-width:100%">'
        f'<figcaption><b>{html.escape(r["name"])}</b> ({html.escape(r["lecture"])}): {html.escape(r["caption"])}'
        f"</figcaption></figure>" for r in rows)
    page = (f"<!doctype html><meta charset='utf-8'><title>cv2course slide figures</title>"
            f"<h1>cv2course slide figures</h1>\n{items}\n")
    with atomic_path(Path(out_dir) / "index.html") as tmp:
        tmp.write_text(page, encoding="utf-8")


def run(args):
    from cv2course.figures import load_all, render

    specs = load_all()
    if args.list:
        for spec in specs.values():
            print(f"{spec.name:28s} {spec.kind:6s} {spec.lecture:14s} {spec.caption}")
        return 0
    if not args.out:
        raise ValueError("give --out DIR for the figures (or --list to see their names)")
    names = args.only or list(specs)
    unknown = [n for n in names if n not in specs]
    if unknown:
        raise ValueError(f"unknown figure(s) {unknown}; known figures: {sorted(specs)}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
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
    write_index(out, rows)
    total = sum(r["seconds"] for r in rows)
    print(f"{len(rows)} figure(s) in {total:.1f} s; index: {out / 'index.html'}")
    if failed:
        print(f"{len(failed)} figure(s) failed: {failed}")
        return 1
    return 0


def register(sub):
    p = sub.add_parser("figures", help="regenerate the slide figures (PNG for images, SVG for plots)")
    p.add_argument("--out", help="output folder")
    p.add_argument("--only", nargs="+", metavar="NAME", help="only these figures")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same figures)")
    p.add_argument("--list", action="store_true", help="list the figures and exit")
    p.set_defaults(func=run)
