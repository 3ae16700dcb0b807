"""The tables of the referral desk. Import from here so every table is registered in metadata."""

from workflow.models.audit import AuditEvent
from workflow.models.base import utcnow
from workflow.models.confirmations import ReferrerConfirmation
from workflow.models.contact import ContactKind, ContactLog
from workflow.models.drafts import ReferralDraft
from workflow.models.mail import Attachment, InboundMessage, Outbox
from workflow.models.mailbox_state import MailboxFolder, MailboxStatus
from workflow.models.notes import Note
from workflow.models.proposals import ProposalStatus, ProposedAssessment
from workflow.models.queue import ReferralFlag, VictimNameKey
from workflow.models.referral import Assessment, ReferenceCounter, Referral, StateChange
from workflow.models.referrer_domains import ProfessionalDomain
from workflow.models.scheduling import JobHeartbeat, ReminderSent, SchedulerLease
from workflow.models.sessions import StaffSession
from workflow.models.staff import RecoveryCode, Role, User
from workflow.models.throttle import Throttle

__all__ = [
    "Assessment",
    "Attachment",
    "AuditEvent",
    "ContactKind",
    "ContactLog",
    "InboundMessage",
    "JobHeartbeat",
    "MailboxFolder",
    "MailboxStatus",
    "Note",
    "Outbox",
    "ProfessionalDomain",
    "ProposalStatus",
    "ProposedAssessment",
    "RecoveryCode",
    "ReferenceCounter",
    "Referral",
    "ReferralDraft",
    "ReferralFlag",
    "ReferrerConfirmation",
    "ReminderSent",
    "Role",
    "SchedulerLease",
    "StaffSession",
    "StateChange",
    "Throttle",
    "User",
    "VictimNameKey",
    "utcnow",
]
