"""Topic names and what a consumer subscribes to: a list of topics or a pattern.

Topic names follow Kafka's `org.apache.kafka.common.internals.Topic` (`validate`, `hasCollision`):
ASCII letters, digits, '.', '_' and '-'; not "." or ".."; two names that differ only by '.' versus '_'
collide (their metric names would be the same) and the second is refused. groupviz keeps its ids to 64
characters (Kafka allows 249).

A pattern subscription matches the whole topic name, as `SubscriptionState.matchesSubscribedPattern`
does with Java's `Pattern.matcher(topic).matches()` (Python: `re.fullmatch`). The pattern is compiled
with Python's `re`; syntax only one of the two languages has is refused, so a pattern means the same
here as in a Java client: Python's named groups and comments `(?P...)`, `(?#...)`, and `\\Z`, `\\z`
(end of input, spelt differently in each). A pattern that does not compile is refused with the
compiler's reason.
"""

from __future__ import annotations

import re

from groupviz.errors import DomainError

MAX_PATTERN_LENGTH = 200
#: Syntax of one language only (Python's `re` versus Java's `java.util.regex`), refused in a pattern.
_ONE_LANGUAGE_ONLY = (("(?P", "Python's (?P...) groups"), ("(?#", "Python's (?#...) comments"),
                      ("\\Z", "\\Z (it means different things in Java and Python)"),
                      ("\\z", "\\z (Python's re does not have it)"))


def check_topic_name(name: str, existing) -> None:
    """Refuse (DomainError) a name Kafka would refuse at CreateTopics: ".", "..", a duplicate, a collision."""
    if name in (".", ".."):
        raise DomainError(f"Topic name is invalid: '{name}' is not allowed")
    for other in existing:
        if other == name:
            raise DomainError(f"Topic '{name}' already exists.")
        if other.replace(".", "_") == name.replace(".", "_"):
            raise DomainError(f"Topic '{name}' collides with existing topic: {other} "
                              "('.' and '_' are the same in Kafka's metric names)")


def compile_pattern(pattern: str) -> re.Pattern:
    """The compiled pattern of a `topic_pattern`, or a DomainError that says why it is refused."""
    if not pattern:
        raise DomainError("topic_pattern must not be empty")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise DomainError(f"topic_pattern must be at most {MAX_PATTERN_LENGTH} characters")
    for token, what in _ONE_LANGUAGE_ONLY:
        if token in pattern:
            raise DomainError(f"topic_pattern: {what} is not part of the regular expressions Java and Python "
                              "share; write the pattern as a Java client would")
    try:
        return re.compile(pattern)
    except re.error as e:
        raise DomainError(f"topic_pattern '{pattern}' does not compile: {e}") from None


class Subscription:
    """What one consumer subscribed to: `topics` (a list) or `pattern` (matched against existing topics)."""

    __slots__ = ("topics", "pattern", "_compiled")

    def __init__(self, topics=None, pattern: str | None = None):
        self.topics = None if topics is None else list(topics)
        self.pattern = pattern
        self._compiled = None if pattern is None else compile_pattern(pattern)

    def resolve(self, names) -> list[str]:
        """The subscribed topics among `names` (the cluster's topics), sorted as Kafka's subscription set."""
        if self._compiled is None:
            return sorted(t for t in self.topics if t in names)
        return sorted(n for n in names if self._compiled.fullmatch(n))

    def describe(self) -> dict:
        return {"pattern": self.pattern} if self.pattern is not None else {"topics": list(self.topics)}
