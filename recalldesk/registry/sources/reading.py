"""Reading a file's bytes as text or as a JSON list, with errors a person can act on."""

import json

from recalldesk.registry.sources.records import UnreadableFile


def decode_text(data: bytes, *, name: str) -> str:
    """The file as text: refused if empty, binary or not UTF-8."""
    if not data.strip():
        raise UnreadableFile(f"{name} is empty: there is nothing to import.")
    if b"\x00" in data[:65536]:
        raise UnreadableFile(f"{name} is a binary file, not a CSV or JSON export of recalls.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            f"{name} is not UTF-8 text (byte 0x{data[error.start]:02x} at offset "
            f"{error.start}); save it as UTF-8 and import it again."
        ) from None


def decode_json_list(text: str, *, name: str) -> list:
    """The file's JSON, which must be a list of records."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        ending = text.rstrip()[-1:]
        hint = " The file ends early: it looks truncated." if ending not in ("]", "}") else ""
        raise UnreadableFile(
            f"{name} is not valid JSON: {error.msg} (line {error.lineno}, column "
            f"{error.colno}).{hint}"
        ) from None
    except RecursionError:
        raise UnreadableFile(f"{name} is JSON nested too deeply to read.") from None
    if not isinstance(data, list):
        kind = {dict: "an object", str: "a string"}.get(type(data), f"a {type(data).__name__}")
        raise UnreadableFile(
            f"{name} holds {kind} where a JSON list of recall records was expected."
        )
    return data


def object_kind(value: object) -> str:
    """How to name a JSON value that should have been an object."""
    names = {list: "a list", str: "a string", int: "a number", float: "a number"}
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a true/false value"
    return names.get(type(value), type(value).__name__)
