"""The two helpers every lesson module writes its steps with."""

from __future__ import annotations


def T(en: str, zh: str) -> dict:
    return {"en": en, "zh": zh}


def step(narration, notice, actions=(), wait_ms=0, view=None):
    """One lesson step. `view` (optional) is what the page shows while the step is on screen:
    {"group": group id, "tab": board tab, "chart": chart id}; the lesson player selects it."""
    return {"narration": narration, "notice": notice, "actions": list(actions), "wait_ms": wait_ms,
            "view": dict(view or {})}
