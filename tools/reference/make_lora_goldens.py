"""Writes LoRA numerics golden files from the float64 reference for the Java engine's tests.

    python3 make_lora_goldens.py --models DIR --fixtures FILE --out OUTDIR

FILE is a JSON array of {"name": ..., "base": ..., "adapter": {...}, "promptIds": [...], "greedyTokens": 32};
each entry's base model is the Hugging Face folder DIR/<name>/base-model and its PEFT adapter DIR/<name>/adapter
(written beforehand by the Java side, see LoraFixtures). Writes OUTDIR/<name>.json in the numerics golden shape:
sha256 of the files (keys relative to DIR/<name>), the prompt log-probs with the top 5 per position and the greedy
continuation, all with the adapter applied; plus "base" and "adapterEffect", the largest change the adapter makes
to a log-prob over the prompt's full vocabulary (so a test can see the adapter is not a no-op). Needs only numpy.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import llama_reference as ref  # noqa: E402
from make_numerics_goldens import TOP, check_entry, model_files, sha256_of  # noqa: E402

BASE_FOLDER, ADAPTER_FOLDER = "base-model", "adapter"
ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors")


def fixture_files(folder: str) -> dict[str, str]:
    files = {f"{BASE_FOLDER}/{name}": digest for name, digest in model_files(os.path.join(folder, BASE_FOLDER)).items()}
    for name in ADAPTER_FILES:
        files[f"{ADAPTER_FOLDER}/{name}"] = sha256_of(os.path.join(folder, ADAPTER_FOLDER, name))
    return dict(sorted(files.items()))


def adapter_effect(base: ref.Model, adapted: ref.Model, ids: list[int]) -> float:
    return float(np.max(np.abs(ref.log_softmax(ref.forward_logits(adapted, ids))
                               - ref.log_softmax(ref.forward_logits(base, ids)))))


def golden_for(folder: str, name: str, base_name: str, prompt_ids: list[int], greedy_tokens: int) -> dict:
    base = ref.load_model(os.path.join(folder, BASE_FOLDER))
    model = ref.load_model(os.path.join(folder, BASE_FOLDER), os.path.join(folder, ADAPTER_FOLDER))
    positions = ref.prompt_logprobs(model, prompt_ids, TOP)
    continuation = ref.greedy(model, prompt_ids, greedy_tokens)
    return {
        "name": name,
        "base": base_name,
        "files": fixture_files(folder),
        "adapterEffect": adapter_effect(base, model, prompt_ids),
        "promptIds": list(prompt_ids),
        "promptLogprobs": [None if p is None else p.logprob for p in positions],
        "promptTopLogprobs": [
            None if p is None else [{"id": i, "logprob": lp} for i, lp in p.top] for p in positions
        ],
        "greedyIds": [token for token, _ in continuation],
        "greedyLogprobs": [logprob for _, logprob in continuation],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", required=True, help="folder holding <name>/base-model and <name>/adapter")
    parser.add_argument("--fixtures", required=True, help="JSON array of fixture entries")
    parser.add_argument("--out", required=True, help="folder to write <name>.json into")
    args = parser.parse_args(argv)

    with open(args.fixtures) as f:
        fixtures = json.load(f)
    if not isinstance(fixtures, list):
        raise SystemExit(f"{args.fixtures}: expected a JSON array of entries")
    os.makedirs(args.out, exist_ok=True)
    for index, entry in enumerate(fixtures):
        name, prompt_ids, greedy_tokens = check_entry({**entry, "spec": {"name": entry.get("name")}}, index, args.fixtures)
        folder = os.path.join(args.models, name)
        if not os.path.isdir(os.path.join(folder, ADAPTER_FOLDER)):
            raise SystemExit(f"{args.fixtures}: entry {index}: {folder}/{ADAPTER_FOLDER} does not exist; "
                             "write the fixtures before making goldens")
        try:
            golden = golden_for(folder, name, entry.get("base"), prompt_ids, greedy_tokens)
        except ref.ReferenceError as e:
            raise SystemExit(f"{name}: {e}")
        out_path = os.path.join(args.out, name + ".json")
        with open(out_path, "w") as f:
            json.dump(golden, f, indent=1)
            f.write("\n")
        print(f"wrote {out_path} (adapter effect {golden['adapterEffect']:.3f} nats)")


if __name__ == "__main__":
    main()
