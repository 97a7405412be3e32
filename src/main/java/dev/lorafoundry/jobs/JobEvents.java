package dev.lorafoundry.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Event ids and stream entries: an event's id is {@code ftevent-} plus its Redis stream id ({@code <ms>-<seq>}), so
 * an {@code after} cursor maps straight back to a stream position and {@code created_at} is the stream's own clock.
 */
final class JobEvents {

    static final String PREFIX = "ftevent-";
    private static final Pattern STREAM_ID = Pattern.compile("\\d{1,20}-\\d{1,20}");

    private JobEvents() {}

    /** The stream id inside an event id, or null if the text is no event id. */
    static String streamId(String eventId) {
        if (eventId == null || !eventId.startsWith(PREFIX)) {
            return null;
        }
        String streamId = eventId.substring(PREFIX.length());
        return STREAM_ID.matcher(streamId).matches() ? streamId : null;
    }

    /** The stream id of an event this class made. */
    static String streamIdOf(JobEvent event) {
        return event.id().substring(PREFIX.length());
    }

    /** XRANGE / XREVRANGE entries as events, in the order Redis sent them. */
    static List<JobEvent> parse(Response entries, ObjectMapper mapper) {
        List<JobEvent> events = new ArrayList<>();
        if (entries == null) {
            return events;
        }
        for (Response entry : entries) {
            String streamId = entry.get(0).toString();
            Map<String, String> fields = new LinkedHashMap<>();
            Response values = entry.get(1);
            if (values.isMap()) {
                values.getKeys().forEach(key -> fields.put(key, values.get(key).toString()));
            } else {
                for (int i = 0; i + 1 < values.size(); i += 2) {
                    fields.put(values.get(i).toString(), values.get(i + 1).toString());
                }
            }
            long millis = Long.parseLong(streamId.substring(0, streamId.indexOf('-')));
            String data = fields.getOrDefault("data", "");
            events.add(new JobEvent(PREFIX + streamId, JobEvent.OBJECT, millis / 1000, fields.get("level"),
                    fields.get("message"), fields.getOrDefault("type", "message"), data.isEmpty() ? null : map(data, mapper)));
        }
        return events;
    }

    private static Map<String, Object> map(String json, ObjectMapper mapper) {
        try {
            return mapper.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An event's data in Redis is not JSON: " + e.getMessage(), e);
        }
    }
}
