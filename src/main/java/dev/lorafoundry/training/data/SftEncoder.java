package dev.lorafoundry.training.data;

import dev.lorafoundry.tokenizer.ChatTemplate;
import dev.lorafoundry.tokenizer.ChatTemplateException;
import dev.lorafoundry.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Encodes a conversation through the model's own chat template into tokens with a loss mask: by default loss on every
 * assistant turn's text (tool calls as the template renders them) and its end-of-turn token, nothing else.
 * The prompt before each answer is tokenized on its own, exactly as the chat endpoint tokenizes a prompt, so training
 * sees the token boundaries inference will see.
 */
public final class SftEncoder {

    private final Tokenizer tokenizer;
    private final SftOptions options;
    private final AssistantSpanFinder spans;

    public SftEncoder(ChatTemplate template, Tokenizer tokenizer, SftOptions options) {
        this.tokenizer = tokenizer;
        this.options = options;
        this.spans = new AssistantSpanFinder(template, tokenizer, options.templateKwargs());
    }

    /** The text the template ends an assistant turn with ("" when it writes none and an EOS is added). */
    public String endOfTurn() {
        return spans.endOfTurn();
    }

    /** One prompt/answer step: the tokens before an answer, the answer, and untrained tokens after it. */
    private record Step(int[] source, int[] target, int untrainedTail, boolean learned) {}

    public EncodedExample encode(Conversation conversation) {
        String where = conversation.line() > 0 ? "the conversation at line " + conversation.line() : "the conversation";
        String unusable = conversation.unusableReason();
        if (unusable != null) {
            throw new EncodingException(where + " cannot be trained on: " + unusable);
        }
        Conversation trimmed = withoutTrailingPrompt(conversation);
        List<Map<String, Object>> messages = TemplateMessages.messages(trimmed);
        int firstTurn = trimmed.system() == null ? 0 : 1;
        RenderedConversation rendered;
        try {
            rendered = spans.find(messages, TemplateMessages.tools(trimmed));
        } catch (ChatTemplateException e) {
            throw new EncodingException(where + " cannot be rendered by the chat template: " + e.getMessage(), e);
        } catch (EncodingException e) {
            throw new EncodingException(where + ": " + e.getMessage(), e);
        }
        return assemble(steps(rendered, trimmed, firstTurn));
    }

    private List<Step> steps(RenderedConversation rendered, Conversation conversation, int firstTurn) {
        String text = rendered.text();
        List<Step> steps = new ArrayList<>();
        int cursor = 0;
        List<AssistantSpan> all = rendered.spans();
        for (int s = 0; s < all.size(); s++) {
            AssistantSpan span = all.get(s);
            int[] source = tokens(text.substring(cursor, span.start()));
            int[] target = tokens(text.substring(span.start(), span.end()));
            if (span.needsEos()) {
                target = append(target, new int[] {eosId()});
            }
            cursor = span.end();
            int tail = 0;
            if (s == all.size() - 1) {
                int[] rest = tokens(text.substring(cursor));
                target = append(target, rest);
                tail = rest.length;
            }
            Turn turn = conversation.turns().get(span.messageIndex() - firstTurn);
            boolean learned = turn.learned() && (!options.maskHistory() || s == all.size() - 1);
            steps.add(new Step(source, target, tail, learned));
        }
        return steps;
    }

    /** Concatenates the steps, cutting to cutoff_len as LLaMA-Factory does (latest turns first with mask_history). */
    private EncodedExample assemble(List<Step> steps) {
        List<Step> order = new ArrayList<>(steps);
        if (options.maskHistory()) {
            Collections.reverse(order);
        }
        int cutoff = options.cutoffLen();
        int total = 0;
        List<int[]> idParts = new ArrayList<>();
        List<boolean[]> maskParts = new ArrayList<>();
        for (Step step : order) {
            if (cutoff > 0 && total >= cutoff) {
                break;
            }
            CutoffSplit split = cutoff > 0 ? CutoffSplit.of(step.source.length, step.target.length, cutoff - total)
                    : new CutoffSplit(step.source.length, step.target.length);
            total += split.source() + split.target();
            int[] ids = new int[split.source() + split.target()];
            boolean[] mask = new boolean[ids.length];
            System.arraycopy(step.source, 0, ids, 0, split.source());
            System.arraycopy(step.target, 0, ids, split.source(), split.target());
            int answerEnd = step.target.length - step.untrainedTail;
            for (int i = 0; i < ids.length; i++) {
                boolean inTarget = i >= split.source();
                boolean answer = inTarget && i - split.source() < answerEnd;
                mask[i] = answer ? step.learned : options.trainOnPrompt();
            }
            if (options.maskHistory()) {
                idParts.addFirst(ids);
                maskParts.addFirst(mask);
            } else {
                idParts.add(ids);
                maskParts.add(mask);
            }
        }
        int length = idParts.stream().mapToInt(a -> a.length).sum();
        int[] inputIds = new int[length];
        boolean[] lossMask = new boolean[length];
        int at = 0;
        for (int p = 0; p < idParts.size(); p++) {
            System.arraycopy(idParts.get(p), 0, inputIds, at, idParts.get(p).length);
            System.arraycopy(maskParts.get(p), 0, lossMask, at, maskParts.get(p).length);
            at += idParts.get(p).length;
        }
        return new EncodedExample(inputIds, lossMask);
    }

    /** Messages after the last assistant turn carry no loss and only cost tokens. */
    private static Conversation withoutTrailingPrompt(Conversation conversation) {
        List<Turn> turns = conversation.turns();
        int last = turns.size() - 1;
        while (last >= 0 && turns.get(last).role() != TurnRole.ASSISTANT) {
            last--;
        }
        return last == turns.size() - 1 ? conversation
                : new Conversation(conversation.line(), conversation.system(), conversation.toolsJson(), turns.subList(0, last + 1));
    }

    private int[] tokens(String text) {
        return text.isEmpty() ? new int[0] : tokenizer.encode(text, false); // the template wrote the special tokens
    }

    private int eosId() {
        return tokenizer.eosTokenId().orElseThrow(() -> new EncodingException("the chat template ends assistant turns "
                + "with no end-of-turn text and the tokenizer has no eos_token to add instead; set eos_token in "
                + "tokenizer_config.json"));
    }

    private static int[] append(int[] a, int[] b) {
        int[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
