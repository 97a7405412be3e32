package dev.lorafoundry.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorafoundry.redis.RedisGateway;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Fine-tuning jobs in Redis. Per job: the hash {@code lf:job:<id>} (state), the stream {@code lf:job:<id>:events}
 * (its event log), the hash {@code lf:job:<id>:checkpoints} (step → checkpoint JSON) and, while a worker runs it,
 * the lease {@code lf:job:<id>:owner} (the worker's id, expiring unless renewed). Shared: the sorted set
 * {@code lf:jobs} (all jobs in creation order) and the reliable queue: {@code lf:jobs:queued} (waiting, oldest on the
 * right) and {@code lf:jobs:processing} (claimed). A claim moves a job between the two lists and takes its lease in
 * one Lua script, so a job is always in exactly one place; a claimed job whose lease ran out belongs to a dead worker
 * and can be claimed again. Every state change is one script or MULTI, so Redis never holds half a transition.
 */
@ApplicationScoped
public class JobStore {

    static final String PREFIX = "lf:job:";
    static final String INDEX = "lf:jobs";
    static final String SEQUENCE = "lf:jobs:seq";
    static final String QUEUED = "lf:jobs:queued";
    static final String PROCESSING = "lf:jobs:processing";
    private static final int LIST_BATCH = 200;

    /** Moves the oldest queued job to processing and takes its lease. ARGV: owner, lease ms, key prefix. */
    private static final String CLAIM_NEXT = """
            local id = redis.call('RPOP', KEYS[1])
            if not id then return false end
            redis.call('LPUSH', KEYS[2], id)
            redis.call('SET', ARGV[3] .. id .. ':owner', ARGV[1], 'PX', ARGV[2])
            return id
            """;

    /** Takes the lease of the oldest processing job whose lease ran out (its worker died). */
    private static final String CLAIM_ORPHAN = """
            local ids = redis.call('LRANGE', KEYS[1], 0, -1)
            for i = #ids, 1, -1 do
              local id = ids[i]
              if redis.call('SET', ARGV[3] .. id .. ':owner', ARGV[1], 'PX', ARGV[2], 'NX') then return id end
            end
            return false
            """;

    /**
     * Renews the lease when it is still ours, or takes it again when it is gone (Redis restarted, or the heartbeat
     * came late); 0 when another worker holds it.
     */
    private static final String RENEW = """
            local owner = redis.call('GET', KEYS[1])
            if owner == ARGV[1] or not owner then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
              return 1
            end
            return 0
            """;

    /**
     * Sets fields (and appends an event) if the status is one of the allowed ones. KEYS: hash, events, processing,
     * owner, queued. ARGV: n allowed statuses, the statuses, n field pairs, the pairs, release flag ("1": leave the
     * queue and drop the lease), event level, type, message, data ("" for no event).
     */
    private static final String TRANSITION = """
            local status = redis.call('HGET', KEYS[1], 'status')
            if not status then return false end
            local n = tonumber(ARGV[1])
            local allowed = false
            for i = 2, n + 1 do if ARGV[i] == status then allowed = true end end
            if not allowed then return status end
            local p = n + 2
            local npairs = tonumber(ARGV[p])
            for i = 1, npairs do redis.call('HSET', KEYS[1], ARGV[p + 2 * i - 1], ARGV[p + 2 * i]) end
            local q = p + 2 * npairs + 1
            if ARGV[q] == '1' then
              redis.call('LREM', KEYS[3], 0, ARGV[q + 5])
              redis.call('LREM', KEYS[5], 0, ARGV[q + 5])
              redis.call('DEL', KEYS[4])
            end
            if ARGV[q + 3] ~= '' then
              redis.call('XADD', KEYS[2], '*', 'level', ARGV[q + 1], 'type', ARGV[q + 2], 'message', ARGV[q + 3], 'data', ARGV[q + 4])
            end
            return 'OK'
            """;

    @Inject
    RedisGateway redis;

    @Inject
    ObjectMapper mapper;

    /** A new entry for a job's event log. */
    public record NewEvent(String level, String type, String message, Map<String, Object> data) {

        public static NewEvent info(String message) {
            return new NewEvent("info", "message", message, null);
        }

        public static NewEvent warn(String message) {
            return new NewEvent("warn", "message", message, null);
        }

        public static NewEvent error(String message) {
            return new NewEvent("error", "message", message, null);
        }

        public static NewEvent metrics(String message, Map<String, Object> data) {
            return new NewEvent("info", "metrics", message, data);
        }
    }

    /** Stores a new queued job with its first events, indexes it and puts it at the back of the queue, atomically. */
    public void create(StoredJob stored, List<NewEvent> events) {
        long sequence = redis.send(Command.INCR, SEQUENCE).toLong();
        FineTuningJob job = stored.job();
        List<Request> commands = new ArrayList<>();
        List<Object> hset = new ArrayList<>(List.of(PREFIX + job.id(),
                "id", job.id(), "created_at", job.createdAt(), "model", job.model(), "training_file", job.trainingFile(),
                "seed", job.seed(), "status", job.status().value(), "model_name", stored.modelName(),
                "metadata", json(job.metadata()), "hyperparameters", json(job.hyperparameters()),
                "settings", json(job.lorafoundry())));
        if (job.validationFile() != null) {
            hset.addAll(List.of("validation_file", job.validationFile()));
        }
        if (job.userProvidedSuffix() != null) {
            hset.addAll(List.of("suffix", job.userProvidedSuffix()));
        }
        commands.add(RedisGateway.request(Command.HSET, hset.toArray()));
        for (NewEvent event : events) {
            commands.add(xadd(job.id(), event));
        }
        commands.add(RedisGateway.request(Command.ZADD, INDEX, sequence, job.id()));
        commands.add(RedisGateway.request(Command.LPUSH, QUEUED, job.id()));
        redis.transaction(commands);
    }

    public Optional<StoredJob> find(String id) {
        if (!JobIds.isJobId(id)) {
            return Optional.empty();
        }
        return fromHash(RedisGateway.asMap(redis.send(Command.HGETALL, PREFIX + id)));
    }

    /**
     * Jobs newest first, after the job {@code after}, keeping those whose metadata has every given pair.
     *
     * @throws UnknownJobException if {@code after} names no job
     */
    public JobPage<FineTuningJob> list(Optional<String> after, int limit, Map<String, String> metadata) {
        long position = 0;
        if (after.isPresent()) {
            Response rank = JobIds.isJobId(after.get()) ? redis.send(Command.ZREVRANK, INDEX, after.get()) : null;
            if (rank == null) {
                throw new UnknownJobException(after.get());
            }
            position = rank.toLong() + 1;
        }
        List<FineTuningJob> page = new ArrayList<>();
        while (true) {
            Response ids = redis.send(Command.ZREVRANGE, INDEX, position, position + LIST_BATCH - 1);
            if (ids == null || ids.size() == 0) {
                return new JobPage<>(page, false);
            }
            List<Request> reads = new ArrayList<>();
            ids.forEach(id -> reads.add(RedisGateway.request(Command.HGETALL, PREFIX + id.toString())));
            for (Response hash : redis.pipeline(reads)) {
                Optional<StoredJob> job = fromHash(RedisGateway.asMap(hash));
                if (job.isEmpty() || !job.get().job().metadata().entrySet().containsAll(metadata.entrySet())) {
                    continue;
                }
                if (page.size() == limit) {
                    return new JobPage<>(page, true);
                }
                page.add(job.get().job());
            }
            if (ids.size() < LIST_BATCH) {
                return new JobPage<>(page, false);
            }
            position += ids.size();
        }
    }

    /** Every job id, oldest first (start-up re-registers the adapters of finished jobs). */
    public List<String> allIds() {
        List<String> ids = new ArrayList<>();
        Response all = redis.send(Command.ZRANGE, INDEX, 0, -1);
        if (all != null) {
            all.forEach(id -> ids.add(id.toString()));
        }
        return ids;
    }

    public void appendEvent(String id, NewEvent event) {
        redis.send(Command.XADD, xaddArgs(id, event).toArray());
    }

    /** Events newest first, older than the event {@code after}. */
    public JobPage<JobEvent> events(String id, Optional<String> after, int limit) {
        String start = "+";
        if (after.isPresent()) {
            String streamId = JobEvents.streamId(after.get());
            if (streamId == null) {
                throw new UnknownJobException(after.get());
            }
            start = "(" + streamId;
        }
        Response entries = redis.send(Command.XREVRANGE, eventsKey(id), start, "-", "COUNT", limit + 1);
        List<JobEvent> events = JobEvents.parse(entries, mapper);
        boolean more = events.size() > limit;
        return new JobPage<>(more ? events.subList(0, limit) : events, more);
    }

    /** Events oldest first, newer than the stream id {@code afterStreamId} ("0" for all). */
    public List<JobEvent> eventsSince(String id, String afterStreamId, int count) {
        String start = afterStreamId.equals("0") ? "-" : "(" + afterStreamId;
        return JobEvents.parse(redis.send(Command.XRANGE, eventsKey(id), start, "+", "COUNT", count), mapper);
    }

    /**
     * Records a checkpoint (replacing one of the same step, written again after a resume) and its event. The
     * checkpoints hash maps {@code <step>} to the checkpoint's JSON and {@code <step>:dir} to its folder.
     */
    public void addCheckpoint(String id, JobCheckpoint checkpoint, String dir) {
        redis.transaction(List.of(
                RedisGateway.request(Command.HSET, checkpointsKey(id), checkpoint.stepNumber(), json(checkpoint),
                        checkpoint.stepNumber() + ":dir", dir),
                RedisGateway.request(Command.HSET, PREFIX + id, "checkpoint_step", checkpoint.stepNumber(), "checkpoint_dir", dir),
                xadd(id, NewEvent.info("Checkpoint created at step " + checkpoint.stepNumber() + ": "
                        + checkpoint.fineTunedModelCheckpoint()))));
    }

    /** Checkpoints newest (highest step) first. */
    public List<JobCheckpoint> checkpoints(String id) {
        List<JobCheckpoint> checkpoints = new ArrayList<>(checkpointFolders(id).keySet());
        checkpoints.sort(Comparator.comparingInt(JobCheckpoint::stepNumber).reversed());
        return checkpoints;
    }

    /** Each checkpoint with its folder. */
    public Map<JobCheckpoint, String> checkpointFolders(String id) {
        Map<String, String> all = RedisGateway.asMap(redis.send(Command.HGETALL, checkpointsKey(id)));
        Map<JobCheckpoint, String> folders = new LinkedHashMap<>();
        all.forEach((field, value) -> {
            if (!field.contains(":")) {
                folders.put(read(value, JobCheckpoint.class), all.get(field + ":dir"));
            }
        });
        return folders;
    }

    /** Metrics of a running job: trained tokens and estimated finish on the job, the numbers as an event. */
    public void recordMetrics(String id, long trainedTokens, long estimatedFinish, NewEvent event) {
        redis.transaction(List.of(
                RedisGateway.request(Command.HSET, PREFIX + id, "trained_tokens", trainedTokens, "estimated_finish", estimatedFinish),
                xadd(id, event)));
    }

    /** The oldest queued job, now claimed by {@code owner}; empty if the queue is empty. */
    public Optional<String> claimNext(String owner, Duration lease) {
        Response id = redis.send(Command.EVAL, CLAIM_NEXT, 2, QUEUED, PROCESSING, owner, lease.toMillis(), PREFIX);
        return Optional.ofNullable(id).map(Response::toString);
    }

    /** The oldest claimed job whose worker died (its lease ran out), now claimed by {@code owner}. */
    public Optional<String> claimOrphan(String owner, Duration lease) {
        Response id = redis.send(Command.EVAL, CLAIM_ORPHAN, 1, PROCESSING, owner, lease.toMillis(), PREFIX);
        return Optional.ofNullable(id).map(Response::toString);
    }

    /** Renews (or retakes) the lease; false if another worker holds it. */
    public boolean renewLease(String id, String owner, Duration lease) {
        return redis.send(Command.EVAL, RENEW, 1, ownerKey(id), owner, lease.toMillis()).toLong() == 1;
    }

    /** Gives the lease up without finishing the job (shutdown), so the next start resumes it at once. */
    public void dropLease(String id, String owner) {
        redis.send(Command.EVAL, """
                if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
                return 0
                """, 1, ownerKey(id), owner);
    }

    /**
     * Sets {@code fields} and appends {@code event} if the job's status is one of {@code from}; with {@code release}
     * the job also leaves the queue lists and its lease is dropped.
     *
     * @return empty if the change was made, otherwise the status that stopped it ("" if there is no such job)
     */
    public Optional<JobStatus> transition(String id, Set<JobStatus> from, Map<String, Object> fields, boolean release,
                                          NewEvent event) {
        List<Object> args = new ArrayList<>(List.of(TRANSITION, 5, PREFIX + id, eventsKey(id), PROCESSING, ownerKey(id), QUEUED));
        args.add(from.size());
        from.forEach(s -> args.add(s.value()));
        args.add(fields.size());
        fields.forEach((key, value) -> {
            args.add(key);
            args.add(value instanceof String text ? text : json(value));
        });
        args.add(release ? "1" : "0");
        args.add(event == null ? "" : event.level());
        args.add(event == null ? "" : event.type());
        args.add(event == null ? "" : event.message());
        args.add(event == null || event.data() == null ? "" : json(event.data()));
        args.add(id);
        Response reply = redis.send(Command.EVAL, args.toArray());
        if (reply == null) {
            throw new UnknownJobException(id);
        }
        String text = reply.toString();
        return text.equals("OK") ? Optional.empty() : Optional.of(JobStatus.of(text));
    }

    /** Whether a worker still holds the job (it is in the processing list): its last events may still come. */
    public boolean isClaimed(String id) {
        return redis.send(Command.LPOS, PROCESSING, id) != null;
    }

    /** Takes a job that was claimed but never finished out of the processing list (it vanished or already ended). */
    public void forget(String id) {
        redis.transaction(List.of(RedisGateway.request(Command.LREM, PROCESSING, 0, id),
                RedisGateway.request(Command.DEL, ownerKey(id))));
    }

    private Request xadd(String id, NewEvent event) {
        return RedisGateway.request(Command.XADD, xaddArgs(id, event).toArray());
    }

    private List<Object> xaddArgs(String id, NewEvent event) {
        return List.of(eventsKey(id), "*", "level", event.level(), "type", event.type(), "message", event.message(),
                "data", event.data() == null ? "" : json(event.data()));
    }

    private Optional<StoredJob> fromHash(Map<String, String> hash) {
        if (hash.isEmpty() || !hash.containsKey("status")) {
            return Optional.empty();
        }
        FineTuningJob.Hyperparameters hyperparameters = read(hash.get("hyperparameters"), FineTuningJob.Hyperparameters.class);
        Map<String, String> metadata = hash.containsKey("metadata")
                ? read(hash.get("metadata"), new TypeReference<LinkedHashMap<String, String>>() {}) : Map.of();
        JobStatus status = JobStatus.of(hash.get("status"));
        FineTuningJob job = new FineTuningJob(hash.get("id"), "fine_tuning.job", Long.parseLong(hash.get("created_at")),
                longOrNull(hash.get("finished_at")), hash.get("model"),
                status == JobStatus.SUCCEEDED ? hash.get("model_name") : null, FineTuningJob.ORGANIZATION, List.of(),
                status, hash.get("training_file"), hash.get("validation_file"), hyperparameters,
                FineTuningJob.Method.supervised(hyperparameters), longOrNull(hash.get("trained_tokens")),
                status == JobStatus.RUNNING ? longOrNull(hash.get("estimated_finish")) : null,
                hash.containsKey("error") ? read(hash.get("error"), FineTuningJob.JobError.class) : null,
                hash.get("suffix"), Long.parseLong(hash.get("seed")), List.of(), metadata,
                read(hash.get("settings"), JobSettings.class));
        int checkpointStep = hash.containsKey("checkpoint_step") ? Integer.parseInt(hash.get("checkpoint_step")) : 0;
        return Optional.of(new StoredJob(job, hash.get("model_name"), checkpointStep, hash.get("checkpoint_dir")));
    }

    private static Long longOrNull(String value) {
        return value == null || value.isEmpty() ? null : Long.parseLong(value);
    }

    static String eventsKey(String id) {
        return PREFIX + id + ":events";
    }

    static String checkpointsKey(String id) {
        return PREFIX + id + ":checkpoints";
    }

    static String ownerKey(String id) {
        return PREFIX + id + ":owner";
    }

    String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not serialise " + value.getClass().getSimpleName(), e);
        }
    }

    private <T> T read(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A job record in Redis is not readable as " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private <T> T read(String json, TypeReference<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A job record in Redis is not readable: " + e.getMessage(), e);
        }
    }
}
