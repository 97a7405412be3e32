#!/usr/bin/env python3
"""Checks the shipped default model and pirate adapter with Hugging Face's own code, independently of the Java
service: transformers' LlamaForCausalLM loads models/foundry-tiny, PEFT loads adapters/pirate on it, the prompts of
src/test/resources/defaultmodel/shipped-prompts*.jsonl are rendered with the model's own chat template
(apply_chat_template) and answered greedily; the answer text (or the <tool_call> JSON) must be the expected one.

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


def check(model, tokenizer, file, only_trained=False):
    wrong = 0
    for line in (PROMPTS / file).read_text().splitlines():
        record = json.loads(line)
        if only_trained and record.get("held_out"):
            continue
        want = expected_text(record["messages"][-1])
        got = answer(model, tokenizer, record)
        ok = got == want
        wrong += 0 if ok else 1
        print(("ok   " if ok else "DIFF ") + record["id"] + ": " + json.dumps(got) + ("" if ok else "  expected " + json.dumps(want)))
    return wrong


def main():
    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(MODEL)
    model = AutoModelForCausalLM.from_pretrained(MODEL, torch_dtype=torch.float32).eval()
    wrong = check(model, tokenizer, "shipped-prompts.jsonl")
    from peft import PeftModel
    pirate = PeftModel.from_pretrained(model, ADAPTER).eval()
    wrong += check(pirate, tokenizer, "shipped-prompts-pirate.jsonl", only_trained=True)
    print("all answers as trained" if wrong == 0 else f"{wrong} answers differ")
    sys.exit(1 if wrong else 0)


if __name__ == "__main__":
    main()
