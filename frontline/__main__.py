"""Allow `python -m frontline`."""

from __future__ import annotations

from frontline.cli import main

raise SystemExit(main())
