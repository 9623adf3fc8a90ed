"""``cv2course grade NOTEBOOK [--json] [--timeout S]``: score a student's exercise notebook."""
import json


def run(args):
    from cv2course.exercises.grader import grade

    report = grade(args.notebook, timeout=args.timeout, total_timeout=args.total_timeout)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    marks = {"passed": "✓", "failed": "✗", "not attempted": "·", "not run": "✗"}
    for name, entry in report["exercises"].items():
        line = f"{marks[entry['status']]} {name:28s} {entry['points']}  {entry['status']}"
        print(line + ("" if entry["status"] == "passed" else f" — {entry['message']}"))
    print(f"score: {report['score']} / {report['max_score']}")
    return 0


def register(sub):
    p = sub.add_parser("grade", help="run a student's notebook in a separate process and score each exercise")
    p.add_argument("notebook", help="the .ipynb file to grade")
    p.add_argument("--json", action="store_true", help="print the report as JSON (for an autograder)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds allowed per cell (default 60)")
    p.add_argument("--total-timeout", type=float, default=None,
                   help="seconds allowed for the whole notebook (default: from the cell timeout)")
    p.set_defaults(func=run)
