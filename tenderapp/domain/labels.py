"""Text enums whose members carry the words a page shows for them, written beside the value:
``HELD = "held", "Held"``. ``Attendance("held")`` finds the member by its value, as a StrEnum
does, and ``Attendance.HELD.label`` is "Held"."""

from enum import StrEnum
from typing import Self


class LabelledEnum(StrEnum):
    _value_: str
    label: str

    # Only the class body calls this, once a member; a lookup by value (``Kind("x")``) does not,
    # which is why the label may be left out of the signature for type checkers.
    def __new__(cls, value: str, label: str | None = None) -> Self:
        if label is None:
            raise TypeError(f"{cls.__name__}: the member valued {value!r} has no label (write NAME = value, label)")
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member
