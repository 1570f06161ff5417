"""Business rules. Services take explicit arguments, raise typed errors, and never commit."""


class ServiceError(Exception):
    """A rule was broken; the message is safe to show to the user."""


class NotFound(ServiceError):
    """A referenced record does not exist."""
