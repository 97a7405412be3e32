package dev.lorafoundry.training.data;

/** Thrown while converting one record: the record is skipped and the message becomes its {@link DataProblem}. */
final class BadRecordException extends RuntimeException {

    BadRecordException(String reason) {
        super(reason, null, false, false);
    }
}
