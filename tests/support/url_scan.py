"""Find the views that read given query parameters, by reading their source.

Used by tests that must cover every list page (pagination cursors, issue 17): a new view that reads
``?cursor=`` shows up here, and the test fails until it is added to the test's cases.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from types import FunctionType
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

PROJECT_PACKAGES = ("intranet.", "communities.", "training.", "meetups.")


def url_patterns() -> Iterator[tuple[str, str, Callable[..., Any]]]:
    """Every named URL pattern as ``(name with namespaces, route, view)``."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str, Callable[..., Any]]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, prefix + str(pattern.pattern), pattern.callback

    yield from walk(get_resolver().url_patterns, "", "")


def _is_project(obj: Any) -> bool:
    return (inspect.isfunction(obj) or inspect.isclass(obj)) and str(getattr(obj, "__module__", "")).startswith(
        PROJECT_PACKAGES
    )


def _is_interface(obj: Any) -> bool:
    """Views, forms and view helpers: where request parameters are read (not selectors or services)."""
    module = str(obj.__module__)
    return any(part in module.split(".")[-1] for part in ("views", "forms", "web", "live")) or ".views." in module


def _names(code: Any) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if inspect.iscode(const):
            names |= _names(const)
    return names


def interface_source(view: Callable[..., Any]) -> str:
    """The source of ``view`` and of the project views, forms and view helpers it uses, transitively."""
    seen: set[Any] = set()
    parts: list[str] = []
    todo: list[Any] = [inspect.unwrap(view)]
    while todo:
        obj = todo.pop()
        if obj in seen:
            continue
        seen.add(obj)
        try:
            parts.append(inspect.getsource(obj))
        except (OSError, TypeError):
            continue
        functions = (
            [obj]
            if isinstance(obj, FunctionType)
            else [member for member in vars(obj).values() if isinstance(member, FunctionType)]
        )
        for function in functions:
            scope = function.__globals__
            for name in _names(function.__code__):
                found = scope.get(name)
                if found is not None and _is_project(found) and _is_interface(found):
                    todo.append(inspect.unwrap(found))
    return "\n".join(parts)


def views_reading(params: tuple[str, ...]) -> dict[str, set[str]]:
    """URL name -> the parameters of ``params`` its view reads (as a string literal or a form field)."""
    alternatives = "|".join(re.escape(p) for p in params)
    literal = re.compile(rf"[\"']({alternatives})[\"']")
    field = re.compile(rf"^\s*({alternatives})\s*=\s*forms\.", re.MULTILINE)
    found: dict[str, set[str]] = {}
    for name, _route, view in url_patterns():
        if not str(getattr(inspect.unwrap(view), "__module__", "")).startswith(PROJECT_PACKAGES):
            continue
        source = interface_source(view)
        read = set(literal.findall(source)) | set(field.findall(source))
        if read:
            found[name] = read
    return found
