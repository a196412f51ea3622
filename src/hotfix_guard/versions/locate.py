"""Where a file states its version, and the same file with another version: pure functions over
the file's bytes, shared by the version-files rule, finish and status.

A version is found as a byte span (`Spot`); a bump replaces exactly those bytes and nothing else,
so key order, quoting, indentation, comments, the encoding and the line endings stay as they were
and the diff is the version alone. Structured files are parsed as well (TOML, JSON), and an edit
whose parse is not the old one with the new version is refused rather than written: a careful
byte edit checked by the real parser gives what a style-preserving editor would (tomlkit), with a
diff that is provably minimal, and without a dependency.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on old Pythons only
    import tomli as tomllib

# A version file bigger than this is not one (a generated bundle named like one): never scanned.
MAX_SIZE = 1 << 20


class VersionFileError(Exception):
    """A version file whose version cannot be read or written exactly; the message says why."""


@dataclass(frozen=True)
class Spot:
    """Where a file states its version: 1-based line, byte span of the value, and the value."""

    line: int
    start: int
    end: int
    version: str


@dataclass(frozen=True)
class Reading:
    """What one file states: its spots (none: no version there) and why it was skipped."""

    spots: tuple[Spot, ...] = ()
    key: str = ""  # the dotted key the spots hold (TOML), for checking an edit by a parse
    note: str | None = None  # set when the file names its version elsewhere (dynamic)
    follow: tuple[str, ...] = ()  # the files a dynamic version may be in, when it names one


def kind_of(path: str) -> str:
    """How a file is read, by its name."""
    name = path.rsplit("/", 1)[-1]
    for suffixes, kind in (
        ((".json",), "json"),
        ((".toml",), "toml"),
        ((".cfg", ".ini"), "cfg"),
        ((".properties",), "properties"),
        ((".gradle", ".gradle.kts"), "gradle"),
        ((".xml",), "xml"),
        ((".yaml", ".yml"), "yaml"),
        ((".py",), "python"),
    ):
        if name.endswith(suffixes):
            return kind
    return "text"


# The keys a file of each kind keeps its version under when the config names none.
DEFAULT_KEYS = {
    "json": "version",
    "cfg": "metadata.version",
    "properties": "version,versionName",
    "gradle": "version,versionName",
    "xml": "project.version",
    "yaml": "version",
    "python": "__version__",
}
TOML_KEYS = {
    "pyproject.toml": ("project.version", "tool.poetry.version"),
    "Cargo.toml": ("package.version", "workspace.package.version"),
}


def read_spots(path: str, key: str | None, data: bytes) -> Reading:
    """Where PATH (its content DATA) states its version under KEY (None: the kind's default)."""
    if len(data) > MAX_SIZE:
        raise VersionFileError(f"larger than {MAX_SIZE >> 20} MB: not read as a version file")
    kind = kind_of(path)
    if kind == "toml":
        return _toml(path, key, data)
    spots: tuple[Spot, ...]
    if kind == "json":
        return Reading(_json(data, key or "version"), key or "version")
    if kind == "cfg":
        return _cfg(data, key or DEFAULT_KEYS["cfg"])
    elif kind == "xml":
        spots = _xml(data, (key or "project.version").split("."))
    elif kind == "text":
        if key:
            raise VersionFileError(f"a plain text file has no keys (:{key})")
        spots = _matches(data, rb"\A\s*(?P<v>\S+)\s*\Z")
    else:
        spots = _matches(data, _line_pattern(kind, key or DEFAULT_KEYS[kind]))
    return Reading(spots)


def rewrite(data: bytes, spots: tuple[Spot, ...], version: str) -> bytes:
    """DATA with every spot's value replaced by VERSION (a `v` prefix kept where it was)."""
    for spot in sorted(spots, key=lambda s: s.start, reverse=True):
        value = styled(spot.version, version)
        data = data[: spot.start] + value.encode() + data[spot.end :]
    return data


def set_version(path: str, key: str | None, data: bytes, version: str) -> bytes:
    """PATH's content with VERSION in place of its version; checked by a parse where one exists."""
    reading = read_spots(path, key, data)
    if not reading.spots:
        raise VersionFileError("states no version to replace")
    new = rewrite(data, reading.spots, version)
    parse = {"json": _parse_json, "toml": _parse_toml}.get(kind_of(path))
    if parse is not None:
        # The parse of the edit is the old parse with the one value replaced, or nothing is written.
        expected = _replaced(parse(data), reading.key, styled(reading.spots[0].version, version))
        if parse(new) != expected:
            raise VersionFileError("the edit would change more than the version: not written")
    return new


def styled(old: str, new: str) -> str:
    """NEW spelled like OLD: `v1.2.3` stays prefixed."""
    return f"v{new}" if old[:1] in "vV" and old[1:2].isdigit() and new[:1].isdigit() else new


def plain(version: str) -> str:
    """The numbers of a stated version (`v1.2.3` -> `1.2.3`), for comparing with a tag's."""
    return version[1:] if version[:1] in "vV" and version[1:2].isdigit() else version


# --- line patterns -------------------------------------------------------------------------------


def _line_pattern(kind: str, key: str) -> bytes:
    names = b"|".join(re.escape(name.strip().encode()) for name in key.split(","))
    if kind == "properties":
        return rb"^[ \t]*(?:" + names + rb")[ \t]*[=:][ \t]*(?P<v>[^\s#!]+)[ \t]*\r?$"
    if kind == "gradle":  # version = '1.2.3', version "1.2.3", versionName("1.2.3")
        return (
            rb"^[ \t]*(?:project\.)?(?:" + names + rb")[ \t]*(?:=[ \t]*|\([ \t]*|[ \t])[ \t]*"
            rb"(?P<q>['\"])(?P<v>[^'\"\r\n]+)(?P=q)"
        )
    if kind == "yaml":  # top level only: a nested `version:` belongs to something else
        return rb"^(?:" + names + rb"):[ \t]*(?P<q>['\"]?)(?P<v>[^'\"\s#]+)(?P=q)[ \t]*(?:#.*)?\r?$"
    # python: a module-level assignment of a string literal
    return (
        rb"^(?:" + names + rb")[ \t]*(?::[ \t]*str[ \t]*)?=[ \t]*"
        rb"(?P<q>['\"])(?P<v>[^'\"\r\n\\]+)(?P=q)"
    )


def _matches(
    data: bytes, pattern: bytes, start: int = 0, end: int | None = None
) -> tuple[Spot, ...]:
    compiled = re.compile(pattern, re.MULTILINE)
    found = compiled.finditer(data, start, len(data) if end is None else end)
    return tuple(_spot(data, match.start("v"), match.end("v")) for match in found)


def _spot(data: bytes, start: int, end: int) -> Spot:
    version = data[start:end].decode("utf-8", "replace")
    return Spot(data.count(b"\n", 0, start) + 1, start, end, version)


# --- sectioned files: TOML and setup.cfg ---------------------------------------------------------

_HEADER = re.compile(rb"^[ \t]*\[(?P<name>\[?[^\[\]\r\n]+\]?)\][ \t]*(?:[#;][^\r\n]*)?\r?$", re.M)


def _sections(data: bytes) -> Iterator[tuple[str, int, int]]:
    """(table name, start, end) of each section; "" for the lines before the first header."""
    name, start = "", 0
    for match in _HEADER.finditer(data):
        yield name, start, match.start()
        raw = match.group("name").decode("utf-8", "replace")
        name, start = re.sub(r"[\s\"']", "", raw), match.end()
    yield name, start, len(data)


def _in_section(data: bytes, section: str, pattern: bytes) -> tuple[Spot, ...]:
    return tuple(
        spot
        for name, start, end in _sections(data)
        if name == section
        for spot in _matches(data, pattern, start, end)
    )


def _cfg(data: bytes, key: str) -> Reading:
    section, _, name = key.rpartition(".")
    pattern = rb"^" + re.escape(name.encode()) + rb"[ \t]*[=:][ \t]*(?P<v>[^\r\n;#]*?)[ \t]*\r?$"
    spots = _in_section(data, section, pattern)
    dynamic = [spot for spot in spots if spot.version.startswith(("attr:", "file:"))]
    if dynamic:
        return _dynamic_cfg(dynamic[0].version)
    return Reading(tuple(spot for spot in spots if spot.version))


def _dynamic_cfg(value: str) -> Reading:
    how, _, target = value.partition(":")
    target = target.strip()
    follow = (target,) if how == "file" else module_paths(target)
    return Reading(note=f"the version is {how}: {target}", follow=follow)


def module_paths(attribute: str) -> tuple[str, ...]:
    """`pkg.__version__` -> the files that module may be (flat or src layout, package or not)."""
    module, _, name = attribute.rpartition(".")
    if name != "__version__" or not module:
        return ()
    stem = module.replace(".", "/")
    return tuple(f"{root}{stem}{end}" for root in ("", "src/") for end in ("/__init__.py", ".py"))


def _parse_toml(data: bytes) -> dict[str, Any]:
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise VersionFileError(f"not valid TOML ({error})") from None


def _toml(path: str, key: str | None, data: bytes) -> Reading:
    parsed = _parse_toml(data)
    keys = (key,) if key else TOML_KEYS.get(path.rsplit("/", 1)[-1], ("version",))
    for dotted in keys:
        table_name, _, name = dotted.rpartition(".")
        table = _dig(parsed, table_name)
        if not isinstance(table, dict):
            continue
        if name not in table:
            dynamic = table.get("dynamic")
            if isinstance(dynamic, list) and name in dynamic:
                return _dynamic_toml(parsed, table_name)
            continue
        value = table[name]
        if not isinstance(value, str):
            return Reading(note=f"[{table_name}] {name} is not a string ({value!r})")
        pattern = (
            rb"^[ \t]*" + re.escape(name.encode()) + rb"[ \t]*=[ \t]*"
            rb"(?P<q>[\"'])(?P<v>[^\"'\r\n\\]+)(?P=q)[ \t]*(?:#[^\r\n]*)?\r?$"
        )
        spots = _in_section(data, table_name, pattern)
        if len(spots) != 1 or spots[0].version != value:
            raise VersionFileError(
                f'[{table_name}] {name} = {value!r} is not one plain line `{name} = "..."` '
                "under its header: it cannot be edited exactly"
            )
        return Reading(spots, dotted)
    return Reading()


def _dynamic_toml(parsed: dict[str, Any], table_name: str) -> Reading:
    """A dynamic [project] version: say so, and follow the build backend to the file it reads."""
    tool = parsed.get("tool", {})
    hatch = _dig(tool, "hatch.version.path")
    setuptools = _dig(tool, "setuptools.dynamic.version")
    pdm = _dig(tool, "pdm.version.path")
    follow: tuple[str, ...] = ()
    for named in (hatch, pdm):
        if isinstance(named, str) and not follow:
            follow = (named,)
    if not follow and isinstance(setuptools, dict):
        attr, file = setuptools.get("attr"), setuptools.get("file")
        if isinstance(attr, str):
            follow = module_paths(attr)
        elif isinstance(file, str):
            follow = (file,)
    return Reading(note=f"[{table_name}] version is dynamic", follow=follow)


def _dig(table: Any, dotted: str) -> Any:
    for part in dotted.split(".") if dotted else ():
        if not isinstance(table, dict):
            return None
        table = table.get(part)
    return table


# --- JSON ----------------------------------------------------------------------------------------


def _parse_json(data: bytes) -> Any:
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise VersionFileError(f"not valid JSON ({error})") from None


def _json(data: bytes, key: str) -> tuple[Spot, ...]:
    """The string values of KEY in the top-level object (a nested "version" is a dependency's)."""
    value = _parse_json(data)
    if not isinstance(value, dict) or not isinstance(value.get(key), str):
        return ()
    wanted = key.encode()
    spots, depth, index = [], 0, 0
    while index < len(data):
        byte = data[index : index + 1]
        if byte == b'"':
            end = _string_end(data, index)
            colon = _skip_space(data, end)
            if (
                depth == 1
                and data[colon : colon + 1] == b":"
                and data[index + 1 : end - 1] == wanted
            ):
                value_at = _skip_space(data, colon + 1)
                if data[value_at : value_at + 1] == b'"':
                    spots.append(_spot(data, value_at + 1, _string_end(data, value_at) - 1))
            index = end
            continue
        depth += 1 if byte in (b"{", b"[") else -1 if byte in (b"}", b"]") else 0
        index += 1
    return tuple(spots)


def _string_end(data: bytes, start: int) -> int:
    """The index after the closing quote of the JSON string opening at START."""
    index = start + 1
    while index < len(data):
        if data[index : index + 1] == b"\\":
            index += 2
            continue
        if data[index : index + 1] == b'"':
            return index + 1
        index += 1
    return len(data)


def _skip_space(data: bytes, index: int) -> int:
    while data[index : index + 1] in (b" ", b"\t", b"\r", b"\n"):
        index += 1
    return index


def _replaced(value: Any, dotted: str, new: str) -> Any:
    """VALUE (a parsed document) with the string at DOTTED set to NEW."""
    head, _, rest = dotted.partition(".")
    if not rest:
        return {**value, head: new}
    return {**value, head: _replaced(value[head], rest, new)}


# --- XML (pom.xml) -------------------------------------------------------------------------------

_XML_TOKEN = re.compile(
    rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<![^>]*>|<(?P<close>/?)(?P<name>[\w:.-]+)[^>]*?(?P<empty>/?)>",
    re.DOTALL,
)


def _xml(data: bytes, path: list[str]) -> tuple[Spot, ...]:
    """The text of the element at PATH from the root (`project.version`: the project's own
    version, not its parent's or a dependency's)."""
    stack: list[str] = []
    for match in _XML_TOKEN.finditer(data):
        name = match.group("name")
        if name is None:
            continue
        local = name.decode("utf-8", "replace").rsplit(":", 1)[-1]
        if match.group("close"):
            if stack and stack[-1] == local:
                stack.pop()
            continue
        if match.group("empty"):
            continue
        stack.append(local)
        if stack == path:
            text_end = data.find(b"<", match.end())
            text = data[match.end() : text_end]
            start = match.end() + len(text) - len(text.lstrip())
            end = match.end() + len(text.rstrip())
            return (_spot(data, start, end),) if end > start else ()
    return ()
