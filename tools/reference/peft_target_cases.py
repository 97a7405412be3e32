"""Prints which modules PEFT adapts, with what rank and scaling, for the target-matching cases of AdapterConfigTest.

    /work/venv/bin/python peft_target_cases.py

Each case is a LoraConfig applied with get_peft_model to a tiny 4-layer LlamaForCausalLM; the output lines are the
expected values AdapterConfigTest holds as literals ("layer.module:r:scaling", in layer and module order).
"""

from __future__ import annotations

import json

import peft
import transformers

CASES = [
    ("list", dict(r=8, lora_alpha=16, target_modules=["q_proj", "v_proj"])),
    ("list-full-names-and-suffixes", dict(r=8, lora_alpha=16, target_modules=[
        "layers.1.mlp.down_proj", "model.layers.2.self_attn.o_proj", "k_proj"])),
    ("regex", dict(r=4, lora_alpha=8, target_modules=r".*\.(q|k)_proj")),
    ("regex-layers", dict(r=4, lora_alpha=8, target_modules=r"model\.layers\.[13]\.mlp\.\w+_proj")),
    ("all-linear-any-case", dict(r=2, lora_alpha=2, target_modules="All-Linear")),
    ("layers-to-transform-int", dict(r=8, lora_alpha=8, target_modules=["q_proj", "down_proj"], layers_to_transform=2)),
    ("layers-to-transform-pattern", dict(r=8, lora_alpha=8, target_modules=["gate_proj"], layers_to_transform=[0, 3],
                                         layers_pattern="layers")),
    ("layers-pattern-list", dict(r=8, lora_alpha=8, target_modules=["o_proj"], layers_to_transform=[1],
                                 layers_pattern=["h", "layers"])),
    ("exclude-regex", dict(r=8, lora_alpha=8, target_modules="all-linear", exclude_modules=r".*\.layers\.[0-2]\..*")),
    ("exclude-list", dict(r=8, lora_alpha=8, target_modules=["q_proj", "up_proj"],
                          exclude_modules=["q_proj", "layers.3.mlp.up_proj"])),
    ("rank-alpha-patterns", dict(r=8, lora_alpha=16, target_modules=["q_proj", "v_proj"], rank_pattern={
        "model.layers.0.self_attn.q_proj": 4, "q_proj": 6, r"layers\.[23]\..*": 12},
        alpha_pattern={"v_proj": 32, "^model.layers.1.*": 3})),
    ("rslora-patterns", dict(r=16, lora_alpha=8, use_rslora=True, target_modules=["k_proj", "down_proj"],
                             rank_pattern={r"self_attn\.(k|v)_proj": 4}, alpha_pattern={"layers.3.mlp.down_proj": 2})),
]

SHORT = {"self_attn.q_proj": "q_proj", "self_attn.k_proj": "k_proj", "self_attn.v_proj": "v_proj",
         "self_attn.o_proj": "o_proj", "mlp.gate_proj": "gate_proj", "mlp.up_proj": "up_proj",
         "mlp.down_proj": "down_proj"}


def main() -> None:
    config = transformers.LlamaConfig(vocab_size=96, hidden_size=64, intermediate_size=96, num_hidden_layers=4,
                                      num_attention_heads=4, num_key_value_heads=2)
    print(f"peft {peft.__version__}, transformers {transformers.__version__}")
    for name, kwargs in CASES:
        model = peft.get_peft_model(transformers.LlamaForCausalLM(config), peft.LoraConfig(**kwargs))
        adapted = []
        for module_name, module in model.named_modules():
            if isinstance(module, peft.tuners.lora.LoraLayer):
                key = module_name.removeprefix("base_model.model.model.layers.")
                layer, path = key.split(".", 1)
                adapted.append(f"{layer}.{SHORT[path]}:{module.r['default']}:{module.scaling['default']!r}")
        print(f"{name}\n  config {json.dumps(kwargs)}\n  adapted \"{' '.join(adapted)}\"")


if __name__ == "__main__":
    main()
