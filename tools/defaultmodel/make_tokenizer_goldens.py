#!/usr/bin/env python3
"""Writes the golden file the default-model tokenizer tests compare against (BpeTokenizerGoldenTest).

Everything here is made independently of the Java code under test:

* merges: a deliberately naive BPE trainer (recount every pair over every word after each merge) on
  src/test/resources/golden/defaultmodel/bpe-corpus.txt, with the rule the Java trainer documents: the text is cut at
  the added tokens, split by Qwen's pre-tokenizer regex (read from ../shared/tokenizers/qwen3/tokenizer.json and run by
  HF's own `tokenizers` pre-tokenizers), bytes 0..255 are ids 0..255, the most frequent adjacent pair is merged (ties:
  smaller left id, then smaller right id), a merge that makes an existing string reuses its id, pairs seen once are
  never merged;
* ids: a tokenizer built from those merges with HF's `tokenizers` API (not from the tokenizer.json Java writes);
* chat renderings: transformers' own apply_chat_template with the template file
  src/main/resources/dev/lorafoundry/defaultmodel/chat_template.jinja, on the cases in template-cases.jsonl.

The two inputs, bpe-corpus.txt and template-cases.jsonl, are fixed files (made once from the generators with seed 7,
plus a few lines of unicode and odd whitespace); they stay as they are when the generators change.

Usage, from the project root (the venv has transformers and tokenizers):
    /work/venv/bin/python tools/defaultmodel/make_tokenizer_goldens.py
"""
import copy
import json
import re
from collections import Counter
from pathlib import Path

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, pre_tokenizers, processors
from transformers import PreTrainedTokenizerFast

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "src" / "test" / "resources" / "golden" / "defaultmodel"
TEMPLATE = ROOT / "src" / "main" / "resources" / "dev" / "lorafoundry" / "defaultmodel" / "chat_template.jinja"
QWEN3 = ROOT.parent / "shared" / "tokenizers" / "qwen3" / "tokenizer.json"
VOCAB_SIZE = 640
ADDED = [("<|endoftext|>", True), ("<|im_start|>", True), ("<|im_end|>", True),
         ("<tool_call>", False), ("</tool_call>", False), ("<tool_response>", False), ("</tool_response>", False)]

TEXTS = [
    "Hello! I am Foundry. How can I help you today?",
    "What is 7 + 8? 7 + 8 = 15. 123456789 × 42 = ?",
    "It is -3 degrees celsius and snowy in Oslo.",
    "The weather tool returned {\"city\": \"Paris\", \"temperature\": 23, \"unit\": \"celsius\", \"condition\": \"cloudy\"}.",
    "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"timezone\": \"Asia/Tokyo\"}}\n</tool_call>",
    "<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n",
    "Unicode: café, naïve, Zürich, 東京, Привет, 🙂, ±°€ and a never-seen 𝄞 clef.",
    "  leading spaces, trailing spaces  \n\n\ttabs\r\nand CRLF\n",
    "I'm sure you'll see they've done what we'd said. DON'T SHOUT.",
    "Arr, 6 × 7 be 42, matey!",
    "",
]


def bytes_to_unicode():
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    table, extra = {}, 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


BYTE_CHAR = bytes_to_unicode()
CHAR_BYTE = {c: b for b, c in BYTE_CHAR.items()}


def qwen_pre_tokenizer():
    spec = json.loads(QWEN3.read_text())["pre_tokenizer"]
    split = next(p for p in spec["pretokenizers"] if p["type"] == "Split")
    return split["pattern"]["Regex"], pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(split["pattern"]["Regex"]), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])


def naive_bpe(text, pre, vocab_size):
    specials = re.compile("|".join(re.escape(t) for t, _ in ADDED))
    words = Counter()
    for part in specials.split(text):
        for piece, _ in pre.pre_tokenize_str(part):
            words[tuple(CHAR_BYTE[c] for c in piece)] += 1
    words = [[list(w), n] for w, n in words.items()]
    tokens = [BYTE_CHAR[b] for b in range(256)]
    ids = {t: i for i, t in enumerate(tokens)}
    merges = []
    while len(tokens) < vocab_size - len(ADDED):
        counts = Counter()
        for w, n in words:
            for pair in zip(w, w[1:]):
                counts[pair] += n
        (left, right), count = min(counts.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1]))
        if count < 2:
            raise SystemExit(f"the corpus supports only {len(tokens)} tokens")
        merged = tokens[left] + tokens[right]
        if merged not in ids:
            ids[merged] = len(tokens)
            tokens.append(merged)
        result = ids[merged]
        merges.append((left, right))
        for entry in words:
            w, out, i = entry[0], [], 0
            while i < len(w):
                if i + 1 < len(w) and w[i] == left and w[i + 1] == right:
                    out.append(result)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            entry[0] = out
    return tokens, merges


def build_tokenizer(tokens, merges, pre):
    vocab = {t: i for i, t in enumerate(tokens)}
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[(tokens[a], tokens[b]) for a, b in merges]))
    tok.pre_tokenizer = pre
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    tok.add_special_tokens([AddedToken(t, normalized=False, special=True) for t, s in ADDED if s])
    tok.add_tokens([AddedToken(t, normalized=False, special=False) for t, s in ADDED if not s])
    for i, (content, _) in enumerate(ADDED):
        assert tok.token_to_id(content) == len(tokens) + i, content
    return tok


def with_parsed_arguments(record):
    parsed = copy.deepcopy(record)
    for message in parsed["messages"]:
        for call in message.get("tool_calls") or []:
            call["function"]["arguments"] = json.loads(call["function"]["arguments"])
    return parsed


def main():
    pattern, pre = qwen_pre_tokenizer()
    corpus = (GOLDEN / "bpe-corpus.txt").read_text(encoding="utf-8")
    tokens, merges = naive_bpe(corpus, pre, VOCAB_SIZE)
    tok = build_tokenizer(tokens, merges, pre)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>")
    fast.chat_template = TEMPLATE.read_text(encoding="utf-8")

    encodings = []
    for text in TEXTS:
        ids = tok.encode(text).ids
        encodings.append({"text": text, "ids": ids, "decoded": tok.decode(ids, skip_special_tokens=False),
                          "decoded_skip_special": tok.decode(ids, skip_special_tokens=True)})

    renders = []
    for line in (GOLDEN / "template-cases.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        messages, tools = record["messages"], record.get("tools")
        full = fast.apply_chat_template(messages, tools=tools, tokenize=False)
        parsed = with_parsed_arguments(record)
        assert fast.apply_chat_template(parsed["messages"], tools=tools, tokenize=False) == full
        # the prompt a model would get before the last assistant message
        last = max(i for i, m in enumerate(messages) if m["role"] == "assistant")
        prompt = fast.apply_chat_template(messages[:last], tools=tools, tokenize=False, add_generation_prompt=True)
        renders.append({"record": record, "rendered": full, "ids": tok.encode(full).ids,
                        "prompt": prompt, "prompt_ids": tok.encode(prompt).ids})

    golden = {
        "made_by": "tools/defaultmodel/make_tokenizer_goldens.py (naive BPE + HF tokenizers + transformers)",
        "vocab_size": VOCAB_SIZE,
        "pattern": pattern,
        "merges": [[tokens[a], tokens[b]] for a, b in merges],
        "merge_ids": [[a, b] for a, b in merges],
        "encodings": encodings,
        "renders": renders,
    }
    out = GOLDEN / "tokenizer-golden.json"
    out.write_text(json.dumps(golden, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(merges)} merges, {len(encodings)} encodings, {len(renders)} renders")


if __name__ == "__main__":
    main()
