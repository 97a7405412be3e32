"""Validates the reference's LoRA / rsLoRA / DoRA against Hugging Face transformers + PEFT.

    /work/venv/bin/python validate_lora_against_peft.py [--models target/lora-fixtures] [--work DIR]
        [--save-peft-adapter DIR]

Needs torch, transformers and peft (see README.md). Two parts:

1. The committed LoRA fixtures (written by tools/reference/regenerate-lora-goldens.sh into --models): each base
   model is loaded with transformers and its adapter with PeftModel.from_pretrained, in float32, in float64, and in
   float64 with HF's float32 casts switched off (as validate_against_hf.py does); the reference's full log-softmax
   at every prompt position and 8 greedy tokens are compared, and so is every value in the golden files.
2. Adapters PEFT itself creates and saves (get_peft_model + save_pretrained) on the same base models, with the
   options the fixtures do not cover (regex target_modules, exclude_modules, layers_pattern, DoRA + rsLoRA +
   rank/alpha patterns): this checks the reference reads PEFT's real files and matching rules. Their LoRA weights
   are re-randomised before saving (PEFT's B starts at zero; DoRA's magnitude starts at the row norms).

--save-peft-adapter DIR also writes one PEFT-saved adapter (DoRA + rsLoRA + patterns on the llama-f32 fixture
base) into DIR with a peft_facts.json of PEFT's own r / scaling per module, for the Java reader test.
Prints a Markdown table (pasted into README.md) and exits non-zero on any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile

import numpy as np
import peft
import torch
import transformers

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import llama_reference as ref  # noqa: E402
import validate_against_hf as hfcheck  # noqa: E402

TOLERANCE = {"hf-f32": 5e-4, "hf-f64": 1e-4, "hf-f64-exact": 1e-10}
GREEDY_TOKENS = 8
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(REPO, "src/test/resources/golden/lora/fixtures.json")
GOLDENS = os.path.join(REPO, "src/test/resources/golden/lora")

# name, base fixture, LoraConfig kwargs — created by PEFT itself on the fixture's base model.
PEFT_CASES = [
    ("peft-regex-exclude", "llama-f32-lora-r8-all-linear",
     dict(r=4, lora_alpha=8, target_modules=r".*\.(q_proj|up_proj|down_proj)", exclude_modules=["layers.0.mlp.up_proj"])),
    ("peft-layers-pattern", "qwen3-lora-layers-to-transform",
     dict(r=4, lora_alpha=16, target_modules=["k_proj", "o_proj", "gate_proj"], layers_to_transform=0,
          layers_pattern="layers")),
    ("peft-dora-rslora-patterns", "llama-f32-lora-r8-all-linear",
     dict(r=2, lora_alpha=4, use_dora=True, use_rslora=True, target_modules=["q_proj", "v_proj", "down_proj"],
          rank_pattern={"down_proj": 4}, alpha_pattern={"model.layers.1.self_attn.v_proj": 6})),
    ("peft-all-linear-bf16-base", "llama-bf16-dora",
     dict(r=3, lora_alpha=5, target_modules="all-linear", rank_pattern={"layers.0.mlp.gate_proj": 6})),
]
SAVED_FOR_JAVA = "peft-dora-rslora-patterns"


def load_peft(fixture_dir: str, adapter_dir: str, dtype: torch.dtype):
    base = transformers.AutoModelForCausalLM.from_pretrained(os.path.join(fixture_dir, "base-model"), dtype=dtype,
                                                             attn_implementation="eager")
    model = peft.PeftModel.from_pretrained(base, adapter_dir)
    return model.to(dtype).eval()


def logprobs(model, ids: list[int]) -> np.ndarray:
    return hfcheck.hf_logprobs(model, ids)


def greedy(model, ids: list[int], n: int) -> list[int]:
    return hfcheck.hf_greedy(model, ids, n)


def compare(fixture_dir: str, adapter_dir: str, ids: list[int], variants: dict) -> dict:
    model = ref.load_model(os.path.join(fixture_dir, "base-model"), adapter_dir)
    mine = ref.log_softmax(ref.forward_logits(model, ids))
    my_greedy = [t for t, _ in ref.greedy(model, ids, GREEDY_TOKENS)]
    base = ref.load_model(os.path.join(fixture_dir, "base-model"))
    result = {"effect": float(np.max(np.abs(mine - ref.log_softmax(ref.forward_logits(base, ids)))))}
    for variant, dtype in variants.items():
        hf = load_peft(fixture_dir, adapter_dir, dtype)
        result[variant] = float(np.max(np.abs(mine - logprobs(hf, ids))))
        result[variant + "-greedy-equal"] = greedy(hf, ids, GREEDY_TOKENS) == my_greedy
    return result


def check_golden(fixture_dir: str, name: str) -> float:
    with open(os.path.join(GOLDENS, name + ".json")) as f:
        golden = json.load(f)
    hf = load_peft(fixture_dir, os.path.join(fixture_dir, "adapter"), torch.float64)
    ids = golden["promptIds"]
    lp = logprobs(hf, ids)
    worst = 0.0
    for i in range(1, len(ids)):
        worst = max(worst, abs(golden["promptLogprobs"][i] - lp[i - 1][ids[i]]))
        top = golden["promptTopLogprobs"][i]
        assert [e["id"] for e in top] == list(np.argsort(-lp[i - 1], kind="stable")[:5]), (name, i)
        worst = max(worst, max(abs(e["logprob"] - lp[i - 1][e["id"]]) for e in top))
    sequence = list(ids)
    for token, logprob in zip(golden["greedyIds"], golden["greedyLogprobs"]):
        last = logprobs(hf, sequence)[-1]
        assert int(np.argmax(last)) == token, (name, "greedy", len(sequence) - len(ids))
        worst = max(worst, abs(last[token] - logprob))
        sequence.append(token)
    return worst


def randomise_lora(model: torch.nn.Module, seed: int) -> None:
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=generator, dtype=torch.float64).to(p.dtype)
            if "lora_A" in name:
                p.copy_(noise / p.shape[1] ** 0.5)
            elif "lora_B" in name:
                p.copy_(noise * 0.15)
            elif "lora_magnitude_vector" in name:
                p.mul_(torch.exp(0.2 * noise))


def save_peft_case(fixture_dir: str, out_dir: str, kwargs: dict, seed: int) -> dict:
    """Creates the adapter with PEFT, saves it, and returns PEFT's own r and scaling per adapted module."""
    base = transformers.AutoModelForCausalLM.from_pretrained(os.path.join(fixture_dir, "base-model"),
                                                             dtype=torch.float32)
    model = peft.get_peft_model(base, peft.LoraConfig(init_lora_weights=False, **kwargs))
    randomise_lora(model, seed)
    model.save_pretrained(out_dir)
    facts = {}
    for name, module in model.named_modules():
        if isinstance(module, peft.tuners.lora.LoraLayer):
            key = name.removeprefix("base_model.model.")
            facts[key] = {"r": module.r["default"], "scaling": module.scaling["default"]}
    return facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default=os.path.join(REPO, "target/lora-fixtures"),
                        help="the fixture folders regenerate-lora-goldens.sh wrote")
    parser.add_argument("--work", help="folder for the PEFT-saved adapters (default: a temporary one)")
    parser.add_argument("--save-peft-adapter", help="also copy the PEFT-saved DoRA adapter and its facts here")
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="lora-validate-")
    torch.set_num_threads(2)
    with open(FIXTURES) as f:
        fixtures = json.load(f)

    rows = []  # (name, fixture_dir, adapter_dir, ids, result)
    for entry in fixtures:
        fixture_dir = os.path.join(args.models, entry["name"])
        if not os.path.isdir(fixture_dir):
            raise SystemExit(f"{fixture_dir} is missing: run tools/reference/regenerate-lora-goldens.sh first")
        rows.append((entry["name"], fixture_dir, os.path.join(fixture_dir, "adapter"), entry["promptIds"]))
    facts_by_case = {}
    prompts = {entry["name"]: entry["promptIds"] for entry in fixtures}
    for seed, (name, base_fixture, kwargs) in enumerate(PEFT_CASES):
        fixture_dir = os.path.join(args.models, base_fixture)
        adapter_dir = os.path.join(work, name)
        shutil.rmtree(adapter_dir, ignore_errors=True)
        facts_by_case[name] = save_peft_case(fixture_dir, adapter_dir, kwargs, 1000 + seed)
        rows.append((name, fixture_dir, adapter_dir, prompts[base_fixture]))

    results = [compare(d, a, ids, {"hf-f32": torch.float32, "hf-f64": torch.float64}) for _, d, a, ids in rows]
    hfcheck.switch_off_float32_casts()
    for (name, d, a, ids), result in zip(rows, results):
        result.update(compare(d, a, ids, {"hf-f64-exact": torch.float64}))
    golden_error = max(check_golden(os.path.join(args.models, e["name"]), e["name"]) for e in fixtures)

    if args.save_peft_adapter:
        target = args.save_peft_adapter
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(os.path.join(work, SAVED_FOR_JAVA), target, ignore=shutil.ignore_patterns("README.md"))
        with open(os.path.join(target, "peft_facts.json"), "w") as f:
            json.dump({"peft": peft.__version__, "transformers": transformers.__version__,
                       "config": {n: kw for n, _, kw in PEFT_CASES}[SAVED_FOR_JAVA],
                       "modules": facts_by_case[SAVED_FOR_JAVA]}, f, indent=1)
            f.write("\n")

    failures = []
    print(f"peft {peft.__version__}, transformers {transformers.__version__}, torch {torch.__version__}; max |Δ log-prob| "
          f"over the full vocabulary at every prompt position; greedy {GREEDY_TOKENS} tokens\n")
    print("| case | PEFT f32 | PEFT f64 | PEFT f64, no f32 casts | greedy equal (f32/f64/exact) | adapter effect |")
    print("|---|---|---|---|---|---|")
    for (name, _, _, _), row in zip(rows, results):
        equal = "/".join("yes" if row[v + "-greedy-equal"] else "NO" for v in TOLERANCE)
        print(f"| {name} | {row['hf-f32']:.1e} | {row['hf-f64']:.1e} | {row['hf-f64-exact']:.1e} | {equal} | "
              f"{row['effect']:.2f} |")
        if row["effect"] < 0.1:
            failures.append(f"{name}: the adapter changes log-probs by only {row['effect']:.2e}")
        for variant, tolerance in TOLERANCE.items():
            if not row[variant] <= tolerance:
                failures.append(f"{name}: {variant} differs by {row[variant]:.2e} > {tolerance:.0e}")
        if not row["hf-f64-greedy-equal"] or not row["hf-f64-exact-greedy-equal"]:
            failures.append(f"{name}: greedy tokens differ from PEFT float64")
    print(f"\ngolden files (prompt log-probs, top-5, 32 greedy tokens) against PEFT f64, no f32 casts: "
          f"max |Δ| {golden_error:.1e}; top-5 ids and greedy ids equal")
    if golden_error > TOLERANCE["hf-f64-exact"]:
        failures.append(f"goldens differ from PEFT by {golden_error:.2e}")
    if failures:
        print("\nFAILED:\n" + "\n".join(failures))
        sys.exit(1)
    print("\nall checks passed")


if __name__ == "__main__":
    main()
