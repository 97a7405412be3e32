package dev.lorafoundry.jobs;

import dev.lorafoundry.config.LoraFoundryConfig;
import dev.lorafoundry.redis.RedisUnavailableException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A job's events as a live feed, oldest first: everything logged so far, then each new event as it is written,
 * ending once the job has ended and its last event was sent. Polls the stream (a blocking XREAD would hold one of the
 * gateway's few connections per listener); rides out Redis restarts.
 */
@ApplicationScoped
public class JobEventFeed {

    static final Duration POLL = Duration.ofMillis(200);
    private static final int BATCH = 200;

    @Inject
    JobStore store;

    @Inject
    LoraFoundryConfig config;

    /** Events after the event {@code after} (or from the first), until the job ends or the client goes away. */
    public Multi<JobEvent> follow(String id, Optional<String> after) {
        String start = after.map(JobEvents::streamId).orElse("0");
        if (start == null) {
            throw new InvalidJobRequestException("after", "'after' must be the id of one of this job's events (ftevent-…),"
                    + " not '" + after.get() + "'.");
        }
        return Multi.createFrom().emitter(emitter -> {
            Thread follower = Thread.ofVirtual().name("job-events-feed-" + id).start(() -> pump(id, start, emitter));
            emitter.onTermination(follower::interrupt);
        });
    }

    private void pump(String id, String start, MultiEmitter<? super JobEvent> emitter) {
        String last = start;
        try {
            while (!emitter.isCancelled()) {
                try {
                    List<JobEvent> batch = store.eventsSince(id, last, BATCH);
                    for (JobEvent event : batch) {
                        emitter.emit(event);
                        last = JobEvents.streamIdOf(event);
                    }
                    if (batch.isEmpty()) {
                        // The worker writes its last event as it lets go of the job: once the job is final and no
                        // worker holds it, one more read gets everything.
                        boolean ended = store.find(id).map(job -> job.status().isTerminal()).orElse(true)
                                && !store.isClaimed(id);
                        if (ended) {
                            for (JobEvent event : store.eventsSince(id, last, Integer.MAX_VALUE)) {
                                emitter.emit(event);
                            }
                            emitter.complete();
                            return;
                        }
                        Thread.sleep(POLL.toMillis());
                    }
                } catch (RedisUnavailableException e) {
                    Thread.sleep(Math.max(POLL.toMillis(), config.jobs().pollInterval().toMillis()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            emitter.fail(e);
        }
    }
}
