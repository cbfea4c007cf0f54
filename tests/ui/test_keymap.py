"""Rebindable keys: a `[keymap]` entry changes the key that fires the action and what `?` shows."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass

from support.apps import make_app
from support.fake_helpdesk import FakeHelpdesk
from support.pilot import settle
from textual.binding import Binding

import frontline.ui
from frontline.config import Settings
from frontline.domain.models import Page, Ticket
from frontline.ui.app import FrontlineApp, bound_classes
from frontline.ui.keymap import collect_binding_ids, is_valid_key
from frontline.ui.screens.help import HelpScreen
from frontline.ui.screens.queue import QueueScreen


@dataclass
class CountingHelpdesk(FakeHelpdesk):
    """Counts view loads so a test can tell whether "refresh" ran."""

    view_loads: int = 0

    async def list_view_tickets(
        self, view_id: str, cursor: str | None = None, page_size: int = 100
    ) -> Page[Ticket]:
        self.view_loads += 1
        return await super().list_view_tickets(view_id, cursor, page_size)


def keymap_app(keymap: dict[str, str] | None = None) -> tuple[FrontlineApp, CountingHelpdesk]:
    helpdesk = CountingHelpdesk()
    settings = Settings(keymap=keymap or {})
    return make_app(helpdesk, settings=settings), helpdesk


async def test_rebound_key_fires_the_action_and_the_old_one_does_not() -> None:
    app, helpdesk = keymap_app({"queue.refresh": "f5"})
    async with app.run_test() as pilot:
        await settle(pilot)
        before = helpdesk.view_loads

        await pilot.press("R")
        await settle(pilot)
        assert helpdesk.view_loads == before

        await pilot.press("f5")
        await settle(pilot)
        assert helpdesk.view_loads > before
        assert app.settings_problems == []


async def test_default_key_works_without_keymap() -> None:
    app, helpdesk = keymap_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        before = helpdesk.view_loads
        await pilot.press("R")
        await settle(pilot)
        assert helpdesk.view_loads > before


async def test_help_shows_the_users_key_not_the_default() -> None:
    app, _ = keymap_app({"queue.refresh": "f5", "queue.down": "n,down"})
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

        assert isinstance(app.screen, HelpScreen)
        rows = {row.binding_id: row for row in app.screen.rows}
        assert rows["queue.refresh"].keys == "f5"
        assert rows["queue.down"].keys == "n / ↓"
        assert rows["app.quit"].app_wide
        assert not rows["queue.refresh"].app_wide

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)


async def test_unknown_and_bad_entries_are_reported_and_the_rest_applies() -> None:
    keymap = {"queue.refesh": "f5", "queue.sort": "ctlr+s", "queue.filter": "f", "app.quit": ""}
    app, _ = keymap_app(keymap)
    async with app.run_test() as pilot:
        await settle(pilot)
        problems = app.settings_problems

        assert any("'queue.refesh'" in p and "queue.refresh" in p for p in problems)
        assert any("'queue.sort'" in p and "'ctlr+s'" in p for p in problems)
        assert any("'app.quit'" in p and "no key" in p for p in problems)
        assert len(problems) == 3
        assert app._keymap == {"queue.filter": "f"}

        await pilot.press("f")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "queue-filter"


async def test_clash_with_another_binding_is_reported() -> None:
    app, _ = keymap_app({"queue.refresh": "s"})
    async with app.run_test():
        assert any("'s'" in p and "queue.sort" in p for p in app.settings_problems)


def test_collected_ids_cover_app_and_screens() -> None:
    known = collect_binding_ids([FrontlineApp, *bound_classes()])

    assert {"app.quit", "app.help", "queue.refresh", "queue.down", "ticket.reply", "help.close"} <= set(known)
    assert known["queue.down"].key == "j"
    assert known["ticket.reply"].owner == "TicketScreen"


def test_key_syntax() -> None:
    assert all(
        is_valid_key(key) for key in ["r", "R", "ctrl+r", "f5", "question_mark", "shift+tab", "pageup"]
    )
    assert not any(is_valid_key(key) for key in ["ctlr+r", "foo", "ctrl+"])


def test_unbound_ids_in_bindings_are_ignored() -> None:
    class Screenish(QueueScreen):
        BINDINGS = [Binding("x", "noop", "No id")]

    assert "noop" not in collect_binding_ids([Screenish])


async def test_rebinding_a_key_next_to_its_arrow_alias_is_not_a_clash() -> None:
    app, _ = keymap_app({"queue.down": "n,down"})
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.settings_problems == []


async def test_a_clash_is_rejected_entirely_and_both_actions_keep_their_keys() -> None:
    app, _ = keymap_app({"ticket.next": "n"})
    async with app.run_test() as pilot:
        await settle(pilot)
        assert "ticket.next" not in app._keymap
        [problem] = app.settings_problems
        assert "'ticket.next'" in problem and "ticket.note" in problem and "'J'" in problem


async def test_a_clash_between_the_list_and_its_screen_is_found() -> None:
    app, _ = keymap_app({"queue.down": "s"})
    async with app.run_test() as pilot:
        await settle(pilot)
        assert any("'queue.down'" in p and "queue.sort" in p for p in app.settings_problems)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        await pilot.press("j")
        await pilot.pause()
        assert queue.query_one("#queue-list").cursor == 1  # type: ignore[attr-defined]


async def test_untypable_key_keeps_the_default_so_j_still_moves() -> None:
    app, _ = keymap_app({"queue.down": "ctrl+shift+banana"})
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app._keymap == {}
        assert any("'ctrl+shift+banana'" in p for p in app.settings_problems)
        await pilot.press("j")
        await pilot.pause()
        assert app.screen.query_one("#queue-list").cursor == 1  # type: ignore[attr-defined]


async def test_all_problems_arrive_as_one_warning() -> None:
    keymap = {"ticket.repyl": "a", "queue.down": "ctrl+shift+banana", "ticket.next": "n", "queue.filter": "f"}
    app, _ = keymap_app(keymap)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert len(app.settings_problems) == 3
        warnings = [n for n in app._notifications if n.severity == "warning"]
        assert len(warnings) == 1
        assert all(problem in warnings[0].message for problem in app.settings_problems)
        assert app._keymap == {"queue.filter": "f"}


async def test_swapping_two_keys_is_not_a_clash() -> None:
    app, _ = keymap_app({"ticket.reply": "n", "ticket.note": "r"})
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.settings_problems == []
        assert app._keymap == {"ticket.reply": "n", "ticket.note": "r"}


async def test_keeping_a_default_key_beside_a_new_one_is_not_a_clash() -> None:
    app, _ = keymap_app({"app.quit": "q,ctrl+x"})
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.settings_problems == []


def test_keys_named_after_characters_no_keyboard_sends_are_refused() -> None:
    untypable = ["ctrl+shift+banana", "banana", "ctrl+ctrl+a", "grinning_face"]
    assert not any(is_valid_key(key) for key in untypable)
    assert all(is_valid_key(key) for key in ["ctrl+shift+a", "full_stop", "left_square_bracket", "ctrl+j"])


def declared_anywhere_in_the_ui() -> dict[str, str]:
    """Every `Binding` with an id in a class's `BINDINGS` under `frontline.ui`, by id -> "module.Class"."""
    found: dict[str, str] = {}
    for module_info in pkgutil.walk_packages(frontline.ui.__path__, "frontline.ui."):
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if not inspect.isclass(value) or value.__module__ != module.__name__:
                continue
            for binding in value.__dict__.get("BINDINGS", ()):
                if isinstance(binding, Binding) and binding.id:
                    found.setdefault(binding.id, f"{module.__name__}.{name}")
    return found


def test_every_binding_id_declared_in_the_ui_is_known_to_the_keymap() -> None:
    """A new screen or widget with bindings must be in `bound_classes()`, or `[keymap]` cannot reach it."""
    declared = declared_anywhere_in_the_ui()
    assert {"bulk.apply", "details.close", "ticket.search-next", "filter-picker.cancel"} <= set(declared)
    known = set(collect_binding_ids([FrontlineApp, *bound_classes()]))
    missing = {binding_id: where for binding_id, where in declared.items() if binding_id not in known}
    assert missing == {}, f"add these classes to frontline.ui.app.bound_classes(): {missing}"
