"""Validates llama_reference.py against Hugging Face transformers on tiny random models.

    /work/venv-ref/bin/python validate_against_hf.py [--work DIR]

Needs torch and transformers (see README.md). For every case it builds a small random model
with transformers' own config and model classes, saves it with save_pretrained (float32,
bfloat16, float16, sharded), loads the saved folder back into HF and into the reference, and
compares the full log-softmax over the vocabulary at every prompt position, plus greedy tokens
(both sides recompute the full sequence each step, no KV cache).

HF is run three ways:
  * float32                    (what a user gets);
  * float64                    (HF still computes RMSNorm, RoPE and eager softmax in float32);
  * float64 with those float32 casts switched off: HF's own RMSNorm, rotary-embedding, eager
    attention and RoPE parameter functions re-compiled from their source with float32 replaced
    by float64, and torch's default dtype set to float64. This isolates formula differences
    from float32 rounding: agreement here is ~1e-13.
Then it runs make_numerics_goldens.py over the same models and checks the golden files against
HF, and rewrites every config in the transformers 4 form (rope_theta + rope_scaling) to check
both forms read the same. Prints a Markdown table (pasted into README.md) and exits non-zero on any failure.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import json
import os
import re
import shutil
import sys
import tempfile
import textwrap

import numpy as np
import torch
import transformers
from transformers import modeling_rope_utils

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import llama_reference as ref  # noqa: E402
import make_numerics_goldens  # noqa: E402

# Tolerances on |log-prob difference|, over the whole vocabulary at every position.
TOLERANCE = {"hf-f32": 5e-4, "hf-f64": 1e-4, "hf-f64-exact": 1e-10}
GREEDY_TOKENS = 8

FAMILIES = {
    "llama": (transformers.LlamaConfig, transformers.LlamaForCausalLM),
    "qwen2": (transformers.Qwen2Config, transformers.Qwen2ForCausalLM),
    "qwen3": (transformers.Qwen3Config, transformers.Qwen3ForCausalLM),
    "mistral": (transformers.MistralConfig, transformers.MistralForCausalLM),
}

BASE = dict(vocab_size=96, hidden_size=64, intermediate_size=96, num_hidden_layers=2,
            num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
            rms_norm_eps=1e-5, tie_word_embeddings=False)

# name, family, extra config, saved dtype, max_shard_size, prompt length
CASES = [
    ("llama-default-f32", "llama", dict(rope_parameters={"rope_type": "default", "rope_theta": 10000.0}), torch.float32, None, 24),
    ("llama-linear-bf16", "llama", dict(rope_parameters={"rope_type": "linear", "rope_theta": 10000.0, "factor": 2.0}), torch.bfloat16, None, 24),
    ("llama-dynamic-f32", "llama", dict(max_position_embeddings=16, rope_parameters={"rope_type": "dynamic", "rope_theta": 10000.0, "factor": 2.0}), torch.float32, None, 28),
    ("llama-llama3-sharded", "llama", dict(rope_parameters={"rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 16}), torch.float32, "40KB", 24),
    ("llama-yarn-f32", "llama", dict(rope_parameters={"rope_type": "yarn", "rope_theta": 10000.0, "factor": 4.0, "original_max_position_embeddings": 16}), torch.float32, None, 24),
    ("llama-yarn-mscale-notrunc-bf16", "llama", dict(rope_parameters={"rope_type": "yarn", "rope_theta": 10000.0, "factor": 4.0, "original_max_position_embeddings": 16, "mscale": 1.0, "mscale_all_dim": 0.5, "beta_fast": 16, "beta_slow": 2, "truncate": False}), torch.bfloat16, None, 24),
    ("llama-bias-tied-f16", "llama", dict(attention_bias=True, mlp_bias=True, tie_word_embeddings=True, num_key_value_heads=4), torch.float16, None, 20),
    ("qwen2-tied-bf16", "qwen2", dict(tie_word_embeddings=True, rope_parameters={"rope_type": "default", "rope_theta": 1000000.0}), torch.bfloat16, None, 24),
    ("qwen2-sliding-f32", "qwen2", dict(use_sliding_window=True, sliding_window=6, max_window_layers=1), torch.float32, None, 20),
    ("qwen3-headdim-sharded-bf16", "qwen3", dict(head_dim=32, num_attention_heads=4, num_key_value_heads=1), torch.bfloat16, "30KB", 24),
    ("qwen3-yarn-f32", "qwen3", dict(head_dim=24, rope_parameters={"rope_type": "yarn", "rope_theta": 1000000.0, "factor": 4.0, "original_max_position_embeddings": 16}), torch.float32, None, 24),
    ("mistral-window-f32", "mistral", dict(sliding_window=7, head_dim=16), torch.float32, None, 20),
]


# ----------------------------------------------------------------------------------------
# building the models
# ----------------------------------------------------------------------------------------

def randomize(model: torch.nn.Module, generator: torch.Generator) -> None:
    # HF's init (std 0.02) makes nearly uniform predictions; scale weights so that activations
    # keep unit size, attention is selective and logits are peaked: differences then show.
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=generator, dtype=torch.float64)
            if name.endswith("norm.weight"):
                p.copy_(1.0 + 0.2 * noise)
            elif name.endswith("bias"):
                p.copy_(0.2 * noise)
            elif "embed_tokens" in name:
                p.copy_(noise)
            else:
                p.copy_(noise * (1.5 / p.shape[1] ** 0.5))


def build_model(folder: str, family: str, extra: dict, dtype: torch.dtype, shard: str | None, seed: int) -> None:
    config_class, model_class = FAMILIES[family]
    config = config_class(**{**BASE, **extra})
    torch.manual_seed(seed)
    model = model_class(config).to(torch.float64)
    randomize(model, torch.Generator().manual_seed(seed))
    model = model.to(dtype)
    kwargs = {"max_shard_size": shard} if shard else {}
    model.save_pretrained(folder, **kwargs)


# ----------------------------------------------------------------------------------------
# HF with its float32 casts switched off
# ----------------------------------------------------------------------------------------

def _as_float64(fn):
    """HF's own function, re-compiled from its source with every float32 made float64."""
    source = textwrap.dedent(inspect.getsource(inspect.unwrap(fn)))
    source = re.sub(r"torch\.float32\b|torch\.float\b(?!\d)", "torch.float64", source)
    source = source.replace(".float()", ".double()")
    namespace = {}
    exec(compile(source, inspect.getsourcefile(inspect.unwrap(fn)), "exec"), inspect.unwrap(fn).__globals__, namespace)
    return next(iter(namespace.values()))


def switch_off_float32_casts() -> None:
    # Dynamic NTK computes its new base from an integer tensor times a Python float, which
    # lands in torch's default dtype: make that float64 too.
    torch.set_default_dtype(torch.float64)
    for key, fn in list(modeling_rope_utils.ROPE_INIT_FUNCTIONS.items()):
        modeling_rope_utils.ROPE_INIT_FUNCTIONS[key] = _as_float64(fn)
    modules = [transformers.models.llama.modeling_llama, transformers.models.qwen2.modeling_qwen2,
               transformers.models.qwen3.modeling_qwen3, transformers.models.mistral.modeling_mistral]
    for module in modules:
        module.eager_attention_forward = _as_float64(module.eager_attention_forward)
        for name, cls in vars(module).items():
            if name.endswith("RMSNorm") and isinstance(cls, type):
                cls.forward = _as_float64(cls.forward)
            if name.endswith("RotaryEmbedding") and isinstance(cls, type):
                cls.forward = _as_float64(cls.forward)
                cls.compute_default_rope_parameters = _as_float64(cls.compute_default_rope_parameters)


# ----------------------------------------------------------------------------------------
# comparing
# ----------------------------------------------------------------------------------------

def hf_logprobs(model, ids: list[int]) -> np.ndarray:
    with torch.no_grad():
        logits = model(torch.tensor([ids]), use_cache=False).logits[0].double()
    return torch.log_softmax(logits, dim=-1).numpy()


def hf_greedy(model, ids: list[int], n: int) -> list[int]:
    sequence = list(ids)
    for _ in range(n):
        sequence.append(int(np.argmax(hf_logprobs(model, sequence)[-1])))
    return sequence[len(ids):]


def load_hf(folder: str, family: str, dtype: torch.dtype):
    model = FAMILIES[family][1].from_pretrained(folder, dtype=dtype, attn_implementation="eager")
    return model.eval()


def compare(folder: str, family: str, ids: list[int], variants: dict) -> dict:
    model = ref.load_model(folder)
    mine = ref.log_softmax(ref.forward_logits(model, ids))
    my_greedy = [t for t, _ in ref.greedy(model, ids, GREEDY_TOKENS)]
    result = {"greedy": my_greedy}
    for variant, dtype in variants.items():
        hf = load_hf(folder, family, dtype)
        result[variant] = float(np.max(np.abs(mine - hf_logprobs(hf, ids))))
        result[variant + "-greedy-equal"] = hf_greedy(hf, ids, GREEDY_TOKENS) == my_greedy
    return result


def legacy_config_copy(folder: str, target: str) -> None:
    """The same model with a transformers 4 style config: top-level rope_theta, rope_scaling with `type`."""
    shutil.copytree(folder, target)
    with open(os.path.join(target, "config.json")) as f:
        config = json.load(f)
    rope = dict(config.pop("rope_parameters"))
    config["rope_theta"] = rope.pop("rope_theta")
    rope["type"] = rope.pop("rope_type")
    config["rope_scaling"] = None if rope["type"] == "default" else rope
    with open(os.path.join(target, "config.json"), "w") as f:
        json.dump(config, f)


def check_legacy_configs(models_dir: str, cases_run: list) -> float:
    """Old-style configs must give bit-identical reference results and still match HF."""
    worst = 0.0
    for name, family, ids in cases_run:
        folder, legacy = os.path.join(models_dir, name), os.path.join(models_dir, "legacy", name)
        legacy_config_copy(folder, legacy)
        new = ref.forward_logits(ref.load_model(folder), ids)
        old = ref.forward_logits(ref.load_model(legacy), ids)
        assert np.array_equal(new, old), f"{name}: legacy config form changes the reference's logits"
        hf = hf_logprobs(load_hf(legacy, family, torch.float64), ids)
        worst = max(worst, float(np.max(np.abs(ref.log_softmax(old) - hf))))
    return worst


def feature_effect(folder: str, ids: list[int]) -> float | None:
    """How much the case's distinguishing feature moves the reference's log-probs (None: no feature).

    Rope type -> default, sliding window -> none, Qwen3 -> Llama (no q/k norm): if removing the
    feature barely changes the output, agreement with HF would prove nothing about it."""
    model = ref.load_model(folder)
    c = model.config
    variants = []
    if c.rope["rope_type"] != "default":
        variants.append(dataclasses.replace(c, rope={"rope_type": "default", "rope_theta": c.rope["rope_theta"]}))
    if any(w is not None for w in c.layer_windows):
        variants.append(dataclasses.replace(c, layer_windows=(None,) * c.num_layers))
    if c.architecture == "Qwen3ForCausalLM":
        variants.append(dataclasses.replace(c, architecture="LlamaForCausalLM"))
    if not variants:
        return None
    base = ref.log_softmax(ref.forward_logits(model, ids))
    return min(float(np.max(np.abs(ref.log_softmax(ref.forward_logits(ref.Model(v, model.weights), ids)) - base)))
               for v in variants)


def check_goldens(models_dir: str, cases_run: list, out_dir: str) -> float:
    """Runs make_numerics_goldens over the models and compares its files with HF float64."""
    fixtures = [{"spec": {"name": name}, "promptIds": ids, "greedyTokens": GREEDY_TOKENS}
                for name, _, ids in cases_run]
    fixtures_path = os.path.join(models_dir, "fixtures.json")
    with open(fixtures_path, "w") as f:
        json.dump(fixtures, f)
    make_numerics_goldens.main(["--models", models_dir, "--fixtures", fixtures_path, "--out", out_dir])
    worst = 0.0
    for name, family, ids in cases_run:
        with open(os.path.join(out_dir, name + ".json")) as f:
            golden = json.load(f)
        hf = hf_logprobs(load_hf(os.path.join(models_dir, name), family, torch.float64), ids)
        assert golden["promptIds"] == ids and golden["promptLogprobs"][0] is None
        for i in range(1, len(ids)):
            worst = max(worst, abs(golden["promptLogprobs"][i] - hf[i - 1][ids[i]]))
            top = golden["promptTopLogprobs"][i]
            assert [e["id"] for e in top] == list(np.argsort(-hf[i - 1], kind="stable")[:5]), (name, i)
            worst = max(worst, max(abs(e["logprob"] - hf[i - 1][e["id"]]) for e in top))
        assert golden["greedyIds"] == hf_greedy(load_hf(os.path.join(models_dir, name), family, torch.float64), ids, GREEDY_TOKENS)
        for file_name, digest in golden["files"].items():
            assert make_numerics_goldens.sha256_of(os.path.join(models_dir, name, file_name)) == digest
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", help="folder for the models and goldens (default: a temporary one)")
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="ref-validate-")
    models_dir = os.path.join(work, "models")
    shutil.rmtree(models_dir, ignore_errors=True)
    torch.set_num_threads(2)

    results, cases_run = [], []
    for seed, (name, family, extra, dtype, shard, length) in enumerate(CASES):
        folder = os.path.join(models_dir, name)
        build_model(folder, family, extra, dtype, shard, seed)
        ids = [int(t) for t in np.random.default_rng(seed).integers(0, BASE["vocab_size"], length)]
        cases_run.append((name, family, ids))
        row = compare(folder, family, ids, {"hf-f32": torch.float32, "hf-f64": torch.float64})
        row["feature-effect"] = feature_effect(folder, ids)
        results.append((name, len(os.listdir(folder)), row))

    switch_off_float32_casts()
    for (name, family, ids), (_, _, row) in zip(cases_run, results):
        row.update(compare(os.path.join(models_dir, name), family, ids, {"hf-f64-exact": torch.float64}))
    golden_error = check_goldens(models_dir, cases_run, os.path.join(work, "goldens"))
    legacy_error = check_legacy_configs(models_dir, cases_run)

    failures = []
    print(f"transformers {transformers.__version__}, torch {torch.__version__}; "
          f"max |Δ log-prob| over the full vocabulary at every prompt position; greedy {GREEDY_TOKENS} tokens\n")
    print("| case | HF f32 | HF f64 | HF f64, no f32 casts | greedy equal (f32/f64/exact) | feature effect |")
    print("|---|---|---|---|---|---|")
    for name, _, row in results:
        equal = "/".join("yes" if row[v + "-greedy-equal"] else "NO" for v in TOLERANCE)
        effect = "–" if row["feature-effect"] is None else f"{row['feature-effect']:.1f}"
        print(f"| {name} | {row['hf-f32']:.1e} | {row['hf-f64']:.1e} | {row['hf-f64-exact']:.1e} | {equal} | {effect} |")
        if row["feature-effect"] is not None and row["feature-effect"] < 0.1:
            failures.append(f"{name}: its feature changes log-probs by only {row['feature-effect']:.2e}")
        for variant, tolerance in TOLERANCE.items():
            if not row[variant] <= tolerance:
                failures.append(f"{name}: {variant} differs by {row[variant]:.2e} > {tolerance:.0e}")
        if not row["hf-f64-greedy-equal"] or not row["hf-f64-exact-greedy-equal"]:
            failures.append(f"{name}: greedy tokens differ from HF float64")
    print(f"\nmake_numerics_goldens.py on these models: max |Δ| against HF f64, no f32 casts: {golden_error:.1e}")
    print(f"legacy configs (rope_theta + rope_scaling.type): reference bit-identical; "
          f"max |Δ| against HF f64, no f32 casts: {legacy_error:.1e}")
    print(f"tolerances: {TOLERANCE}")
    if legacy_error > TOLERANCE["hf-f64-exact"]:
        failures.append(f"legacy configs differ from HF by {legacy_error:.2e}")
    if golden_error > TOLERANCE["hf-f64-exact"]:
        failures.append(f"goldens differ from HF by {golden_error:.2e}")
    if failures:
        print("\nFAILED:\n" + "\n".join(failures))
        sys.exit(1)
    print("\nall checks passed")


if __name__ == "__main__":
    main()
