package org.eventscheduler.app.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Fault injection with real processes: the broker and the application instances run in JVMs of their
 * own, killed with {@code kill -9}, frozen with SIGSTOP, restarted. After each run the {@link Verifier}
 * checks, per input record, that nothing was lost or duplicated, that the pause records equal the
 * oracle's, and that no transaction is left open. {@code ./scheduler soak} runs the same scenarios
 * with ten times the events.
 */
class FaultIT {
    private static final int EVENTS = Integer.getInteger("fault.events", 16_000);
    private static final int RATE = Integer.getInteger("fault.rate", 500);
    private static final Duration CATCH_UP = Duration.ofSeconds(Integer.getInteger("fault.catch-up-seconds", 180));

    private static Path dir(String name) throws Exception {
        return Files.createTempDirectory("fault-" + name + "-");
    }

    /**
     * Produces the workload in the background, on a thread of its own: not the common pool, which has one
     * thread on two cores, so a producer stuck on the dead broker of a failed scenario would hold up every
     * later scenario's producer.
     */
    private static CompletableFuture<Void> produce(FaultCluster cluster, Workload workload) {
        return CompletableFuture.runAsync(() -> {
            try (KafkaProducer<byte[], byte[]> producer = cluster.producer()) {
                workload.produce(producer, cluster.config().topics().ingress(), 0, workload.count(), RATE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, FaultIT::onWorkloadThread);
    }

    private static void onWorkloadThread(Runnable task) {
        Thread thread = new Thread(task, "fault-workload-producer");
        thread.setDaemon(true);
        thread.start();
    }

    private static long poisonCount(Workload workload) {
        return IntStream.range(0, workload.count()).filter(i -> workload.input(i).poison()).count();
    }

    private static void sleepSeconds(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }

    /** Waits until the application's group has committed every input it reads up to the end. */
    private static void awaitCaughtUp(FaultCluster cluster) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        String ingress = cluster.config().topics().ingress();
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        try (Admin admin = Admin.create(props)) {
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                        cluster.config().kafka().applicationId()).partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                committed.keySet().forEach(p -> latest.put(p, OffsetSpec.latest()));
                for (int p = 0; p < 4; p++) {
                    latest.put(new TopicPartition(ingress, p), OffsetSpec.latest());
                }
                var ends = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
                long behind = 0;
                for (var end : ends.entrySet()) {
                    OffsetAndMetadata position = committed.get(end.getKey());
                    behind += Math.max(0, end.getValue().offset() - (position == null ? 0 : position.offset()));
                }
                if (behind == 0) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the application is still " + behind + " records behind after " + CATCH_UP
                            + "\n" + cluster.logs());
                }
                Thread.sleep(500);
            }
        }
    }

    private static Verifier.Report finish(FaultCluster cluster, CompletableFuture<Void> producing) throws Exception {
        return finish(cluster, producing, java.util.Optional.empty());
    }

    private static Verifier.Report finish(FaultCluster cluster, CompletableFuture<Void> producing,
                                          java.util.Optional<Verifier.MovedTrigger> moved) throws Exception {
        // the workload's own duration, plus the producer's delivery timeout for a broker restart
        producing.get(EVENTS / RATE + 300, java.util.concurrent.TimeUnit.SECONDS);
        awaitCaughtUp(cluster);
        cluster.stopInstances();
        return new Verifier(cluster.bootstrapServers(), cluster.config(), moved).verify();
    }

    private static void assertClean(Verifier.Report report, Workload workload) {
        assertThat(report.clean()).as(report.toString()).isTrue();
        // every record the workload sent is on the ingress topic; a broker killed with -9 may also hold a
        // retried send twice (its idempotence state is not durable then): those copies are inputs like any
        // other, and report.clean() above shows each one processed exactly once
        assertThat((long) report.distinctInputs()).as(report.toString()).isEqualTo(workload.distinctValues());
        int copies = report.inputs() - workload.count();
        assertThat(copies).as(report.toString()).isBetween(0, 100);
        assertThat((long) report.invalid()).as("every poison pill dead-lettered")
                .isBetween(poisonCount(workload), poisonCount(workload) + copies);
        assertThat(report.pauseRecords()).as("the storm's pause and its resume").isGreaterThanOrEqualTo(2);
        assertThat(report.starts()).isPositive();
    }

    /**
     * Three instances killed with -9 and restarted in turn, and (issue 21) the pinned trigger {@code t-vip}
     * moved from {@code calm-3} to {@code calm-5} half way through the input, one second before the second
     * kill: its home moves to the other source's task while the tasks move between instances. No event of
     * either source starts it twice, both homes start workflows, and every other trigger and record is
     * exactly once.
     *
     * <p>The move waits for the first restart to be over: an instance publishes the triggers file it read
     * when it started, so one that read it before the move and published after it would put the old
     * definition back (it did, on a slow machine: every event of the input met the old one, and {@code
     * calm-5} started nothing). The move is tied to the input, not to the wall clock, for the same reason.
     */
    @Test
    void threeInstancesKilledAndRestartedOneAfterAnotherWhileAPinnedTriggerMovesLoseAndDuplicateNothing()
            throws Exception {
        Workload workload = new Workload(EVENTS, true);
        // shared triggers start from granted budget here: kill -9 during grants (and during t-vip's move)
        try (FaultCluster cluster = new FaultCluster(dir("kill"), "exactly-once", "granted-budget").startBroker()) {
            for (int n = 0; n < 3; n++) {
                cluster.startInstance(n);
            }
            CompletableFuture<Void> firstRestarted = new CompletableFuture<>();
            CompletableFuture<Void> moved = new CompletableFuture<>();
            CompletableFuture<Void> producing = produceMovingVipHalfWay(cluster, workload, firstRestarted, moved);
            for (int n = 0; n < 3; n++) {
                if (n == 1) {
                    moved.get(CATCH_UP.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                    sleepSeconds(1);
                } else {
                    sleepSeconds(4);
                }
                cluster.instance(n).kill9();
                sleepSeconds(2);
                cluster.startInstance(n);
                if (n == 0) {
                    firstRestarted.complete(null);
                }
            }
            Verifier.Report report = finish(cluster, producing, java.util.Optional.of(
                    new Verifier.MovedTrigger("t-vip", "user.signup", java.util.Set.of(Workload.VIP_SOURCE, "calm-5"))));
            assertClean(report, workload);
        }
    }

    /**
     * Produces the first half of the workload, waits until the first restart is over and {@code t-vip} has
     * started a workflow at its first home, moves it to {@code calm-5}, completes {@code moved}, and produces
     * the second half.
     */
    private static CompletableFuture<Void> produceMovingVipHalfWay(FaultCluster cluster, Workload workload,
                                                                  CompletableFuture<Void> firstRestarted,
                                                                  CompletableFuture<Void> moved) {
        return CompletableFuture.runAsync(() -> {
            try (KafkaProducer<byte[], byte[]> producer = cluster.producer()) {
                String ingress = cluster.config().topics().ingress();
                int half = workload.count() / 2;
                workload.produce(producer, ingress, 0, half, RATE);
                firstRestarted.get(CATCH_UP.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                awaitVipStarted(cluster);
                moveVipTrigger(cluster, "calm-5");
                moved.complete(null);
                workload.produce(producer, ingress, half, workload.count(), RATE);
            } catch (Exception | AssertionError e) {
                moved.completeExceptionally(e);
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("the workload producer failed around t-vip's move", e);
            }
        }, FaultIT::onWorkloadThread);
    }

    /** Waits until {@code t-vip}, still pinned to its first source, has a start on the starts topic (read committed). */
    private static void awaitVipStarted(FaultCluster cluster) throws Exception {
        Verifier verifier = new Verifier(cluster.bootstrapServers(), cluster.config());
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        while (verifier.readAll(cluster.config().topics().workflowStarts()).stream()
                .noneMatch(start -> new String(start.key(), java.nio.charset.StandardCharsets.UTF_8).equals("t-vip"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("t-vip started no workflow at " + Workload.VIP_SOURCE + " within " + CATCH_UP
                        + "\n" + cluster.logs());
            }
            Thread.sleep(500);
        }
    }

    /**
     * Redefines the pinned trigger {@code t-vip} on {@code source}, as an operator would: the definition on
     * {@code scheduler.triggers}, and the triggers file that instances publish when they start (a restarted
     * instance would otherwise put the old definition back).
     */
    private static void moveVipTrigger(FaultCluster cluster, String source) throws Exception {
        cluster.rewriteTriggersFile(Workload.TRIGGERS_YAML.replace("source: " + Workload.VIP_SOURCE, "source: " + source));
        try (KafkaProducer<byte[], byte[]> producer = cluster.producer()) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(cluster.config().topics().triggers(),
                    "t-vip".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    ("{\"id\":\"t-vip\",\"source\":\"" + source + "\",\"type\":\"user.signup\",\"workflow\":\"vip\"}")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8))).get();
        }
    }

    /** The storm's events admitted so far, read committed (directly, or released after they were held). */
    private static long stormAccepted(FaultCluster cluster) {
        return new Verifier(cluster.bootstrapServers(), cluster.config()).readAll(cluster.config().topics().accepted())
                .stream().filter(r -> new String(r.key(), java.nio.charset.StandardCharsets.UTF_8).equals("storm")).count();
    }

    /** Waits until more than {@code count} of the storm's events are admitted. */
    private static long awaitStormAccepted(FaultCluster cluster, long count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long accepted = stormAccepted(cluster);
            if (accepted > count) {
                return accepted;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the storm has " + accepted + " events admitted, not more than " + count
                        + " after " + timeout + "\n" + cluster.logs());
            }
            Thread.sleep(500);
        }
    }

    /** Waits for the hold notice that says the storm holds nothing any more. */
    private static void awaitStormDrained(FaultCluster cluster) throws Exception {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        Verifier verifier = new Verifier(cluster.bootstrapServers(), cluster.config());
        while (verifier.readAll(cluster.config().topics().throttled()).stream().noneMatch(r ->
                new String(r.key(), java.nio.charset.StandardCharsets.UTF_8).equals("source:storm")
                        && new String(r.value(), java.nio.charset.StandardCharsets.UTF_8).contains("\"drained\""))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the storm did not drain within " + CATCH_UP + "\n" + cluster.logs());
            }
            Thread.sleep(1000);
        }
    }

    @Test
    void aBacklogKilledWhileItIsReleasedComesBackWholeAndOnlyOnce() throws Exception {
        Workload workload = new Workload(EVENTS, true);
        long stormEvents = IntStream.range(0, workload.count()).filter(i -> workload.input(i).source().equals("storm"))
                .count();
        long limit = 200;
        try (FaultCluster cluster = new FaultCluster(dir("release"), "exactly-once").startBroker()) {
            cluster.startInstance(0);
            cluster.startInstance(1);
            CompletableFuture<Void> producing = produce(cluster, workload);
            // the storm is paused after its first 200 events and holds the rest; after its cooldown it resumes
            // and its backlog is released at its limit, 200 per 10 s: kill each instance while that goes on
            long beforeFirstKill = awaitStormAccepted(cluster, limit + 100, Duration.ofSeconds(180));
            cluster.instance(0).kill9();
            sleepSeconds(2);
            cluster.startInstance(0);
            long beforeSecondKill = awaitStormAccepted(cluster, beforeFirstKill + 100, Duration.ofSeconds(180));
            cluster.instance(1).kill9();
            sleepSeconds(2);
            cluster.startInstance(1);
            producing.get(EVENTS / RATE + 300, java.util.concurrent.TimeUnit.SECONDS);
            awaitCaughtUp(cluster);
            awaitStormDrained(cluster);
            cluster.stopInstances();
            Verifier.Report report = new Verifier(cluster.bootstrapServers(), cluster.config()).verify();

            assertClean(report, workload);
            assertThat(beforeSecondKill).as("the second kill came while the backlog was still being released")
                    .isLessThan(stormEvents);
            assertThat(report.held()).as("nothing held at the end, nothing expired: " + report).isZero();
            assertThat(stormAccepted(cluster)).as("every storm event admitted once, after its release")
                    .isEqualTo(stormEvents);
        }
    }

    @Test
    void anInstanceFrozenPastItsSessionTimeoutIsFencedAndDuplicatesNothing() throws Exception {
        Workload workload = new Workload(EVENTS, true);
        try (FaultCluster cluster = new FaultCluster(dir("sigstop"), "exactly-once").startBroker()) {
            cluster.startInstance(0);
            cluster.startInstance(1);
            CompletableFuture<Void> producing = produce(cluster, workload);
            sleepSeconds(5);
            ChildJvm frozen = cluster.instance(0);
            frozen.suspend();
            // past session.timeout.ms (10 s): the group gives its tasks to instance 1
            sleepSeconds(16);
            frozen.resume();
            // on waking up it finds itself fenced: a failed send or commit ("fenced"), its next poll ("lost due to
            // missed rebalance"), or the broker refusing its transaction (its stream thread is then replaced and
            // rejoins the group: StreamThreadFailures); whichever it sees first, the verifier below finds
            // nothing duplicated
            frozen.awaitLogAny(List.of("Detected that the thread is being fenced", "lost due to missed rebalance",
                    "InvalidTxnStateException", "ProducerFencedException", "InvalidProducerEpochException"),
                    Duration.ofSeconds(60));
            Verifier.Report report = finish(cluster, producing);
            assertClean(report, workload);
        }
    }

    @Test
    void theApplicationRecoversByItselfWhenTheBrokerIsKilledAndRestarted() throws Exception {
        Workload workload = new Workload(EVENTS, true);
        // granted budget again: the broker dies while demands and grants are in flight
        try (FaultCluster cluster = new FaultCluster(dir("broker"), "exactly-once", "granted-budget").startBroker()) {
            ChildJvm instance = cluster.startInstance(0);
            CompletableFuture<Void> producing = produce(cluster, workload);
            sleepSeconds(6);
            cluster.broker().kill9();
            sleepSeconds(4);
            cluster.startBroker();
            Verifier.Report report = finish(cluster, producing);
            assertThat(instance.log()).as("the instance was never restarted").containsOnlyOnce("=== start instance-0");
            assertClean(report, workload);
        }
    }

    @Test
    void poisonPillsAllGoToTheDlqOnceAndThePipelineNeverStops() throws Exception {
        Workload workload = new Workload(EVENTS, true);
        try (FaultCluster cluster = new FaultCluster(dir("poison"), "exactly-once").startBroker()) {
            cluster.startInstance(0);
            Verifier.Report report = finish(cluster, produce(cluster, workload));
            assertClean(report, workload);
            Verifier verifier = new Verifier(cluster.bootstrapServers(), cluster.config());
            List<String> reasons = verifier.readAll(cluster.config().topics().dlq()).stream()
                    .map(r -> new String(r.headers().lastHeader("scheduler.reason").value())).distinct().sorted().toList();
            assertThat(reasons).contains("undecodable", "invalid-json", "missing-attribute", "oversize",
                    "invalid-attribute");
        }
    }

    @Test
    void theVerifierSeesTheDuplicatesOfAtLeastOnce() throws Exception {
        Workload workload = new Workload(EVENTS / 2, false);
        try (FaultCluster cluster = new FaultCluster(dir("alos"), "at-least-once").startBroker()) {
            cluster.startInstance(0);
            CompletableFuture<Void> producing = produce(cluster, workload);
            // at-least-once commits every 30 s: a kill before that re-processes what was done since
            sleepSeconds(8);
            cluster.instance(0).kill9();
            cluster.startInstance(0);
            Verifier.Report report = finish(cluster, producing);
            assertThat(report.duplicated()).as("the same verifier finds at-least-once's duplicates: " + report)
                    .isNotEmpty();
            assertThat(report.lost()).as(report.toString()).isEmpty();
        }
    }
}
