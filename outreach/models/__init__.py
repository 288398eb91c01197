"""Tables and relationships; behaviour that needs no database lives in outreach.domain."""
from outreach.models.region import Region
from outreach.models.user import LoginThrottle, Role, User

__all__ = ["LoginThrottle", "Region", "Role", "User"]
