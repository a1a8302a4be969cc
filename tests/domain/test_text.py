"""Short text people type: one definition of a hidden character for names, titles, references
and file names; tender references in the characters a file name and a header can carry."""

import pytest

from tenderapp.domain.documents import NAME_HAS_CONTROLS, check_filename
from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.text import (
    REFERENCE_CHARACTERS,
    check_reference,
    check_single_line,
    has_other_digits,
    is_hidden_character,
)

HIDDEN = ["\x00", "\n", "\x1b", "\x7f", "\x85", "\u202e", "\u2066", "\u061c", "\u200b", "\u200d", "\ufeff",
          "\u00ad", "\u2028", "\u2029"]


@pytest.mark.parametrize("mark", HIDDEN)
def test_hidden_characters_are_refused_in_names_titles_and_file_names_alike(mark):
    assert is_hidden_character(mark)
    with pytest.raises(RuleViolation) as raised:
        check_single_line(f"Kent{mark} County Council", "name", "Organisation name", "Enter a name")
    assert raised.value.message == "Organisation name must be on one line, without special characters"
    with pytest.raises(RuleViolation) as raised:
        check_filename(f"spec{mark}.pdf", "document")
    assert raised.value.message == NAME_HAS_CONTROLS


@pytest.mark.parametrize("text", ["Siân Llŷr", "Łódź Borough Council", "O'Brien & Sons Ltd", "محمد", "株式会社"])
def test_names_in_any_script_are_kept(text):
    assert check_single_line(f" {text} ", "name", "Full name", "Enter a name") == text


@pytest.mark.parametrize("reference", ["SC26041", "SC14027", "ODR/17/0042", "14/00153", "LEAD-001", "Lot 2 (North)",
                                       "KCC_2026.3"])
def test_references_of_the_shapes_in_use_are_accepted(reference):
    assert check_reference(f" {reference} ") == reference


@pytest.mark.parametrize("reference", ["Q\";filename*=UTF-8''evil.html;a=\"", "SC'1", "SC;1", "SC<1>", "SC\\1",
                                       "Réf", "SC%22", "SC٣"])
def test_a_reference_with_other_characters_is_refused(reference):
    with pytest.raises(RuleViolation) as raised:
        check_reference(reference)
    assert raised.value.message == REFERENCE_CHARACTERS and raised.value.field == "reference"


def test_a_reference_is_required_on_one_line_and_short():
    for typed, message in (("  ", "Enter a reference"), ("SC\u202e1", "Reference must be on one line, without special "
                                                                         "characters"),
                           ("S" * 51, "Reference must be 50 characters or fewer")):
        with pytest.raises(RuleViolation) as raised:
            check_reference(typed)
        assert raised.value.message == message


def test_digits_other_than_0_to_9_are_noticed():
    assert not has_other_digits("1,250.00")
    assert all(has_other_digits(text) for text in ("٣", "३", "３", "²", "1٢"))
