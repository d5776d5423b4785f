"""Small slices of the official files (see README.md), laid out like programs/data for the importer."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Callable
from pathlib import Path

SLICES = Path(__file__).resolve().parent
# Stored plain here so they can be read in review; gzipped in programs/data, as the importer expects.
GZIPPED = {"ipeds/hd2024.csv", "ipeds/c2024_a.csv", "accreditation/dapip_accreditation_2020.csv"}


def copy_slices(folder: Path) -> Path:
    """Write the slices into `folder` with the official names, gzipping the files shipped gzipped."""
    for source in SLICES.rglob("*.csv"):
        relative = source.relative_to(SLICES).as_posix()
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if relative in GZIPPED:
            with gzip.open(target.with_name(f"{target.name}.gz"), "wb") as out:
                out.write(source.read_bytes())
        else:
            shutil.copyfile(source, target)
    return folder


def path_in(folder: Path, relative: str) -> Path:
    """The file a test folder holds for a slice name such as "ipeds/hd2024.csv"."""
    return folder / (f"{relative}.gz" if relative in GZIPPED else relative)


def read_slice(folder: Path, relative: str) -> bytes:
    path = path_in(folder, relative)
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


def rewrite_slice(folder: Path, relative: str, change: Callable[[bytes], bytes]) -> Path:
    """Replace a copied slice with `change(content)`: how tests corrupt a real file or edit a value."""
    path = path_in(folder, relative)
    content = change(read_slice(folder, relative))
    path.write_bytes(gzip.compress(content) if path.suffix == ".gz" else content)
    return path
