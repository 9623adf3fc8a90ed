"""Image grids, figure export (300-dpi PNG for images, SVG for plots) and GIFs."""
from pathlib import Path

import numpy as np

from cv2course.atomic import atomic_path


def _to_display(images):
    arr = np.asarray(images, dtype=np.float32)
    if arr.ndim == 3:  # one image or a stack of gray images
        arr = arr[None] if arr.shape[-1] in (1, 3, 4) else arr[..., None]
    if arr.ndim != 4:
        raise ValueError(f"images must be (n, h, w, c) or (n, h, w), got shape {np.shape(images)}")
    if arr.size and (arr.min() < -1e-3):  # [-1, 1] images are shown in [0, 1]
        arr = (arr + 1.0) / 2.0
    return np.clip(arr, 0.0, 1.0)


def image_grid(images, nrows=None, ncols=None, pad=1, pad_value=1.0):
    """Tile (n, h, w, c) images into one (H, W, c) array, row by row.

    Images in [-1, 1] are mapped to [0, 1]; ``ncols`` defaults to ceil(sqrt(n)).
    """
    arr = _to_display(images)
    n, h, w, c = arr.shape
    if n == 0:
        raise ValueError("images is empty; give at least one image")
    if ncols is None:
        ncols = int(np.ceil(np.sqrt(n))) if nrows is None else int(np.ceil(n / nrows))
    if nrows is None:
        nrows = int(np.ceil(n / ncols))
    if nrows * ncols < n:
        raise ValueError(f"a {nrows}x{ncols} grid cannot hold {n} images")
    grid = np.full((nrows * h + (nrows - 1) * pad, ncols * w + (ncols - 1) * pad, c), pad_value, np.float32)
    for i in range(n):
        r, col = divmod(i, ncols)
        grid[r * (h + pad): r * (h + pad) + h, col * (w + pad): col * (w + pad) + w] = arr[i]
    return grid


def show_images(images, titles=None, ncols=None, size=2.0, suptitle=None, cmap=None):
    """A matplotlib figure of images side by side with optional titles (captions)."""
    import matplotlib.pyplot as plt

    arr = _to_display(images)
    n = len(arr)
    ncols = ncols or min(n, 8)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + (0.4 if suptitle else 0)),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            img = arr[i, ..., 0] if arr.shape[-1] == 1 else arr[i]
            ax.imshow(img, cmap=cmap or ("gray" if arr.shape[-1] == 1 else None), vmin=0, vmax=1,
                      interpolation="nearest" if arr.shape[1] <= 64 else "antialiased")
            if titles is not None and i < len(titles):
                ax.set_title(str(titles[i]), fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def save_figure(fig, path, kind=None, close=True):
    """Save a matplotlib figure atomically: ``kind="image"`` -> 300-dpi PNG, ``"plot"`` -> SVG.

    Without ``kind`` the extension of ``path`` decides. The SVG is written with a fixed
    hash salt and no date, so the same figure gives the same bytes.
    """
    import matplotlib
    import matplotlib.pyplot as plt

    path = Path(path)
    if kind is not None:
        if kind not in ("image", "plot"):
            raise ValueError(f"kind must be 'image' (PNG) or 'plot' (SVG), got {kind!r}")
        path = path.with_suffix(".png" if kind == "image" else ".svg")
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise ValueError(f"path must end in .png, .svg or .pdf, got {str(path)!r}")
    with matplotlib.rc_context({"svg.hashsalt": "cv2course"}):
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=300, bbox_inches="tight", metadata={"Date": None} if path.suffix != ".png"
                        else {"Software": None})
    if close:
        plt.close(fig)
    return path


def save_gif(frames, path, duration=0.1, loop=0):
    """Write frames (a list or (n, h, w, c) array, float [0, 1]) as an animated GIF, atomically."""
    from PIL import Image

    from cv2course.data.images import to_uint8

    arr = _to_display(np.asarray(frames))
    if len(arr) == 0:
        raise ValueError("frames is empty; give at least one frame")
    pics = [Image.fromarray(to_uint8(f[..., 0] if f.shape[-1] == 1 else f[..., :3])) for f in arr]
    path = Path(path)
    if path.suffix.lower() != ".gif":
        raise ValueError(f"path must end in .gif, got {str(path)!r}")
    with atomic_path(path) as tmp:
        pics[0].save(tmp, save_all=True, append_images=pics[1:], duration=int(duration * 1000), loop=loop)
    return path
