"""The one error a service raises when the data does not allow what was asked.

Pages show its `message` beside the field it names; the API answers 422 with the message under
that field (see citygrow.api.common). Nothing is stored when it is raised: services raise it
inside their transaction.
"""

from typing import Any


class ServiceError(Exception):
    """A request the data does not allow; `message` says why, for the person who made it.

    `field` names the form field it is about, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def show_on(self, form: Any) -> None:
        """Show the refusal on a page's form: beside the field it names, else above the form."""
        form.add_error(self.field if self.field in form.fields else None, self.message)


class LoginRequired(Exception):
    """Raised by an access loader when an anonymous visitor asks to act; the view's
    `sends_anonymous_to_login` decorator turns it into the log-in page."""
