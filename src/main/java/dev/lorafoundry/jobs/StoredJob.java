package dev.lorafoundry.jobs;

/**
 * A job as stored, with what the worker needs beyond the API view.
 *
 * @param job            the API view
 * @param modelName      the name the adapter gets when the job succeeds ({@code ft:<base>:<suffix>:<id>})
 * @param checkpointStep the step of the last checkpoint, 0 if none
 * @param checkpointDir  the folder of the last checkpoint, or null
 */
public record StoredJob(FineTuningJob job, String modelName, int checkpointStep, String checkpointDir) {

    public String id() {
        return job.id();
    }

    public JobStatus status() {
        return job.status();
    }
}
