"""Who did something: a staff member, or a named part of the system."""

from dataclasses import dataclass

from workflow.models.staff import Role, User


@dataclass(frozen=True)
class Actor:
    """The person or process acting; use cases take one explicitly, never from a request."""

    id: int | None
    label: str
    role: Role | None = None

    @classmethod
    def of(cls, user: User) -> "Actor":
        """Return the actor for a staff account."""
        return cls(user.id, user.email, user.role)

    @classmethod
    def system(cls, part: str) -> "Actor":
        """Return the actor for a part of the system, e.g. "poller" or "web-form"."""
        return cls(None, f"system:{part}")
