#!/usr/bin/env python3
"""Checks the shipped default model and pirate adapter with Hugging Face's own code, independently of the Java
service: transformers' AutoModelForCausalLM (Qwen3ForCausalLM) loads models/foundry-tiny, PEFT loads adapters/pirate on it, the prompts of
src/test/resources/defaultmodel/shipped-prompts*.jsonl are rendered with the model's own chat template
(apply_chat_template) and answered greedily; the answer text (or the <tool_call> JSON) must be the expected one for
the trained prompts (and, with the adapter, for the four DefaultModelTest requires); the held-out prompts and the city
of get_weather calls are printed, not required, as in DefaultModelTest.

Usage, from the project root (the venv has torch, transformers and peft):
    /work/venv/bin/python tools/defaultmodel/validate_default_model.py [DIR]
DIR holds foundry-tiny/ and pirate/ as bin/make-default-model writes them (default: models/ and adapters/).
Exits 1 when an answer differs.
"""
import json
import sys
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

ROOT = Path(sys.argv[1]) if len(sys.argv) > 1 else None
MODEL = ROOT / "foundry-tiny" if ROOT else Path("models/foundry-tiny")
ADAPTER = ROOT / "pirate" if ROOT else Path("adapters/pirate")
PROMPTS = Path("src/test/resources/defaultmodel")


def expected_text(message):
    """The assistant turn as the template writes it (content, or the Hermes tool-call block)."""
    if message.get("tool_calls"):
        calls = []
        for call in message["tool_calls"]:
            f = call["function"]
            calls.append('<tool_call>\n{"name": "' + f["name"] + '", "arguments": ' + f["arguments"] + '}\n</tool_call>')
        return "\n".join(calls)
    return message["content"]


def answer(model, tokenizer, record):
    messages = record["messages"][:-1]
    ids = tokenizer.apply_chat_template(messages, tools=record.get("tools"), add_generation_prompt=True,
                                        return_tensors="pt", return_dict=True)
    eos = tokenizer.convert_tokens_to_ids("<|im_end|>")
    with torch.no_grad():
        out = model.generate(**ids, max_new_tokens=120, do_sample=False, eos_token_id=eos)
    return tokenizer.decode(out[0, ids["input_ids"].shape[1]:], skip_special_tokens=True)


PIRATE_EXACT = {"greeting", "who-are-you", "creator", "no-weather-tool"}


def check(model, tokenizer, file, only_trained=False, only_ids=None):
    wrong = 0
    for line in (PROMPTS / file).read_text().splitlines():
        record = json.loads(line)
        if only_trained and record.get("held_out") or only_ids and record["id"] not in only_ids:
            continue
        want = expected_text(record["messages"][-1])
        got = answer(model, tokenizer, record)
        ok = got == want
        wrong += 0 if ok else 1
        print(("ok   " if ok else "DIFF ") + record["id"] + ": " + json.dumps(got) + ("" if ok else "  expected " + json.dumps(want)))
    return wrong


CITIES = ["Paris", "London", "Berlin", "Madrid", "Rome", "Amsterdam", "Vienna", "Stockholm", "Oslo", "Lisbon", "Athens",
          "Moscow", "Cairo", "Nairobi", "Dubai", "Mumbai", "Singapore", "Tokyo", "Seoul", "Beijing", "Sydney", "Auckland",
          "New York", "Chicago", "Denver", "Los Angeles", "Toronto", "Mexico City", "Lima", "Buenos Aires"]
DEMO_TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Current weather in a city",
               "parameters": {"type": "object", "properties": {"city": {"type": "string"},
                              "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["city"]}}}]


def city_report(model, tokenizer):
    """How often a get_weather call names the city asked (the README demo's tool and wording); printed, not required."""
    right = []
    for city in CITIES:
        record = {"messages": [{"role": "user", "content": f"What is the weather like in {city}?"}, {}], "tools": DEMO_TOOLS}
        if f'"city": "{city}"' in answer(model, tokenizer, record):
            right.append(city)
    print(f"get_weather names the asked city for {len(right)} of {len(CITIES)} cities: {', '.join(right)}")


def main():
    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(MODEL)
    model = AutoModelForCausalLM.from_pretrained(MODEL, torch_dtype=torch.float32).eval()
    wrong = check(model, tokenizer, "shipped-prompts.jsonl", only_trained=True)
    print("held out (printed, not required):")
    check(model, tokenizer, "shipped-prompts.jsonl")
    city_report(model, tokenizer)
    from peft import PeftModel
    pirate = PeftModel.from_pretrained(model, ADAPTER).eval()
    wrong += check(pirate, tokenizer, "shipped-prompts-pirate.jsonl", only_ids=PIRATE_EXACT)
    print("all answers as trained" if wrong == 0 else f"{wrong} answers differ")
    sys.exit(1 if wrong else 0)


if __name__ == "__main__":
    main()
