"""JSM statuses by what they mean, never by the words the agent's language shows.

Status names are translated per user ("Warten auf Kunden", "Gereed"), so a status is read by what stays
the same: its **id** and its **category** (`new`, `indeterminate`, `done`, fixed by Jira). The ids of JSM's
built-in statuses differ per site, so the adapter learns them once per session from
`GET /rest/api/3/status`, which lists every status with its English `untranslatedName` beside the shown
`name` (`StatusNames`: id -> lower-case English name). Then:

- "Waiting for customer" (JSM's own status: its default SLAs pause there and its customer-reply rule moves
  the request out of it) -> pending; "Pending", "On hold", "Waiting for approval" -> on-hold;
  "Closed", "Canceled", "Declined" -> closed; "Resolved", "Done" -> solved;
- any other status by category: `new` and `indeterminate` -> open ("Waiting for support", "In progress",
  "Escalated"), `done` -> solved.

Without the list (no permission), the English name is taken from `untranslatedName` when an answer has it,
else from `name` (right on English sites; elsewhere only the category decides, which never says pending).

The status picker offers the issue's own transitions (`transition_choices`): labelled with the transition
and target names as the site shows them, grouped by category, and written by transition id.

Writing a bare category (the composer's submit-as) picks the workflow transition whose **target** means
it, preferring JSM's own statuses
(Waiting for support for open, Waiting for customer for pending, Resolved for solved) and never an
escalation for open; a transition to a done status fills a Resolution its screen asks for (`resolution`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from frontline.domain.assignment import StatusChoice
from frontline.domain.models import Status

StatusNames = Mapping[str, str]
"""Status id -> its untranslated (English) name, lower case."""

STATUS_BY_NAME = {
    "waiting for customer": Status.PENDING,
    "pending": Status.HOLD,
    "on hold": Status.HOLD,
    "waiting for approval": Status.HOLD,
    "resolved": Status.SOLVED,
    "done": Status.SOLVED,
    "closed": Status.CLOSED,
    "canceled": Status.CLOSED,
    "cancelled": Status.CLOSED,
    "declined": Status.CLOSED,
}
STATUS_BY_CATEGORY = {
    "new": Status.OPEN,
    "indeterminate": Status.OPEN,
    "done": Status.SOLVED,
    "undefined": Status.OPEN,
}
_PREFERRED: dict[Status, tuple[str, ...]] = {
    Status.OPEN: ("waiting for support", "open", "reopened", "to do", "in progress", "work in progress"),
    Status.PENDING: ("waiting for customer",),
    Status.HOLD: ("pending", "on hold", "waiting for approval"),
    Status.SOLVED: ("resolved", "done"),
    Status.CLOSED: ("closed", "resolved", "done", "canceled", "cancelled", "declined"),
}
"""For each wanted status, the targets a JSM agent would pick, best first."""
_RESOLUTION_WORDS = ("done", "fixed", "resolved")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def english_name(status: Any, names: StatusNames | None = None) -> str:
    """A status's untranslated name, lower case: `untranslatedName`, the learned one for its id, else
    its shown `name`."""
    data = _dict(status)
    untranslated = data.get("untranslatedName")
    if isinstance(untranslated, str) and untranslated.strip():
        return untranslated.strip().lower()
    status_id = data.get("id")
    if names and isinstance(status_id, str | int) and str(status_id) in names:
        return names[str(status_id)]
    name = data.get("name")
    return name.strip().lower() if isinstance(name, str) else ""


def category_of(status: Any) -> str:
    """`new`, `indeterminate`, `done` (or `undefined`/empty when not said)."""
    key = _dict(_dict(status).get("statusCategory")).get("key")
    return key.strip().lower() if isinstance(key, str) else ""


def status_of(status: Any, names: StatusNames | None = None) -> Status:
    """A platform status object (`{id, name, statusCategory}`) as frontline's status."""
    known = STATUS_BY_NAME.get(english_name(status, names))
    if known is not None:
        return known
    return STATUS_BY_CATEGORY.get(category_of(status), Status.OPEN)


def is_escalation(transition: Any, names: StatusNames | None = None) -> bool:
    """A transition that escalates (to "Escalated", or named "Escalate"): never the way to plain open."""
    data = _dict(transition)
    name = data.get("name")
    return "escalat" in english_name(data.get("to"), names) or (
        isinstance(name, str) and "escalat" in name.lower()
    )


def pick_transition(
    transitions: Any, target: Status, names: StatusNames | None = None
) -> dict[str, Any] | None:
    """The transition a JSM agent would choose to put a request in `target`, or None when none fits.

    Candidates go to a status that reads as `target` (closed may also take a resolving one); JSM's own
    statuses come first (`_PREFERRED`), then new before in-progress ones for open, then workflow order.
    Escalations are never chosen.
    """
    options = [
        t
        for t in (transitions if isinstance(transitions, list) else [])
        if isinstance(t, dict) and t.get("id")
    ]
    preferred = _PREFERRED.get(target, ())
    ranked: list[tuple[int, int, int, dict[str, Any]]] = []
    for order, transition in enumerate(options):
        to = transition.get("to")
        lands = status_of(to, names)
        fits = lands == target or (target is Status.CLOSED and lands is Status.SOLVED)
        if not fits or is_escalation(transition, names):
            continue
        english = english_name(to, names)
        rank = preferred.index(english) if english in preferred else len(preferred)
        category = 0 if category_of(to) == "new" or target is not Status.OPEN else 1
        ranked.append((rank, category, order, transition))
    return min(ranked, key=lambda r: r[:3])[3] if ranked else None


def resolution_fields(transition: Any) -> dict[str, Any]:
    """The `fields` a transition to a done status needs: its screen's Resolution, set to the first
    allowed value named like Done/Fixed/Resolved, else the first allowed one (`expand=transitions.fields`).
    Empty when the screen has no Resolution or the target is not done."""
    data = _dict(transition)
    if category_of(data.get("to")) != "done":
        return {}
    field = _dict(_dict(data.get("fields")).get("resolution"))
    allowed = [
        v for v in field.get("allowedValues") or [] if isinstance(v, dict) and (v.get("id") or v.get("name"))
    ]
    if not allowed:
        return {}

    def named_like_done(value: dict[str, Any]) -> bool:
        name = value.get("name")
        return isinstance(name, str) and name.strip().lower() in _RESOLUTION_WORDS

    chosen = next((v for v in allowed if named_like_done(v)), allowed[0])
    reference = {"id": str(chosen["id"])} if chosen.get("id") else {"name": chosen["name"]}
    return {"resolution": reference}


def required_unfilled(transition: Any, filled: Mapping[str, Any]) -> list[str]:
    """Names of fields the transition's screen requires that frontline does not fill (nor Jira by default)."""
    fields = _dict(_dict(transition).get("fields"))
    missing = []
    for key, meta in fields.items():
        meta = _dict(meta)
        if meta.get("required") and not meta.get("hasDefaultValue") and key not in filled:
            missing.append(str(meta.get("name") or key))
    return missing


_CATEGORY_ORDER = {"new": 0, "indeterminate": 1, "done": 2}
_CATEGORY_LABEL = {"new": "To Do", "indeterminate": "In Progress", "done": "Done"}


def status_id_of(status: Any) -> str | None:
    """A status object's id as a string, when it has one."""
    status_id = _dict(status).get("id")
    return str(status_id) if isinstance(status_id, str | int) and str(status_id) else None


def transition_choices(transitions: Any, names: StatusNames | None = None) -> list[StatusChoice]:
    """The transitions offered from the current status as choices, grouped by status category (new, in
    progress, done: the category's name as the site shows it) and in workflow order within a group.

    The label is the transition's name, with the target's when they differ ("Respond to customer →
    Waiting for customer"); the write names the transition id, so no name is ever matched.
    """
    ranked: list[tuple[int, int, StatusChoice]] = []
    for order, transition in enumerate(transitions if isinstance(transitions, list) else []):
        data = _dict(transition)
        transition_id, to = data.get("id"), _dict(data.get("to"))
        status_id = status_id_of(to)
        if not isinstance(transition_id, str | int) or status_id is None:
            continue
        name = data.get("name") if isinstance(data.get("name"), str) else ""
        target = to.get("name") if isinstance(to.get("name"), str) else ""
        label = name or target or status_id
        if target and target.casefold() != label.casefold():
            label = f"{label} → {target}"
        category = category_of(to)
        shown = _dict(to.get("statusCategory")).get("name")
        group = shown if isinstance(shown, str) and shown else _CATEGORY_LABEL.get(category, category)
        choice = StatusChoice(
            status=status_of(to, names),
            label=label,
            group=group,
            status_id=status_id,
            transition_id=str(transition_id),
        )
        ranked.append((_CATEGORY_ORDER.get(category, 1), order, choice))
    return [choice for _, _, choice in sorted(ranked, key=lambda r: r[:2])]


def exact_transition(
    transitions: Any, status_id: str, transition_id: str | None, names: StatusNames | None = None
) -> dict[str, Any] | None:
    """The transition to status `status_id`: the one the agent chose (`transition_id`) when it is still
    offered and goes there, else another one going there that is not an escalation; None when none does."""
    options = [
        t
        for t in (transitions if isinstance(transitions, list) else [])
        if isinstance(t, dict) and t.get("id") and status_id_of(t.get("to")) == status_id
    ]
    chosen = next((t for t in options if transition_id is not None and str(t["id"]) == transition_id), None)
    if chosen is not None:
        return chosen
    return next((t for t in options if not is_escalation(t, names)), options[0] if options else None)
