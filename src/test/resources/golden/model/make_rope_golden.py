"""Writes rope_frequencies.json: inverse frequencies and attention scaling from transformers' own RoPE code.

Run with transformers==5.17.0 and torch (CPU):  python make_rope_golden.py > rope_frequencies.json
RotaryEmbeddingTest reads the JSON; the project's tests do not need Python.
"""
import json

import torch
from transformers import LlamaConfig
from transformers.modeling_rope_utils import ROPE_INIT_FUNCTIONS
from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding

CASES = [
    # name, config kwargs, rope_scaling (None = default), sequence lengths to evaluate
    ("default-llama2", dict(hidden_size=4096, num_attention_heads=32, rope_theta=10000.0, max_position_embeddings=4096), None, [None]),
    ("default-qwen-theta1e6-hd64", dict(hidden_size=896, num_attention_heads=14, rope_theta=1000000.0, max_position_embeddings=32768), None, [None]),
    ("default-explicit-headdim", dict(hidden_size=64, num_attention_heads=4, head_dim=32, rope_theta=10000.0, max_position_embeddings=2048), None, [None]),
    ("linear-2", dict(hidden_size=64, num_attention_heads=4, rope_theta=10000.0, max_position_embeddings=2048), {"rope_type": "linear", "factor": 2.0}, [None]),
    ("dynamic-4", dict(hidden_size=128, num_attention_heads=4, rope_theta=10000.0, max_position_embeddings=256), {"rope_type": "dynamic", "factor": 4.0}, [None, 100, 256, 257, 1000]),
    ("llama3-8b", dict(hidden_size=4096, num_attention_heads=32, rope_theta=500000.0, max_position_embeddings=131072),
     {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}, [None]),
    ("llama3-tiny", dict(hidden_size=64, num_attention_heads=4, rope_theta=10000.0, max_position_embeddings=512),
     {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 64}, [None]),
    ("yarn-4-tiny", dict(hidden_size=64, num_attention_heads=4, rope_theta=10000.0, max_position_embeddings=256),
     {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 64}, [None]),
    ("yarn-qwen-4", dict(hidden_size=896, num_attention_heads=14, rope_theta=1000000.0, max_position_embeddings=131072),
     {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768}, [None]),
    ("yarn-attention-factor", dict(hidden_size=128, num_attention_heads=2, rope_theta=10000.0, max_position_embeddings=4096),
     {"rope_type": "yarn", "factor": 2.0, "original_max_position_embeddings": 2048, "beta_fast": 16.0, "beta_slow": 2.0, "attention_factor": 1.5}, [None]),
]


def main():
    out = []
    for name, kwargs, scaling, seq_lens in CASES:
        config = LlamaConfig(num_key_value_heads=kwargs["num_attention_heads"], vocab_size=32, intermediate_size=32,
                             num_hidden_layers=1, rope_scaling=scaling, **kwargs)
        rope_type = config.rope_parameters.get("rope_type", "default")
        for seq_len in seq_lens:
            if rope_type == "default":
                inv, scale = LlamaRotaryEmbedding.compute_default_rope_parameters(config)
            else:
                inv, scale = ROPE_INIT_FUNCTIONS[rope_type](config, None, seq_len=seq_len)
            out.append({
                "name": name if seq_len is None else f"{name}@{seq_len}",
                "config": {k: v for k, v in kwargs.items()} | {"rope_scaling": scaling},
                "seqLen": seq_len,
                "inverseFrequencies": [float(x) for x in inv.to(torch.float32).tolist()],
                "attentionScaling": float(scale),
            })
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
