"""Model identity: one canonical id for a model however a feed spells it.

`canonical_model_id` maps a feed's identifier to a version-less, provider-less slug:

    "openai/gpt-4o-2024-08-06"                       -> "gpt-4o"
    "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0" -> "claude-3-5-sonnet"
    "GPT-4o"                                          -> "gpt-4o"
    "Claude 3.5 Sonnet"                               -> "claude-3-5-sonnet"

Dated snapshots of one model share its id (release counting must not count a model twice);
the snapshot itself stays in the feed's own identifier and `model_version`.
"""

from __future__ import annotations

import re

# Vendor namespaces that prefix model names in LiteLLM/Bedrock/Vertex keys ("anthropic.claude-...").
_VENDOR_DOT_PREFIXES = (
    "anthropic.",
    "meta.",
    "amazon.",
    "cohere.",
    "ai21.",
    "mistral.",
    "deepseek.",
    "qwen.",
    "writer.",
    "openai.",
    "us.",
    "eu.",
    "apac.",
    "global.",
)
_DATE_SUFFIX = re.compile(r"(?:[-@_](?:20\d{2}-\d{2}-\d{2}|20\d{6}|\d{4}|\d{2}-\d{4}|20\d{2}-\d{2}))+$")
_BEDROCK_VERSION = re.compile(r"-v\d+(?::\d+)?$")
_SEPARATORS = re.compile(r"[\s_./:]+")
_REPEATED_DASH = re.compile(r"-{2,}")


def canonical_model_id(identifier: str) -> str:
    """The canonical (version-less, provider-less, lower-case) id of a model identifier."""
    text = identifier.strip().lower()
    if not text:
        return ""
    # Provider routes: keep the last path segment ("openrouter/openai/gpt-4o" -> "gpt-4o").
    text = text.rsplit("/", 1)[-1]
    text = text.removesuffix(":free").removesuffix(":beta").removesuffix(":thinking")
    changed = True
    while changed:
        changed = False
        for prefix in _VENDOR_DOT_PREFIXES:
            if text.startswith(prefix):
                text = text[len(prefix) :]
                changed = True
    text = _BEDROCK_VERSION.sub("", text)
    text = _SEPARATORS.sub("-", text)
    text = _REPEATED_DASH.sub("-", text).strip("-")
    text = _DATE_SUFFIX.sub("", text)
    return text.strip("-")
