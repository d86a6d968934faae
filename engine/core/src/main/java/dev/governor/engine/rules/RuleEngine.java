package dev.governor.engine.rules;

import dev.governor.api.Fact;
import dev.governor.engine.FactSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
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
 */
public final class RuleEngine implements FactSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RuleEngine.class);
    private static final Duration IDLE_FIRE_INTERVAL = Duration.ofSeconds(1);

    private final RuleSession session;
    private final BlockingQueue<Fact> queue;
    private final Consumer<List<Decision>> listener;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile long factCount;
    private volatile long factsIn;

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
                batch.clear();
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, 1023);
                } else if (System.nanoTime() - lastFire < IDLE_FIRE_INTERVAL.toNanos()) {
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

    private void process(List<Fact> batch) {
        List<Decision> decisions;
        try {
            decisions = batch.isEmpty() ? session.fire() : session.insert(batch);
        } catch (RuntimeException e) {
            // A rule's consequence threw. The session stays usable; the facts stay inserted.
            LOG.error("A rule failed while processing {} fact(s): {}", batch.size(), e.getMessage(), e);
            return;
        }
        factsIn += batch.size();
        factCount = session.factCount();
        if (!decisions.isEmpty()) {
            try {
                listener.accept(decisions);
            } catch (RuntimeException e) {
                LOG.error("Could not hand over {} decision(s): {}", decisions.size(), e.getMessage(), e);
            }
        }
    }

    /** Facts in the session after the last batch: a point-in-time number. */
    public long factCount() {
        return factCount;
    }

    /** Facts inserted since start. */
    public long factsIn() {
        return factsIn;
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
        session.close();
    }
}
