"""SQLModel tables, one module per aggregate. Importing this package registers them all."""

from tenderapp.models.agreement import Agreement, AgreementResponse, AgreementVersion, Signature
from tenderapp.models.audit import AuditEvent, AuditHead
from tenderapp.models.base import NAMING_CONVENTION, UTCDateTime  # noqa: F401  (sets naming first)
from tenderapp.models.bid import (
    Bid,
    BidAttachment,
    BidSubmission,
    LateAttempt,
    OpenerReplacement,
    OpeningKey,
    TenderOpener,
)
from tenderapp.models.contract import (
    AssessmentSummary,
    AuthorityBaseline,
    Contract,
    ContractExtension,
    ContractPrice,
    CostShareBasis,
    Decision,
    DecisionDocument,
)
from tenderapp.models.document import DocumentChunk, StoredDocument
from tenderapp.models.evaluation import (
    ComplianceCheck,
    ConflictDeclaration,
    EvaluatorAssignment,
    IndividualScore,
    ModeratedScore,
    Recommendation,
)
from tenderapp.models.invitation import Invitation
from tenderapp.models.meeting import MeetingCase, MeetingTerms
from tenderapp.models.notification import NotificationOptOut
from tenderapp.models.organisation import (
    Collaboration,
    CollaborationMember,
    Organisation,
    OrganisationIdentifier,
    Representation,
)
from tenderapp.models.outbox import OutboxMessage
from tenderapp.models.supplier import Clarification, SupplierRegistration
from tenderapp.models.tender import (
    PricingLine,
    QualityCriterion,
    Tender,
    TenderAmendment,
    TenderDocument,
    TenderInterest,
)
from tenderapp.models.user import PasswordReset, RecoveryCode, RoleAssignment, User, UserSession

__all__ = [
    "NotificationOptOut",
    "Agreement",
    "AgreementResponse",
    "AgreementVersion",
    "Signature",
    "SupplierRegistration",
    "Tender",
    "TenderAmendment",
    "TenderDocument",
    "TenderInterest",
    "TenderOpener",
    "OpenerReplacement",
    "OpeningKey",
    "AuditEvent",
    "AssessmentSummary",
    "AuthorityBaseline",
    "AuditHead",
    "Bid",
    "BidAttachment",
    "BidSubmission",
    "Clarification",
    "Collaboration",
    "ComplianceCheck",
    "ConflictDeclaration",
    "Contract",
    "ContractExtension",
    "ContractPrice",
    "CostShareBasis",
    "Decision",
    "DecisionDocument",
    "EvaluatorAssignment",
    "IndividualScore",
    "ModeratedScore",
    "Recommendation",
    "CollaborationMember",
    "Invitation",
    "LateAttempt",
    "MeetingCase",
    "MeetingTerms",
    "Organisation",
    "OrganisationIdentifier",
    "OutboxMessage",
    "StoredDocument",
    "DocumentChunk",
    "PasswordReset",
    "RecoveryCode",
    "PricingLine",
    "QualityCriterion",
    "Representation",
    "RoleAssignment",
    "User",
    "UserSession",
]
