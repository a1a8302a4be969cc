"""The one rule for opening an uploaded zip (an Office document, a filled pricing workbook)
safely: what its central directory declares is checked against limits before any entry is
unpacked, and an entry is then only ever read up to a stated number of bytes."""

import io
import zipfile
import zlib
from dataclasses import dataclass

# What a damaged, odd or hostile zip makes zipfile (or its decompressors) raise.
_UNREADABLE = (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, ValueError, OSError, EOFError,
               KeyError)


class ArchiveUnreadable(Exception):
    """The bytes are not a zip that can be read: damaged, encrypted or of an unknown kind."""


class ArchiveTooLarge(Exception):
    """The zip declares, or turns out to hold, more than its limits allow."""


@dataclass(frozen=True)
class ZipLimits:
    entries: int  # files and folders in the zip
    unpacked_bytes: int  # all entries together, unpacked
    entry_bytes: int | None = None  # any one entry, unpacked
    ratio: int | None = None  # unpacked size to packed size, for an entry over ``ratio_from`` bytes
    ratio_from: int = 1024 * 1024


def _over_limits(entries: list[zipfile.ZipInfo], limits: ZipLimits) -> bool:
    if len(entries) > limits.entries or sum(e.file_size for e in entries) > limits.unpacked_bytes:
        return True
    if limits.entry_bytes is not None and any(e.file_size > limits.entry_bytes for e in entries):
        return True
    return limits.ratio is not None and any(
        e.file_size > limits.ratio_from and e.file_size > limits.ratio * max(e.compress_size, 1) for e in entries)


def open_zip(data: bytes, limits: ZipLimits) -> zipfile.ZipFile:
    """The zip in ``data``, opened, once its central directory is within ``limits``. Raises
    ArchiveUnreadable when it is not a readable zip, and ArchiveTooLarge when it declares more
    entries, or more unpacked bytes in all or in one of them, than the limits allow, or an entry
    packed more tightly than the ratio allows (as a zip bomb is)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except _UNREADABLE as error:
        raise ArchiveUnreadable() from error
    if _over_limits(entries, limits):
        archive.close()
        raise ArchiveTooLarge()
    return archive


def read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, max_bytes: int) -> bytes:
    """The first ``max_bytes`` bytes of ``entry`` unpacked (all of it when shorter), whatever size
    it declares. Raises ArchiveUnreadable when it cannot be unpacked (damaged or encrypted)."""
    if entry.flag_bits & 0x1:
        raise ArchiveUnreadable()  # encrypted: reading it would need a password
    try:
        with archive.open(entry) as unpacked:
            return unpacked.read(max_bytes)
    except _UNREADABLE as error:
        raise ArchiveUnreadable() from error


def read_whole_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, max_bytes: int) -> bytes:
    """All of ``entry`` unpacked. Raises ArchiveTooLarge as soon as more than ``max_bytes`` come
    out (unpacking stops there), and ArchiveUnreadable when it cannot be unpacked."""
    content = read_entry(archive, entry, max_bytes + 1)
    if len(content) > max_bytes:
        raise ArchiveTooLarge()
    return content
