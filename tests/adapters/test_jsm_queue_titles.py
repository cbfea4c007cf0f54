"""Queue tabs name the service desk only when the profile's queues come from more than one desk."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest
from support.fake_helpdesk import FakeHelpdesk
from support.sandbox_control import SleepRecorder, control_client

from frontline.connectors.jsm.client import JsmAdapter, build_jsm_adapter
from frontline.domain.models import View
from frontline.sandbox.server import SandboxServer
from frontline.services.desk import Desk

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(seed=5, tickets=60, systems=("jsm",), clock=lambda: NOW) as server:
        yield server


@pytest.fixture
async def adapter(sandbox: SandboxServer) -> AsyncIterator[JsmAdapter]:
    with control_client(sandbox, "jsm"):
        jsm = build_jsm_adapter(sandbox.urls["jsm"], sandbox.email, sandbox.token, sleep=SleepRecorder())
        yield jsm
        await jsm.aclose()


async def test_queues_of_one_desk_drop_the_desk_name(adapter: JsmAdapter) -> None:
    one_desk = ("1:1", "1:2", "1:3", "1:4", "1:5", "1:6")
    views = await Desk(adapter, profile_name="p", view_ids=one_desk, clock=lambda: NOW).views()
    assert [v.title for v in views] == [
        "All open",
        "Assigned to me",
        "Unassigned",
        "Urgent",
        "Waiting for customer",
        "Resolved",
    ]
    assert {v.group for v in views} == {"Customer Support"}


async def test_queues_of_two_desks_keep_the_desk_key(adapter: JsmAdapter) -> None:
    views = await Desk(adapter, profile_name="p", view_ids=("1:1", "2:11"), clock=lambda: NOW).views()
    assert [v.title for v in views] == ["SUP: All open", "IT: All open"]
    assert [v.group for v in views] == ["Customer Support", "IT Help Desk"]


async def test_every_queue_of_a_site_with_two_desks_is_named_with_its_desk_key(adapter: JsmAdapter) -> None:
    views = await Desk(adapter, profile_name="p", clock=lambda: NOW).views()
    keys = {"Customer Support": "SUP", "IT Help Desk": "IT"}
    assert all(v.group is not None and v.title == f"{keys[v.group]}: {v.short_title}" for v in views)


class GroupedFake(FakeHelpdesk):
    """Views that carry groups, as JSM's do."""

    async def list_views(self) -> list[View]:
        return [
            View(id="all", title="Support: All", group="Support", short_title="All"),
            View(id="mine", title="Support: Mine", group="Support", short_title="Mine"),
            View(id="urgent", title="Urgent & high"),
        ]


async def test_views_without_a_group_keep_their_titles() -> None:
    desk = Desk(GroupedFake(), profile_name="p", clock=lambda: NOW)
    assert [v.title for v in await desk.views()] == ["Support: All", "Support: Mine", "Urgent & high"]
    only_support = Desk(GroupedFake(), profile_name="p", view_ids=("all", "mine"), clock=lambda: NOW)
    assert [v.title for v in await only_support.views()] == ["All", "Mine"]
