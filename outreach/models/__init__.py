"""Tables and relationships; behaviour that needs no database lives in outreach.domain."""
from outreach.models.region import Region
from outreach.models.registration import NumberSequence, Registration, RegistrationEvent
from outreach.models.user import LoginThrottle, Role, User
from outreach.models.visit import Visit

__all__ = ["LoginThrottle", "NumberSequence", "Region", "Registration", "RegistrationEvent", "Role", "User", "Visit"]
