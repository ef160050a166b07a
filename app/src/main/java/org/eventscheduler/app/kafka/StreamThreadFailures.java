package org.eventscheduler.app.kafka;

import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * What the instance does when a stream thread dies. A thread whose transaction the broker refused
 * because another producer took over (it was frozen past its session timeout, or cut off from the
 * cluster, and its tasks moved on) is a zombie, not a broken instance: a new thread rejoins the group
 * with a new producer. Anything else stops the instance, which exits so that its supervisor restarts
 * it and the failure is seen.
 */
final class StreamThreadFailures {
    private StreamThreadFailures() {
    }

    static StreamThreadExceptionResponse responseTo(Throwable failure) {
        return isFencing(failure) ? StreamThreadExceptionResponse.REPLACE_THREAD
                : StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    /** Whether the failure, or one of its causes, says another producer has taken over the thread's transactions. */
    static boolean isFencing(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ProducerFencedException || cause instanceof InvalidProducerEpochException
                    || cause instanceof InvalidTxnStateException) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
