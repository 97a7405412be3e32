#!/usr/bin/env node
// Proves that the official OpenAI Node client (the `openai` npm package) parses LoRA Foundry's JSON answers
// and server-sent event streams: streamed and non-streamed answers to the same seeded request must agree.
//
// Also drives the Files API (create/list/retrieve/content/delete) and the fine-tuning jobs API
// (create/retrieve/list/listEvents/cancel) as a fine-tuning user would.
//
// Usage: node check.mjs <baseURL> <model> [--only=chat,helper,tools,completions,files,jobs]
//   e.g. node check.mjs http://localhost:8000/v1 tiny-random
// Prints one line per check; exits 1 if any check fails, 2 on bad usage.

import OpenAI, { toFile } from "openai";
import { isDeepStrictEqual } from "node:util";

const CHECKS = ["chat", "helper", "tools", "completions", "files", "jobs"];
const SEED = 1234;
const TEMPERATURE = 0.8;
const MAX_TOKENS = 24;

/** A mismatch between what the server sent and what an OpenAI client expects. */
class Mismatch extends Error {}

function expect(condition, message) {
  if (!condition) throw new Mismatch(message);
}

function expectEqual(actual, expected, what) {
  expect(isDeepStrictEqual(actual, expected),
    `${what}: expected ${JSON.stringify(expected)} but got ${JSON.stringify(actual)}`);
}

function parseArgs(argv) {
  const positional = argv.filter((a) => !a.startsWith("--"));
  const only = argv.find((a) => a.startsWith("--only="));
  const selected = only ? only.slice("--only=".length).split(",").filter(Boolean) : CHECKS;
  const unknown = selected.filter((c) => !CHECKS.includes(c));
  if (positional.length !== 2 || unknown.length > 0) {
    console.error("usage: node check.mjs <baseURL> <model> [--only=" + CHECKS.join(",") + "]");
    console.error("  e.g. node check.mjs http://localhost:8000/v1 tiny-random");
    if (unknown.length > 0) console.error(`unknown check(s): ${unknown.join(", ")}`);
    process.exit(2);
  }
  return { baseURL: positional[0], model: positional[1], selected };
}

const { baseURL, model, selected } = parseArgs(process.argv.slice(2));
// No retries: a retried request would hide a server error behind a second, different answer.
const client = new OpenAI({ baseURL, apiKey: "unused", maxRetries: 0, timeout: 300_000 });

const chatRequest = {
  model,
  messages: [{ role: "user", content: "Tell me a short story about a lighthouse." }],
  seed: SEED,
  temperature: TEMPERATURE,
  max_tokens: MAX_TOKENS,
};

function expectUsage(usage, what) {
  expect(usage && Number.isInteger(usage.prompt_tokens) && Number.isInteger(usage.completion_tokens),
    `${what}: usage must have integer prompt_tokens and completion_tokens, got ${JSON.stringify(usage)}`);
  expectEqual(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens, `${what}: usage.total_tokens`);
}

function usageNumbers(usage) {
  return { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens, total_tokens: usage.total_tokens };
}

/** (1) chat.completions.create, stream vs. non-stream, with usage in the final chunk. */
async function checkChat() {
  const plain = await client.chat.completions.create(chatRequest);
  expectEqual(plain.object, "chat.completion", "non-stream object");
  expectEqual(plain.choices.length, 1, "non-stream choices.length");
  const choice = plain.choices[0];
  expectEqual(choice.message.role, "assistant", "non-stream message.role");
  expect(typeof choice.message.content === "string", `non-stream message.content must be a string, got ${JSON.stringify(choice.message.content)}`);
  expectUsage(plain.usage, "non-stream");

  const stream = await client.chat.completions.create({ ...chatRequest, stream: true, stream_options: { include_usage: true } });
  let content = "";
  let role = null;
  let finishReason = null;
  const chunks = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
    expectEqual(chunk.object, "chat.completion.chunk", `chunk ${chunks.length} object`);
    expectEqual(chunk.id, chunks[0].id, `chunk ${chunks.length} id (all chunks of one completion share it)`);
    for (const c of chunk.choices) {
      expectEqual(c.index, 0, `chunk ${chunks.length} choices[].index`);
      role = c.delta.role ?? role;
      content += c.delta.content ?? "";
      finishReason = c.finish_reason ?? finishReason;
    }
  }
  expect(chunks.length >= 2, `stream sent only ${chunks.length} chunk(s)`);
  const last = chunks.at(-1);
  expectEqual(last.choices, [], "final chunk choices (with include_usage the usage chunk has no choices)");
  expectUsage(last.usage, "final chunk");
  for (const chunk of chunks.slice(0, -1)) {
    expect(chunk.usage == null, `only the final chunk may carry usage, but a content chunk has ${JSON.stringify(chunk.usage)}`);
  }
  expectEqual(role, "assistant", "streamed delta.role");
  expectEqual(content, choice.message.content, "concatenated delta.content vs. non-stream message.content");
  expectEqual(finishReason, choice.finish_reason, "streamed finish_reason vs. non-stream");
  expectEqual(usageNumbers(last.usage), usageNumbers(plain.usage), "final chunk usage vs. non-stream usage");
  return `chat stream = non-stream: ${chunks.length} chunks, ${content.length} chars, finish_reason=${finishReason}, `
    + `usage ${last.usage.prompt_tokens}+${last.usage.completion_tokens}`;
}

/** (2) The SDK's own stream helper, which accumulates chunks itself, vs. the non-streamed answer. */
async function checkHelper() {
  expect(typeof client.chat.completions.stream === "function",
    "this openai package has no client.chat.completions.stream helper; pin a version that has it in package.json");
  const plain = await client.chat.completions.create(chatRequest);
  const runner = client.chat.completions.stream({ ...chatRequest, stream_options: { include_usage: true } });
  let deltas = "";
  runner.on("content.delta", ({ delta }) => { deltas += delta; });
  const final = await runner.finalChatCompletion();
  const choice = final.choices[0];
  expectEqual(final.choices.length, 1, "helper finalChatCompletion choices.length");
  expectEqual(choice.message.role, "assistant", "helper message.role");
  expectEqual(choice.message.content, plain.choices[0].message.content, "helper finalChatCompletion content vs. non-stream");
  expectEqual(deltas, plain.choices[0].message.content, "helper content.delta events vs. non-stream content");
  expectEqual(choice.finish_reason, plain.choices[0].finish_reason, "helper finish_reason vs. non-stream");
  expectUsage(final.usage, "helper finalChatCompletion");
  expectEqual(usageNumbers(final.usage), usageNumbers(plain.usage), "helper usage vs. non-stream usage");
  return `chat.completions.stream() helper = non-stream: finalChatCompletion() has ${choice.message.content.length} chars, `
    + `finish_reason=${choice.finish_reason}, usage ${final.usage.total_tokens} tokens`;
}

const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Get the weather forecast for a city.",
    parameters: {
      type: "object",
      properties: {
        city: { type: "string", description: "City name, e.g. Paris" },
        unit: { type: "string", enum: ["celsius", "fahrenheit"] },
        days: { type: "integer", description: "How many days to forecast" },
      },
      required: ["city"],
      additionalProperties: false,
    },
  },
};

// No max_tokens: the arguments must be complete JSON, and a cut-off call would end with finish_reason "length".
const toolRequest = {
  model,
  messages: [{ role: "user", content: "What will the weather be in Paris over the next 3 days?" }],
  tools: [weatherTool],
  tool_choice: "required",
  seed: SEED,
  temperature: TEMPERATURE,
};

/** Name and parsed arguments of a tool call, after checking it has the shape OpenAI documents. */
function describeToolCall(call, what) {
  expect(typeof call.id === "string" && call.id.length > 0, `${what}: id must be a non-empty string, got ${JSON.stringify(call.id)}`);
  expectEqual(call.type, "function", `${what}: type`);
  expectEqual(call.function?.name, "get_weather", `${what}: function.name`);
  expect(typeof call.function.arguments === "string",
    `${what}: function.arguments must be a JSON string, got ${JSON.stringify(call.function.arguments)}`);
  let args;
  try {
    args = JSON.parse(call.function.arguments);
  } catch (e) {
    throw new Mismatch(`${what}: function.arguments is not valid JSON (${e.message}): ${call.function.arguments}`);
  }
  expect(args !== null && typeof args === "object" && !Array.isArray(args), `${what}: arguments must be a JSON object, got ${call.function.arguments}`);
  expect(typeof args.city === "string", `${what}: arguments.city is required and must be a string, got ${call.function.arguments}`);
  expect(args.unit === undefined || ["celsius", "fahrenheit"].includes(args.unit),
    `${what}: arguments.unit must be "celsius" or "fahrenheit", got ${JSON.stringify(args.unit)}`);
  expect(args.days === undefined || Number.isInteger(args.days), `${what}: arguments.days must be an integer, got ${JSON.stringify(args.days)}`);
  const extra = Object.keys(args).filter((k) => !["city", "unit", "days"].includes(k));
  expect(extra.length === 0, `${what}: arguments has properties the schema forbids: ${extra.join(", ")}`);
  return { name: call.function.name, arguments: args };
}

/**
 * Accumulates streamed delta.tool_calls exactly as OpenAI's function-calling guide shows. That code keeps the
 * first delta of each index and appends every delta's function.arguments to it (the first one included), so a
 * server must send arguments "" in the first delta and a string in every later one; the shape checks say which.
 */
async function streamedToolCalls(stream) {
  const finalToolCalls = {};
  let finishReason = null;
  let deltas = 0;
  for await (const chunk of stream) {
    const c = chunk.choices[0];
    finishReason = c?.finish_reason ?? finishReason;
    const toolCalls = c?.delta?.tool_calls || [];
    for (const toolCall of toolCalls) {
      deltas++;
      const { index } = toolCall;
      expect(Number.isInteger(index), `streamed delta.tool_calls[] needs an integer index, got ${JSON.stringify(toolCall)}`);
      expect(typeof toolCall.function?.arguments === "string",
        `streamed tool call ${index}: every delta needs function.arguments as a string, got ${JSON.stringify(toolCall)}`);
      if (!finalToolCalls[index]) {
        expect(toolCall.id && toolCall.type === "function" && toolCall.function.name,
          `streamed tool call ${index}: its first delta must carry id, type "function" and function.name, got ${JSON.stringify(toolCall)}`);
        expectEqual(toolCall.function.arguments, "",
          `streamed tool call ${index}: first delta's function.arguments (clients following OpenAI's docs append it twice)`);
        finalToolCalls[index] = toolCall;
      } else {
        expect(toolCall.id == null && toolCall.function.name == null,
          `streamed tool call ${index}: only its first delta may carry id and function.name, got ${JSON.stringify(toolCall)}`);
      }
      finalToolCalls[index].function.arguments += toolCall.function.arguments;
    }
  }
  const indexes = Object.keys(finalToolCalls).map(Number).sort((a, b) => a - b);
  expectEqual(indexes, indexes.map((_, i) => i), "streamed tool call indexes (0, 1, ... without gaps)");
  return { calls: indexes.map((i) => finalToolCalls[i]), finishReason, deltas };
}

/** (3) Tool calls: non-stream vs. streamed deltas vs. the SDK helper, then the tool result goes back for an answer. */
async function checkTools() {
  const plain = await client.chat.completions.create(toolRequest);
  const choice = plain.choices[0];
  expectEqual(choice.finish_reason, "tool_calls", "non-stream finish_reason with tool_choice \"required\"");
  expect(Array.isArray(choice.message.tool_calls) && choice.message.tool_calls.length > 0,
    `non-stream message.tool_calls must be a non-empty array, got ${JSON.stringify(choice.message)}`);
  const expected = choice.message.tool_calls.map((c, i) => describeToolCall(c, `non-stream tool_calls[${i}]`));

  const streamed = await streamedToolCalls(await client.chat.completions.create({ ...toolRequest, stream: true }));
  expectEqual(streamed.finishReason, "tool_calls", "streamed finish_reason");
  expectEqual(streamed.calls.map((c, i) => describeToolCall(c, `streamed tool call ${i}`)), expected,
    "streamed tool calls (name, parsed arguments) vs. non-stream");

  const helper = await client.chat.completions.stream(toolRequest).finalChatCompletion();
  expectEqual(helper.choices[0].finish_reason, "tool_calls", "helper finish_reason");
  expectEqual((helper.choices[0].message.tool_calls ?? []).map((c, i) => describeToolCall(c, `helper tool_calls[${i}]`)), expected,
    "helper finalChatCompletion tool calls vs. non-stream");

  // The documented round trip: append the assistant message as received, then one tool message per call.
  const messages = [...toolRequest.messages, choice.message];
  for (const [i, call] of choice.message.tool_calls.entries()) {
    messages.push({
      role: "tool",
      tool_call_id: call.id,
      content: JSON.stringify({ city: expected[i].arguments.city, forecast: ["sunny", "cloudy", "rain"], unit: "celsius", high: 21 }),
    });
  }
  const answer = await client.chat.completions.create({
    model, messages, tools: [weatherTool], tool_choice: "none", seed: SEED, temperature: TEMPERATURE, max_tokens: MAX_TOKENS,
  });
  const reply = answer.choices[0];
  expect(["stop", "length"].includes(reply.finish_reason), `answer to the tool result: finish_reason must be "stop" or "length", got ${JSON.stringify(reply.finish_reason)}`);
  expect(typeof reply.message.content === "string", `answer to the tool result: message.content must be a string, got ${JSON.stringify(reply.message.content)}`);
  expect(!reply.message.tool_calls || reply.message.tool_calls.length === 0,
    `answer to the tool result with tool_choice "none" must not call tools, got ${JSON.stringify(reply.message.tool_calls)}`);
  return `tool calls: ${expected.length} call(s) ${JSON.stringify(expected.map((e) => e.arguments))} agree non-stream / `
    + `${streamed.deltas} streamed deltas / helper; tool result answered with ${reply.message.content.length} chars (${reply.finish_reason})`;
}

/** (4) completions.create (legacy text completions), stream vs. non-stream, two prompts so choice indexes matter. */
async function checkCompletions() {
  const request = { model, prompt: ["Once upon a time", "The lighthouse keeper said"], seed: SEED, temperature: TEMPERATURE, max_tokens: MAX_TOKENS };
  const plain = await client.completions.create(request);
  expectEqual(plain.object, "text_completion", "non-stream object");
  expectEqual(plain.choices.map((c) => c.index), [0, 1], "non-stream choices[].index");
  expectUsage(plain.usage, "non-stream");

  const stream = await client.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
  const texts = ["", ""];
  const finishReasons = [null, null];
  let usage = null;
  let count = 0;
  for await (const chunk of stream) {
    count++;
    expectEqual(chunk.object, "text_completion", `chunk ${count} object`);
    expect(usage === null, "a chunk arrived after the usage chunk; usage must come last");
    for (const c of chunk.choices) {
      expect(c.index === 0 || c.index === 1, `chunk ${count}: choice index must be 0 or 1, got ${c.index}`);
      texts[c.index] += c.text ?? "";
      finishReasons[c.index] = c.finish_reason ?? finishReasons[c.index];
    }
    if (chunk.usage) {
      expectEqual(chunk.choices, [], "usage chunk choices");
      usage = chunk.usage;
    }
  }
  expectEqual(texts, plain.choices.map((c) => c.text), "concatenated streamed text per index vs. non-stream text");
  expectEqual(finishReasons, plain.choices.map((c) => c.finish_reason), "streamed finish_reason per index vs. non-stream");
  expectUsage(usage, "stream usage chunk");
  expectEqual(usageNumbers(usage), usageNumbers(plain.usage), "stream usage vs. non-stream usage");
  return `completions stream = non-stream: ${count} chunks, 2 prompts, ${texts.map((t) => t.length).join("+")} chars, `
    + `finish_reason=${finishReasons.join(",")}, usage ${usage.prompt_tokens}+${usage.completion_tokens}`;
}

/** Expects the promise to fail with the given OpenAI error class; returns the error. */
async function expectApiError(promise, errorClass, what) {
  try {
    await promise;
  } catch (error) {
    expect(error instanceof errorClass, `${what}: expected ${errorClass.name}, got ${error?.constructor?.name}: ${error?.message}`);
    return error;
  }
  throw new Mismatch(`${what}: the request succeeded but should have failed with ${errorClass.name}`);
}

/** (5) files.create / list (auto-paginated) / retrieve / content / delete, and a malformed upload's 400. */
async function checkFiles() {
  const records = [
    { messages: [{ role: "user", content: "Where is the lighthouse?" }, { role: "assistant", content: "On the cliff, près de la mer." }] },
    { prompt: "The keeper said", completion: " good night." },
  ];
  const text = records.map((r) => JSON.stringify(r)).join("\n") + "\n";
  const created = await client.files.create({ file: await toFile(Buffer.from(text, "utf8"), "node-check.jsonl"), purpose: "fine-tune" });
  expectEqual(created.object, "file", "created.object");
  expect(/^file-[A-Za-z0-9]+$/.test(created.id), `created.id must look like file-..., got ${JSON.stringify(created.id)}`);
  expectEqual(created.bytes, Buffer.byteLength(text, "utf8"), "created.bytes");
  expectEqual(created.filename, "node-check.jsonl", "created.filename");
  expectEqual(created.purpose, "fine-tune", "created.purpose");
  expectEqual(created.status, "processed", "created.status");
  expect(Number.isInteger(created.created_at) && Math.abs(created.created_at - Date.now() / 1000) < 600,
    `created.created_at must be seconds since the epoch, got ${created.created_at}`);
  const second = await client.files.create({ file: await toFile(Buffer.from(text, "utf8"), "node-check-2.jsonl"), purpose: "fine-tune" });

  // limit 1 makes the SDK walk every page through has_more and after = the last id.
  const seen = [];
  for await (const file of client.files.list({ limit: 1 })) seen.push(file.id);
  expect(seen.includes(created.id) && seen.includes(second.id), `files.list() pages must include both uploads, got ${JSON.stringify(seen)}`);
  expectEqual(new Set(seen).size, seen.length, "files.list() pages repeat no file");
  expect(seen.indexOf(second.id) < seen.indexOf(created.id), "files.list() is newest first");

  expectEqual(await client.files.retrieve(created.id), created, "files.retrieve() vs. files.create()");
  const content = await (await client.files.content(created.id)).text();
  expectEqual(content, text, "files.content() vs. the uploaded bytes");

  const bad = await expectApiError(
    client.files.create({ file: await toFile(Buffer.from('{"text":"fine"}\n{"text": broken}\n'), "bad.jsonl"), purpose: "fine-tune" }),
    OpenAI.BadRequestError, "malformed JSONL upload");
  expect(bad.message.includes("line 2"), `the 400 for malformed JSONL must name line 2, got: ${bad.message}`);

  expectEqual(await client.files.delete(created.id), { id: created.id, object: "file", deleted: true }, "files.delete()");
  await client.files.delete(second.id);
  await expectApiError(client.files.retrieve(created.id), OpenAI.NotFoundError, "files.retrieve() after delete");
  return `files: created ${created.id} (${created.bytes} bytes), listed ${seen.length} file(s) one page at a time, `
    + `content round-tripped, malformed upload → 400 naming line 2, deleted → 404`;
}

/** (6) fineTuning.jobs create / retrieve / list (auto-paginated) / listEvents / cancel, and a bad request's 400. */
async function checkJobs() {
  const text = [
    { messages: [{ role: "user", content: "Who are you?" }, { role: "assistant", content: "I am the lighthouse keeper." }] },
    { messages: [{ role: "user", content: "hi" }, { role: "assistant", content: "Hello from the lighthouse." }] },
  ].map((r) => JSON.stringify(r)).join("\n") + "\n";
  const file = await client.files.create({ file: await toFile(Buffer.from(text, "utf8"), "jobs-check.jsonl"), purpose: "fine-tune" });
  // Long enough to still be queued or running when it is cancelled.
  const job = await client.fineTuning.jobs.create({
    model, training_file: file.id, suffix: "node-check", seed: 3, metadata: { client: "openai-node" },
    method: { type: "supervised", supervised: { hyperparameters: { n_epochs: 50, batch_size: 1, learning_rate_multiplier: 2 } } },
  });
  expectEqual(job.object, "fine_tuning.job", "created.object");
  expect(/^ftjob-[A-Za-z0-9]+$/.test(job.id), `created.id must look like ftjob-..., got ${JSON.stringify(job.id)}`);
  expectEqual(job.training_file, file.id, "created.training_file");
  expectEqual(job.model, model, "created.model");
  expect(["validating_files", "queued", "running"].includes(job.status), `created.status: ${job.status}`);
  expectEqual(job.fine_tuned_model, null, "created.fine_tuned_model before it succeeded");
  expectEqual(job.hyperparameters, { n_epochs: 50, batch_size: 1, learning_rate_multiplier: 2 }, "created.hyperparameters");
  expectEqual(job.metadata, { client: "openai-node" }, "created.metadata");

  const retrieved = await client.fineTuning.jobs.retrieve(job.id);
  expectEqual(retrieved.id, job.id, "retrieve().id");
  expectEqual(retrieved.training_file, file.id, "retrieve().training_file");

  const seen = [];
  for await (const listed of client.fineTuning.jobs.list({ limit: 1 })) seen.push(listed.id);
  expect(seen.includes(job.id), `fineTuning.jobs.list() pages must include ${job.id}, got ${JSON.stringify(seen)}`);
  expectEqual(new Set(seen).size, seen.length, "fineTuning.jobs.list() pages repeat no job");

  const events = [];
  for await (const event of client.fineTuning.jobs.listEvents(job.id, { limit: 1 })) events.push(event);
  expect(events.length >= 2, `listEvents() must return the job's events, got ${JSON.stringify(events)}`);
  for (const event of events) {
    expectEqual(event.object, "fine_tuning.job.event", "event.object");
    expect(typeof event.message === "string" && Number.isInteger(event.created_at), `event shape: ${JSON.stringify(event)}`);
  }
  expect(events.at(-1).message.startsWith("Validating training file"), `the oldest event comes last: ${JSON.stringify(events.at(-1))}`);

  const cancelled = await client.fineTuning.jobs.cancel(job.id);
  expectEqual(cancelled.status, "cancelled", "cancel().status");
  expectEqual((await client.fineTuning.jobs.retrieve(job.id)).status, "cancelled", "retrieve() after cancel");

  const bad = await expectApiError(client.fineTuning.jobs.create({ model, training_file: "file-missing" }),
    OpenAI.BadRequestError, "a job on an unknown file");
  expectEqual(bad.param, "training_file", "the 400's param");
  await expectApiError(client.fineTuning.jobs.retrieve("ftjob-missing"), OpenAI.NotFoundError, "retrieve() of an unknown job");
  return `fine-tuning: created ${job.id} (${job.status}), retrieved, listed ${seen.length} job(s) one page at a time, `
    + `${events.length} event(s) one page at a time, cancelled; unknown file → 400 naming training_file, unknown job → 404`;
}

const runners = { chat: checkChat, helper: checkHelper, tools: checkTools, completions: checkCompletions, files: checkFiles, jobs: checkJobs };

function explain(error) {
  if (error instanceof Mismatch) return error.message;
  if (error instanceof OpenAI.APIConnectionError) {
    return `could not get an answer from ${baseURL}: ${error.message} ${error.cause?.message ?? ""} (is the service running there?)`;
  }
  if (error instanceof OpenAI.APIError) {
    return `the server answered HTTP ${error.status ?? "(no status)"}: ${error.message}`
      + (error.error ? ` ${JSON.stringify(error.error)}` : "");
  }
  return error?.stack ?? String(error);
}

let failures = 0;
for (const name of selected) {
  try {
    console.log(`PASS ${name}: ${await runners[name]()}`);
  } catch (error) {
    failures++;
    console.log(`FAIL ${name}: ${explain(error)}`);
  }
}
if (failures > 0) {
  console.error(`${failures} of ${selected.length} OpenAI Node client check(s) failed against ${baseURL} (model ${model}).`);
  process.exit(1);
}
console.log(`all ${selected.length} OpenAI Node client check(s) passed against ${baseURL} (model ${model}).`);
