"""The contracts blueprint: decisions, the award, the contract register, cost shares and
assessment summaries. Its routes live in the modules beside this one (``routes`` registers
them all)."""

from functools import wraps

from flask import Blueprint

from tenderapp import access
from tenderapp.domain.roles import Role
from tenderapp.web.guards import tenant_owned

bp = Blueprint("contracts", __name__)
ADMIN = Role.PROCUREMENT_ADMIN


def contract_owned(loader, *roles: Role):
    """``tenant_owned`` for a ``/contracts/<contract_id>`` route, whose access ``loader`` finds
    the contract and its tender (another tenant's id answers 404): the view receives them as
    ``contract`` and ``tender``."""

    def decorate(view):
        @wraps(view)
        def unpacked(contract, **kwargs):
            contract, tender = contract
            return view(contract=contract, tender=tender, **kwargs)

        return tenant_owned(*roles, contract_id=loader)(unpacked)

    return decorate


lead_contract = contract_owned(access.get_lead_contract, ADMIN)  # the lead's procurement admins
member_contract = contract_owned(access.get_member_contract)  # any member of the collaboration
provider_contract = contract_owned(access.get_provider_contract)  # the supplier that provides it
