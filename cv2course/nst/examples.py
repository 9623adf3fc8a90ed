"""Example images for style transfer that work offline.

The lecture's pair is a photo of Tübingen and Van Gogh's *The Starry Night*; they are used
when present in ``<data folder>/nst/`` (``cv2course.settings.data_dir()``, e.g. copy
``tuebingen.jpg`` and ``starry_night.jpg`` there). Otherwise the embedded scikit-image
photos stand in: the cat Chelsea painted in the colours and strokes of a stained tissue
micrograph (immunohistochemistry); the textures (gravel, brick, grass) serve for texture synthesis.
"""
from cv2course import settings

LECTURE_PAIR = ("tuebingen.jpg", "starry_night.jpg")
FALLBACK_PAIR = ("chelsea", "immunohistochemistry")


def example_pair(size=None):
    """(content, style, (content name, style name)): float32 HWC [0, 1], longer side ``size``."""
    from cv2course.data import image_from, resize_image
    from cv2course.nst.transfer import long_side_size

    folder = settings.data_dir() / "nst"
    paths = [folder / name for name in LECTURE_PAIR]
    specs = [str(p) for p in paths] if all(p.is_file() for p in paths) else list(FALLBACK_PAIR)
    images = []
    for spec in specs:
        img = image_from(spec)
        images.append(resize_image(img, long_side_size(img, size)) if size else img)
    names = tuple(s.rsplit("/", 1)[-1].rsplit(".", 1)[0] for s in specs)
    return images[0], images[1], names
