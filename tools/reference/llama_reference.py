"""Independent float64 reference forward pass for Llama-family Hugging Face models.

Pure numpy, no torch and no transformers: it reads `config.json` and the safetensors files
itself and recomputes the whole sequence for every token (no KV cache), so that the Java
engine's numerics can be checked against something that shares none of its code or logic.

Supported: LlamaForCausalLM, Qwen2ForCausalLM (q/k/v bias), Qwen3ForCausalLM (per-head
q_norm/k_norm), MistralForCausalLM (sliding window); grouped-query attention; tied or untied
embeddings; RoPE types default, linear, dynamic, llama3 and yarn.

Public API:
    model = load_model(folder)
    prompt_logprobs(model, ids, top=5) -> list of PositionLogprobs (index 0 is None)
    greedy(model, ids, n)              -> list of (token id, log-prob)
    forward_logits(model, ids)         -> float64 array [len(ids), vocab]
"""

from __future__ import annotations

import json
import math
import os
import struct
from dataclasses import dataclass

import numpy as np

SUPPORTED_ARCHITECTURES = (
    "LlamaForCausalLM",
    "Qwen2ForCausalLM",
    "Qwen3ForCausalLM",
    "MistralForCausalLM",
)


class ReferenceError(Exception):
    """A model folder the reference cannot read, with what to fix."""


# ----------------------------------------------------------------------------------------
# safetensors
# ----------------------------------------------------------------------------------------

def _bf16_to_f64(raw: bytes) -> np.ndarray:
    # bfloat16 is the upper 16 bits of an IEEE float32.
    halves = np.frombuffer(raw, dtype="<u2").astype(np.uint32)
    return (halves << 16).view(np.float32).astype(np.float64)


_DECODERS = {
    "F32": lambda raw: np.frombuffer(raw, dtype="<f4").astype(np.float64),
    "F16": lambda raw: np.frombuffer(raw, dtype="<f2").astype(np.float64),
    "F64": lambda raw: np.frombuffer(raw, dtype="<f8").astype(np.float64),
    "BF16": _bf16_to_f64,
}


def read_safetensors(path: str) -> dict[str, np.ndarray]:
    """Reads every tensor of one safetensors file as float64 arrays."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ReferenceError(f"{path}: shorter than the 8-byte safetensors header length")
    (header_len,) = struct.unpack("<Q", data[:8])
    if 8 + header_len > len(data):
        raise ReferenceError(f"{path}: header length {header_len} exceeds the file size {len(data)}")
    header = json.loads(data[8 : 8 + header_len].decode("utf-8"))
    body = memoryview(data)[8 + header_len :]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = info["dtype"]
        if dtype not in _DECODERS:
            raise ReferenceError(
                f"{path}: tensor {name} has dtype {dtype}; supported are {sorted(_DECODERS)}"
            )
        start, end = info["data_offsets"]
        values = _DECODERS[dtype](bytes(body[start:end]))
        shape = tuple(info["shape"])
        if values.size != math.prod(shape):
            raise ReferenceError(f"{path}: tensor {name} has {values.size} values for shape {shape}")
        tensors[name] = values.reshape(shape)
    return tensors


def weight_files(folder: str) -> list[str]:
    """The safetensors files of a model folder: the shards an index names, or model.safetensors."""
    index_path = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(index_path):
        with open(index_path) as f:
            weight_map = json.load(f)["weight_map"]
        return sorted(set(weight_map.values()))
    if os.path.exists(os.path.join(folder, "model.safetensors")):
        return ["model.safetensors"]
    raise ReferenceError(
        f"{folder}: neither model.safetensors nor model.safetensors.index.json found; "
        "save the model with safetensors serialization"
    )


def read_weights(folder: str) -> dict[str, np.ndarray]:
    tensors = {}
    for name in weight_files(folder):
        tensors.update(read_safetensors(os.path.join(folder, name)))
    return tensors


# ----------------------------------------------------------------------------------------
# configuration
# ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Config:
    architecture: str
    vocab_size: int
    hidden_size: int
    num_layers: int
    num_heads: int
    num_kv_heads: int
    head_dim: int
    rms_norm_eps: float
    max_position_embeddings: int
    tie_word_embeddings: bool
    layer_windows: tuple  # per layer: sliding-window size, or None for full causal attention
    rope: dict  # rope_type, rope_theta and the type's own parameters


def _rope_parameters(raw: dict) -> dict:
    # transformers 5 writes `rope_parameters` (with rope_theta inside); older configs write
    # `rope_theta` beside an optional `rope_scaling`. Accept both; `type` is the old key name.
    rope = dict(raw.get("rope_parameters") or raw.get("rope_scaling") or {})
    if "rope_type" not in rope:
        rope["rope_type"] = rope.pop("type", "default")
    rope.setdefault("rope_theta", raw.get("rope_theta", 10000.0))
    # As HF's standardize_rope_params: a top-level original_max_position_embeddings wins,
    # else the one in the rope dict, else max_position_embeddings.
    if rope["rope_type"] in ("llama3", "yarn"):
        if raw.get("original_max_position_embeddings"):
            rope["original_max_position_embeddings"] = raw["original_max_position_embeddings"]
        rope.setdefault("original_max_position_embeddings", raw["max_position_embeddings"])
    return rope


def _layer_windows(raw: dict, architecture: str, num_layers: int) -> tuple:
    # Mistral applies `sliding_window` (if not null) to every layer. Qwen2/Qwen3 only with
    # use_sliding_window, and then to the layers layer_types marks "sliding_attention"
    # (by default those at index >= max_window_layers).
    if architecture == "MistralForCausalLM":
        return (raw.get("sliding_window"),) * num_layers
    if architecture == "LlamaForCausalLM" or not raw.get("use_sliding_window"):
        return (None,) * num_layers
    window = raw.get("sliding_window")
    layer_types = raw.get("layer_types") or [
        "sliding_attention" if window is not None and i >= raw.get("max_window_layers", 0) else "full_attention"
        for i in range(num_layers)
    ]
    return tuple(window if t == "sliding_attention" else None for t in layer_types)


def parse_config(raw: dict, source: str = "config.json") -> Config:
    architectures = raw.get("architectures") or []
    if not architectures or architectures[0] not in SUPPORTED_ARCHITECTURES:
        raise ReferenceError(
            f"{source}: architectures={architectures}; supported are {list(SUPPORTED_ARCHITECTURES)}"
        )
    if raw.get("hidden_act", "silu") != "silu":
        raise ReferenceError(f"{source}: hidden_act={raw['hidden_act']}; only silu is supported")
    if raw.get("partial_rotary_factor", 1.0) != 1.0:
        raise ReferenceError(f"{source}: partial_rotary_factor must be 1.0")
    architecture = architectures[0]
    num_heads = raw["num_attention_heads"]
    head_dim = raw.get("head_dim") or raw["hidden_size"] // num_heads
    return Config(
        architecture=architecture,
        vocab_size=raw["vocab_size"],
        hidden_size=raw["hidden_size"],
        num_layers=raw["num_hidden_layers"],
        num_heads=num_heads,
        num_kv_heads=raw.get("num_key_value_heads") or num_heads,
        head_dim=head_dim,
        rms_norm_eps=raw.get("rms_norm_eps", 1e-6),
        max_position_embeddings=raw["max_position_embeddings"],
        tie_word_embeddings=raw.get("tie_word_embeddings", False),
        layer_windows=_layer_windows(raw, architecture, raw["num_hidden_layers"]),
        rope=_rope_parameters(raw),
    )


# ----------------------------------------------------------------------------------------
# model
# ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Model:
    """A loaded model: its config and float64 weights keyed by Hugging Face tensor name."""

    config: Config
    weights: dict

    def weight(self, name: str) -> np.ndarray:
        if name not in self.weights:
            raise ReferenceError(f"tensor {name} is missing from the model's safetensors files")
        return self.weights[name]

    def bias(self, name: str) -> np.ndarray | None:
        # Biases are used when present: Qwen2 q/k/v, Llama attention_bias / mlp_bias.
        return self.weights.get(name)

    def lm_head(self) -> np.ndarray:
        if "lm_head.weight" in self.weights and not self.config.tie_word_embeddings:
            return self.weights["lm_head.weight"]
        if self.config.tie_word_embeddings:
            return self.weight("model.embed_tokens.weight")
        raise ReferenceError(
            "lm_head.weight is missing and tie_word_embeddings is false; "
            "add lm_head.weight or set tie_word_embeddings=true in config.json"
        )


def load_model(folder: str) -> Model:
    config_path = os.path.join(folder, "config.json")
    if not os.path.exists(config_path):
        raise ReferenceError(f"{folder}: config.json not found")
    with open(config_path) as f:
        config = parse_config(json.load(f), config_path)
    return Model(config, read_weights(folder))


# ----------------------------------------------------------------------------------------
# RoPE: inverse frequencies and attention factor, as transformers' modeling_rope_utils
# ----------------------------------------------------------------------------------------

def _default_inv_freq(base: float, dim: int) -> np.ndarray:
    return 1.0 / (base ** (np.arange(0, dim, 2, dtype=np.float64) / dim))


def _linear_inv_freq(rope: dict, dim: int, seq_len: int, max_pos: int):
    return _default_inv_freq(rope["rope_theta"], dim) / rope["factor"], 1.0


def _dynamic_inv_freq(rope: dict, dim: int, seq_len: int, max_pos: int):
    # Dynamic NTK: only once the sequence is longer than max_position_embeddings does the base
    # grow, as a function of the current sequence length (HF's dynamic_rope_update). HF keeps
    # the largest length seen in a stateful cache; here every call recomputes from seq_len,
    # which equals HF for one forward pass or a growing sequence.
    base = rope["rope_theta"]
    if seq_len > max_pos:
        factor = rope["factor"]
        base = base * ((factor * seq_len / max_pos) - (factor - 1)) ** (dim / (dim - 2))
    return _default_inv_freq(base, dim), 1.0


def _llama3_inv_freq(rope: dict, dim: int, seq_len: int, max_pos: int):
    inv_freq = _default_inv_freq(rope["rope_theta"], dim)
    factor = rope["factor"]
    low_freq_factor = rope["low_freq_factor"]
    high_freq_factor = rope["high_freq_factor"]
    old_context = rope["original_max_position_embeddings"]
    low_freq_wavelen = old_context / low_freq_factor
    high_freq_wavelen = old_context / high_freq_factor
    wavelen = 2 * math.pi / inv_freq
    # Long wavelengths are divided by factor, short ones kept, medium ones interpolated.
    scaled = np.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
    smooth = (old_context / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
    smoothed = (1 - smooth) * scaled / factor + smooth * scaled
    is_medium = (wavelen >= high_freq_wavelen) & (wavelen <= low_freq_wavelen)
    return np.where(is_medium, smoothed, scaled), 1.0


def _yarn_mscale(scale: float, mscale: float = 1.0) -> float:
    return 1.0 if scale <= 1 else 0.1 * mscale * math.log(scale) + 1.0


def _yarn_inv_freq(rope: dict, dim: int, seq_len: int, max_pos: int):
    base = rope["rope_theta"]
    original = rope["original_max_position_embeddings"]
    # Without a factor, HF uses the context extension ratio (DeepSeek-V3 style configs).
    factor = rope.get("factor") or max_pos / original
    attention_factor = rope.get("attention_factor")
    mscale, mscale_all_dim = rope.get("mscale"), rope.get("mscale_all_dim")
    if attention_factor is None:
        if mscale and mscale_all_dim:
            attention_factor = _yarn_mscale(factor, mscale) / _yarn_mscale(factor, mscale_all_dim)
        else:
            attention_factor = _yarn_mscale(factor)
    beta_fast = rope.get("beta_fast") or 32
    beta_slow = rope.get("beta_slow") or 1

    def correction_dim(rotations: float) -> float:
        # The dimension whose wavelength makes `rotations` turns over the original context.
        return dim * math.log(original / (rotations * 2 * math.pi)) / (2 * math.log(base))

    low, high = correction_dim(beta_fast), correction_dim(beta_slow)
    if rope.get("truncate", True):
        low, high = math.floor(low), math.ceil(high)
    low, high = max(low, 0), min(high, dim - 1)
    if low == high:
        high += 0.001  # HF's guard against a zero-width ramp
    ramp = np.clip((np.arange(dim // 2, dtype=np.float64) - low) / (high - low), 0, 1)
    extrapolation_weight = 1 - ramp
    pos_freqs = base ** (np.arange(0, dim, 2, dtype=np.float64) / dim)
    interpolation, extrapolation = 1.0 / (factor * pos_freqs), 1.0 / pos_freqs
    inv_freq = interpolation * (1 - extrapolation_weight) + extrapolation * extrapolation_weight
    return inv_freq, attention_factor


_ROPE_TYPES = {
    "default": lambda rope, dim, seq_len, max_pos: (_default_inv_freq(rope["rope_theta"], dim), 1.0),
    "linear": _linear_inv_freq,
    "dynamic": _dynamic_inv_freq,
    "llama3": _llama3_inv_freq,
    "yarn": _yarn_inv_freq,
}


def rope_cos_sin(config: Config, seq_len: int) -> tuple[np.ndarray, np.ndarray]:
    """cos and sin tables [seq_len, head_dim] for positions 0..seq_len-1."""
    rope_type = config.rope["rope_type"]
    if rope_type not in _ROPE_TYPES:
        raise ReferenceError(f"rope type {rope_type!r} is not supported; supported are {sorted(_ROPE_TYPES)}")
    inv_freq, attention_factor = _ROPE_TYPES[rope_type](
        config.rope, config.head_dim, seq_len, config.max_position_embeddings
    )
    angles = np.outer(np.arange(seq_len, dtype=np.float64), inv_freq)
    # HF duplicates the half-dimension angles (rotate_half layout, not interleaved pairs).
    angles = np.concatenate([angles, angles], axis=-1)
    return np.cos(angles) * attention_factor, np.sin(angles) * attention_factor


def apply_rope(x: np.ndarray, cos: np.ndarray, sin: np.ndarray) -> np.ndarray:
    """Rotates x [heads, seq, head_dim]: first half pairs with second half (rotate_half)."""
    half = x.shape[-1] // 2
    rotated = np.concatenate([-x[..., half:], x[..., :half]], axis=-1)
    return x * cos + rotated * sin


# ----------------------------------------------------------------------------------------
# layers
# ----------------------------------------------------------------------------------------

def rms_norm(x: np.ndarray, weight: np.ndarray, eps: float) -> np.ndarray:
    return weight * (x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps))


def linear(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
    y = x @ weight.T
    return y if bias is None else y + bias


def silu(x: np.ndarray) -> np.ndarray:
    return x / (1.0 + np.exp(-x))


def causal_mask(seq_len: int, sliding_window: int | None) -> np.ndarray:
    """True where query i may attend key j: j <= i, and within the window if there is one."""
    query = np.arange(seq_len)[:, None]
    key = np.arange(seq_len)[None, :]
    allowed = key <= query
    if sliding_window is not None:
        allowed &= (query - key) < sliding_window
    return allowed


def attention(model: Model, layer: int, x: np.ndarray, cos: np.ndarray, sin: np.ndarray) -> np.ndarray:
    c = model.config
    prefix = f"model.layers.{layer}.self_attn."
    seq_len = x.shape[0]

    def project(name: str, heads: int) -> np.ndarray:
        y = linear(x, model.weight(prefix + name + ".weight"), model.bias(prefix + name + ".bias"))
        return y.reshape(seq_len, heads, c.head_dim)

    q = project("q_proj", c.num_heads)
    k = project("k_proj", c.num_kv_heads)
    v = project("v_proj", c.num_kv_heads)
    if c.architecture == "Qwen3ForCausalLM":
        # Qwen3 normalises each head of q and k over head_dim, before RoPE.
        q = rms_norm(q, model.weight(prefix + "q_norm.weight"), c.rms_norm_eps)
        k = rms_norm(k, model.weight(prefix + "k_norm.weight"), c.rms_norm_eps)
    q, k, v = (t.transpose(1, 0, 2) for t in (q, k, v))  # [heads, seq, head_dim]
    q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
    # Grouped-query attention: each kv head serves num_heads / num_kv_heads query heads.
    group = c.num_heads // c.num_kv_heads
    k, v = np.repeat(k, group, axis=0), np.repeat(v, group, axis=0)
    scores = (q @ k.transpose(0, 2, 1)) / math.sqrt(c.head_dim)
    scores = np.where(causal_mask(seq_len, c.layer_windows[layer]), scores, -np.inf)
    scores -= scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights /= weights.sum(axis=-1, keepdims=True)
    out = (weights @ v).transpose(1, 0, 2).reshape(seq_len, c.num_heads * c.head_dim)
    return linear(out, model.weight(prefix + "o_proj.weight"), model.bias(prefix + "o_proj.bias"))


def mlp(model: Model, layer: int, x: np.ndarray) -> np.ndarray:
    prefix = f"model.layers.{layer}.mlp."

    def project(name: str, inputs: np.ndarray) -> np.ndarray:
        return linear(inputs, model.weight(prefix + name + ".weight"), model.bias(prefix + name + ".bias"))

    return project("down_proj", silu(project("gate_proj", x)) * project("up_proj", x))


def decoder_layer(model: Model, layer: int, h: np.ndarray, cos: np.ndarray, sin: np.ndarray) -> np.ndarray:
    eps = model.config.rms_norm_eps
    prefix = f"model.layers.{layer}."
    h = h + attention(model, layer, rms_norm(h, model.weight(prefix + "input_layernorm.weight"), eps), cos, sin)
    return h + mlp(model, layer, rms_norm(h, model.weight(prefix + "post_attention_layernorm.weight"), eps))


def forward_logits(model: Model, ids: list[int]) -> np.ndarray:
    """Logits [len(ids), vocab] for the whole sequence, computed from scratch."""
    c = model.config
    bad = [t for t in ids if not 0 <= t < c.vocab_size]
    if bad:
        raise ReferenceError(f"token ids {bad[:5]} are outside the vocabulary 0..{c.vocab_size - 1}")
    h = model.weight("model.embed_tokens.weight")[np.asarray(ids)]
    cos, sin = rope_cos_sin(c, len(ids))
    for layer in range(c.num_layers):
        h = decoder_layer(model, layer, h, cos, sin)
    h = rms_norm(h, model.weight("model.norm.weight"), c.rms_norm_eps)
    return h @ model.lm_head().T


def log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


# ----------------------------------------------------------------------------------------
# the two questions tests ask
# ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PositionLogprobs:
    """Log-prob of the actual token at one position, and the `top` most likely tokens there."""

    logprob: float
    top: list  # [(token id, log-prob)], most likely first, ties by lower id


def top_tokens(logprobs: np.ndarray, top: int) -> list:
    order = np.lexsort((np.arange(logprobs.size), -logprobs))[:top]
    return [(int(i), float(logprobs[i])) for i in order]


def prompt_logprobs(model: Model, ids: list[int], top: int = 5) -> list:
    """For each i > 0, log p(ids[i] | ids[:i]) and the top tokens; entry 0 is None."""
    logprobs = log_softmax(forward_logits(model, ids))
    result = [None]
    for i in range(1, len(ids)):
        row = logprobs[i - 1]
        result.append(PositionLogprobs(float(row[ids[i]]), top_tokens(row, top)))
    return result


def greedy(model: Model, ids: list[int], n: int) -> list:
    """n argmax continuations (lowest id on ties) with their log-probs, recomputing every step."""
    sequence = list(ids)
    generated = []
    for _ in range(n):
        last = log_softmax(forward_logits(model, sequence)[-1])
        token = int(np.argmax(last))
        generated.append((token, float(last[token])))
        sequence.append(token)
    return generated
