package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** The sampling fields chat and text completions share (null means "not sent", so defaults apply). */
public interface SamplingFields {
    Double temperature();

    Double topP();

    Integer topK();

    Double minP();

    Integer n();

    Long seed();

    /** A string or a list of strings. */
    JsonNode stop();

    List<Integer> stopTokenIds();

    Double presencePenalty();

    Double frequencyPenalty();

    Double repetitionPenalty();

    Map<String, Double> logitBias();

    Boolean ignoreEos();
}
