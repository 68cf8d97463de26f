"""Domain errors: raised by services, shown to the person who acted.

Each carries a message written for the user (translatable), so views and
the API can show it as it is."""


class DomainError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


class TransitionNotAllowed(DomainError):
    """The case is not in a state where this action can be taken."""


class ActionForbidden(DomainError):
    """The actor's role does not allow this action on this case."""


class CaseChanged(DomainError):
    """Someone else changed the case since the actor's page was drawn."""

    def __init__(self, message=None):
        super().__init__(message or self.default_message())

    @staticmethod
    def default_message():
        from django.utils.translation import gettext

        return gettext(
            "Someone else changed this case while you were looking at it. Here is how it stands now; "
            "check it and try again if you still need to."
        )
