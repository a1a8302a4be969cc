"""Opening an uploaded zip: its directory is checked against limits before anything is unpacked,
and what comes out of an entry never exceeds a cap, whatever size the zip declares."""

import io
import struct
import zipfile

import pytest

from tenderapp.domain.archives import ArchiveTooLarge, ArchiveUnreadable, ZipLimits, open_zip, read_whole_entry

ROOMY = ZipLimits(entries=10, unpacked_bytes=10 * 1024 * 1024)


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def understated(data: bytes, size: int) -> bytes:
    """``data`` (a zip of one entry) with its directory declaring ``size`` unpacked bytes."""
    at = data.index(b"PK\x01\x02") + 24
    return data[:at] + struct.pack("<I", size) + data[at + 4:]


@pytest.mark.parametrize(("limits", "entries"), [
    (ZipLimits(entries=2, unpacked_bytes=10**9), {"a": b"", "b": b"", "c": b""}),
    (ZipLimits(entries=10, unpacked_bytes=1000), {"a": b"x" * 600, "b": b"x" * 600}),
    (ZipLimits(entries=10, unpacked_bytes=10**9, entry_bytes=500), {"a": b"x" * 501}),
    (ZipLimits(entries=10, unpacked_bytes=10**9, ratio=100, ratio_from=1000), {"a": bytes(100_000)}),
])
def test_a_zip_over_any_limit_is_refused_from_its_directory(limits, entries):
    with pytest.raises(ArchiveTooLarge):
        open_zip(zipped(entries), limits)


def test_a_zip_within_its_limits_opens_and_a_small_well_packed_entry_is_no_bomb():
    limits = ZipLimits(entries=3, unpacked_bytes=1000, entry_bytes=600, ratio=100, ratio_from=1000)
    with open_zip(zipped({"a": bytes(600), "b": b"x" * 400}), limits) as archive:
        assert read_whole_entry(archive, archive.getinfo("a"), 600) == bytes(600)


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 truncated", b"%PDF-1.4", zipped({"a": b"x"})[:-10]])
def test_what_is_not_a_readable_zip_is_refused_as_unreadable(data):
    with pytest.raises(ArchiveUnreadable):
        open_zip(data, ROOMY)


def test_an_entry_that_unpacks_to_more_than_its_cap_stops_there():
    with open_zip(zipped({"a": bytes(3 * 1024 * 1024)}), ROOMY) as archive, pytest.raises(ArchiveTooLarge):
        read_whole_entry(archive, archive.getinfo("a"), 1024 * 1024)


def test_an_entry_that_declares_less_than_it_holds_gives_no_more_than_it_declared():
    lying = understated(zipped({"a": bytes(5 * 1024 * 1024)}), 1000)
    with open_zip(lying, ZipLimits(entries=1, unpacked_bytes=2000)) as archive:
        try:
            content = read_whole_entry(archive, archive.getinfo("a"), 1024 * 1024)
        except ArchiveUnreadable:  # its checksum gives the lie away
            return
    assert len(content) <= 1000


def test_an_encrypted_entry_is_unreadable():
    data = bytearray(zipped({"a": b"secret"}))
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature) + flags_at
        data[at] |= 0x1
    with open_zip(bytes(data), ROOMY) as archive, pytest.raises(ArchiveUnreadable):
        read_whole_entry(archive, archive.getinfo("a"), 100)
