"""The contract register: the contracts of the collaborations a person's authority belongs
to, filtered and paged by GET parameters (see web/listing.py)."""

from flask import render_template
from flask_login import current_user

from tenderapp import access, clock
from tenderapp.access import contracts as contract_access
from tenderapp.db import get_session
from tenderapp.domain.contracts import ContractStatus
from tenderapp.domain.contracts import status as contract_status
from tenderapp.domain.uk_time import uk_today
from tenderapp.web.contracts.blueprint import bp
from tenderapp.web.guards import signed_in
from tenderapp.web.listing import list_status, pagination, read_filter


@bp.app_template_global()
def contract_status_of(contract, extensions: int):
    return contract_status(contract.start_date, contract.end_date, contract.entered_into_on, extensions,
                           uk_today(clock.now()))


@bp.route("/contracts")
@signed_in
def contracts():
    db_session = get_session()
    filters, wanted = read_filter(
        statuses=[(s.value, s.label) for s in ContractStatus],
        collaborations=[c for c, _ in access.member_collaborations(db_session, current_user)],
        dates=("Ending from", "Ending to"))
    page = contract_access.contract_list(db_session, current_user, wanted, uk_today(clock.now())) if wanted else None
    return render_template("contracts/contracts.html", form=filters, wanted=wanted, page=page,
                           pages=pagination(page) if page else None), list_status(filters)
