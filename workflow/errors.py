"""Domain errors: each says, in words a coordinator understands, why an action was refused."""


class DomainError(Exception):
    """Base class for anything the referral rules refuse."""


class TransitionNotAllowed(DomainError):
    """The referral's state does not allow this event."""


class GuardFailed(DomainError):
    """The state allows the event, but a rule of the service does not (e.g. no consent)."""


class StaleReferral(DomainError):
    """Someone else changed the referral since this person loaded it."""

    def __init__(self) -> None:
        super().__init__(
            "Someone else changed this referral while you were working on it. "
            "Your changes have not been saved: reload it, check what changed and try again."
        )


class NotFound(DomainError):
    """The referral, user or message does not exist."""


class PermissionDenied(DomainError):
    """The actor's role does not allow this."""
