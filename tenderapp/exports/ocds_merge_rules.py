"""The OCDS merge rules of the release schema the packages declare (OCDS 1.1.5 patched by
every extension in ``tenderapp.exports.ocds.EXTENSIONS``), as ``ocdsmerge.get_merge_rules``
derives them: kept here so records compile offline. tests/exports/test_ocds_review.py derives
them again from the shared schema and extensions and fails if they differ.

The schema repeats two shapes under awards, contracts and the tender (an amendment's lists and
an item's lists), so those are written once and placed under each."""

_WHOLE = "wholeListMerge"
_OMIT = "omitWhenMerged"

# under every amendment (and, in a contract, every proposed amendment)
_AMENDMENT_LISTS = (("changes",), ("rationaleClassifications",), ("suppliersAdded", "additionalIdentifiers"),
                    ("suppliersRemoved", "additionalIdentifiers"))
# under every item
_ITEM_LISTS = (("additionalClassifications",), ("deliveryLocation", "gazetteer", "identifiers"),
               ("deliveryLocation", "geometry", "coordinates"))
_AMENDMENTS = {"awards": ("amendment", "amendments"), "tender": ("amendment", "amendments"),
               "contracts": ("amendment", "amendments", "proposedAmendments")}

_OWN: dict[tuple[str, ...], str] = {
    ("awards", "additionalProcurementCategories"): _WHOLE,
    ("awards", "suppliers", "additionalIdentifiers"): _WHOLE,
    ("bids", "details", "tenderers", "additionalIdentifiers"): _WHOLE,
    ("buyer", "additionalIdentifiers"): _WHOLE,
    ("contracts", "implementation", "transactions", "payee", "additionalIdentifiers"): _WHOLE,
    ("contracts", "implementation", "transactions", "payer", "additionalIdentifiers"): _WHOLE,
    ("contracts", "relatedProcesses", "relationship"): _WHOLE,
    ("date",): _OMIT,
    ("id",): _OMIT,
    ("parties", "additionalIdentifiers"): _WHOLE,
    ("parties", "details", "excludedSupplier", "exclusionGrounds", "criteria"): _WHOLE,
    ("parties", "roles"): _WHOLE,
    ("relatedProcesses", "relationship"): _WHOLE,
    ("tag",): _OMIT,
    ("tender", "additionalProcurementCategories"): _WHOLE,
    ("tender", "procuringEntity", "additionalIdentifiers"): _WHOLE,
    ("tender", "specialRegime"): _WHOLE,
    ("tender", "submissionMethod"): _WHOLE,
    ("tender", "tenderers", "additionalIdentifiers"): _WHOLE,
}

MERGE_RULES: dict[tuple[str, ...], str] = {
    **_OWN,
    **{(parent, amendment, *path): _WHOLE
       for parent, amendments in _AMENDMENTS.items() for amendment in amendments for path in _AMENDMENT_LISTS},
    **{(parent, "items", *path): _WHOLE for parent in _AMENDMENTS for path in _ITEM_LISTS},
}
