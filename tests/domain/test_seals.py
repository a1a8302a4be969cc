"""The sealing bindings: the exact strings every stored ciphertext was sealed under, and
values sealed before this module existed still open with them."""

import pytest
from cryptography.exceptions import InvalidTag

from tenderapp.domain import seals
from tenderapp.sealing import Sealer

SECRET = bytes(range(32))
SHA = "ab" * 32
RECEIPT = "TA-AAAA-BBBB-CCCC-DDDD"
# Sealed with the code as it stood before the bindings moved here (tender 7, supplier 12, user 3).
SEALED_BEFORE = {
    "draft": "68ba251ae886d97447f7db6c56ebc5e9d6fc159412a7ea0c2e0bd8269f51584af22004150ffbcf1142a1",
    "submission": "c30d72cc49de5491587bc9e109c8d4e9bd01cd424e6dea1c0c641a783f2b6f01c0d331",
    "attachment": "546f75afd83e8d019af639320e317a6e28a25f3ced9491e2af3b7af6215fe90b",
    "attachment name": "5154e3af2b011b5d6d3fc611e4e964915977a126c41b5f5541fcf9bc1597ae0a70ce17245d10",
    "totp": "d9d9d6673ed3e183d7962a5d7218322d31a3c16e41412f22114d6183d3313c2a56c3097e2a3d3a1c4006e1ca",
}


def test_the_bindings_are_the_strings_stored_ciphertexts_were_sealed_under():
    assert seals.draft_binding(7, 12) == "draft:7:12"
    assert seals.submission_binding(7, 12, RECEIPT) == f"submission:7:12:{RECEIPT}"
    assert seals.attachment_binding(7, 12, SHA) == f"attachment:7:12:{SHA}"
    assert seals.attachment_name_binding(7, 12, SHA) == f"attachment-name:7:12:{SHA}"
    assert seals.totp_secret_binding(3) == "totp:3"


@pytest.mark.parametrize("kind, binding, plaintext", [
    ("draft", seals.draft_binding(7, 12), b'{"prices": {}}'),
    ("submission", seals.submission_binding(7, 12, RECEIPT), b"content"),
    ("attachment", seals.attachment_binding(7, 12, SHA), b"file"),
    ("attachment name", seals.attachment_name_binding(7, 12, SHA), b"method.pdf"),
])
def test_bid_content_sealed_before_still_opens(kind, binding, plaintext):
    assert Sealer(SECRET).open(7, bytes.fromhex(SEALED_BEFORE[kind]), binding) == plaintext


def test_a_two_factor_secret_sealed_before_still_opens():
    from tenderapp.services.two_factor import PURPOSE

    sealed = bytes.fromhex(SEALED_BEFORE["totp"])
    assert Sealer(SECRET).open_value(PURPOSE, sealed, seals.totp_secret_binding(3)) == b"JBSWY3DPEHPK3PXP"


def test_a_value_does_not_open_under_another_bids_binding():
    sealed = bytes.fromhex(SEALED_BEFORE["draft"])
    with pytest.raises(InvalidTag):
        Sealer(SECRET).open(7, sealed, seals.draft_binding(7, 13))


OTHER = bytes(range(32, 64))


def test_a_value_records_the_secret_that_sealed_it():
    from tenderapp.sealing import ENVELOPE_VERSION, key_id, sealed_key_id

    sealed = Sealer(SECRET).seal(7, b"price", seals.draft_binding(7, 12))
    assert sealed[0] == ENVELOPE_VERSION and sealed_key_id(sealed) == key_id(SECRET) != key_id(OTHER)
    assert SECRET not in sealed and sealed_key_id(bytes.fromhex(SEALED_BEFORE["draft"])) is None


def test_after_rotation_the_new_secret_seals_and_the_previous_still_opens():
    from tenderapp.sealing import UnknownSealingKey

    binding = seals.draft_binding(7, 12)
    under_old = Sealer(SECRET).seal(7, b"price", binding)
    rotated = Sealer(OTHER, [SECRET])
    assert rotated.open(7, under_old, binding) == b"price" and rotated.rotating
    assert not rotated.is_current(under_old)
    under_new = rotated.seal(7, b"price", binding)
    assert rotated.is_current(under_new) and Sealer(OTHER).open(7, under_new, binding) == b"price"
    with pytest.raises(UnknownSealingKey):
        Sealer(OTHER).open(7, under_old, binding)
    with pytest.raises(InvalidTag):  # nor can an old server read what the new secret sealed
        Sealer(SECRET).open(7, under_new, binding)


def test_values_sealed_before_envelopes_open_under_a_previous_secret():
    rotated = Sealer(OTHER, [SECRET])
    binding = seals.draft_binding(7, 12)
    assert rotated.open(7, bytes.fromhex(SEALED_BEFORE["draft"]), binding) == b'{"prices": {}}'
    resealed = rotated.reseal(7, bytes.fromhex(SEALED_BEFORE["draft"]), binding)
    assert Sealer(OTHER).open(7, resealed, binding) == b'{"prices": {}}'
    assert rotated.reseal(7, resealed, binding) is None


def test_an_altered_envelope_does_not_open():
    binding = seals.draft_binding(7, 12)
    sealed = bytearray(Sealer(SECRET).seal(7, b"price", binding))
    sealed[-1] ^= 1
    with pytest.raises(InvalidTag):
        Sealer(OTHER, [SECRET]).open(7, bytes(sealed), binding)
