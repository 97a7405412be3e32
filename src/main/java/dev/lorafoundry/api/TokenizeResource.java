package dev.lorafoundry.api;

import dev.lorafoundry.api.dto.DetokenizeRequest;
import dev.lorafoundry.api.dto.DetokenizeResponse;
import dev.lorafoundry.api.dto.TokenizeRequest;
import dev.lorafoundry.api.dto.TokenizeResponse;
import dev.lorafoundry.api.error.ApiException;
import dev.lorafoundry.engine.Engine;
import dev.lorafoundry.tokenizer.Tokenizer;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** POST /tokenize and /detokenize (vLLM shape): see exactly what the model sees. */
@Path("/")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Tokenizer", description = "Tokenize and detokenize with the served model's tokenizer")
public class TokenizeResource {

    @Inject
    Engine engine;

    @Inject
    ModelCheck modelCheck;

    @POST
    @Path("tokenize")
    @Operation(summary = "Tokenize a prompt, or chat messages rendered through the chat template")
    public TokenizeResponse tokenize(TokenizeRequest request) {
        if (request == null) {
            throw ApiException.invalid(null, "The request body is required: {\"prompt\": ...} or {\"messages\": [...]}.");
        }
        modelCheck.requireKnown(request.model());
        Tokenizer tokenizer = engine.tokenizer();
        boolean fromMessages = request.messages() != null;
        if (fromMessages == (request.prompt() != null)) {
            throw ApiException.invalid("prompt", "Send exactly one of 'prompt' or 'messages'.");
        }
        String rendered = null;
        int[] tokens;
        if (fromMessages) {
            List<Map<String, Object>> messages = ChatMessages.toTemplateInput(request.messages(), "messages");
            rendered = engine.chatTemplate().render(messages, request.tools(),
                    request.addGenerationPrompt() == null || request.addGenerationPrompt(),
                    request.chatTemplateKwargs() == null ? Map.of() : request.chatTemplateKwargs());
            // The template writes the special tokens itself, so none are added unless asked for.
            tokens = tokenizer.encode(rendered, Boolean.TRUE.equals(request.addSpecialTokens()));
        } else {
            tokens = tokenizer.encode(request.prompt(), request.addSpecialTokens() == null || request.addSpecialTokens());
        }
        List<String> tokenStrs = Boolean.TRUE.equals(request.returnTokenStrs())
                ? Arrays.stream(tokens).mapToObj(tokenizer::tokenString).toList() : null;
        return new TokenizeResponse(tokens.length, engine.servedModel().maxModelLen(), tokens, tokenStrs, rendered);
    }

    @POST
    @Path("detokenize")
    @Operation(summary = "Turn token ids back into text")
    public DetokenizeResponse detokenize(DetokenizeRequest request) {
        if (request == null || request.tokens() == null) {
            throw ApiException.invalid("tokens", "tokens is required: a list of token ids.");
        }
        modelCheck.requireKnown(request.model());
        Tokenizer tokenizer = engine.tokenizer();
        int vocab = tokenizer.vocabSize();
        int[] ids = new int[request.tokens().size()];
        for (int i = 0; i < ids.length; i++) {
            Integer id = request.tokens().get(i);
            if (id == null || id < 0 || id >= vocab) {
                throw ApiException.invalid("tokens", "Token id " + id + " at tokens[" + i + "] is outside the vocabulary [0, " + vocab + ").");
            }
            ids[i] = id;
        }
        return new DetokenizeResponse(tokenizer.decode(ids, false));
    }
}
