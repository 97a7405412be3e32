package dev.lorafoundry.api;

import dev.lorafoundry.api.dto.ChatChoice;
import dev.lorafoundry.api.dto.ChatChunkChoice;
import dev.lorafoundry.api.dto.ChatCompletionChunk;
import dev.lorafoundry.api.dto.ChatCompletionRequest;
import dev.lorafoundry.api.dto.ChatCompletionResponse;
import dev.lorafoundry.api.dto.ChatDelta;
import dev.lorafoundry.api.dto.ChatFunctionCall;
import dev.lorafoundry.api.dto.ChatLogprobs;
import dev.lorafoundry.api.dto.ChatToolCall;
import dev.lorafoundry.api.dto.ChatResponseMessage;
import dev.lorafoundry.api.dto.StreamOptions;
import dev.lorafoundry.api.dto.Usage;
import dev.lorafoundry.api.error.ApiException;
import dev.lorafoundry.engine.Engine;
import dev.lorafoundry.engine.LoraRequest;
import dev.lorafoundry.engine.FinishReason;
import dev.lorafoundry.engine.SamplingParams;
import dev.lorafoundry.engine.ServedModel;
import dev.lorafoundry.tokenizer.Tokenizer;
import dev.lorafoundry.toolcall.ParsedOutput;
import dev.lorafoundry.toolcall.StreamingToolCallParser;
import dev.lorafoundry.toolcall.ToolCallDelta;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

/** POST /v1/chat/completions: OpenAI chat completions rendered through the model's chat template, streaming included. */
@Path("/v1/chat/completions")
@Tag(name = "Chat", description = "OpenAI-compatible chat completions")
public class ChatCompletionsResource {

    static final int MAX_TOP_LOGPROBS = 20;

    @Inject
    Engine engine;

    @Inject
    GenerationLauncher launcher;

    @Inject
    HttpReplies replies;

    @Inject
    ModelCheck modelCheck;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Answer a conversation (JSON, or chat.completion.chunk server-sent events when stream is true)")
    @APIResponse(responseCode = "200", description = "The chat completion", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ChatCompletionResponse.class)),
            @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(implementation = ChatCompletionChunk.class))})
    public RestMulti<Buffer> complete(ChatCompletionRequest request) {
        if (request == null) {
            throw ApiException.invalid(null, "The request body is required: a JSON object with at least 'messages'.");
        }
        ServedModel served = engine.servedModel();
        LoraRequest lora = modelCheck.resolve(request.model(), request.adapterId());
        Tokenizer tokenizer = engine.tokenizer();
        int n = SamplingParamsFactory.choices(request);
        int topLogprobs = topLogprobs(request);

        List<Map<String, Object>> messages = ChatMessages.toTemplateInput(request.messages(), "messages");
        ToolCalling tools = ToolCalling.of(request, engine.toolCallParser());
        boolean addGenerationPrompt = request.addGenerationPrompt() == null || request.addGenerationPrompt();
        String text = engine.chatTemplate().render(messages, tools.templateTools(), addGenerationPrompt,
                request.chatTemplateKwargs() == null ? Map.of() : request.chatTemplateKwargs());
        int[] prompt = tokenizer.encode(text, false); // the template already wrote the special tokens (BOS)

        boolean newField = request.maxCompletionTokens() != null;
        int maxTokens = PromptLimits.resolveMaxTokens(prompt.length, newField ? request.maxCompletionTokens() : request.maxTokens(),
                -1, served.maxModelLen(), "messages", newField ? "max_completion_tokens" : "max_tokens");
        SamplingParams params = SamplingParamsFactory.build(request, maxTokens, topLogprobs, tokenizer.vocabSize());
        List<GenerationLauncher.Sequence> sequences = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sequences.add(new GenerationLauncher.Sequence(i, prompt, SamplingParamsFactory.forChoice(params, i), -1,
                    tools.newConstraint(tokenizer), lora));
        }

        List<Multi<SequenceEvent>> streams = launcher.launch(sequences);
        Reply reply = new Reply(ResponseIds.next("chatcmpl-"), Instant.now().getEpochSecond(),
                lora == null ? served.id() : lora.name(), tokenizer, n, topLogprobs, prompt.length, tools);
        if (Boolean.TRUE.equals(request.stream())) {
            return replies.sse(reply.chunks(streams, StreamOptions.includeUsage(request.streamOptions())));
        }
        Uni<List<ChoiceOutcome>> outcomes = Uni.join().all(streams.stream().map(ChoiceOutcome::collect).toList()).andFailFast();
        return replies.json(outcomes.map(reply::response));
    }

    /** -1 when log-probs are off; otherwise how many alternatives to return per token. */
    private static int topLogprobs(ChatCompletionRequest request) {
        boolean logprobs = Boolean.TRUE.equals(request.logprobs());
        if (request.topLogprobs() == null) {
            return logprobs ? 0 : -1;
        }
        if (!logprobs) {
            throw ApiException.invalid("top_logprobs", "top_logprobs needs \"logprobs\": true.");
        }
        int top = request.topLogprobs();
        if (top < 0 || top > MAX_TOP_LOGPROBS) {
            throw ApiException.invalid("top_logprobs", "top_logprobs must be between 0 and " + MAX_TOP_LOGPROBS + ", got " + top + ".");
        }
        return top;
    }

    /** Shapes the engine's output of one request as chat.completion JSON or chat.completion.chunk events. */
    private record Reply(String id, long created, String model, Tokenizer tokenizer, int choices, int topLogprobs, int promptTokens,
                         ToolCalling tools) {

        ChatCompletionResponse response(List<ChoiceOutcome> outcomes) {
            List<ChatChoice> out = new ArrayList<>();
            int completionTokens = 0;
            for (ChoiceOutcome o : outcomes.stream().sorted(Comparator.comparingInt(c -> c.choice)).toList()) {
                String finishReason = o.finishReason.openAiName();
                ChatResponseMessage message;
                if (tools.parsesToolCalls()) {
                    ParsedOutput parsed = tools.parse(o.text.toString());
                    List<ChatToolCall> calls = parsed.toolCalls().stream().map(c -> new ChatToolCall(null, c.id(),
                            "function", new ChatFunctionCall(c.name(), c.argumentsJson()))).toList();
                    message = new ChatResponseMessage("assistant", parsed.content(), calls);
                    if (!calls.isEmpty() && o.finishReason == FinishReason.STOP) {
                        finishReason = "tool_calls";
                    }
                } else {
                    message = new ChatResponseMessage("assistant", o.text.toString(), null);
                }
                out.add(new ChatChoice(o.choice, message,
                        topLogprobs >= 0 ? ChatLogprobsBuilder.of(o.tokenLogprobs, tokenizer, topLogprobs) : null,
                        finishReason));
                completionTokens += o.completionTokens;
            }
            return new ChatCompletionResponse(id, "chat.completion", created, model, out, Usage.of(promptTokens, completionTokens));
        }

        Multi<ChatCompletionChunk> chunks(List<Multi<SequenceEvent>> streams, boolean includeUsage) {
            AtomicInteger completionTokens = new AtomicInteger();
            List<ChatCompletionChunk> roles = new ArrayList<>();
            for (int c = 0; c < choices; c++) {
                roles.add(chunk(new ChatChunkChoice(c, new ChatDelta("assistant", ""), null, null)));
            }
            StreamingToolCallParser[] parsers = new StreamingToolCallParser[choices];
            for (int c = 0; c < choices && tools.parsesToolCalls(); c++) {
                parsers[c] = tools.streaming();
            }
            Multi<ChatCompletionChunk> body = Multi.createBy().merging().streams(streams)
                    .concatMap(event -> Multi.createFrom().iterable(switch (event) {
                        case SequenceEvent.PromptLogprobs p -> List.<ChatCompletionChunk>of();
                        case SequenceEvent.Token t -> tokenChunks(t, parsers[t.choice()]);
                        case SequenceEvent.Finished f -> {
                            completionTokens.addAndGet(f.completionTokens());
                            StreamingToolCallParser parser = parsers[f.choice()];
                            List<ChatCompletionChunk> out = new ArrayList<>();
                            String reason = f.reason().openAiName();
                            if (parser != null) {
                                out.addAll(deltaChunks(f.choice(), parser.finish(), null));
                                if (parser.sawToolCalls() && f.reason() == FinishReason.STOP) {
                                    reason = "tool_calls";
                                }
                            }
                            out.add(chunk(new ChatChunkChoice(f.choice(), new ChatDelta(null, null), null, reason)));
                            yield out;
                        }
                    }));
            Multi<ChatCompletionChunk> usage = Multi.createFrom().deferred(() -> includeUsage
                    ? Multi.createFrom().item(new ChatCompletionChunk(id, "chat.completion.chunk", created, model, List.of(),
                            Usage.of(promptTokens, completionTokens.get())))
                    : Multi.createFrom().empty());
            return Multi.createBy().concatenating().streams(Multi.createFrom().iterable(roles), body, usage);
        }

        /** The chunks one token produces: its text, or (when tools are parsed) content and tool-call pieces. */
        private List<ChatCompletionChunk> tokenChunks(SequenceEvent.Token t, StreamingToolCallParser parser) {
            ChatLogprobs logprobs = topLogprobs >= 0 && t.token().logprobs() != null
                    ? ChatLogprobsBuilder.of(List.of(t.token().logprobs()), tokenizer, topLogprobs) : null;
            if (parser == null) {
                return t.token().text().isEmpty() && logprobs == null ? List.of()
                        : List.of(chunk(new ChatChunkChoice(t.choice(), new ChatDelta(null, t.token().text()), logprobs, null)));
            }
            List<ChatCompletionChunk> out = deltaChunks(t.choice(), parser.push(t.token().text()), logprobs);
            if (out.isEmpty() && logprobs != null) {
                return List.of(chunk(new ChatChunkChoice(t.choice(), new ChatDelta(null, null), logprobs, null)));
            }
            return out;
        }

        private List<ChatCompletionChunk> deltaChunks(int choice, List<ToolCallDelta> deltas, ChatLogprobs logprobs) {
            List<ChatCompletionChunk> out = new ArrayList<>(deltas.size());
            for (ToolCallDelta d : deltas) {
                ChatDelta delta;
                if (d.index() == null) {
                    delta = new ChatDelta(null, d.content());
                } else if (!tools.parallel() && d.index() > 0) {
                    continue;
                } else {
                    // The first piece of a call carries id, type, name and arguments "" (clients append to it).
                    boolean first = d.id() != null;
                    String arguments = first && d.argumentsFragment() == null ? "" : d.argumentsFragment();
                    delta = new ChatDelta(null, null, List.of(new ChatToolCall(d.index(), d.id(), first ? "function" : null,
                            new ChatFunctionCall(d.name(), arguments))));
                }
                out.add(chunk(new ChatChunkChoice(choice, delta, out.isEmpty() ? logprobs : null, null)));
            }
            return out;
        }

        private ChatCompletionChunk chunk(ChatChunkChoice choice) {
            return new ChatCompletionChunk(id, "chat.completion.chunk", created, model, List.of(choice), null);
        }
    }
}
