"""matplotlib for every picture the toolkit draws (the ``plot`` extra): one import rule, one save rule."""
from __future__ import annotations

from .errors import CostModelError


def pyplot(hint: str = ""):
    """matplotlib.pyplot on the file-only Agg backend; one clear error when matplotlib is not installed."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        from .extras import missing
        raise missing("matplotlib", "plots" + (f" ({hint})" if hint else "")) from None
    return plt


def save(fig, path, dpi: int = 100) -> None:
    """Write `fig` to `path` (format from the suffix) and close it; CostModelError naming the path if unwritable."""
    import matplotlib.pyplot as plt
    try:
        fig.savefig(path, dpi=dpi)
    except OSError as e:
        raise CostModelError(f"cannot write {path}: {e.strerror}") from None
    finally:
        plt.close(fig)
