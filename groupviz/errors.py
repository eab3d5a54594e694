"""Errors, split the way h11 splits them: "you sent something wrong" vs "we broke".

`UserError` is the user's mistake; its message is shown to a student as is. The command parser raises
`CommandError`; the Kafka layer raises `DomainError` (a config or request Kafka refuses), which the
engine answers like any other user error.
`ProtocolError` is ours: an illegal state transition inside the simulated
coordinator means a bug in groupviz, never bad input.
"""


class GroupvizError(Exception):
    """Base class of every error groupviz raises on purpose."""


class UserError(GroupvizError):
    """Something from outside (a browser, a test, a scenario) is not allowed; the message says why."""


class DomainError(UserError):
    """The simulated Kafka refuses a request: a config value out of Kafka's range, a request this kind
    of group does not take. Raised by the Kafka layer, which knows nothing of commands."""


class CommandError(UserError):
    """A command from a browser (or a test) is malformed or not allowed now.

    The message is user-facing: say what was wrong and what is allowed.
    """


class ProtocolError(GroupvizError):
    """An internal protocol invariant was broken (a bug, not bad input)."""


class InvariantViolation(AssertionError):
    """A state that Kafka's protocol does not allow (groupviz.engine.invariants, Group.check_invariants)."""


def fail(message: str) -> None:
    raise InvariantViolation(message)
