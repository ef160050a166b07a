package org.eventscheduler.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamThreadFailuresTest {

    @Test
    void aFencedThreadIsReplacedWhateverWrapsTheFencing() {
        // as a woken zombie sees it: the commit of its transaction refused by the broker
        StreamsException refusedCommit = new StreamsException("Error encountered trying to commit a transaction",
                new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state."));
        assertThat(StreamThreadFailures.responseTo(refusedCommit)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(StreamThreadFailures.responseTo(new StreamsException(new StreamsException(
                new ProducerFencedException("fenced"))))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(StreamThreadFailures.responseTo(new InvalidProducerEpochException("old epoch")))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void anyOtherFailureStopsTheInstance() {
        assertThat(StreamThreadFailures.responseTo(new StreamsException("boom", new TopicAuthorizationException("denied"))))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(StreamThreadFailures.responseTo(new IllegalStateException("a bug")))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }
}
