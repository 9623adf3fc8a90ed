"""One BLAS thread for small matrices.

On a busy CPU, multi-threaded OpenBLAS spin-waits between the many small steps of an
eigen-decomposition or a loop of small products: a 128x128 ``eigh`` measured 0.5 s with two
threads against 0.004 s with one. Large problems keep all threads.
"""
import contextlib

_controller = None


def small_blas(size, threshold=512):
    """Context manager limiting BLAS to one thread when ``size`` (a dimension) is below ``threshold``."""
    global _controller
    if size >= threshold:
        return contextlib.nullcontext()
    if _controller is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
            return contextlib.nullcontext()
        # Found once: scanning the loaded libraries costs milliseconds per call otherwise.
        # Libraries loaded later (e.g. by TensorFlow) are not seen; NumPy's/SciPy's OpenBLAS is.
        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="blas")
