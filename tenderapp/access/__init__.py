"""THE place that scopes tenant-owned rows and checks roles.

Every query for a tenant-owned row goes through a function of this package (one module per
area, all re-exported here). A row another tenant owns is reported as NotFound (404), never
Forbidden, so its existence is not revealed.
"""

from tenderapp.access.agreements import (
    acting_organisations,
    get_lead_agreement,
    get_party_agreement,
    party_agreements,
)
from tenderapp.access.bids import (
    get_open_tender_for_bidder,
    opened_submissions_for_panel,
    own_bid,
    readable_submissions,
    submitted_count,
)
from tenderapp.access.contracts import (
    cost_share_basis,
    get_lead_contract,
    get_member_contract,
    member_contract_of_tender,
    member_contracts,
)
from tenderapp.access.core import Actor, actor_for, require_role, scope
from tenderapp.access.evaluation import get_panel_tender, panel_tenders
from tenderapp.access.meetings import (
    contract_cases,
    get_provider_contract,
    meeting_terms,
    member_authorities,
    member_authority,
    own_cases,
    provider_case,
    provider_contracts,
)
from tenderapp.access.openers import get_replacement, lead_people, named_openers, replacements
from tenderapp.access.organisations import (
    DeliveryStatus,
    failed_outbox,
    failed_outbox_count,
    failed_outbox_list,
    get_failed_message,
    get_led_collaboration,
    get_managed_organisation,
    get_managed_user,
    led_collaborations,
    managed_organisation_ids,
    member_collaborations,
    outbox_list,
    visible_outbox,
)
from tenderapp.access.tenders import (
    get_lead_tender,
    get_visible_tender,
    is_lead,
    lead_tenders,
    public_tender,
    public_tenders,
    published_tenders,
    tender_list,
    tender_list_collaborations,
)

__all__ = [
    "contract_cases",
    "meeting_terms",
    "get_provider_contract",
    "own_cases",
    "provider_case",
    "provider_contracts",
    "member_authorities",
    "member_authority",
    "Actor",
    "acting_organisations",
    "actor_for",
    "get_lead_agreement",
    "cost_share_basis",
    "get_lead_contract",
    "get_member_contract",
    "member_contract_of_tender",
    "member_contracts",
    "get_lead_tender",
    "get_visible_tender",
    "is_lead",
    "lead_tenders",
    "public_tender",
    "public_tenders",
    "published_tenders",
    "tender_list",
    "tender_list_collaborations",
    "get_led_collaboration",
    "get_managed_organisation",
    "get_managed_user",
    "get_open_tender_for_bidder",
    "get_panel_tender",
    "opened_submissions_for_panel",
    "own_bid",
    "readable_submissions",
    "submitted_count",
    "get_party_agreement",
    "led_collaborations",
    "managed_organisation_ids",
    "member_collaborations",
    "panel_tenders",
    "party_agreements",
    "require_role",
    "scope",
    "visible_outbox",
    "outbox_list",
    "failed_outbox_list",
    "DeliveryStatus",
    "failed_outbox",
    "failed_outbox_count",
    "get_failed_message",
    "get_replacement",
    "lead_people",
    "named_openers",
    "replacements",
]
