"""What each sealed value is bound to: the associated data of its AES-GCM ciphertext
(see ``tenderapp.sealing``). A ciphertext opens only with the very binding it was sealed
under, so a draft, a submission or a file cannot be moved to another bid, tender or user.

These strings are part of every ciphertext already stored: changing one by a single
character makes every bid, file and two-factor secret sealed before unreadable. Build them
here and nowhere else.
"""


def draft_binding(tender_id: int, organisation_id: int) -> str:
    """A supplier's draft bid for a tender."""
    return f"draft:{tender_id}:{organisation_id}"


def submission_binding(tender_id: int, organisation_id: int, receipt: str) -> str:
    """One submitted version of a bid, by its receipt id."""
    return f"submission:{tender_id}:{organisation_id}:{receipt}"


def attachment_binding(tender_id: int, organisation_id: int, sha256: str) -> str:
    """The content of a file attached to a bid, by the file's SHA-256."""
    return f"attachment:{tender_id}:{organisation_id}:{sha256}"


def attachment_name_binding(tender_id: int, organisation_id: int, sha256: str) -> str:
    """The name of a file attached to a bid (names can tell prices, so they are sealed too)."""
    return f"attachment-name:{tender_id}:{organisation_id}:{sha256}"


def totp_secret_binding(user_id: int) -> str:
    """A person's two-factor (TOTP) secret."""
    return f"totp:{user_id}"
