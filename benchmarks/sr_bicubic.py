"""Bicubic baseline on Set5 and Set14 at x2/x3/x4 from the provided LR images (validates psnr/ssim).

    python benchmarks/sr_bicubic.py --data ../shared/data/sr

Expected (papers' protocol, Y channel, scale pixels shaved): Set5 33.67 / 30.40 / 28.43 dB.
"""
import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="folder with Set5/ and Set14/ (x{2,3,4}/ *_HR.png, *_LR.png)")
    parser.add_argument("--sets", nargs="+", default=["Set5", "Set14"])
    parser.add_argument("--method", default="bicubic", choices=("nearest", "bilinear", "bicubic"))
    args = parser.parse_args()
    from cv2course.sr.evaluate import evaluate

    print(f"{args.method} upscaling of the provided LR images; PSNR (dB) / SSIM on Y, scale pixels shaved")
    print(f"{'set':<6} {'x2':>16} {'x3':>16} {'x4':>16}  seconds")
    for name in args.sets:
        cells, t0 = [], time.perf_counter()
        for scale in (2, 3, 4):
            s = evaluate(args.method, Path(args.data) / name, scale)
            cells.append(f"{s.mean_psnr:8.2f}/{s.mean_ssim:.4f}")
        print(f"{name:<6} {' '.join(cells)}  {time.perf_counter() - t0:7.1f}")


if __name__ == "__main__":
    main()
