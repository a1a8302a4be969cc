"""Registered organisation identifiers: a scheme from org-id.guide and the id that scheme's
register gives the organisation, checked against the scheme's format. The OCDS party id is
the organisation's first identifier in ``SCHEMES`` order; the others are additional."""

import re
from dataclasses import dataclass

from tenderapp.domain.errors import RuleViolation


@dataclass(frozen=True)
class Scheme:
    """A register of organisations, as org-id.guide lists it."""

    code: str  # the org-id.guide prefix, such as GB-COH
    name: str  # what a person calls the identifier
    register: str
    pattern: str
    example: str
    field: str  # the form field that takes it

    def check(self, value: str | None) -> str | None:
        """The identifier in its register's form (upper case, no spaces), or None when left
        blank. Raises RuleViolation, naming the expected form, when it is not one."""
        text = re.sub(r"\s+", "", value or "").upper()
        if not text:
            return None
        if not re.fullmatch(self.pattern, text):
            raise RuleViolation(f"Enter a {self.name} in the correct format, like {self.example}", self.field)
        return text


SCHEMES: tuple[Scheme, ...] = (
    Scheme("GB-LAE", "local authority code", "Local Authorities (England) register", r"[A-Z]{3}", "KEN",
           "gb_lae"),
    Scheme("GB-NHS", "NHS organisation code", "NHS Organisation Data Service", r"[A-Z0-9]{3,6}", "09C or RYJ",
           "gb_nhs"),
    Scheme("GB-COH", "Companies House number", "Companies House", r"\d{8}|[A-Z]{2}\d{6}",
           "01234567 or SC123456", "gb_coh"),
    Scheme("GB-CHC", "charity number", "Charity Commission for England and Wales", r"\d{6,7}", "1123456",
           "gb_chc"),
    Scheme("GB-SC", "Scottish charity number", "Scottish Charity Register", r"SC\d{6}", "SC012345", "gb_sc"),
    Scheme("GB-EDU", "school URN", "Department for Education (Get Information about Schools)", r"\d{6}",
           "100000", "gb_edu"),
    Scheme("GB-PPON", "Public Procurement Organisation Number", "Central Digital Platform",
           r"P[A-Z]{3}-\d{4}-[A-Z]{4}", "PABC-1234-DEFG", "gb_ppon"),
)
BY_CODE = {scheme.code: scheme for scheme in SCHEMES}
COMPANIES_HOUSE = BY_CODE["GB-COH"]


@dataclass(frozen=True)
class Identifier:
    scheme: str
    id: str

    @property
    def scheme_name(self) -> str:
        return BY_CODE[self.scheme].register

    @property
    def org_id(self) -> str:
        """The org-id.guide form, such as GB-COH-01234567: the OCDS party id."""
        return f"{self.scheme}-{self.id}"


def scheme(code: str) -> Scheme:
    """Raises RuleViolation for a scheme Tenderapp does not know."""
    if code not in BY_CODE:
        raise RuleViolation(f"Choose a registered identifier scheme: {', '.join(BY_CODE)}", "scheme")
    return BY_CODE[code]


def check_identifiers(values: dict[str, str | None]) -> list[Identifier]:
    """The identifiers entered, scheme code -> id (blank: none), checked and in ``SCHEMES``
    order. Raises RuleViolation for the first that is not in its scheme's format."""
    found = []
    for code, value in values.items():
        checked = scheme(code).check(value)
        if checked is not None:
            found.append(Identifier(code, checked))
    return ordered(found)


def ordered(identifiers: list[Identifier]) -> list[Identifier]:
    """``SCHEMES`` order: the first is the main identifier."""
    position = {s.code: n for n, s in enumerate(SCHEMES)}
    return sorted(identifiers, key=lambda i: position.get(i.scheme, len(position)))
