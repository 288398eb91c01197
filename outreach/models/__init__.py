"""Tables and relationships; behaviour that needs no database lives in outreach.domain."""
from outreach.models.audit import AuditEvent, CoverageTarget
from outreach.models.contact import Contact
from outreach.models.counts import RegistrationCount, RegistrationCountChange
from outreach.models.message import Message
from outreach.models.imports import ImportPreview
from outreach.models.job import Job, JobChunk
from outreach.models.payment import Payment, Programme, ProgrammeQuota
from outreach.models.privacy import PrivacyRequest
from outreach.models.region import Region
from outreach.models.snapshot import DashboardSnapshot
from outreach.models.registration import NumberSequence, Receipt, Registration, RegistrationEvent
from outreach.models.user import LoginSession, LoginThrottle, Role, User
from outreach.models.visit import Visit

__all__ = ["AuditEvent", "Contact", "CoverageTarget", "DashboardSnapshot", "ImportPreview", "Job", "JobChunk", "Message", "LoginSession", "LoginThrottle", "NumberSequence", "Payment", "PrivacyRequest", "Programme", "ProgrammeQuota", "Receipt", "Region", "Registration", "RegistrationCount", "RegistrationCountChange", "RegistrationEvent", "Role", "User", "Visit"]
