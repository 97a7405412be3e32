"""Golden for SftEncoderGoldenTest: the Qwen3 weather conversation through Hugging Face's own apply_chat_template.

Run: /work/venv/bin/python make_weather_golden.py  (transformers 5.17, tokenizer from ../shared/tokenizers/qwen3).
Writes weather_qwen3.json: the rendered text, the token ids of the whole text, and the assistant-turn texts located
by searching each answer string in the rendered text (HF's chat template has no generation tags for Qwen3).
"""
import json
import pathlib

from transformers import AutoTokenizer

HERE = pathlib.Path(__file__).parent
tok = AutoTokenizer.from_pretrained(str(HERE / "../../../../../../shared/tokenizers/qwen3"))
tools = [{"type": "function", "function": {"name": "get_weather", "description": "Current weather in a city",
          "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]
messages = [
    {"role": "system", "content": "You are a weather bot."},
    {"role": "user", "content": "What's the weather in Paris?"},
    {"role": "assistant", "content": "", "tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
    {"role": "tool", "content": "{\"temperature\": 21, \"sky\": \"sunny\"}", "tool_call_id": "call_1"},
    {"role": "assistant", "content": "It is sunny and 21 degrees in Paris."},
    {"role": "user", "content": "Thanks! And tomorrow?"},
    {"role": "assistant", "content": "I can only see today's weather."},
]
text = tok.apply_chat_template(messages, tools=tools, tokenize=False)
ids = tok(text, add_special_tokens=False)["input_ids"]
answers = [
    "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>",
    "It is sunny and 21 degrees in Paris.<|im_end|>",
    "<think>\n\n</think>\n\nI can only see today's weather.<|im_end|>",
]
# character spans of the answers, and the token ids of each answer tokenized alone
spans, at = [], 0
for answer in answers:
    start = text.index(answer, at)
    spans.append([start, start + len(answer)])
    at = start + len(answer)
prompt_before_first = tok.apply_chat_template(messages[:2], tools=tools, tokenize=False, add_generation_prompt=True)
out = {
    "text": text,
    "whole_text_ids": ids,
    "answer_spans": spans,
    "answer_ids": [tok(a, add_special_tokens=False)["input_ids"] for a in answers],
    "first_prompt_ids": tok(prompt_before_first, add_special_tokens=False)["input_ids"],
}
(HERE / "weather_qwen3.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
print(len(ids), "tokens;", spans)
