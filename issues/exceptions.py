from projects.exceptions import ServiceError


class TicketError(ServiceError):
    """Input a service cannot accept (a missing reason, a deadline in the past…)."""

    status_code = 400


class IllegalMove(ServiceError):
    """The matter's state does not allow the move; the message names the state and who may act."""

    status_code = 409
