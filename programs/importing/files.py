"""Reading the official CSV files: gzip or plain, byte-order marks, required columns, line numbers."""

from __future__ import annotations

import csv
import datetime
import gzip
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator


class ImportFileError(Exception):
    """A source file that cannot be loaded; names the file, the line and the problem."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        self.path = Path(path)
        self.line = line
        self.problem = problem
        where = f"{self.path.name}, line {line}" if line else self.path.name
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Row:
    """One data row with its 1-based physical line number in the file (the header is line 1)."""

    path: Path
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column].strip()

    def error(self, problem: str) -> ImportFileError:
        return ImportFileError(self.path, self.line, problem)

    def parse[T](self, column: str, parser: Callable[[str], T]) -> T:
        """Run `parser` on a column; a ValueError becomes an error naming the file and line."""
        try:
            return parser(self[column])
        except ValueError as exc:
            raise self.error(f"{column} {self[column]!r}: {exc}") from None


def _open_binary(path: Path) -> BinaryIO:
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


# A quote inside a quoted field that is neither doubled nor next to a field separator: the official
# CIP file writes `titled "Security and Protective Services" in` inside a quoted definition.
_STRAY_QUOTE = re.compile(r'(?<=[^,"])"(?=[^,"\r\n])')


def _text_lines(path: Path, handle: BinaryIO, *, stray_quotes: bool) -> Iterator[str]:
    """Decode line by line, so a byte that is not UTF-8 is reported with its line number."""
    for number, raw in enumerate(handle, start=1):
        try:
            # utf-8-sig drops the byte-order mark that IPEDS puts at the start of HD.
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            problem = f"not UTF-8 text ({exc.reason} at byte {exc.start + 1} of the line)"
            raise ImportFileError(path, number, problem) from None
        yield _STRAY_QUOTE.sub('""', text) if stray_quotes else text


def read_rows(path: Path, required: set[str], *, stray_quotes: bool = False) -> Iterator[Row]:
    """Yield the rows of a CSV file, checking the header and the shape of every line.

    `stray_quotes` reads a lone quote inside a quoted field as a literal quote (the CIP file).
    """
    if not path.is_file():
        raise ImportFileError(path, None, "file not found")
    try:
        with _open_binary(path) as handle:
            reader = csv.reader(_text_lines(path, handle, stray_quotes=stray_quotes), strict=True)
            header = next(reader, None)
            if not header:
                raise ImportFileError(path, 1, "the file is empty; expected a header row")
            header = [name.strip() for name in header]
            missing = sorted(required - set(header))
            if missing:
                raise ImportFileError(
                    path, 1, f"missing column(s) {', '.join(missing)}; is this the right file?"
                )
            line = reader.line_num
            try:
                for values in reader:
                    start, line = line + 1, reader.line_num
                    if not values or values == [""]:
                        continue
                    if len(values) != len(header):
                        problem = f"expected {len(header)} fields, found {len(values)}"
                        raise ImportFileError(path, start, problem)
                    yield Row(path, start, dict(zip(header, values, strict=True)))
            except csv.Error as exc:
                raise ImportFileError(path, line + 1, f"not valid CSV: {exc}") from None
    except csv.Error as exc:
        raise ImportFileError(path, 1, f"not valid CSV: {exc}") from None
    except (OSError, EOFError, zlib.error) as exc:
        # A truncated or corrupt gzip file, or one that is not gzip at all.
        raise ImportFileError(path, None, f"cannot be read: {exc}") from None


# Parsers: each takes the stripped cell text and raises ValueError with a plain message.


IPEDS_NOT_REPORTED = {-1, -2, -3}


def ipeds_int(text: str) -> int | None:
    """A count or code; empty or a negative IPEDS code (-1, -2, -3) means not reported.

    Whole numbers written as decimals ("7.0", as College Scorecard writes them) are accepted.
    """
    if text == "":
        return None
    try:
        value = int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            raise ValueError("is not a number") from None
        if not number.is_integer():
            raise ValueError("is not a whole number") from None
        value = int(number)
    if value in IPEDS_NOT_REPORTED:
        return None
    if value < 0:
        raise ValueError("is negative and not an IPEDS code for 'not reported' (-1, -2, -3)")
    return value


def required_int(text: str) -> int:
    value = ipeds_int(text)
    if value is None:
        raise ValueError("is required")
    return value


def decimal_degrees(limit: float) -> Callable[[str], float | None]:
    def parse(text: str) -> float | None:
        if text == "":
            return None
        try:
            value = float(text)
        except ValueError:
            raise ValueError("is not a number") from None
        if not -limit <= value <= limit:
            raise ValueError(f"is outside -{limit:g} to {limit:g}")
        return value

    return parse


latitude = decimal_degrees(90)
longitude = decimal_degrees(180)

_ZIP = re.compile(r"^(\d{5})(?:-?\d{4})?$")


def zip5(text: str) -> str:
    """The 5-digit ZIP code of a ZIP or ZIP+4 (with or without the hyphen)."""
    if text == "":
        return ""
    match = _ZIP.match(text)
    if not match:
        raise ValueError("is not a ZIP code")
    return match.group(1)


_url_validator = URLValidator(schemes=["http", "https"])


def website(text: str) -> str:
    """A web address with a scheme; IPEDS often leaves it out. Unusable addresses become blank."""
    text = text.strip()
    if not text or text in {"-1", "-2", "-3"}:
        return ""
    if "://" not in text:
        text = f"https://{text}"
    try:
        _url_validator(text)
    except ValidationError:
        return ""
    parts = urlsplit(text)
    return text if parts.hostname else ""


def us_date(text: str) -> datetime.date | None:
    """M/D/YYYY, optionally followed by a time (DAPIP writes '1/26/2018 12:00:00 AM')."""
    if text in {"", "-1", "-2", "-3"}:
        return None
    try:
        return datetime.datetime.strptime(text.split(" ")[0], "%m/%d/%Y").date()
    except ValueError:
        raise ValueError("is not a date (M/D/YYYY)") from None


_CIP = re.compile(r"^\d{2}\.\d{4}$")


def cip6(text: str) -> str:
    """A 6-digit CIP code as NN.NNNN; the CIP file and C_A sometimes drop leading zeros."""
    text = text.strip().strip("=").strip('"')
    if re.match(r"^\d\.\d{4}$", text):
        text = f"0{text}"
    if not _CIP.match(text):
        raise ValueError("is not a 6-digit CIP code (NN.NNNN)")
    return text
