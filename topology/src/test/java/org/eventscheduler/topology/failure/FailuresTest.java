package org.eventscheduler.topology.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailuresTest {
    private static final Duration TERMINATES = Duration.ofSeconds(5);

    @Test
    void shouldFindTheLastCause() {
        IOException root = new IOException("disk full");
        RuntimeException error = new RuntimeException("cannot write", new IllegalStateException("flush", root));

        assertThat(Failures.rootCause(error)).isSameAs(root);
    }

    @Test
    void shouldBeTheExceptionItselfWithoutACause() {
        RuntimeException error = new RuntimeException("alone");

        assertThat(Failures.rootCause(error)).isSameAs(error);
    }

    @Test
    void shouldStopAtAnExceptionThatIsItsOwnCause() {
        RuntimeException selfCaused = new RuntimeException("its own cause") {
            @Override
            public synchronized Throwable getCause() {
                return this;
            }
        };
        RuntimeException error = new RuntimeException("outer", selfCaused);

        Throwable root = assertTimeoutPreemptively(TERMINATES, () -> Failures.rootCause(error));

        assertThat(root).isSameAs(selfCaused);
    }

    @Test
    void shouldStopWhenTheCausesGoRound() {
        RuntimeException first = new RuntimeException("first");
        RuntimeException second = new RuntimeException("second");
        first.initCause(second);
        second.initCause(first);

        Throwable root = assertTimeoutPreemptively(TERMINATES, () -> Failures.rootCause(first));

        assertThat(root).isSameAs(second);
    }
}
