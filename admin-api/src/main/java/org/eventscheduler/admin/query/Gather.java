package org.eventscheduler.admin.query;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one way to gather answers asked of several parties at once (instances, the cluster): every
 * question is already on its way, and all of them share one {@link Deadline}. A party that has not
 * answered when the deadline passes is reported unavailable and its question cancelled; one that
 * failed is reported with the root cause's message. Never waits past the deadline, never throws.
 */
public final class Gather {
    private Gather() {
    }

    /** The outcome of each question, in the order of {@code questions}. */
    public static <K, T> Map<K, Gathered<T>> all(Map<K, CompletableFuture<T>> questions, Deadline deadline) {
        Map<K, Gathered<T>> outcomes = new LinkedHashMap<>();
        boolean interrupted = false;
        for (Map.Entry<K, CompletableFuture<T>> question : questions.entrySet()) {
            CompletableFuture<T> answer = question.getValue();
            if (interrupted) {
                answer.cancel(true);
                outcomes.put(question.getKey(), new Gathered.Unavailable<>("interrupted"));
                continue;
            }
            try {
                outcomes.put(question.getKey(),
                        new Gathered.Answered<>(answer.get(deadline.remainingNanos(), TimeUnit.NANOSECONDS)));
            } catch (TimeoutException e) {
                answer.cancel(true);
                outcomes.put(question.getKey(), new Gathered.Unavailable<>(
                        "no answer within " + deadline.timeout().toMillis() + " ms"));
            } catch (ExecutionException e) {
                outcomes.put(question.getKey(), new Gathered.Unavailable<>(HealthQuery.rootMessage(e.getCause())));
            } catch (CancellationException e) {
                outcomes.put(question.getKey(), new Gathered.Unavailable<>("cancelled"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                interrupted = true;
                answer.cancel(true);
                outcomes.put(question.getKey(), new Gathered.Unavailable<>("interrupted"));
            }
        }
        return outcomes;
    }

    /** The outcome of one question under {@code deadline}. */
    public static <T> Gathered<T> one(CompletableFuture<T> question, Deadline deadline) {
        return all(Map.of(Boolean.TRUE, question), deadline).get(Boolean.TRUE);
    }
}
