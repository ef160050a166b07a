package org.eventscheduler.admin.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class GatherTest {

    @Test
    void shouldReturnWithinOneDeadlineWhenSeveralInstancesHangAndReportTheLateOnesUnavailable() {
        Map<String, CompletableFuture<String>> questions = new LinkedHashMap<>();
        questions.put("a:1", new CompletableFuture<>());
        questions.put("b:1", CompletableFuture.completedFuture("b's status"));
        questions.put("c:1", new CompletableFuture<>());
        questions.put("d:1", new CompletableFuture<>());
        long start = System.nanoTime();

        Map<String, Gathered<String>> outcomes = Gather.all(questions, Deadline.in(Duration.ofMillis(300)));

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("one deadline for all, not one per hanging instance").isLessThan(Duration.ofMillis(800));
        assertThat(outcomes).containsExactly(
                Map.entry("a:1", new Gathered.Unavailable<>("no answer within 300 ms")),
                Map.entry("b:1", new Gathered.Answered<>("b's status")),
                Map.entry("c:1", new Gathered.Unavailable<>("no answer within 300 ms")),
                Map.entry("d:1", new Gathered.Unavailable<>("no answer within 300 ms")));
        assertThat(questions.get("a:1")).as("a late question is cancelled").isCancelled();
        assertThat(questions.get("d:1")).isCancelled();
    }

    @Test
    void shouldReportAFailedAnswerWithItsRootCause() {
        CompletableFuture<String> failed = CompletableFuture.failedFuture(
                new IllegalStateException("wrapped", new java.net.ConnectException("connection refused")));

        assertThat(Gather.one(failed, Deadline.in(Duration.ofSeconds(1))))
                .isEqualTo(new Gathered.Unavailable<>("connection refused"));
    }

    @Test
    void shouldTakeAnAnswerGivenJustBeforeTheDeadline() {
        CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> "late but in time",
                CompletableFuture.delayedExecutor(100, java.util.concurrent.TimeUnit.MILLISECONDS));

        assertThat(Gather.one(slow, Deadline.in(Duration.ofSeconds(2))))
                .isEqualTo(new Gathered.Answered<>("late but in time"));
    }

    @Test
    void shouldReportEveryQuestionUnavailableOnceInterrupted() {
        Map<String, CompletableFuture<String>> questions = new LinkedHashMap<>();
        questions.put("a:1", new CompletableFuture<>());
        questions.put("b:1", new CompletableFuture<>());
        Thread.currentThread().interrupt();
        try {
            Map<String, Gathered<String>> outcomes = Gather.all(questions, Deadline.in(Duration.ofSeconds(5)));

            assertThat(outcomes.values()).containsOnly(new Gathered.Unavailable<>("interrupted"));
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept").isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
