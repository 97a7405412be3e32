"""Writes numerics golden files from the float64 reference for the Java engine's tests.

    python3 make_numerics_goldens.py --models DIR --fixtures FILE --out OUTDIR

FILE is a JSON array of {"spec": {"name": ..., ...}, "promptIds": [...], "greedyTokens": 32};
the model of each entry is the Hugging Face folder DIR/<spec.name> (written beforehand by the
Java side). Writes OUTDIR/<name>.json with the sha256 of the model's files (so a test can tell
the golden belongs to the model it generated), the prompt log-probs with the top 5 per position,
and the greedy continuation. Needs only numpy.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import llama_reference as ref  # noqa: E402

TOP = 5


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def model_files(folder: str) -> dict[str, str]:
    """sha256 of the files that define the model's numerics: config, index, weight shards."""
    names = ["config.json"] + ref.weight_files(folder)
    if os.path.exists(os.path.join(folder, "model.safetensors.index.json")):
        names.append("model.safetensors.index.json")
    return {name: sha256_of(os.path.join(folder, name)) for name in sorted(names)}


def golden_for(folder: str, name: str, prompt_ids: list[int], greedy_tokens: int) -> dict:
    model = ref.load_model(folder)
    positions = ref.prompt_logprobs(model, prompt_ids, TOP)
    continuation = ref.greedy(model, prompt_ids, greedy_tokens)
    return {
        "name": name,
        "files": model_files(folder),
        "promptIds": list(prompt_ids),
        "promptLogprobs": [None if p is None else p.logprob for p in positions],
        "promptTopLogprobs": [
            None if p is None else [{"id": i, "logprob": lp} for i, lp in p.top] for p in positions
        ],
        "greedyIds": [token for token, _ in continuation],
        "greedyLogprobs": [logprob for _, logprob in continuation],
    }


def check_entry(entry: object, index: int, fixtures: str) -> tuple[str, list, int]:
    where = f"{fixtures}: entry {index}"
    if not isinstance(entry, dict):
        raise SystemExit(f"{where} must be an object with spec, promptIds, greedyTokens")
    name = (entry.get("spec") or {}).get("name")
    if not isinstance(name, str) or not name or "/" in name:
        raise SystemExit(f"{where}: spec.name must be a non-empty folder name, got {name!r}")
    prompt_ids = entry.get("promptIds")
    if not isinstance(prompt_ids, list) or not prompt_ids or not all(isinstance(t, int) for t in prompt_ids):
        raise SystemExit(f"{where} ({name}): promptIds must be a non-empty array of token ids")
    greedy_tokens = entry.get("greedyTokens", 0)
    if not isinstance(greedy_tokens, int) or greedy_tokens < 0:
        raise SystemExit(f"{where} ({name}): greedyTokens must be a non-negative integer")
    return name, prompt_ids, greedy_tokens


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", required=True, help="folder holding one model folder per spec.name")
    parser.add_argument("--fixtures", required=True, help="JSON array of fixture entries")
    parser.add_argument("--out", required=True, help="folder to write <name>.json into")
    args = parser.parse_args(argv)

    with open(args.fixtures) as f:
        fixtures = json.load(f)
    if not isinstance(fixtures, list):
        raise SystemExit(f"{args.fixtures}: expected a JSON array of entries")
    os.makedirs(args.out, exist_ok=True)
    for index, entry in enumerate(fixtures):
        name, prompt_ids, greedy_tokens = check_entry(entry, index, args.fixtures)
        folder = os.path.join(args.models, name)
        if not os.path.isdir(folder):
            raise SystemExit(f"{args.fixtures}: entry {index}: model folder {folder} does not exist; "
                             "write the models before making goldens")
        try:
            golden = golden_for(folder, name, prompt_ids, greedy_tokens)
        except ref.ReferenceError as e:
            raise SystemExit(f"{name}: {e}")
        out_path = os.path.join(args.out, name + ".json")
        # json writes floats with repr(): the shortest text that reads back to the same float64.
        with open(out_path, "w") as f:
            json.dump(golden, f, indent=1)
            f.write("\n")
        print(f"wrote {out_path}")


if __name__ == "__main__":
    main()
