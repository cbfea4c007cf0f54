"""`frontline.allocator`: glibc is told to give freed memory back, and nothing breaks where it cannot be."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from frontline.allocator import ARENA_MAX, MMAP_THRESHOLD, return_freed_memory


class FakeLibc:
    def __init__(self, answer: int = 1) -> None:
        self.answer = answer
        self.calls: list[tuple[int, int]] = []

    def mallopt(self, option: int, value: int) -> int:
        self.calls.append((option, value))
        return self.answer


def test_both_settings_are_given_to_mallopt() -> None:
    libc = FakeLibc()
    assert return_freed_memory(lambda: libc) is True
    assert libc.calls == [(-3, MMAP_THRESHOLD), (-8, ARENA_MAX)]


def test_a_refused_setting_is_reported() -> None:
    assert return_freed_memory(lambda: FakeLibc(answer=0)) is False


@pytest.mark.parametrize("libc", [None, object()], ids=["no C library", "no mallopt"])
def test_without_glibc_nothing_is_changed(libc: object) -> None:
    assert return_freed_memory(lambda: libc) is False


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_glibc_takes_both_settings() -> None:
    """In a process of its own: the settings hold for the rest of the process."""
    code = "from frontline.allocator import return_freed_memory as r; print(r())"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True"
