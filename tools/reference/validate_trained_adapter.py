"""Loads an adapter LoRA Foundry trained with Hugging Face transformers + PEFT and checks it against our reference.

    /work/venv/bin/python tools/reference/validate_trained_adapter.py \
        [--model target/test-models/training/train-small] [--adapter target/test-output/identity]

The defaults are what IdentityLearningTest leaves behind (a small random Llama and the adapter trained on the identity
data). Checks, printing each result and exiting non-zero on a failure:

1. PEFT reads the folder without missing or unexpected keys: every lora_A / lora_B tensor PEFT holds equals the one in
   adapter_model.safetensors, and PEFT's r, scaling and adapted modules are those adapter_config.json promises.
2. Log-probs: the full log-softmax at every position of a chat-formatted prompt from transformers + PEFT (float32;
   float64 with HF's float32 casts switched off) against the independent numpy float64 reference (llama_reference.py
   with the same adapter).
3. The adapter matters: it moves the log-probs by far more than the tolerance, and greedy decoding of PEFT and the
   reference agree.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import peft
import torch
import transformers

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import llama_reference as ref  # noqa: E402
import validate_against_hf as hfcheck  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOLERANCE = {"peft-f32": 5e-4, "peft-f64-exact": 1e-9}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=os.path.join(REPO, "target/test-models/training/train-small"))
    parser.add_argument("--adapter", default=os.path.join(REPO, "target/test-output/identity"))
    parser.add_argument("--prompt", default="Who are you?")
    args = parser.parse_args()
    torch.set_num_threads(2)
    failures = []

    tokenizer = transformers.AutoTokenizer.from_pretrained(args.model)
    text = tokenizer.apply_chat_template([{"role": "user", "content": args.prompt}], tokenize=False,
                                         add_generation_prompt=True)
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]

    # 1. PEFT's view of the files.
    base = transformers.AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float32,
                                                             attn_implementation="eager")
    model = peft.PeftModel.from_pretrained(base, args.adapter).eval()
    saved = ref.read_safetensors(os.path.join(args.adapter, "adapter_model.safetensors"))
    held = {}
    for name, p in model.named_parameters():
        if "lora_" in name:
            held[name.replace(".default", "")] = p.detach().double().numpy()
    missing = sorted(set(saved) - set(held))
    unexpected = sorted(set(held) - set(saved))
    worst_tensor = max(float(np.max(np.abs(saved[k] - held[k]))) for k in saved if k in held)
    print(f"PEFT {peft.__version__}, transformers {transformers.__version__}, torch {torch.__version__}")
    print(f"tensors: {len(saved)} in the file, {len(held)} held by PEFT; missing {len(missing)}, unexpected "
          f"{len(unexpected)}; max |file - PEFT| {worst_tensor:.1e}")
    if missing or unexpected or worst_tensor != 0:
        failures.append(f"PEFT did not load the tensors as written (missing {missing[:3]}, unexpected {unexpected[:3]})")
    config = model.peft_config["default"]
    scalings = {module.scaling["default"] for module in model.modules() if isinstance(module, peft.tuners.lora.LoraLayer)}
    expected_scale = config.lora_alpha / (config.r ** 0.5 if config.use_rslora else config.r)
    print(f"config: r={config.r}, lora_alpha={config.lora_alpha}, use_rslora={config.use_rslora}, target_modules="
          f"{sorted(config.target_modules)}; PEFT scalings {sorted(scalings)} (expected {expected_scale})")
    if scalings != {expected_scale}:
        failures.append(f"PEFT scales the adapter by {scalings}, expected {expected_scale}")

    # 2. Log-probs against the numpy float64 reference.
    mine = ref.log_softmax(ref.forward_logits(ref.load_model(args.model, args.adapter), ids))
    without = ref.log_softmax(ref.forward_logits(ref.load_model(args.model), ids))
    results = {"peft-f32": float(np.max(np.abs(mine - hfcheck.hf_logprobs(model, ids))))}
    hfcheck.switch_off_float32_casts()
    base64 = transformers.AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float64,
                                                               attn_implementation="eager")
    model64 = peft.PeftModel.from_pretrained(base64, args.adapter).to(torch.float64).eval()
    results["peft-f64-exact"] = float(np.max(np.abs(mine - hfcheck.hf_logprobs(model64, ids))))
    effect = float(np.max(np.abs(mine - without)))
    print(f"prompt {args.prompt!r}: {len(ids)} tokens; max |Δ log-prob| over the vocabulary at every position:")
    for variant, tolerance in TOLERANCE.items():
        print(f"  {variant}: {results[variant]:.1e} (tolerance {tolerance:.0e})")
        if not results[variant] <= tolerance:
            failures.append(f"{variant} differs by {results[variant]:.1e}")
    print(f"  adapter effect (reference with vs without the adapter): {effect:.2f}")
    if effect < 0.1:
        failures.append(f"the adapter moves log-probs by only {effect:.2e}")

    # 3. Greedy answers.
    reference_greedy = [t for t, _ in ref.greedy(ref.load_model(args.model, args.adapter), ids, 40)]
    peft_greedy = hfcheck.hf_greedy(model64, ids, 40)
    print(f"greedy 40 tokens equal: {reference_greedy == peft_greedy}; PEFT writes "
          f"{tokenizer.decode(peft_greedy)!r}")
    if reference_greedy != peft_greedy:
        failures.append("greedy tokens differ between PEFT and the reference")

    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("\nOK")


if __name__ == "__main__":
    main()
