"""Bot API request parameters: JSON, form and multipart bodies turned into one typed dict.

Telegram takes every parameter as a string in form bodies, with nested objects JSON-encoded;
normalising here means each method reads ``params["reply_parameters"]`` as a dict whatever the
client sent, and the recorded calls read the same.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web
from multidict import MultiMapping

from bot.sandbox.rules import bad_request

INT_FIELDS = frozenset(
    {
        "message_id",
        "message_thread_id",
        "reply_to_message_id",
        "offset",
        "limit",
        "user_id",
        "from_chat_id",
        "icon_color",
        "cache_time",
        "max_connections",
        "until_date",
    }
)
FLOAT_FIELDS = frozenset({"timeout"})
BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "drop_pending_updates",
        "show_alert",
        "disable_content_type_detection",
        "allow_paid_broadcast",
    }
)
JSON_FIELDS = frozenset(
    {
        "reply_parameters",
        "link_preview_options",
        "reply_markup",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "media",
        "options",
        "question_entities",
    }
)


async def read_params(request: web.Request) -> dict[str, Any]:
    """Return the request's parameters, whatever the body's encoding, typed and decoded."""
    raw: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise bad_request("parameters must be a JSON object")
            raw.update(body)
        else:
            raw.update(_form_values(await request.post()))
    return normalize(raw)


def _form_values(form: MultiMapping[Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in form.items():
        if isinstance(value, web.FileField):
            values[key] = {
                "filename": value.filename,
                "mime_type": value.content_type,
                "data": value.file.read(),
            }
        else:
            values[key] = value
    return values


def normalize(raw: dict[str, Any]) -> dict[str, Any]:
    """Return parameters with numbers, booleans and JSON objects decoded from strings."""
    params = {key: _typed(key, value) for key, value in raw.items()}
    for key, value in list(params.items()):
        # PTB names a multipart file "attach://<name>" in some methods: follow the link.
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = params.pop(value[len("attach://") :], value)
    if isinstance(params.get("chat_id"), str):
        params["chat_id"] = _chat_id(params["chat_id"])
    return params


def _typed(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        if key in INT_FIELDS:
            return int(value)
        if key in FLOAT_FIELDS:
            return float(value)
        if key in JSON_FIELDS:
            return json.loads(value)
    except ValueError:
        raise bad_request(f'can\'t parse parameter "{key}"') from None
    if key in BOOL_FIELDS:
        return value.lower() in ("true", "1")
    return value


def _chat_id(value: str) -> int | str:
    try:
        return int(value)
    except ValueError:
        return value


def required(params: dict[str, Any], name: str, reason: str) -> Any:
    """Return ``params[name]`` or raise the Bad Request Telegram gives when it is missing."""
    value = params.get(name)
    if value is None or value == "":
        raise bad_request(reason)
    return value


def file_summary(params: dict[str, Any]) -> dict[str, Any]:
    """Return params fit for the call log: uploaded bytes replaced by name and size."""
    return {
        key: {"filename": value["filename"], "size": len(value["data"])}
        if isinstance(value, dict) and isinstance(value.get("data"), bytes)
        else value
        for key, value in params.items()
    }
