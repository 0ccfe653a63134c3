"""Querysets compiled to SQL once and run again with new values: for the hottest reads.

For a lookup by primary key or by an indexed handle, PostgreSQL answers in a tenth of a
millisecond, while Django builds the queryset, compiles it to SQL and turns the rows into
models in one to three milliseconds of Python, every time. A ``PreparedQuery`` keeps the
queryset as the one definition of what is read (visibility rules included), compiles it once
per database connection with a marker in place of each value, and then only swaps the values
in, runs the SQL and builds the models as Django's own ``ModelIterable`` does (its row
converters and ``select_related`` populators).

Only plain equality-like lookups can take a marker: a value that Django rewrites before it
reaches the SQL (``contains`` wraps it in ``%``) would not be found in the parameters, and
``prepare`` refuses it rather than run a query without it.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

M = TypeVar("M", bound=Model)

# Integers far from any id, each unique, so that an integer marker cannot be mistaken for a
# constant of the query.
_INT_MARKERS = itertools.count(-7_300_000_000_000_000_001, -1)
_LOCK = threading.Lock()


def _marker(name: str, kind: type) -> Any:
    if kind is int:
        with _LOCK:
            return next(_INT_MARKERS)
    if kind is str:
        return f"\x00prepared:{name}\x00"
    raise TypeError(f"a prepared query's value is a str or an int, not {kind.__name__}")


@dataclass
class _Compiled:
    sql: str
    params: list[Any]
    slots: dict[str, list[int]]
    compiler: Any
    converters: dict
    model: type[Model]
    init_list: list[str]
    fields: slice
    populators: list


class PreparedQuery(Generic[M]):
    """``build(**values)`` returns the queryset; ``values`` name the type of each value.

        by_prefix = PreparedQuery(lambda prefix: ApiToken.objects.filter(prefix=prefix)[:1], prefix=str)
        tokens = by_prefix.run(prefix="ab12")

    The queryset must yield model instances (no ``values()``); its slicing is part of the SQL.
    """

    def __init__(self, build: Callable[..., QuerySet[M]], **values: type) -> None:
        self.build = build
        self.values = values
        self._compiled: weakref.WeakKeyDictionary[Any, _Compiled] = weakref.WeakKeyDictionary()

    def _compile(self, using: str) -> _Compiled:
        markers = {name: _marker(name, kind) for name, kind in self.values.items()}
        queryset = self.build(**markers)
        if queryset._iterable_class is not ModelIterable:
            raise ValueError("a prepared query yields model instances (no values() or values_list())")
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        params = list(params)
        slots: dict[str, list[int]] = {}
        for name, marker in markers.items():
            slots[name] = [i for i, value in enumerate(params) if value == marker]
            if not slots[name]:
                raise ValueError(f"the value {name!r} does not reach the SQL as it was given")
        placed = {i for positions in slots.values() for i in positions}
        for i, value in enumerate(params):
            if isinstance(value, str) and "\x00prepared:" in value and i not in placed:
                raise ValueError(f"a value is rewritten by its lookup before it reaches the SQL: {value!r}")
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return _Compiled(
            sql=sql,
            params=params,
            slots=slots,
            compiler=compiler,
            converters=compiler.get_converters([s[0] for s in select[: compiler.col_count]]),
            model=klass_info["model"],
            init_list=[column[0].target.attname for column in select[start:end]],
            fields=slice(start, end),
            populators=get_related_populators(klass_info, select, using),
        )

    def run(self, *, using: str = "default", **values: Any) -> list[M]:
        if values.keys() != self.values.keys():
            raise TypeError(f"give exactly the values {sorted(self.values)}")
        connection = connections[using]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(using)
        params = list(compiled.params)
        for name, positions in compiled.slots.items():
            for position in positions:
                params[position] = values[name]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        found = []
        for row in rows:
            row = tuple(row)
            obj = compiled.model.from_db(using, compiled.init_list, row[compiled.fields])
            for populator in compiled.populators:
                populator.populate(row, obj)
            found.append(obj)
        return found

    def first(self, *, using: str = "default", **values: Any) -> M | None:
        found = self.run(using=using, **values)
        return found[0] if found else None
