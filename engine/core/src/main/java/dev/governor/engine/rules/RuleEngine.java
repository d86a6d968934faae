package dev.governor.engine.rules;

import dev.governor.api.Fact;
import dev.governor.engine.FactSink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link RuleSession} on a thread of its own. Facts from any thread queue up; the rules thread
 * inserts them in batches, fires, and hands the decisions to the listener. It also fires once a second
 * when no facts arrive, so rules driven by time alone (an absence, a timer) still fire.
 *
 * <p>The queue is bounded: when it is full, {@link #accept} refuses the whole batch with a message
 * rather than letting memory grow without limit.
 *
 * <p>{@link #swap} puts new rules in on the rules thread, between two batches, so no fact is ever seen
 * by half of one rule set and half of another.
 */
public final class RuleEngine implements FactSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RuleEngine.class);
    private static final Duration IDLE_FIRE_INTERVAL = Duration.ofSeconds(1);

    /** Put in the queue to wake the rules thread for a swap; never inserted. */
    private static final Fact WAKE_UP = () -> Instant.EPOCH;

    private volatile RuleSession session;
    private final BlockingQueue<Fact> queue;
    private final ConcurrentLinkedQueue<Swap> swaps = new ConcurrentLinkedQueue<>();
    private final Consumer<List<Decision>> listener;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile long factCount;
    private volatile long factsIn;

    private record Swap(CompiledRules rules, CompletableFuture<RuleSession.CarryOver> done) {
    }

    public RuleEngine(RuleSession session, int queueCapacity, Consumer<List<Decision>> listener) {
        this.session = session;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.listener = listener;
        this.thread = new Thread(this::loop, "governor-rules");
        this.thread.setDaemon(true);
    }

    public RuleEngine start() {
        thread.start();
        return this;
    }

    @Override
    public synchronized void accept(List<? extends Fact> facts) {
        if (!running) {
            throw new IllegalStateException("the rules engine is stopped; " + facts.size() + " fact(s) not taken");
        }
        if (queue.remainingCapacity() < facts.size()) {
            throw new IllegalStateException("the rules engine is behind: " + queue.size() + " facts wait and "
                    + facts.size() + " more do not fit (engine.queueCapacity is " + (queue.size() + queue.remainingCapacity())
                    + "); the batch was refused");
        }
        queue.addAll(facts);
    }

    private void loop() {
        List<Fact> batch = new ArrayList<>();
        long lastFire = System.nanoTime();
        try {
            while (running || !queue.isEmpty()) {
                // Short polls so that close() is prompt; an idle session is fired once a second.
                Fact first = queue.poll(100, TimeUnit.MILLISECONDS);
                runSwaps();
                batch.clear();
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, 1023);
                    batch.removeIf(fact -> fact == WAKE_UP);
                }
                if (batch.isEmpty() && System.nanoTime() - lastFire < IDLE_FIRE_INTERVAL.toNanos()) {
                    continue;
                }
                process(batch);
                lastFire = System.nanoTime();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    /**
     * Replaces the rules: on the rules thread, between two batches, opens a session of {@code rules}
     * holding the live facts ({@link RuleSession#carryOver}), closes the old session, and hands the
     * actions that are new with these rules to the listener. Waits until done. When the new rules fail on
     * the facts carried over (a consequence throws), the old session stays and the exception is thrown here.
     */
    public RuleSession.CarryOver swap(CompiledRules rules) {
        Swap swap = new Swap(rules, new CompletableFuture<>());
        synchronized (this) {
            if (!running) {
                throw new IllegalStateException("the rules engine is stopped");
            }
            if (thread.getState() == Thread.State.NEW) {
                run(swap);
            } else {
                swaps.add(swap);
                queue.offer(WAKE_UP); // when the queue is full, the rules thread is busy and comes round anyway
            }
        }
        try {
            return swap.done().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }

    private void runSwaps() {
        for (Swap swap = swaps.poll(); swap != null; swap = swaps.poll()) {
            run(swap);
        }
    }

    private void run(Swap swap) {
        RuleSession.CarryOver carried;
        try {
            carried = session.carryOver(swap.rules());
        } catch (RuntimeException | Error e) {
            swap.done().completeExceptionally(e);
            return;
        }
        RuleSession old = session;
        session = carried.session();
        old.close();
        factCount = session.factCount();
        if (session.runaway() != null) {
            LOG.error("Rules stopped on the facts carried over to the reloaded rules: {}", session.runaway());
        }
        swap.done().complete(carried);
        handOver(carried.decisions());
    }

    private void process(List<Fact> batch) {
        List<Decision> decisions;
        try {
            decisions = batch.isEmpty() ? session.fire() : session.insert(batch);
        } catch (RuntimeException e) {
            // A rule's consequence threw. The session stays usable; the facts stay inserted.
            LOG.error("A rule failed while processing {} fact(s): {}", batch.size(), e.getMessage(), e);
            return;
        }
        if (session.runaway() != null) {
            LOG.error("Rules stopped while processing {} fact(s): {}", batch.size(), session.runaway());
        }
        factsIn += batch.size();
        factCount = session.factCount();
        handOver(decisions);
    }

    private void handOver(List<Decision> decisions) {
        if (!decisions.isEmpty()) {
            try {
                listener.accept(decisions);
            } catch (RuntimeException e) {
                LOG.error("Could not hand over {} decision(s): {}", decisions.size(), e.getMessage(), e);
            }
        }
    }

    /** Told the rule's name at each firing, on the rules thread; kept across reloads. */
    public void onFiring(java.util.function.Consumer<String> listener) {
        session.onFiring(listener);
    }

    /** The rules the session runs now. */
    public CompiledRules rules() {
        return session.rules();
    }

    /** Facts in the session after the last batch: a point-in-time number. */
    public long factCount() {
        return factCount;
    }

    /** Facts inserted since start. */
    public long factsIn() {
        return factsIn;
    }

    /** True while the rules thread takes facts: started and not closed. */
    public boolean running() {
        return running && thread.isAlive();
    }

    /** Facts waiting for the rules thread. */
    public int queued() {
        return queue.size();
    }

    /** Stops taking facts, processes those already queued, then closes the session. */
    @Override
    public void close() {
        synchronized (this) {
            running = false;
        }
        try {
            if (thread.isAlive() && !stopped.await(10, TimeUnit.SECONDS)) {
                LOG.warn("The rules thread did not finish within 10s; interrupting it");
                thread.interrupt();
                stopped.await(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Swap swap = swaps.poll(); swap != null; swap = swaps.poll()) {
            swap.done().completeExceptionally(new IllegalStateException("the rules engine stopped before the new rules were in"));
        }
        session.close();
    }
}
