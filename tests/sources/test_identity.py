import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sources.identity import canonical_model_id

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Real identifiers from the reference files, by feed, with the id they must get.
REAL_IDENTIFIERS = [
    # LiteLLM keys (litellm_model_first_seen_2025-02_2025-12.csv, mode=chat)
    ("bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0", "claude-3-7-sonnet"),
    ("anthropic.claude-3-5-sonnet-20240620-v1:0", "claude-3-5-sonnet"),
    ("vertex_ai/claude-3-5-sonnet@20240620", "claude-3-5-sonnet"),
    ("vertex_ai/gemini-1.5-pro-002", "gemini-1-5-pro"),
    ("gemini-1.0-pro-001", "gemini-1-0-pro"),
    ("vertex_ai/jamba-1.5-large@001", "jamba-1-5-large"),
    ("azure/gpt-4o-2024-08-06", "gpt-4o"),
    ("azure/o1-preview-2024-09-12", "o1-preview"),
    ("azure/us/o4-mini-2025-04-16", "o4-mini"),
    ("openrouter/deepseek/deepseek-r1:free", "deepseek-r1"),
    ("openrouter/openai/gpt-5.2", "gpt-5-2"),
    ("ft:gpt-3.5-turbo-0125", "gpt-3-5-turbo"),
    ("ft:o4-mini-2025-04-16", "o4-mini"),
    ("meta.llama3-1-70b-instruct-v1:0", "llama-3-1-70b"),
    ("bedrock/us-east-1/meta.llama3-70b-instruct-v1:0", "llama-3-70b"),
    ("deepinfra/meta-llama/Llama-3.3-70B-Instruct", "llama-3-3-70b"),
    ("fireworks_ai/accounts/fireworks/models/qwen1p5-72b-chat", "qwen-1-5-72b"),
    ("bedrock/eu-central-1/1-month-commitment/anthropic.claude-v2:1", "claude-2-1"),
    ("eu.amazon.nova-2-lite-v1:0", "nova-2-lite"),
    ("openai.gpt-oss-120b-1:0", "gpt-oss-120b"),
    ("ollama/mistral-7B-Instruct-v0.2", "mistral-7b"),
    ("mistral/open-mistral-nemo-2407", "open-mistral-nemo"),
    ("xai/grok-4-latest", "grok-4"),
    ("wandb/deepseek-ai/DeepSeek-R1-0528", "deepseek-r1"),
    ("claude-haiku-4-5", "claude-haiku-4-5"),
    ("command-r-plus", "command-r-plus"),
    ("deepseek-chat", "deepseek-chat"),  # no parameter count: "-chat" is the name here
    # OpenRouter ids (openrouter_api_v1_models_format_sample.json)
    ("openai/gpt-4o-mini", "gpt-4o-mini"),
    ("anthropic/claude-3.5-sonnet", "claude-3-5-sonnet"),
    ("anthropic/claude-opus-4.5:batch", "claude-opus-4-5"),
    ("google/gemini-3-flash-preview", "gemini-3-flash-preview"),
    ("mistralai/mistral-large-2512", "mistral-large"),
    ("amazon/nova-2-lite-v1", "nova-2-lite"),
    ("deepseek/deepseek-v3.2", "deepseek-v3-2"),
    # Epoch AI names (notable models, benchmarking hub, ECI lists, eval token usage)
    ("GPT-4o", "gpt-4o"),
    ("Claude 3.5 Sonnet", "claude-3-5-sonnet"),
    ("Llama 3.1-405B", "llama-3-1-405b"),
    ("GPT-3 175B (davinci)", "gpt-3-175b-davinci"),
    ("o1-mini", "o1-mini"),
    ("QwQ-32B (preview)", "qwq-32b-preview"),
    ("DeepSeek-R1 (May 2025)", "deepseek-r1"),
    ("Gemini 2.5 Pro (Jun 2025 preview)", "gemini-2-5-pro-preview"),
    ("Claude Sonnet 4.5 (no thinking)", "claude-sonnet-4-5"),
    ("ALLaM\xa0adapted 70B ", "allam-adapted-70b"),
    ("DiT-XL/2", "dit-xl-2"),
    ("PanGu-Σ", "pangu-sigma"),
    ("PointNet++", "pointnet-plus-plus"),
    ("ResNet-1001", "resnet-1001"),
    ("LSTM (2018)", "lstm-2018"),
    ("GLM-4 (0520)", "glm-4"),
    ("Qwen2.5-72B", "qwen-2-5-72b"),
    ("gpt-4-0125-preview", "gpt-4-preview"),
    ("gemini-2.0-flash-thinking-exp-01-21", "gemini-2-0-flash-thinking"),
    ("gemini-exp-1206", "gemini-exp"),
    ("o1-2024-12-17_high", "o1"),
    ("claude-3-7-sonnet-20250219_16K", "claude-3-7-sonnet"),
    ("DeepSeek-V3.1_thinking", "deepseek-v3-1"),
    ("chutes/Qwen3-235B-A22B-Thinking-2507", "qwen-3-235b-a22b-thinking"),
    ("Meta-Llama-3-70B-Instruct", "llama-3-70b"),
    ("Phi-3-medium-128k-instruct ", "phi-3-medium-128k-instruct"),
    ("claude-2.0", "claude-2"),
    ("Claude 2", "claude-2"),
]


@pytest.mark.parametrize(("identifier", "expected"), REAL_IDENTIFIERS)
def test_real_identifiers_get_their_canonical_id(identifier, expected):
    assert canonical_model_id(identifier) == expected


@pytest.mark.parametrize(
    "spellings",
    [
        ["claude-3-5-sonnet-20241022", "anthropic/claude-3.5-sonnet", "Claude 3.5 Sonnet", "claude-3-5-sonnet-latest"],
        ["gpt-4o-2024-05-13", "openai/gpt-4o", "GPT-4o", "azure/gpt-4o-2024-11-20", "openrouter/openai/gpt-4o"],
        ["Llama-3.1-405B-Instruct", "Llama 3.1-405B", "together_ai/meta-llama/Meta-Llama-3.1-405B-Instruct"],
        ["gpt-3.5-turbo-0613", "GPT-3.5 Turbo", "azure/gpt-35-turbo-0613"],
        ["DeepSeek-R1", "deepseek/deepseek-r1:free", "DeepSeek-R1-0528", "DeepSeek-R1 (May 2025)"],
        ["grok-3-mini-beta_high", "Grok-3 mini", "xai/grok-3-mini"],
    ],
)
def test_one_model_spelled_by_several_feeds_gets_one_id(spellings):
    assert len({canonical_model_id(s) for s in spellings}) == 1


@pytest.mark.parametrize(
    "distinct",
    [
        ["o1", "o1-preview", "o1-mini", "o1-pro"],
        ["QwQ-32B", "QwQ-32B (preview)"],
        ["DeepSeek-V2", "DeepSeek-V3", "DeepSeek-V2.5", "DeepSeek-Coder-V2 236B"],
        ["PointNet", "PointNet++", "DeepLabV3", "DeepLabV3+"],
        ["LSTM (2018)", "Perceptron (1960)", "Hopfield Networks (2020)"],
        ["Dropout (MNIST)", "Dropout (ImageNet)", "Dropout (CIFAR)"],
        ["Gemini 2.0 Flash", "Gemini 2.0 Flash Thinking"],
        ["gpt-4o", "gpt-4o-mini", "gpt-4", "gpt-4-turbo", "gpt-4.1", "gpt-4.5"],
    ],
)
def test_distinct_models_keep_distinct_ids(distinct):
    ids = [canonical_model_id(name) for name in distinct]
    assert len(set(ids)) == len(ids), ids


def test_blank_input_has_no_id_and_a_bare_date_is_kept():
    assert canonical_model_id("") == ""
    assert canonical_model_id("   ") == ""
    assert canonical_model_id("latest") == "latest"
    assert canonical_model_id("May 2025") == "may-2025"


_ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
# Text built from the pieces identifiers are made of, to reach the rules more often than random text.
_PIECES = st.sampled_from(
    [
        "gpt",
        "claude",
        "llama",
        "qwen",
        "o1",
        "3.5",
        "3-5",
        "4o",
        "-",
        "/",
        ".",
        ":",
        "_",
        "@",
        " ",
        "(",
        ")",
        "+",
        "v1:0",
        "v0.2",
        "-2024-08-06",
        "20240620",
        "-0613",
        "-1206",
        "-06-05",
        "-2407",
        "-001",
        "preview",
        "-latest",
        "-exp",
        "-beta",
        ":free",
        "ft:",
        "us.",
        "anthropic.",
        "70b",
        "-instruct",
        "-chat",
        "_high",
        "_16K",
        "may 2025",
        "p1",
        "3p1",
        "Σ",
        "ü",
        "文",
        "ª",
        "²",
    ]
)
_IDENTIFIER_LIKE = st.lists(_PIECES, max_size=10).map("".join)


@settings(max_examples=600, deadline=None)
@given(st.one_of(_ANY_TEXT, _IDENTIFIER_LIKE))
@example("ResNet-1001")
@example("x_may 2025")
@example("Claude v2")
@example("qwen1p5")
def test_canonical_ids_are_idempotent_and_slug_shaped(identifier):
    once = canonical_model_id(identifier)
    assert canonical_model_id(once) == once
    assert once == "" or ID_PATTERN.match(once), once


@settings(max_examples=400, deadline=None)
@given(st.one_of(_ANY_TEXT, _IDENTIFIER_LIKE).filter(lambda text: any(c.isalnum() for c in text)))
@example("ͺ")
@example("-2024-08-06")
def test_an_identifier_with_a_letter_or_digit_always_has_an_id(identifier):
    assert canonical_model_id(identifier) != ""


_BASE_NAMES = st.sampled_from(
    ["gpt-4o", "claude-3-5-sonnet", "llama-3-1-405b", "gemini-1-5-pro", "o1-preview", "deepseek-r1", "qwq-32b"]
)
_ROUTES = st.sampled_from(["", "openrouter/", "azure/", "bedrock/us-east-1/", "vertex_ai/", "openai/"])
_VERSIONS = st.sampled_from(["", "-2024-08-06", "-20240620", "-0613", "-002", "-latest", "@001", "-v1:0", ":free"])


@settings(max_examples=300, deadline=None)
@given(_ROUTES, _BASE_NAMES, _VERSIONS)
def test_routes_and_version_suffixes_do_not_change_the_id(route, base, version):
    assert canonical_model_id(f"{route}{base}{version}") == base
