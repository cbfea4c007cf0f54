"""Which fields of a settings model have no docstring under them, read from the source.

Pydantic's `use_attribute_docstrings` would do it at import time at a cost of ~40 ms per start, for
descriptions nothing reads at runtime; the docstrings are for people reading the code and the config.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import textwrap

from pydantic import BaseModel


def field_docstrings(cls: type) -> dict[str, str]:
    """The string literal right under each annotated attribute of `cls`'s own body."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = next(node for node in tree.body if isinstance(node, ast.ClassDef)).body
    docs: dict[str, str] = {}
    for statement, following in itertools.pairwise(body):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[statement.target.id] = following.value.value
    return docs


def undocumented_fields(model: type[BaseModel]) -> list[str]:
    """`model`'s fields (inherited ones included) that no class of its MRO documents."""
    documented: set[str] = set()
    for cls in model.__mro__:
        if issubclass(cls, BaseModel) and not cls.__module__.startswith(("pydantic", "pydantic_settings")):
            documented |= set(field_docstrings(cls))
    return [name for name in model.model_fields if name not in documented]
