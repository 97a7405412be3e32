package dev.lorafoundry.testsupport;

import java.util.ArrayList;
import java.util.List;

/** The data payloads of a server-sent-events body, in order (including the final "[DONE]"). */
public final class SseEvents {

    private SseEvents() {}

    public static List<String> data(String body) {
        List<String> data = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data:")) {
                data.add(line.substring(5).strip());
            }
        }
        return data;
    }
}
