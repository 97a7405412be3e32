"""Independent float64 reference forward pass for Llama-family Hugging Face models.

Pure numpy, no torch and no transformers: it reads `config.json` and the safetensors files
itself and recomputes the whole sequence for every token (no KV cache), so that the Java
engine's numerics can be checked against something that shares none of its code or logic.

Supported: LlamaForCausalLM, Qwen2ForCausalLM (q/k/v bias), Qwen3ForCausalLM (per-head
q_norm/k_norm), MistralForCausalLM (sliding window); grouped-query attention; tied or untied
embeddings; RoPE types default, linear, dynamic, llama3 and yarn.

Optionally a PEFT LoRA adapter (adapter_config.json + adapter_model.safetensors) is applied on
top, with PEFT's semantics: target_modules (list / regex / all-linear), exclude_modules,
layers_to_transform, layers_pattern, rank_pattern, alpha_pattern, rsLoRA and DoRA.

Public API:
    model = load_model(folder)
    model = load_model(folder, adapter_folder)   # base + LoRA adapter
    prompt_logprobs(model, ids, top=5) -> list of PositionLogprobs (index 0 is None)
    greedy(model, ids, n)              -> list of (token id, log-prob)
    forward_logits(model, ids)         -> float64 array [len(ids), vocab]
"""

from __future__ import annotations

import json
import math
import os
import re
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
    adapter: "Adapter | None" = None

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


def load_model(folder: str, adapter_folder: str | None = None) -> Model:
    """The model in a Hugging Face folder, with the PEFT LoRA adapter in adapter_folder applied if given."""
    config_path = os.path.join(folder, "config.json")
    if not os.path.exists(config_path):
        raise ReferenceError(f"{folder}: config.json not found")
    with open(config_path) as f:
        config = parse_config(json.load(f), config_path)
    model = Model(config, read_weights(folder))
    if adapter_folder is None:
        return model
    return Model(config, model.weights, load_adapter(adapter_folder, model))


# ----------------------------------------------------------------------------------------
# LoRA adapters, PEFT 0.21 semantics (tuners/tuners_utils.py check_target_module_exists,
# tuners/lora/model.py rank/alpha patterns, tuners/lora/layer.py scaling, tuners/lora/dora.py)
# ----------------------------------------------------------------------------------------

PROJECTIONS = ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
               "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj")

# Options that change what a trained adapter computes or holds, which this reference does not implement.
UNSUPPORTED_ADAPTER_FIELDS = ("modules_to_save", "trainable_token_indices", "target_parameters", "lora_bias",
                              "use_qalora", "alora_invocation_tokens", "arrow_config", "kasa_config",
                              "monteclora_config", "use_bdlora", "layer_replication")


@dataclass(frozen=True)
class LoraModule:
    """One adapted projection: y = W x + b + scale * B A x, or with DoRA b + m / ||W + scale B A||_row * (W x + scale B A x)."""

    a: np.ndarray  # lora_A [r, in]
    b: np.ndarray  # lora_B [out, r]
    scale: float
    magnitude: np.ndarray | None  # DoRA [out]


@dataclass(frozen=True)
class Adapter:
    modules: dict  # full module name ("model.layers.0.self_attn.q_proj") -> LoraModule


def _is_targeted(cfg: dict, key: str) -> bool:
    exclude = cfg.get("exclude_modules")
    if exclude:
        if isinstance(exclude, str):
            if re.fullmatch(exclude, key):
                return False
        elif key in exclude or any(key.endswith("." + e) for e in exclude):
            return False
    targets = cfg.get("target_modules")
    if targets is None:
        targets = ["q_proj", "v_proj"]  # PEFT's default for llama, qwen2, qwen3, mistral
    if isinstance(targets, str):
        if targets.lower() == "all-linear":
            # Every nn.Linear but the output embedding: in these decoders, the seven projections.
            return any(key.endswith("." + p) for p in PROJECTIONS)
        return re.fullmatch(targets, key) is not None
    if not (key in targets or any(key.endswith("." + t) for t in targets)):
        return False
    layers = cfg.get("layers_to_transform")
    if layers is None or (isinstance(layers, list) and not layers):
        return True
    patterns = cfg.get("layers_pattern")
    match = None
    if not patterns:
        match = re.match(r".*?\.[^.]*\.(?P<idx>\d+)\.", key)
    else:
        for pattern in [patterns] if isinstance(patterns, str) else patterns:
            match = re.match(rf"(?:^|.*?\.){pattern}\.(?P<idx>\d+)\.", key)
            if match:
                break
    if match is None:
        return False
    index = int(match.group("idx"))
    return index == layers if isinstance(layers, int) else index in layers


def _pattern_value(patterns: dict, key: str, default):
    # The first pattern key (in file order) for which (.*\.)?(pattern)$ matches the module name.
    for pattern, value in (patterns or {}).items():
        if re.match(rf"(.*\.)?({pattern})$", key):
            return value
    return default


def load_adapter(folder: str, model: Model) -> Adapter:
    config_path = os.path.join(folder, "adapter_config.json")
    weights_path = os.path.join(folder, "adapter_model.safetensors")
    for path in (config_path, weights_path):
        if not os.path.exists(path):
            raise ReferenceError(f"{folder}: {os.path.basename(path)} not found")
    with open(config_path) as f:
        cfg = json.load(f)
    if cfg.get("peft_type") != "LORA":
        raise ReferenceError(f"{config_path}: peft_type={cfg.get('peft_type')!r}; only LORA is supported")
    for field in UNSUPPORTED_ADAPTER_FIELDS:
        if cfg.get(field):
            raise ReferenceError(f"{config_path}: {field}={cfg[field]!r} is not supported")
    if cfg.get("bias", "none") != "none":
        raise ReferenceError(f"{config_path}: bias={cfg['bias']!r}; only 'none' is supported")
    if isinstance(cfg.get("target_modules"), str) and cfg.get("layers_to_transform") is not None:
        raise ReferenceError(f"{config_path}: layers_to_transform needs a list of target_modules")
    tensors = read_safetensors(weights_path)
    unused = set(tensors)
    c = model.config
    modules = {}
    for layer in range(c.num_layers):
        for projection in PROJECTIONS:
            key = f"model.layers.{layer}.{projection}"
            if not _is_targeted(cfg, key):
                continue
            r = _pattern_value(cfg.get("rank_pattern"), key, cfg.get("r", 8))
            alpha = _pattern_value(cfg.get("alpha_pattern"), key, cfg.get("lora_alpha", 8))
            scale = alpha / math.sqrt(r) if cfg.get("use_rslora") else alpha / r
            out_features, in_features = model.weight(key + ".weight").shape

            def take(suffix: str, shape: tuple) -> np.ndarray:
                name = f"base_model.model.{key}.{suffix}"
                if name not in tensors:
                    raise ReferenceError(f"{weights_path}: tensor {name} is missing")
                if tensors[name].shape != shape:
                    raise ReferenceError(f"{weights_path}: tensor {name} has shape {tensors[name].shape}, expected {shape}")
                unused.discard(name)
                return tensors[name]

            magnitude = take("lora_magnitude_vector", (out_features,)) if cfg.get("use_dora") else None
            modules[key] = LoraModule(take("lora_A.weight", (r, in_features)), take("lora_B.weight", (out_features, r)),
                                      float(scale), magnitude)
    if unused:
        raise ReferenceError(f"{weights_path}: tensors {sorted(unused)[:3]} belong to no module the config targets")
    if not modules:
        raise ReferenceError(f"{config_path}: the config targets no projection of this model")
    return Adapter(modules)


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


def projection(model: Model, name: str, x: np.ndarray) -> np.ndarray:
    """The linear module `name` (e.g. model.layers.0.self_attn.q_proj), with the model's LoRA adapter if it has one there."""
    weight, bias = model.weight(name + ".weight"), model.bias(name + ".bias")
    lora = model.adapter.modules.get(name) if model.adapter is not None else None
    if lora is None:
        return linear(x, weight, bias)
    y = x @ weight.T + lora.scale * ((x @ lora.a.T) @ lora.b.T)
    if lora.magnitude is not None:
        # DoRA: each output row of W + scale*B*A is rescaled to length m (PEFT detaches the norm; same values).
        norms = np.linalg.norm(weight + lora.scale * (lora.b @ lora.a), axis=1)
        y = (lora.magnitude / norms) * y
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
        return projection(model, prefix + name, x).reshape(seq_len, heads, c.head_dim)

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
    return projection(model, prefix + "o_proj", out)


def mlp(model: Model, layer: int, x: np.ndarray) -> np.ndarray:
    prefix = f"model.layers.{layer}.mlp."

    def project(name: str, inputs: np.ndarray) -> np.ndarray:
        return projection(model, prefix + name, inputs)

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
