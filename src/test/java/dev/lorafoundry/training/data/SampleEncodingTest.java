package dev.lorafoundry.training.data;

import dev.lorafoundry.tokenizer.ChatTemplate;
import dev.lorafoundry.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every glaive tool-calling conversation (and a slice of alpaca) encodes through the real Qwen3 template: the tokens
 * spell exactly what the template renders, and the loss falls in one run per assistant turn, each run right after
 * "<|im_start|>assistant\n" and ending with its "<|im_end|>".
 */
class SampleEncodingTest {

    @Test
    void glaiveAndAlpacaEncodeWithOneTrainedRunPerAssistantTurn() {
        Tokenizer qwen3 = Qwen3Tokenizer.get();
        ChatTemplate template = Qwen3Tokenizer.template();
        SftEncoder encoder = new SftEncoder(template, qwen3, SftOptions.defaults().withCutoffLen(0));
        int imStart = qwen3.tokenId("<|im_start|>").orElseThrow();
        int imEnd = qwen3.tokenId("<|im_end|>").orElseThrow();
        int[] assistantHeader = qwen3.encode("<|im_start|>assistant\n", false);

        List<Conversation> conversations = new java.util.ArrayList<>(
                DatasetLoader.conversations(LlamaFactorySamplesTest.INFO.entry("glaive_toolcall_en_demo")).records());
        conversations.addAll(DatasetLoader.conversations(LlamaFactorySamplesTest.INFO.entry("alpaca_en_demo")).records().subList(0, 50));
        long tokens = 0;
        long start = System.nanoTime();
        for (Conversation conversation : conversations) {
            EncodedExample example = encoder.encode(conversation);
            String where = "conversation at line " + conversation.line();
            String rendered = template.render(TemplateMessages.messages(conversation), TemplateMessages.tools(conversation),
                    false, Map.of());
            assertEquals(rendered, qwen3.decode(example.inputIds(), false), where);
            long assistants = conversation.turns().stream().filter(t -> t.role() == TurnRole.ASSISTANT).count();
            int runs = 0;
            int[] ids = example.inputIds();
            boolean[] loss = example.lossMask();
            for (int i = 0; i < ids.length; i++) {
                if (loss[i] && (i == 0 || !loss[i - 1])) {
                    runs++;
                    assertTrue(i >= assistantHeader.length, where);
                    for (int h = 0; h < assistantHeader.length; h++) {
                        assertEquals(assistantHeader[h], ids[i - assistantHeader.length + h], where + ": run at " + i + " follows the assistant header");
                    }
                }
                if (loss[i] && (i == ids.length - 1 || !loss[i + 1])) {
                    assertEquals(imEnd, ids[i], where + ": run ending at " + i + " ends with <|im_end|>");
                }
                if (loss[i]) {
                    assertTrue(ids[i] != imStart, where + ": no <|im_start|> is trained");
                }
            }
            assertEquals(assistants, runs, where);
            tokens += ids.length;
        }
        System.out.printf("encoded %d conversations, %d tokens, in %d ms%n", conversations.size(), tokens,
                (System.nanoTime() - start) / 1_000_000);
    }
}
