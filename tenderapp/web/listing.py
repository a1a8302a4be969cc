"""The request side of the lists people search: the filter form (GET parameters, so a filtered
list can be bookmarked), read into an ``access.listing.ListFilter``, and the page links.

    filters, wanted = read_filter(statuses=[(s.value, s.label) for s in TenderStatus],
                                  collaborations=access.tender_list_collaborations(...))
    page = access.tender_list(session, current_user, wanted, now) if wanted else None
    return render_template(..., form=filters, page=page), list_status(filters)

Bad input (a date that is no date, a page of -1 or "abc", a status not offered) is reported
beside its field, with what was typed kept; the list is then not shown (400), never a 500.
"""

from collections.abc import Iterable

from flask import request, url_for
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import Form, SelectChoice, SelectField, StringField
from wtforms.validators import ValidationError

from tenderapp.access.listing import ListFilter, Page
from tenderapp.web.forms import MaxLength, UKDateField, strip, without_nul

MAX_PAGE = 100_000


class FilterDateField(UKDateField):
    """A date a list may be filtered by: absent from the query string, it is no date."""

    def process_formdata(self, valuelist):
        if not valuelist:
            self.data = None
            return
        super().process_formdata(valuelist)


def _offered(field: SelectField) -> set[str]:
    return {choice.value for choice in field.choices}


class FilterForm(Form):
    """A list's filter, read from the query string (no CSRF token: it changes nothing)."""

    q = StringField("Reference or title", widget=GovTextInput(), filters=[without_nul, strip],
                    validators=[MaxLength(200, "Reference or title must be 200 characters or fewer")])
    status = SelectField("Status", widget=GovSelect(), choices=[SelectChoice("", "Any status")],
                         validate_choice=False)
    collaboration = SelectField("Collaboration", widget=GovSelect(), choices=[SelectChoice("", "Any collaboration")],
                                validate_choice=False)
    date_from = FilterDateField("From")
    date_to = FilterDateField("To")
    page = StringField("Page", widget=GovTextInput(), filters=[without_nul, strip])

    def validate_status(self, field):
        if field.data and field.data not in _offered(field):
            raise ValidationError("Select a status from the list")

    def validate_collaboration(self, field):
        if field.data and field.data not in _offered(field):
            raise ValidationError("Select a collaboration from the list")

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The ‘to’ date must be the same as or after the ‘from’ date")

    def validate_page(self, field):
        digits = field.data or ""
        if digits and not (digits.isascii() and digits.isdigit() and len(digits) <= 6 and 1 <= int(digits) <= MAX_PAGE):
            raise ValidationError(f"Page must be a whole number from 1 to {MAX_PAGE:,}")


def read_filter(statuses: Iterable[tuple[str, str]] = (), collaborations: Iterable = (),
                dates: tuple[str, str] = ("From", "To")) -> tuple[FilterForm, ListFilter | None]:
    """The filter form filled from the request's query string, and the filter it asks for
    (None when some field is wrong: its message is on the form). ``collaborations`` are
    rows with ``id`` and ``name``; with none, the form offers no collaboration filter."""
    form = FilterForm()
    form.date_from.label.text, form.date_to.label.text = dates  # before reading: errors name the field
    form.process(request.args)
    form.status.choices = [SelectChoice("", "Any status"), *(SelectChoice(v, label) for v, label in statuses)]
    form.collaboration.choices = [SelectChoice("", "Any collaboration"),
                                  *(SelectChoice(str(c.id), c.name) for c in collaborations)]
    if not form.validate():
        return form, None
    return form, ListFilter(
        text=form.q.data or "", status=form.status.data or None,
        collaboration_id=int(form.collaboration.data) if form.collaboration.data else None,
        date_from=form.date_from.data, date_to=form.date_to.data, page=int(form.page.data or 1))


def list_status(form: Form) -> int:
    """200 for a list, 400 when its filter has errors."""
    return 400 if form.errors else 200


def pagination(page: Page, endpoint: str | None = None) -> dict | None:
    """The GOV.UK pagination component's parameters for ``page``, each link to the list's
    ``endpoint`` (the request's, unless given) keeping the request's filter; None when
    everything fits on one page."""
    if page.pages <= 1 and page.number <= 1:
        return None
    args = request.args.to_dict(flat=False)
    values = (request.view_args or {}) if endpoint is None else {}

    def href(number: int) -> str:
        return url_for(endpoint or request.endpoint, **{**values, **args, "page": number})

    shown = sorted({1, page.pages, *range(max(1, page.number - 1), min(page.pages, page.number + 1) + 1)})
    items, previous = [], 0
    for number in shown:
        if number - previous > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": href(number), "current": number == page.number})
        previous = number
    params: dict = {"items": items, "landmarkLabel": "Pages of results"}
    if page.number > 1:
        params["previous"] = {"href": href(min(page.number - 1, page.pages))}
    if page.number < page.pages:
        params["next"] = {"href": href(page.number + 1)}
    return params
