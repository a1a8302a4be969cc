"""A tender's timeline (every audit event for the lead's admins, the public ones for anyone
else who may read the tender), filtered by kind with a GET parameter, and its Excel download."""

from flask import render_template, request
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import Form, SelectChoice, SelectField
from wtforms.validators import ValidationError

from tenderapp import access, clock
from tenderapp.db import get_session
from tenderapp.domain.timeline import PUBLIC_KINDS, EventKind
from tenderapp.exports import timeline as timeline_export
from tenderapp.services import timeline as timeline_service
from tenderapp.web.downloads import download
from tenderapp.web.guards import tenant_owned
from tenderapp.web.listing import list_status
from tenderapp.web.tenders.blueprint import ADMIN, bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class KindForm(Form):
    """The kind of event to show, read from the query string."""

    kind = SelectField("Show", widget=GovSelect(), validate_choice=False,
                       choices=[SelectChoice("", "Every kind of event"),
                                *(SelectChoice(k.value, k.label) for k in EventKind)])

    def validate_kind(self, field):
        if field.data and field.data not in {k.value for k in EventKind}:
            raise ValidationError("Select a kind of event from the list")


def _kind() -> tuple[KindForm, EventKind | None, bool]:
    form = KindForm(request.args)
    valid = form.validate()
    return form, EventKind(form.kind.data) if valid and form.kind.data else None, valid


@bp.route("/tenders/<int:tender_id>/timeline")
@tenant_owned(tender_id=access.get_visible_tender)
def timeline(tender):
    form, kind, valid = _kind()
    found = timeline_service.timeline(get_session(), current_user, tender, clock.now(), kind) if valid else None
    if found and not found.full:  # offer only the kinds a public timeline has
        form.kind.choices = [form.kind.choices[0], *(SelectChoice(k.value, k.label) for k in PUBLIC_KINDS)]
    return render_template("tenders/timeline.html", form=form, tender=tender, timeline=found), list_status(form)


@bp.route("/tenders/<int:tender_id>/timeline.xlsx")
@tenant_owned(ADMIN, tender_id=access.get_lead_tender)
def timeline_workbook(tender):
    _, kind, _ = _kind()
    found = timeline_service.timeline(get_session(), current_user, tender, clock.now(), kind)
    return download(timeline_export.workbook_bytes(timeline_service.sheet(found)), XLSX,
                    f"{tender.reference}-timeline.xlsx")
