package dev.governor.testkit;

import dev.governor.api.ActionOutcome;
import dev.governor.spi.ActionHandler;
import dev.governor.spi.ActionPlugin;
import dev.governor.spi.PluginContext;
import dev.governor.spi.Spi;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** A plugin for the kit's own tests: param {@code behave} says what its handler does. */
public final class SamplePlugin implements ActionPlugin {

    /** Counted down when a hanging handler is interrupted. */
    static volatile CountDownLatch interrupted = new CountDownLatch(1);

    @Override
    public String name() {
        return "sample";
    }

    @Override
    public String spiVersion() {
        return Spi.VERSION;
    }

    @Override
    public Set<String> actionTypes() {
        return Set.of("sample.do");
    }

    @Override
    public ActionHandler create(PluginContext context) {
        String greeting = context.setting("greeting", "done");
        return action -> switch (action.param("behave", "apply").toString()) {
            case "apply" -> ActionOutcome.applied(action, greeting + " " + action.target(), context.clock().instant());
            case "skip" -> ActionOutcome.skipped(action, "nothing to do on " + action.target(), context.clock().instant());
            case "throw" -> throw new IllegalStateException("no such target " + action.target());
            case "null" -> null;
            case "hang" -> {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
                yield ActionOutcome.applied(action, "woke", context.clock().instant());
            }
            default -> ActionOutcome.applied(action.withReason("another"), "other", context.clock().instant());
        };
    }
}
