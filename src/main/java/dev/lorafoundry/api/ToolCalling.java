package dev.lorafoundry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorafoundry.api.dto.ChatCompletionRequest;
import dev.lorafoundry.api.dto.ResponseFormat;
import dev.lorafoundry.api.error.ApiException;
import dev.lorafoundry.engine.TokenConstraint;
import dev.lorafoundry.grammar.GrammarConstraint;
import dev.lorafoundry.grammar.JsonGrammar;
import dev.lorafoundry.grammar.SchemaException;
import dev.lorafoundry.tokenizer.Tokenizer;
import dev.lorafoundry.toolcall.ParsedOutput;
import dev.lorafoundry.toolcall.StreamingToolCallParser;
import dev.lorafoundry.toolcall.ToolCallParser;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What one chat request asks of tools and structured output: the tools the template sees, whether the output is
 * parsed for tool calls, and the grammar (if any) that constrained decoding enforces.
 */
final class ToolCalling {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FUNCTION_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    /** OpenAI's tool_choice values. */
    enum Choice { NONE, AUTO, REQUIRED, NAMED }

    private final List<Map<String, Object>> tools;
    private final Set<String> names;
    private final Choice choice;
    private final boolean parallel;
    private final ToolCallParser parser;
    private final JsonGrammar forced;

    private ToolCalling(List<Map<String, Object>> tools, Set<String> names, Choice choice, boolean parallel,
                        ToolCallParser parser, JsonGrammar forced) {
        this.tools = tools;
        this.names = names;
        this.choice = choice;
        this.parallel = parallel;
        this.parser = parser;
        this.forced = forced;
    }

    /** Validates tools, tool_choice and response_format; every problem is a 400 naming the field. */
    static ToolCalling of(ChatCompletionRequest request, ToolCallParser parser) {
        List<Map<String, Object>> tools = request.tools() == null ? List.of() : request.tools();
        Map<String, JsonNode> parameters = new java.util.LinkedHashMap<>();
        for (int i = 0; i < tools.size(); i++) {
            String where = "tools[" + i + "]";
            JsonNode tool = JSON.valueToTree(tools.get(i));
            if (!"function".equals(tool.path("type").asText())) {
                throw ApiException.invalid(where + ".type", where + ".type must be \"function\".");
            }
            String name = tool.path("function").path("name").asText("");
            if (!FUNCTION_NAME.matcher(name).matches()) {
                throw ApiException.invalid(where + ".function.name", where + ".function.name must be 1-64 letters, digits,"
                        + " '_' or '-', got '" + name + "'.");
            }
            if (parameters.containsKey(name)) {
                throw ApiException.invalid(where + ".function.name", "Two tools are named '" + name + "'; names must be unique.");
            }
            JsonNode params = tool.path("function").path("parameters");
            if (!params.isMissingNode() && !params.isNull() && !params.isObject()) {
                throw ApiException.invalid(where + ".function.parameters", where + ".function.parameters must be a JSON schema object.");
            }
            parameters.put(name, params.isObject() ? params : JSON.createObjectNode().put("type", "object"));
        }
        Choice choice = toolChoice(request.toolChoice(), parameters.keySet());
        JsonGrammar forced = switch (choice) {
            case REQUIRED -> callGrammar(parameters, null, parser);
            case NAMED -> callGrammar(parameters, request.toolChoice().path("function").path("name").asText(), parser);
            default -> null;
        };
        JsonGrammar format = responseFormat(request.responseFormat());
        if (format != null && forced != null) {
            throw ApiException.invalid("response_format", "response_format cannot be combined with a forced tool_choice;"
                    + " use one or the other.");
        }
        boolean parallel = request.parallelToolCalls() == null || request.parallelToolCalls();
        return new ToolCalling(tools.isEmpty() ? null : tools,
                Set.copyOf(parameters.keySet()), choice, parallel, parser,
                forced != null ? forced : format);
    }

    private static Choice toolChoice(JsonNode toolChoice, Set<String> names) {
        Choice choice;
        if (toolChoice == null || toolChoice.isNull()) {
            return names.isEmpty() ? Choice.NONE : Choice.AUTO;
        } else if (toolChoice.isTextual()) {
            choice = switch (toolChoice.asText()) {
                case "none" -> Choice.NONE;
                case "auto" -> Choice.AUTO;
                case "required" -> Choice.REQUIRED;
                default -> throw ApiException.invalid("tool_choice", "tool_choice must be \"none\", \"auto\", \"required\""
                        + " or {\"type\":\"function\",\"function\":{\"name\":...}}, got \"" + toolChoice.asText() + "\".");
            };
        } else if (toolChoice.isObject() && "function".equals(toolChoice.path("type").asText())
                && toolChoice.path("function").path("name").isTextual()) {
            String name = toolChoice.path("function").path("name").asText();
            if (!names.contains(name)) {
                throw ApiException.invalid("tool_choice", "tool_choice names the function '" + name + "', which is not"
                        + " among the request's tools " + names + ".");
            }
            choice = Choice.NAMED;
        } else {
            throw ApiException.invalid("tool_choice", "tool_choice must be \"none\", \"auto\", \"required\" or"
                    + " {\"type\":\"function\",\"function\":{\"name\":...}}.");
        }
        if ((choice == Choice.REQUIRED || choice == Choice.NAMED) && names.isEmpty()) {
            throw ApiException.invalid("tool_choice", "tool_choice \"" + choice.name().toLowerCase() + "\" needs at least one tool in 'tools'.");
        }
        return choice;
    }

    /** {"name": const, "arguments": the function's parameters}, for one function or any of them. */
    private static JsonGrammar callGrammar(Map<String, JsonNode> parameters, String only, ToolCallParser parser) {
        ArrayNode options = JSON.createArrayNode();
        for (Map.Entry<String, JsonNode> function : parameters.entrySet()) {
            if (only != null && !only.equals(function.getKey())) {
                continue;
            }
            ObjectNode call = JSON.createObjectNode().put("type", "object");
            call.putObject("properties").<ObjectNode>set("name", JSON.createObjectNode().put("const", function.getKey()))
                    .set("arguments", function.getValue());
            call.putArray("required").add("name").add("arguments");
            options.add(call);
        }
        JsonNode schema = options.size() == 1 ? options.get(0) : JSON.createObjectNode().set("anyOf", options);
        try {
            return JsonGrammar.forSchema(schema).wrapped(parser.forcedCallPrefix(), parser.forcedCallSuffix());
        } catch (SchemaException e) {
            throw ApiException.invalid("tools", "A tool's parameters schema cannot be enforced at " + e.path() + ": "
                    + e.getMessage());
        }
    }

    private static JsonGrammar responseFormat(ResponseFormat format) {
        if (format == null || format.type() == null || "text".equals(format.type())) {
            return null;
        }
        return switch (format.type()) {
            case "json_object" -> JsonGrammar.anyObject();
            case "json_schema" -> {
                if (format.jsonSchema() == null || format.jsonSchema().schema() == null || !format.jsonSchema().schema().isObject()) {
                    throw ApiException.invalid("response_format.json_schema.schema",
                            "response_format json_schema needs json_schema.schema, a JSON schema object.");
                }
                try {
                    yield JsonGrammar.forSchema(format.jsonSchema().schema());
                } catch (SchemaException e) {
                    throw ApiException.invalid("response_format.json_schema.schema",
                            "Invalid or unsupported schema at " + e.path() + ": " + e.getMessage());
                }
            }
            default -> throw ApiException.invalid("response_format.type", "response_format.type must be \"text\","
                    + " \"json_object\" or \"json_schema\", got \"" + format.type() + "\".");
        };
    }

    /** The tools the chat template renders (also with tool_choice none, as vLLM does), or null. */
    List<Map<String, Object>> templateTools() {
        return tools;
    }

    /** A fresh constraint for one sequence, or null when the output is free. */
    TokenConstraint newConstraint(Tokenizer tokenizer) {
        return forced == null ? null : new GrammarConstraint(forced, tokenizer);
    }

    /** False when the client asked for at most one call per message (parallel_tool_calls: false). */
    boolean parallel() {
        return parallel;
    }

    /** Whether the output is searched for tool calls. */
    boolean parsesToolCalls() {
        return tools != null && choice != Choice.NONE;
    }

    ParsedOutput parse(String text) {
        ParsedOutput parsed = parser.parse(text, names);
        if (!parallel && parsed.toolCalls().size() > 1) {
            return new ParsedOutput(parsed.content(), parsed.toolCalls().subList(0, 1));
        }
        return parsed;
    }

    StreamingToolCallParser streaming() {
        return parser.streaming(names);
    }
}
