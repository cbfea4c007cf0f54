"""`frontline sandbox`: the sandbox's own arguments and runner under the product's command.

The sandbox imports nothing from the product, so this is where the two meet.
"""

from __future__ import annotations

import argparse

from frontline.sandbox import cli as sandbox_cli


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = sandbox_cli.DESCRIPTION
    parser.epilog = sandbox_cli.EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    sandbox_cli.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    return sandbox_cli.run(args)
