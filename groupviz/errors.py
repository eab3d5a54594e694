"""Errors, split the way h11 splits them: "you sent something wrong" vs "we broke".

`CommandError` is the user's mistake: its message is shown to a student as is.
`ProtocolError` is ours: an illegal state transition inside the simulated
coordinator means a bug in groupviz, never bad input.
"""


class GroupvizError(Exception):
    """Base class of every error groupviz raises on purpose."""


class CommandError(GroupvizError):
    """A command from a browser (or a test) is malformed or not allowed now.

    The message is user-facing: say what was wrong and what is allowed.
    """


class ProtocolError(GroupvizError):
    """An internal protocol invariant was broken (a bug, not bad input)."""
