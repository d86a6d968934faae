package dev.governor.testkit;

import dev.governor.api.Action;
import dev.governor.api.ActionOutcome;
import dev.governor.spi.ActionHandler;
import dev.governor.spi.ActionPlugin;
import dev.governor.spi.PluginContext;
import dev.governor.spi.Spi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a plugin in a test as Governor runs it: found through {@link ServiceLoader} (so the test also
 * checks the plugin's {@code META-INF/services/dev.governor.spi.ActionPlugin}), checked as Governor checks it
 * at start-up (name, action types, SPI version), its handler created with a context, and each action handled
 * on a worker thread with a timeout, a handler that throws, returns nothing or runs past the timeout giving
 * a {@code FAILED} outcome with the message Governor would audit.
 *
 * <pre>{@code
 * try (PluginHarness harness = PluginHarness.load("diagnose")) {
 *     harness.start(RecordingPluginContext.forPlugin("diagnose").withSetting("dir", dir.toString()));
 *     ActionOutcome outcome = harness.run(PluginHarness.action("jvm.diagnose", "self", Map.of("kind", "threads")));
 *     OutcomeAssert.assertApplied(outcome).messageContains("thread dump");
 * }
 * }</pre>
 */
public final class PluginHarness implements AutoCloseable {

    /** The action timeout when none is set: Governor's default {@code actions.timeout}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final ActionPlugin plugin;
    private final ExecutorService workers;
    private Duration timeout = DEFAULT_TIMEOUT;
    private PluginContext context;
    private ActionHandler handler;

    private PluginHarness(ActionPlugin plugin) {
        this.plugin = plugin;
        this.workers = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "plugin-harness-" + plugin.name());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Finds the plugin named {@code name} with this class's class loader. */
    public static PluginHarness load(String name) {
        return load(name, PluginHarness.class.getClassLoader());
    }

    /**
     * Finds the plugin named {@code name} through {@link ServiceLoader} on {@code classLoader}, and checks it
     * as Governor does: one plugin of that name, a plugin name Governor accepts, at least one well-formed action
     * type, an SPI version this SPI runs.
     *
     * @throws AssertionError naming what is wrong and the fix
     */
    public static PluginHarness load(String name, ClassLoader classLoader) {
        Objects.requireNonNull(name, "name is null");
        List<ActionPlugin> named = new ArrayList<>();
        List<String> others = new ArrayList<>();
        try {
            for (ActionPlugin candidate : ServiceLoader.load(ActionPlugin.class, classLoader)) {
                if (name.equals(candidate.name())) {
                    named.add(candidate);
                } else {
                    others.add(candidate.name() + " (" + candidate.getClass().getName() + ")");
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new AssertionError("a plugin listed in META-INF/services/" + ActionPlugin.class.getName()
                    + " cannot be loaded: " + e.getMessage(), e);
        }
        if (named.isEmpty()) {
            throw new AssertionError("no plugin named '" + name + "' is listed in META-INF/services/" + ActionPlugin.class.getName()
                    + " on the test classpath; found: " + (others.isEmpty() ? "none" : String.join(", ", others))
                    + ". List the class that implements ActionPlugin in that file (src/main/resources)");
        }
        if (named.size() > 1) {
            throw new AssertionError("two plugins are named '" + name + "': " + named.get(0).getClass().getName() + " and "
                    + named.get(1).getClass().getName() + "; Governor refuses to start with both");
        }
        ActionPlugin plugin = named.get(0);
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new AssertionError("plugin name '" + name + "': Governor takes lower-case letters, digits and dashes");
        }
        if (plugin.actionTypes() == null || plugin.actionTypes().isEmpty()) {
            throw new AssertionError("plugin '" + name + "' handles no action type: actionTypes() must name at least one");
        }
        for (String type : plugin.actionTypes()) {
            try {
                new Action(type, "target", "");
            } catch (RuntimeException e) {
                throw new AssertionError("plugin '" + name + "': " + e.getMessage(), e);
            }
        }
        String incompatibility = Spi.incompatibility(plugin.spiVersion());
        if (incompatibility != null) {
            throw new AssertionError("plugin '" + name + "' would be refused by a Governor with SPI " + Spi.VERSION + ": "
                    + incompatibility);
        }
        return new PluginHarness(plugin);
    }

    /** An action with a reason a test does not care about. */
    public static Action action(String type, String target, Map<String, Object> params) {
        return new Action(type, target, params, "test");
    }

    /** The plugin found. */
    public ActionPlugin plugin() {
        return plugin;
    }

    /** How long {@link #run} waits for a handler; default 30s, as Governor's {@code actions.timeout}. */
    public PluginHarness timeout(Duration newTimeout) {
        Objects.requireNonNull(newTimeout, "timeout is null");
        if (newTimeout.isNegative() || newTimeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + newTimeout);
        }
        this.timeout = newTimeout;
        return this;
    }

    /**
     * Creates the handler, as Governor does at start-up. A plugin that refuses its settings throws here, as
     * it would stop Governor: test that message with your framework's assertion on exceptions.
     */
    public ActionHandler start(PluginContext newContext) {
        Objects.requireNonNull(newContext, "context is null");
        if (handler != null) {
            throw new IllegalStateException("the handler is started already; use a harness per handler");
        }
        ActionHandler created = plugin.create(newContext);
        if (created == null) {
            throw new AssertionError("plugin '" + plugin.name() + "': create returned null; Governor refuses to start");
        }
        this.context = newContext;
        this.handler = created;
        return created;
    }

    /** The handler {@link #start} created. */
    public ActionHandler handler() {
        if (handler == null) {
            throw new IllegalStateException("start(context) first");
        }
        return handler;
    }

    /**
     * Handles one action on a worker thread, as Governor's dispatcher does: the outcome the handler returns;
     * or {@code FAILED} with the exception's message when it throws, with "returned no outcome" when it returns
     * null, and with "timed out after ..." when it runs past the timeout (the worker is then interrupted).
     *
     * @throws IllegalArgumentException when the plugin does not handle the action's type
     * @throws AssertionError           when the handler returns an outcome for another action
     */
    public ActionOutcome run(Action action) {
        Objects.requireNonNull(action, "action is null");
        ActionHandler running = handler();
        if (!plugin.actionTypes().contains(action.type())) {
            throw new IllegalArgumentException("plugin '" + plugin.name() + "' does not handle '" + action.type()
                    + "'; it handles " + plugin.actionTypes());
        }
        Future<ActionOutcome> result = workers.submit(() -> handleOne(running, action));
        ActionOutcome outcome;
        try {
            outcome = result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            return ActionOutcome.failed(action, "timed out after " + timeout + " (actions.timeout); the handler was interrupted",
                    context.clock().instant());
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            return ActionOutcome.failed(action, "interrupted", context.clock().instant());
        } catch (ExecutionException e) {
            throw new IllegalStateException("the harness failed to run the handler", e.getCause());
        }
        if (!outcome.action().equals(action)) {
            throw new AssertionError("the outcome is for another action: handled " + action + ", outcome for " + outcome.action()
                    + "; return ActionOutcome.applied(action, ...) with the action given to handle");
        }
        return outcome;
    }

    /** {@link #run} for each action, one after another. */
    public List<ActionOutcome> runAll(List<Action> actions) {
        return actions.stream().map(this::run).toList();
    }

    /** {@link ActionHandler#current} on a worker thread, within the timeout. */
    public Map<String, Number> current(String target) throws Exception {
        ActionHandler running = handler();
        Future<Map<String, Number>> result = workers.submit(() -> running.current(target));
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            result.cancel(true);
            throw new AssertionError("current(" + target + ") took longer than " + timeout + "; it must be quick");
        }
    }

    private ActionOutcome handleOne(ActionHandler running, Action action) {
        try {
            ActionOutcome outcome = running.handle(action);
            if (outcome == null) {
                return ActionOutcome.failed(action, running.getClass().getName() + " returned no outcome", context.clock().instant());
            }
            return outcome;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ActionOutcome.failed(action, "interrupted", context.clock().instant());
        } catch (Exception | LinkageError | AssertionError e) {
            String message = e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + e.getMessage();
            return ActionOutcome.failed(action, message, context.clock().instant());
        }
    }

    /** Closes the handler, as Governor does when it stops, and the worker threads. */
    @Override
    public void close() {
        try {
            if (handler != null) {
                handler.close();
            }
        } finally {
            workers.shutdownNow();
        }
    }
}
