package dev.lorafoundry.api;

import dev.lorafoundry.api.dto.CompletionChoice;
import dev.lorafoundry.api.dto.CompletionLogprobs;
import dev.lorafoundry.api.dto.CompletionRequest;
import dev.lorafoundry.api.dto.CompletionResponse;
import dev.lorafoundry.api.dto.StreamOptions;
import dev.lorafoundry.api.dto.Usage;
import dev.lorafoundry.api.error.ApiException;
import dev.lorafoundry.engine.Engine;
import dev.lorafoundry.engine.LoraRequest;
import dev.lorafoundry.engine.SamplingParams;
import dev.lorafoundry.engine.ServedModel;
import dev.lorafoundry.engine.TokenLogprobs;
import dev.lorafoundry.tokenizer.Tokenizer;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

/** POST /v1/completions: OpenAI legacy text completions, batched prompts, echo and log-probs, streaming. */
@Path("/v1/completions")
@Tag(name = "Completions", description = "OpenAI-compatible text completions")
public class CompletionsResource {

    static final int DEFAULT_MAX_TOKENS = 16;
    static final int MAX_LOGPROBS = 5;

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
    @Operation(summary = "Complete a prompt (JSON, or server-sent events when stream is true)")
    @APIResponse(responseCode = "200", description = "The completion", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CompletionResponse.class)),
            @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(implementation = CompletionResponse.class))})
    public RestMulti<Buffer> complete(CompletionRequest request) {
        if (request == null) {
            throw ApiException.invalid(null, "The request body is required: a JSON object with at least 'prompt'.");
        }
        ServedModel served = engine.servedModel();
        LoraRequest lora = modelCheck.resolve(request.model(), request.adapterId());
        if (request.suffix() != null) {
            throw ApiException.invalid("suffix", "suffix (insertion) is not supported by this server; send the prompt without it.");
        }
        Tokenizer tokenizer = engine.tokenizer();
        List<int[]> prompts = CompletionPrompts.parse(request.prompt(), tokenizer);
        int n = SamplingParamsFactory.choices(request);
        int logprobs = request.logprobs() == null ? -1 : request.logprobs();
        if (request.logprobs() != null && (logprobs < 0 || logprobs > MAX_LOGPROBS)) {
            throw ApiException.invalid("logprobs", "logprobs must be between 0 and " + MAX_LOGPROBS + ", got " + logprobs + ".");
        }
        boolean echo = Boolean.TRUE.equals(request.echo());

        List<GenerationLauncher.Sequence> sequences = new ArrayList<>();
        int promptTokens = 0;
        for (int p = 0; p < prompts.size(); p++) {
            int[] prompt = prompts.get(p);
            String param = prompts.size() == 1 ? "prompt" : "prompt[" + p + "]";
            int maxTokens = PromptLimits.resolveMaxTokens(prompt.length, request.maxTokens(), DEFAULT_MAX_TOKENS,
                    served.maxModelLen(), param, "max_tokens");
            SamplingParams params = SamplingParamsFactory.build(request, maxTokens, logprobs, tokenizer.vocabSize());
            promptTokens += prompt.length;
            for (int i = 0; i < n; i++) {
                sequences.add(new GenerationLauncher.Sequence(p * n + i, prompt, SamplingParamsFactory.forChoice(params, i),
                        echo && logprobs >= 0 ? logprobs : -1, null, lora));
            }
        }
        List<String> echoTexts = new ArrayList<>();
        for (GenerationLauncher.Sequence s : sequences) {
            echoTexts.add(echo ? tokenizer.decode(s.promptTokens(), true) : "");
        }

        List<Multi<SequenceEvent>> streams = launcher.launch(sequences);
        Reply reply = new Reply(ResponseIds.next("cmpl-"), Instant.now().getEpochSecond(),
                lora == null ? served.id() : lora.name(), tokenizer, echoTexts, logprobs, promptTokens, Boolean.TRUE.equals(request.returnTokensAsTokenIds()));
        if (Boolean.TRUE.equals(request.stream())) {
            return replies.sse(reply.chunks(streams, StreamOptions.includeUsage(request.streamOptions())));
        }
        Uni<List<ChoiceOutcome>> outcomes = Uni.join().all(streams.stream().map(ChoiceOutcome::collect).toList()).andFailFast();
        return replies.json(outcomes.map(reply::response));
    }

    /** Shapes the engine's output of one request as completion JSON or chunks. */
    private record Reply(String id, long created, String model, Tokenizer tokenizer, List<String> echoTexts,
                         int logprobs, int promptTokens, boolean tokensAsIds) {

        CompletionResponse response(List<ChoiceOutcome> outcomes) {
            List<CompletionChoice> choices = new ArrayList<>();
            int completionTokens = 0;
            for (ChoiceOutcome o : outcomes.stream().sorted(Comparator.comparingInt(c -> c.choice)).toList()) {
                CompletionLogprobs lp = null;
                if (logprobs >= 0) {
                    List<TokenLogprobs> all = new ArrayList<>(o.promptLogprobs);
                    all.addAll(o.tokenLogprobs);
                    lp = new CompletionLogprobsBuilder(tokenizer, tokensAsIds).next(all);
                }
                choices.add(new CompletionChoice(o.choice, echoTexts.get(o.choice) + o.text, lp, o.finishReason.openAiName()));
                completionTokens += o.completionTokens;
            }
            return new CompletionResponse(id, "text_completion", created, model, choices, Usage.of(promptTokens, completionTokens));
        }

        Multi<CompletionResponse> chunks(List<Multi<SequenceEvent>> streams, boolean includeUsage) {
            List<CompletionLogprobsBuilder> builders = echoTexts.stream().map(t -> new CompletionLogprobsBuilder(tokenizer, tokensAsIds)).toList();
            AtomicInteger completionTokens = new AtomicInteger();
            List<CompletionResponse> echoChunks = new ArrayList<>();
            if (logprobs < 0) { // with log-probs the echo is sent when the prompt log-probs arrive
                for (int c = 0; c < echoTexts.size(); c++) {
                    if (!echoTexts.get(c).isEmpty()) {
                        echoChunks.add(chunk(new CompletionChoice(c, echoTexts.get(c), null, null)));
                    }
                }
            }
            Multi<CompletionResponse> body = Multi.createBy().merging().streams(streams)
                    .concatMap(event -> Multi.createFrom().iterable(switch (event) {
                        case SequenceEvent.PromptLogprobs p -> List.of(chunk(new CompletionChoice(p.choice(),
                                echoTexts.get(p.choice()), builders.get(p.choice()).next(p.logprobs()), null)));
                        case SequenceEvent.Token t -> t.token().text().isEmpty() && logprobs < 0 ? List.<CompletionResponse>of()
                                : List.of(chunk(new CompletionChoice(t.choice(), t.token().text(),
                                        logprobs >= 0 && t.token().logprobs() != null ? builders.get(t.choice()).next(List.of(t.token().logprobs())) : null,
                                        null)));
                        case SequenceEvent.Finished f -> {
                            completionTokens.addAndGet(f.completionTokens());
                            yield List.of(chunk(new CompletionChoice(f.choice(), "", null, f.reason().openAiName())));
                        }
                    }));
            Multi<CompletionResponse> usage = Multi.createFrom().deferred(() -> includeUsage
                    ? Multi.createFrom().item(new CompletionResponse(id, "text_completion", created, model, List.of(),
                            Usage.of(promptTokens, completionTokens.get())))
                    : Multi.createFrom().empty());
            return Multi.createBy().concatenating().streams(Multi.createFrom().iterable(echoChunks), body, usage);
        }

        private CompletionResponse chunk(CompletionChoice choice) {
            return new CompletionResponse(id, "text_completion", created, model, List.of(choice), null);
        }
    }
}
