"""Rules for uploaded documents: the type is read from the content, never the name."""

import re
import unicodedata

from tenderapp.domain.errors import RuleViolation

PDF_MAGIC = b"%PDF-"
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def check_pdf(content: bytes, field: str, max_bytes: int = MAX_DOCUMENT_BYTES) -> None:
    """Raises RuleViolation when ``content`` is empty, too large, or not a PDF."""
    if not content:
        raise RuleViolation("The selected file is empty", field=field)
    if len(content) > max_bytes:
        raise RuleViolation(f"The selected file must be smaller than {max_bytes // (1024 * 1024)}MB", field=field)
    if not content.startswith(PDF_MAGIC):
        raise RuleViolation("The selected file must be a PDF", field=field)


def safe_filename(name: str | None, default: str = "document.pdf") -> str:
    """A display name with any folder part, control characters and odd punctuation removed."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFKC", name)
    name = re.sub(r"[^\w .()\-]", "_", name).strip(" .")
    return name[:200] or default
