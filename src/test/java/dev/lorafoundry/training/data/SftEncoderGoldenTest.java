package dev.lorafoundry.training.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorafoundry.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The weather conversation against Hugging Face's own apply_chat_template and tokenizer
 * (src/test/resources/golden/training/make_weather_golden.py): same text, same tokens, and the loss covers exactly the
 * characters of the answers located in HF's rendering.
 */
class SftEncoderGoldenTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden/training/weather_qwen3.json");

    @Test
    void weatherConversationMatchesHuggingFace() throws IOException {
        JsonNode golden = new ObjectMapper().readTree(GOLDEN.toFile());
        Tokenizer qwen3 = Qwen3Tokenizer.get();
        EncodedExample example = new SftEncoder(Qwen3Tokenizer.template(), qwen3, SftOptions.defaults())
                .encode(SftEncoderMaskTest.weatherConversation());

        String text = golden.get("text").asText();
        assertEquals(text, qwen3.decode(example.inputIds(), false));
        assertArrayEquals(ints(golden.get("whole_text_ids")), example.inputIds(),
                "cutting at the answer boundaries gives the same tokens as tokenizing HF's whole text");
        int[] firstPrompt = ints(golden.get("first_prompt_ids"));
        assertArrayEquals(firstPrompt, Arrays.copyOf(example.inputIds(), firstPrompt.length),
                "the tokens before the first answer are HF's generation prompt");

        // the characters the loss covers, run by run, are HF's answer spans
        List<String> trainedTexts = new ArrayList<>();
        int i = 0;
        while (i < example.length()) {
            if (!example.lossMask()[i]) {
                i++;
                continue;
            }
            int j = i;
            while (j < example.length() && example.lossMask()[j]) {
                j++;
            }
            trainedTexts.add(qwen3.decode(Arrays.copyOfRange(example.inputIds(), i, j), false));
            i = j;
        }
        List<String> expected = new ArrayList<>();
        for (JsonNode span : golden.get("answer_spans")) {
            expected.add(text.substring(span.get(0).asInt(), span.get(1).asInt()));
        }
        assertEquals(expected, trainedTexts);
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int k = 0; k < values.length; k++) {
            values[k] = array.get(k).asInt();
        }
        return values;
    }
}
