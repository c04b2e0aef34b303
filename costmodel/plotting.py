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
    """Write `fig` to `path` (format from the suffix, else PNG) atomically and close it; CostModelError naming the
    path if unwritable."""
    import matplotlib.pyplot as plt

    from .userfiles import writing_path
    fmt = str(path).rsplit(".", 1)[-1].lower() if "." in str(path) else "png"
    fmt = fmt if fmt in fig.canvas.get_supported_filetypes() else "png"
    try:
        with writing_path(path, "picture") as tmp:     # whole or not at all (a full disk leaves nothing)
            fig.savefig(tmp, dpi=dpi, format=fmt)
    finally:
        plt.close(fig)
