"""Which class serves each sandbox system, imported only when that system is started."""

from __future__ import annotations

import importlib

from frontline.sandbox.system import SandboxSystem

SYSTEMS: dict[str, str] = {
    "zendesk": "frontline.sandbox.zendesk:ZendeskSystem",
    "jsm": "frontline.sandbox.jsm:JsmSystem",
    "jira": "frontline.sandbox.jira:JiraSystem",
    "github": "frontline.sandbox.github:GithubSystem",
    "slack": "frontline.sandbox.slack:SlackSystem",
}
"""System name -> `module:Class`."""


class SystemUnavailable(LookupError):
    """A system that is unknown, or whose module is not part of this build; the message says which."""


def load_system(name: str) -> type[SandboxSystem]:
    """The class serving `name`.

    Raises:
        SystemUnavailable: unknown name, or its module is not there (yet).
    """
    target = SYSTEMS.get(name)
    if target is None:
        raise SystemUnavailable(f"unknown sandbox system {name!r}; known: {', '.join(SYSTEMS)}")
    module_name, _, class_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise SystemUnavailable(f"sandbox system {name!r} is not available in this build") from None
    system_class = getattr(module, class_name, None)
    if system_class is None:
        raise SystemUnavailable(f"sandbox system {name!r}: {module_name} has no {class_name}")
    return system_class
