"""Model identity: one canonical id for a model however a feed spells it.

`canonical_model_id` maps a feed's identifier to a version-less, provider-less slug made
of lower-case ASCII letters and digits joined by single dashes (`^[a-z0-9]+(-[a-z0-9]+)*$`):

    "bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0" -> "claude-3-7-sonnet"
    "openrouter/anthropic/claude-3.5-sonnet"                -> "claude-3-5-sonnet"
    "Claude 3.5 Sonnet"                                     -> "claude-3-5-sonnet"
    "vertex_ai/gemini-1.5-pro-002"                          -> "gemini-1-5-pro"
    "GPT-3 175B (davinci)"                                  -> "gpt-3-175b-davinci"
    "o1-preview-2024-09-12"                                 -> "o1-preview"

The function is purely mechanical (no lookup table of models), idempotent, and applied to
every feed alike, so one model seen in several feeds gets one id. Decisions:

* Routes and namespaces go: the last `/` segment of a route ("openrouter/openai/gpt-4o"),
  Bedrock's region and vendor prefixes ("us.anthropic."), "ft:" fine-tune prefixes and
  OpenRouter variant suffixes (":free", ":beta", ":thinking", ":batch"), and the evaluation
  setting Epoch AI appends to a version id ("o1-2024-12-17_high", "..._16K"). A `/` inside a
  spaced name or before a bare number ("DiT-XL/2", "ViT-G/14") is part of the name.
* "3.5" and "3-5" are the same: every dot becomes a dash ("claude-3-5-sonnet", "gpt-4-1"),
  because Anthropic keys spell versions with dashes and every other source with dots.
  Fireworks' "3p1" means 3.1; Azure's "gpt-35" means gpt-3.5; Bedrock's "claude-v2:1"
  means Claude 2.1. A letter run glued to a version number is split ("llama3.1" ->
  "llama-3-1", "qwen2.5" -> "qwen-2-5") so glued and spaced spellings agree; a single
  letter is not split ("o1", "r1", "v3", "k2").
* Parentheses and other punctuation become dashes, so a qualifier such as "(davinci)" or
  "(WT2)" stays part of the name: Epoch AI uses them to tell distinct models apart. "+" is
  spelled "plus" (PointNet++ is not PointNet; Cohere's "command-r+" is "command-r-plus").
  A month-and-year ("(May 2025)", "(Jun 2025 preview)") is a version label and goes; a bare
  year ("LSTM (2018)") stays, because Epoch AI names distinct models that way. A trailing
  "(no thinking)" is an evaluation setting of a hybrid model and goes too.
* Version suffixes go: dates (-20240620, -2024-08-06, -0613/-0314 and other MMDD, YYMM such
  as -2407 or -2512, MM-DD as in Gemini's -preview-06-05, MM-YYYY as in -08-2024),
  Google's -001/-002 (and "@001"), Bedrock's -v1:0 / -1:0, a trailing -v1 or Mistral's
  -v0.N, a trailing ".0" ("claude-2.0" is Claude 2), "-latest", "-beta" and "-exp" (Epoch
  AI itself files Gemini "-exp" checkpoints under the model, e.g. gemini-2.5-pro-exp-03-25
  -> Gemini 2.5 Pro; "gemini-exp-1206" keeps "gemini-exp", as "gemini" alone would name a
  family). Only dates with a valid month (and day) count, so "-8192" (a context size) and
  "(2018)" stay, and an MMDD needs two name tokens before it ("gpt-4-0613" loses it,
  "ResNet-1001" keeps its depth).
* "-preview" is kept: o1-preview and QwQ-32B-Preview are distinct models with their own
  release dates, and a rule that dropped "preview" would merge them into o1 and QwQ-32B.
  The cost: previews that Epoch AI files under the final model (gpt-4.5-preview -> GPT-4.5,
  gemini-2.5-flash-preview-04-17 -> Gemini 2.5 Flash) get their own id; the
  `model_aliases` of feed epoch_models record Epoch AI's own version -> model mapping for
  those.
* Model-card suffixes "-instruct", "-chat", "-it", "-hf", "-base" go when the name carries a
  parameter count ("Llama-3.3-70B-Instruct" -> "llama-3-3-70b", as Epoch AI files base and
  instruct weights under one model), but not otherwise ("deepseek-chat" stays). A leading
  "meta-" before "llama" and Fireworks' "llama-v3" spelling are normalised the same way.
* Other letters are transliterated (NFKD: "Tülu" -> "tulu"; Greek letters by name:
  "PanGu-Σ" -> "pangu-sigma"); a character with no ASCII form becomes "u" plus its code
  point, so the id is never empty for input with a letter or digit. When stripping versions
  would leave nothing ("latest", "2024-08-06"), the unstripped slug is the id.

Dated snapshots of one model share its id (release counting must not count a model twice);
the snapshot itself stays in the feed's own identifier and `model_version`.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_WHITESPACE = re.compile(r"\s")
_NAMESPACE_PREFIX = re.compile(r"^(?:[a-z][a-z-]*\.)+(?=[a-z])")  # us.anthropic., meta., eu.amazon.
_VARIANT_SUFFIX = re.compile(r":[a-z][a-z-]*$")  # OpenRouter :free/:beta/:thinking, :exacto, ...
# Epoch AI appends an evaluation setting to a version id: o1-2024-12-17_high, claude-..._16K.
_EVAL_SETTING = re.compile(r"_(?:high|medium|low|minimal|thinking|\d+k)$")
_BEDROCK_CLAUDE_MINOR = re.compile(r"^(claude-v\d+):(\d+)$")  # anthropic.claude-v2:1 is Claude 2.1
_BEDROCK_VERSION = re.compile(r"[-_](?:v\d+|\d+):\d+$")  # -v1:0, -v0:2, gpt-oss-120b-1:0
_FIREWORKS_POINT = re.compile(r"(?<=\d)p(?=\d)")  # llama-v3p1, qwen1p5
_GLUED_VERSION = re.compile(r"(?<![a-z0-9])([a-z]{2,})(?=\d+(?![a-z0-9]))")  # llama3.1, qwen2-72b, gpt4
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_SIZE_TOKEN = re.compile(r"^(?:\d+x)?\d+[bm]$")  # 70b, 8x7b, 125m

_MONTHS = frozenset(
    {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
    | {"january", "february", "march", "april", "june", "july", "august", "september", "october"}
    | {"november", "december"}
)
_DROPPED_QUALIFIERS = frozenset({"latest", "beta"})
_MODEL_CARD_SUFFIXES = frozenset({"instruct", "chat", "it", "hf", "base"})
_KEPT_QUALIFIER = "preview"

_RENAMES = (
    (re.compile(r"^gpt-35(?=-|$)"), "gpt-3-5"),  # Azure's spelling of gpt-3.5
    (re.compile(r"^meta-llama(?=-|$)"), "llama"),  # Meta-Llama-3.1-405B-Instruct
    (re.compile(r"^llama-v(?=\d)"), "llama-"),  # Fireworks' llama-v3p1-405b-instruct
    (re.compile(r"^claude-v(?=\d)"), "claude-"),  # Bedrock's anthropic.claude-v2
)


@functools.lru_cache(maxsize=65536)
def canonical_model_id(identifier: str) -> str:
    """The canonical (version-less, provider-less, lower-case) id of a model identifier."""
    text = unicodedata.normalize("NFKC", identifier).strip().lower()
    if not text:
        return ""
    stripped = _strip_route(text) if not _WHITESPACE.search(text) else text
    # Nothing but a route tag (":free") or a letter with no ASCII form ("ͺ") still names something.
    slug = _slugify(stripped) or _slugify(text) or _code_points(identifier)
    for pattern, replacement in _RENAMES:
        slug = pattern.sub(replacement, slug)
    tokens = _drop_month_years(slug.split("-"))
    if not tokens:
        return slug  # only a date was there ("May 2025"): keep it rather than return nothing
    return "-".join(_strip_versions(tokens))


def _code_points(identifier: str) -> str:
    return "-".join(f"u{ord(char):04x}" for char in identifier if char.isalnum())


def _strip_route(text: str) -> str:
    """Drop provider routes, namespaces and variant tags from a space-free identifier."""
    if "/" in text:
        last = text.rsplit("/", 1)[-1]
        # "DiT-XL/2" and "ViT-G/14" are names, not routes: a route's last segment names something.
        if re.search(r"[a-z]", last):
            text = last
    if text.startswith("ft:"):
        text = text[3:].split(":", 1)[0] or text
    text = _NAMESPACE_PREFIX.sub("", text)
    text = _BEDROCK_CLAUDE_MINOR.sub(lambda m: m[1] if m[2] == "0" else f"{m[1]}.{m[2]}", text)
    text = _BEDROCK_VERSION.sub("", text)
    text = _VARIANT_SUFFIX.sub("", text)
    return _EVAL_SETTING.sub("", text)


def _slugify(text: str) -> str:
    ascii_text = "".join(_ascii(char) for char in unicodedata.normalize("NFKD", text))
    ascii_text = ascii_text.replace("+", " plus ")  # PointNet++ is not PointNet; command-r+ is -plus
    ascii_text = _FIREWORKS_POINT.sub(".", ascii_text)
    ascii_text = _GLUED_VERSION.sub(r"\1-", ascii_text)
    return _NOT_ALNUM.sub("-", ascii_text).strip("-")


def _ascii(char: str) -> str:
    if char.isascii():
        return char.lower()
    if unicodedata.combining(char):
        return ""
    if not char.isalnum():
        return " "
    name = unicodedata.name(char, "")
    if name.startswith("GREEK") and " LETTER " in name:
        return f" {name.split(' LETTER ', 1)[1].split()[-1].lower()} "
    return f" u{ord(char):04x} "


def _drop_month_years(tokens: list[str]) -> list[str]:
    """Remove "may-2025"-style version labels ("DeepSeek-R1 (May 2025)")."""
    kept: list[str] = []
    for token in tokens:
        if kept and kept[-1] in _MONTHS and len(token) == 4 and token[:2] in ("19", "20") and token.isdigit():
            kept.pop()
            continue
        kept.append(token)
    return kept


def _strip_versions(tokens: list[str]) -> list[str]:
    """Remove trailing version labels until none is left (at least one token stays)."""
    tokens = list(tokens)
    kept_tail: list[str] = []
    while len(tokens) > 1:
        if tokens[-1] == _KEPT_QUALIFIER:
            # A date before "-preview" is still a version label: "gpt-4-0125-preview".
            kept_tail.insert(0, tokens.pop())
            continue
        length = _version_label_length(tokens)
        if not length or length >= len(tokens):
            break
        del tokens[-length:]
    return tokens + kept_tail


def _version_label_length(tokens: list[str]) -> int:
    """How many trailing tokens are a version label (0 when the last token is part of the name)."""
    last = tokens[-1]
    if last in _DROPPED_QUALIFIERS:
        return 1
    if tokens[-2:] == ["no", "thinking"] and len(tokens) > 2:
        return 2  # an evaluation setting of a hybrid model: "Claude Sonnet 4.5 (no thinking)"
    if last == "exp":
        # Gemini checkpoints: gemini-2.0-flash-exp; but "gemini-exp" alone keeps its word.
        return 1 if len(tokens) > 2 else 0
    if last == "v1" or re.fullmatch(r"00\d", last):
        return 1  # amazon.titan-text-express-v1; Google's -001/-002 and text-davinci-003
    if last in _MODEL_CARD_SUFFIXES and any(_SIZE_TOKEN.match(t) for t in tokens[:-1]):
        return 1
    if not last.isdigit():
        return 0
    if len(tokens) >= 2 and tokens[-2] == "v0":
        return 2  # Mistral's -v0.2
    if last == "0" and tokens[-2].isdigit():
        return 1  # "claude-2.0" is Claude 2
    return _date_length(tokens)


def _valid_month_day(month: str, day: str = "01") -> bool:
    return 1 <= int(month) <= 12 and 1 <= int(day) <= 31


def _date_length(tokens: list[str]) -> int:
    """How many trailing (all-digit) tokens spell a date, 0 if they do not."""
    last = tokens[-1]
    before = tokens[-2] if len(tokens) >= 2 and tokens[-2].isdigit() else ""
    third = tokens[-3] if len(tokens) >= 3 and tokens[-3].isdigit() else ""
    if len(last) == 8 and last.startswith("20") and _valid_month_day(last[4:6], last[6:]):
        return 1  # 20240620
    if len(third) == 4 and third.startswith("20") and len(before) == len(last) == 2 and _valid_month_day(before, last):
        return 3  # 2024-08-06
    if len(before) == 2 and len(last) == 4 and last.startswith("20") and _valid_month_day(before):
        return 2  # 08-2024 (Cohere)
    if len(before) == 4 and before.startswith("20") and len(last) == 2 and _valid_month_day(last):
        return 2  # 2024-08
    if len(before) == 2 and len(last) == 2 and _valid_month_day(before, last):
        return 2  # 06-05 (Gemini previews)
    if len(last) == 4:
        # MMDD needs two name tokens before it: "gpt-4-0613", "gemini-exp-1206", not "ResNet-1001".
        if _valid_month_day(last[:2], last[2:]) and len(tokens) >= 3:
            return 1  # 0613, 1206 (MMDD)
        if 23 <= int(last[:2]) <= 29 and _valid_month_day(last[2:]):
            return 1  # 2407, 2512 (YYMM)
    return 0
