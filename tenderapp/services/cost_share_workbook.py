"""The cost share workbook's input, from the shares ``tenderapp.services.cost_shares`` works out."""

from collections.abc import Sequence

from tenderapp.exports.cost_shares import CostShareSheet, ShareRow
from tenderapp.models import Tender
from tenderapp.services.cost_shares import Share


def sheet(tender: Tender, shares: Sequence[Share]) -> CostShareSheet:
    """What the workbook shows, for a caller that has loaded the shares through access."""
    return CostShareSheet(tender.reference, tender.title, [
        ShareRow(share.organisation.name,
                 [year.total for year in share.projection.years] if share.projection else [],
                 share.projection.average_saving if share.projection else None, share.procurement_share)
        for share in shares])
