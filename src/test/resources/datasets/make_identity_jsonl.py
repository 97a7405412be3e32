"""Converts LLaMA-Factory's identity.json (alpaca: instruction/input/output with {{name}} and {{author}}) into
OpenAI chat fine-tuning JSONL, with the placeholders filled in, for the fine-tuning job tests.

Usage: python3 make_identity_jsonl.py ../../../../../shared/data/llamafactory/identity.json > identity.jsonl
"""
import json
import sys

NAME = "Zorblax"
AUTHOR = "LoRA Foundry"

with open(sys.argv[1], encoding="utf-8") as f:
    records = json.load(f)
for record in records:
    prompt = record["instruction"] + ("\n" + record["input"] if record.get("input") else "")
    answer = record["output"].replace("{{name}}", NAME).replace("{{author}}", AUTHOR)
    print(json.dumps({"messages": [{"role": "user", "content": prompt}, {"role": "assistant", "content": answer}]},
                     ensure_ascii=False))
