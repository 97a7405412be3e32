#!/usr/bin/env python3
"""Writes the chat-template and tokenizer golden files the Java tests compare against.

Templates are rendered exactly the way Hugging Face's ``apply_chat_template`` renders them
(transformers' ``_compile_jinja_template``): an ImmutableSandboxedEnvironment with
trim_blocks, lstrip_blocks and loopcontrols, HF's ``tojson`` (json.dumps, ensure_ascii=False),
``raise_exception`` and ``strftime_now``; the special tokens are passed as variables.

Token ids come from Hugging Face's own ``tokenizers`` package on the same tokenizer.json.

Usage (from the project root, with the local pip mirror):
    python3 -m venv /tmp/tplvenv && /tmp/tplvenv/bin/pip install jinja2 tokenizers
    /tmp/tplvenv/bin/python tools/templates/render_goldens.py
"""
import json
from datetime import datetime
from pathlib import Path

import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = Path(__file__).resolve().parents[2]
QWEN3_DIR = ROOT.parent / "shared" / "tokenizers" / "qwen3"
GOLDEN = ROOT / "src" / "test" / "resources" / "golden"


class TemplateRaised(Exception):
    pass


def hf_environment():
    def raise_exception(message):
        raise TemplateRaised(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(fmt):
        return datetime.now().strftime(fmt)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def render(source, case, special_tokens):
    template = hf_environment().from_string(source)
    variables = dict(special_tokens)
    variables.update(case.get("kwargs", {}))
    return template.render(messages=case["messages"], tools=case.get("tools"), documents=None,
                           add_generation_prompt=case["add_generation_prompt"], **variables)


def write_case(folder, name, case, source, special_tokens):
    """Writes <name>.json (the input) and <name>.txt (expected output) or <name>.error.txt."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(case, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    try:
        out = render(source, case, special_tokens)
        (folder / f"{name}.txt").write_bytes(out.encode("utf-8"))
    except TemplateRaised as e:
        (folder / f"{name}.error.txt").write_bytes(str(e).encode("utf-8"))


# ---------------------------------------------------------------- Qwen3 cases

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Météo actuelle pour une ville — 天气, with °C/°F units ☀️",
        "parameters": {
            "type": "object",
            "properties": {
                "location": {
                    "type": "object",
                    "description": "Where: city and country",
                    "properties": {
                        "city": {"type": "string", "description": "e.g. Zürich or 東京"},
                        "country": {"type": "string", "enum": ["CH", "JP", "FR"]},
                    },
                    "required": ["city"],
                },
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"},
                "days": {"type": "integer", "minimum": 1, "maximum": 14},
            },
            "required": ["location"],
        },
    },
}

SEARCH_TOOL = {
    "type": "function",
    "function": {
        "name": "search_docs",
        "description": "Search the \"docs\" index; returns <= 10 hits.\nSupports filters.",
        "parameters": {
            "type": "object",
            "properties": {
                "query": {"type": "string"},
                "filters": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "field": {"type": "string"},
                            "op": {"type": "string", "enum": ["=", "!=", "<", ">"]},
                            "value": {"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]},
                        },
                    },
                },
                "score_threshold": {"type": "number", "default": 0.25},
                "exact": {"type": "boolean", "default": False},
                "cursor": {"type": ["string", "null"], "default": None},
            },
            "required": ["query"],
        },
    },
}

SYSTEM = {"role": "system", "content": "You are a helpful assistant. Answer concisely."}

QWEN3_CASES = {
    "plain": {"messages": [{"role": "user", "content": "Hello! How are you?"}], "add_generation_prompt": True},
    "plain_no_generation_prompt": {"messages": [{"role": "user", "content": "Hello! How are you?"}],
                                   "add_generation_prompt": False},
    "system": {"messages": [SYSTEM, {"role": "user", "content": "What is 2+2?"}], "add_generation_prompt": True},
    "multi_turn": {
        "messages": [
            SYSTEM,
            {"role": "user", "content": "Name a prime number."},
            {"role": "assistant", "content": "7"},
            {"role": "user", "content": "Another one, bigger than 100?\nPlease."},
        ],
        "add_generation_prompt": True,
    },
    "multi_turn_ending_with_assistant": {
        "messages": [
            {"role": "user", "content": "Say hi in French."},
            {"role": "assistant", "content": "Salut ! Ça va ?"},
        ],
        "add_generation_prompt": False,
    },
    "tools": {
        "messages": [SYSTEM, {"role": "user", "content": "What's the weather in Zürich?"}],
        "tools": [WEATHER_TOOL, SEARCH_TOOL],
        "add_generation_prompt": True,
    },
    "tools_without_system": {
        "messages": [{"role": "user", "content": "Find docs about LoRA rank."}],
        "tools": [WEATHER_TOOL, SEARCH_TOOL],
        "add_generation_prompt": True,
    },
    "tool_call_history": {
        "messages": [
            SYSTEM,
            {"role": "user", "content": "Weather in Zürich and Tokyo, then search docs."},
            {"role": "assistant", "content": "", "tool_calls": [
                {"id": "call_1", "type": "function", "function": {
                    "name": "get_weather", "arguments": {"location": {"city": "Zürich", "country": "CH"}, "unit": "celsius"}}},
                {"id": "call_2", "type": "function", "function": {
                    "name": "get_weather", "arguments": "{\"location\": {\"city\": \"東京\"}, \"days\": 3}"}},
            ]},
            {"role": "tool", "tool_call_id": "call_1", "content": "{\"temp\": 21, \"sky\": \"sunny ☀️\"}"},
            {"role": "tool", "tool_call_id": "call_2", "content": "{\"temp\": 18, \"sky\": \"rain\"}"},
            {"role": "assistant", "content": "Checking the docs too.", "tool_calls": [
                {"id": "call_3", "type": "function", "function": {
                    "name": "search_docs", "arguments": {"query": "weather API", "filters": [{"field": "lang", "op": "=", "value": "en"}], "exact": True, "cursor": None}}},
            ]},
            {"role": "tool", "tool_call_id": "call_3", "content": "No results."},
        ],
        "tools": [WEATHER_TOOL, SEARCH_TOOL],
        "add_generation_prompt": True,
    },
    "tool_results_then_answer": {
        "messages": [
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": "", "tool_calls": [
                {"type": "function", "function": {"name": "get_weather", "arguments": {"location": {"city": "Paris"}}}}]},
            {"role": "tool", "content": "12°C, cloudy"},
            {"role": "tool", "content": "second result"},
            {"role": "tool", "content": "third result"},
            {"role": "assistant", "content": "It is 12°C and cloudy in Paris."},
            {"role": "user", "content": "Thanks!"},
        ],
        "tools": [WEATHER_TOOL],
        "add_generation_prompt": True,
    },
    "enable_thinking_false": {
        "messages": [SYSTEM, {"role": "user", "content": "Quick: capital of Italy?"}],
        "add_generation_prompt": True,
        "kwargs": {"enable_thinking": False},
    },
    "enable_thinking_true": {
        "messages": [{"role": "user", "content": "Think about it: 17*23?"}],
        "add_generation_prompt": True,
        "kwargs": {"enable_thinking": True},
    },
    "thinking_history": {
        "messages": [
            {"role": "user", "content": "What is 12*12?"},
            {"role": "assistant", "content": "<think>\n12*12 = 144.\n</think>\n\n144"},
            {"role": "user", "content": "And 13*13?"},
            {"role": "assistant", "content": "<think>\n13*13 = 169, easy.\n</think>\n\nIt is 169."},
        ],
        "add_generation_prompt": False,
    },
    "thinking_after_last_query": {
        "messages": [
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": "<think>\nI should call the tool.\n</think>\n\n", "tool_calls": [
                {"type": "function", "function": {"name": "get_weather", "arguments": {"location": {"city": "Paris"}}}}]},
            {"role": "tool", "content": "<tool_response>ignored?</tool_response>"},
            {"role": "assistant", "content": "It is mild.", "reasoning_content": "The tool said mild."},
        ],
        "tools": [WEATHER_TOOL],
        "add_generation_prompt": True,
    },
}


def qwen3_goldens():
    config = json.loads((QWEN3_DIR / "tokenizer_config.json").read_text(encoding="utf-8"))
    source = config["chat_template"]
    special = {"eos_token": config["eos_token"], "pad_token": config["pad_token"]}
    folder = GOLDEN / "templates" / "qwen3"
    for name, case in QWEN3_CASES.items():
        write_case(folder, name, case, source, special)


# ---------------------------------------------------------------- built-in templates

BUILTIN_SPECIAL = {
    "chatml": {"eos_token": "<|im_end|>"},
    "llama3": {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"},
    "mistral": {"bos_token": "<s>", "eos_token": "</s>"},
}

BUILTIN_CASES = {
    "conversation": {
        "messages": [
            SYSTEM,
            {"role": "user", "content": "  Hi there!  "},
            {"role": "assistant", "content": "Hello — ¿qué tal? 🙂"},
            {"role": "user", "content": "Tell me a joke."},
        ],
        "add_generation_prompt": True,
    },
    "no_generation_prompt": {
        "messages": [{"role": "user", "content": "One"}, {"role": "assistant", "content": "Two"}],
        "add_generation_prompt": False,
    },
}

MISTRAL_ERROR_CASES = {
    "roles_not_alternating": {
        "messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}],
        "add_generation_prompt": True,
    },
    "tool_role_rejected": {
        "messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}, {"role": "tool", "content": "c"}],
        "add_generation_prompt": True,
    },
}


def builtin_goldens():
    for name, special in BUILTIN_SPECIAL.items():
        folder = GOLDEN / "templates" / "builtin" / name
        source = (folder / "template.jinja").read_text(encoding="utf-8")
        cases = dict(BUILTIN_CASES)
        if name == "mistral":
            cases.update(MISTRAL_ERROR_CASES)
        for case_name, case in cases.items():
            write_case(folder, case_name, case, source, special)


def compat_goldens():
    folder = GOLDEN / "templates" / "compat"
    source = (folder / "template.jinja").read_text(encoding="utf-8")
    for input_file in sorted(folder.glob("case_*.json")):
        case = json.loads(input_file.read_text(encoding="utf-8"))
        out = render(source, case, {})
        (folder / (input_file.stem + ".txt")).write_bytes(out.encode("utf-8"))


# ---------------------------------------------------------------- tokenizer

TOKENIZER_TEXTS = [
    "Hello, world!",
    "  leading spaces,\ttabs\tand\n\nnewlines\r\n  trailing  ",
    "Crème brûlée, naïve façade, Ångström, ß",
    "東京は日本の首都です。中文测试：你好，世界！",
    "Emoji: 🙂👍🏽🇨🇭 and ZWJ 👨‍👩‍👧‍👦 family",
    "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n",
    "code: def f(x):\n    return x ** 2  # ∑ squares\n",
    "e\u0301 (decomposed e-acute) vs \u00e9",
    "Rare characters split into byte tokens: 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠀋 a🪿b ꙮ",
]


def bytes_to_unicode():
    """GPT-2's byte <-> printable-character table used by byte-level BPE vocabularies."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


def tokenizer_goldens():
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(QWEN3_DIR / "tokenizer.json"))
    byte_of = {ch: b for b, ch in bytes_to_unicode().items()}
    added = {t.content for t in tok.get_added_tokens_decoder().values()}
    cases = []
    for text in TOKENIZER_TEXTS:
        enc = tok.encode(text, add_special_tokens=True)
        ids = enc.ids
        token_bytes = []
        for token in enc.tokens:
            raw = token.encode("utf-8") if token in added else bytes(byte_of[c] for c in token)
            token_bytes.append(list(raw))
        cases.append({
            "text": text,
            "ids": ids,
            "ids_without_special": tok.encode(text, add_special_tokens=False).ids,
            "tokens": enc.tokens,
            "token_bytes": token_bytes,
            "decoded": tok.decode(ids, skip_special_tokens=False),
            "decoded_skip_special": tok.decode(ids, skip_special_tokens=True),
        })
    long_text = "The quick brown fox jumps over the lazy dog. " * 300
    cases.append({"text_repeat": ["The quick brown fox jumps over the lazy dog. ", 300],
                  "token_count": len(tok.encode(long_text).ids)})
    folder = GOLDEN / "tokenizer" / "qwen3"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "encodings.json").write_text(json.dumps({
        "vocab_size_with_added": tok.get_vocab_size(with_added_tokens=True),
        "cases": cases,
    }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    qwen3_goldens()
    builtin_goldens()
    compat_goldens()
    tokenizer_goldens()
    print("goldens written under", GOLDEN)
