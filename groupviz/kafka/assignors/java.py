"""Java compatibility: String ordering, String.hashCode, HashMap/HashSet iteration order.

Kafka's assignors are not order-free in Java: they sort member ids and topics with
``String.compareTo`` (UTF-16 code units) and iterate ``java.util.HashMap``s and
``HashSet``s whose order follows ``String.hashCode``/``TopicPartition.hashCode`` and
the table's bucket layout.  These helpers reproduce those orders deterministically
(no Python ``hash()``, no set iteration, no randomness).
"""

from __future__ import annotations

MASK32 = 0xFFFFFFFF


def string_key(members, topics):
    """Sort key with the order of Java's String.compareTo (UTF-16 code units).

    Python compares code points; the two orders differ only for characters outside
    the BMP, so plain str keys are used unless such a character occurs.
    """
    if "".join(members).isascii() and "".join(topics).isascii():
        return same

    def non_bmp(s):
        return not s.isascii() and max(s) > "\uffff"
    if any(non_bmp(s) for s in members) or any(non_bmp(s) for s in topics):
        return lambda s: s.encode("utf-16-be")
    return same


def same(s):
    """The Java order key when Python's str order already is Java's (no characters outside the BMP)."""
    return s


def string_hash(s: str) -> int:
    """java.lang.String.hashCode() as an unsigned 32-bit value."""
    h = 0
    if s.isascii():
        for c in s.encode("ascii"):
            h = (31 * h + c) & MASK32
    else:
        b = s.encode("utf-16-be")
        for i in range(0, len(b), 2):
            h = (31 * h + ((b[i] << 8) | b[i + 1])) & MASK32
    return h


def spread(h: int) -> int:
    """java.util.HashMap.hash(): h ^ (h >>> 16)."""
    return h ^ (h >> 16)


def hashmap_capacity(n: int) -> int:
    """Table size of a default-constructed HashMap/HashSet after n insertions (load factor 0.75)."""
    cap = 16
    while n > cap * 3 // 4:
        cap *= 2
    return cap


def hashmap_order(keys: list[str]) -> list[str]:
    """Iteration order of ``new HashMap<>()`` after ``put(k)`` for each key in ``keys``, in order.

    HashMap iterates its table bucket by bucket; a bucket keeps insertion order
    (resizing splits buckets without reordering them).  Not modelled: buckets that
    turn into red-black trees (9+ keys with one bucket index), which never happens
    for realistic member ids (e.g. at most 4 per bucket for consumer-1..consumer-5000).
    """
    return hash_order(keys, [string_hash(k) for k in keys], hashmap_capacity(len(keys)))


def copy_capacity(n: int) -> int:
    """Table size of ``new HashSet<>(collection)`` / ``new HashMap<>(map)`` of n elements:
    ``Math.max((int) (n / .75f) + 1, 16)`` rounded up to a power of two."""
    want = max(int(n / 0.75) + 1, 16)
    cap = 16
    while cap < want:
        cap *= 2
    return cap


def hash_order(keys: list, hashes: list[int], capacity: int) -> list:
    """Iteration order of a HashMap/HashSet of ``capacity`` buckets holding ``keys`` (inserted in
    this order) whose ``hashCode()``s are ``hashes`` (as unsigned 32-bit values): bucket by bucket,
    insertion order within a bucket."""
    mask = capacity - 1
    decorated = sorted((spread(h & MASK32) & mask, i) for i, h in enumerate(hashes))
    return [keys[i] for _, i in decorated]


class JavaHashSet:
    """A ``new HashSet<TopicPartition>()`` that knows which element its iterator yields first."""

    __slots__ = ("_items", "_cap", "_seq")

    def __init__(self):
        self._items = {}      # tp -> (its hash, insertion sequence number)
        self._cap = 16
        self._seq = 0

    def add(self, tp, tp_hash: int) -> None:
        if tp in self._items:
            return
        self._items[tp] = (tp_hash, self._seq)
        self._seq += 1
        if len(self._items) > self._cap * 3 // 4:
            self._cap *= 2    # HashMap.resize(): never shrinks

    def remove(self, tp) -> None:
        del self._items[tp]

    def __len__(self) -> int:
        return len(self._items)

    def first(self):
        mask = self._cap - 1
        best = None
        best_key = None
        for tp, (h, seq) in self._items.items():
            key = (spread(h) & mask, seq)
            if best_key is None or key < best_key:
                best, best_key = tp, key
        return best
