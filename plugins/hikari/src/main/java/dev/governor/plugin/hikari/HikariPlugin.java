package dev.governor.plugin.hikari;

import dev.governor.api.Registry;
import dev.governor.spi.ActionHandler;
import dev.governor.spi.ActionPlugin;
import dev.governor.spi.PluginContext;
import dev.governor.spi.Spi;
import java.util.Set;

/**
 * HikariCP actions. {@code pool.resize} sets a pool's maximum size and, optionally, its minimum idle, for
 * pools of this JVM (registered in {@link Registry#global()}, or visible as MBeans) and of other JVMs over
 * remote JMX; never above the pool's ceiling.
 *
 * <p>Target: the pool's name, or {@code REMOTE/NAME} for a pool of a configured remote. Params: {@code max}
 * (a whole number {@code >= 1}) and optionally {@code minIdle} ({@code >= 0}, at most {@code max}).
 *
 * <p>HikariCP must be on Governor's classpath, the same classes as the application's pools: this plugin
 * brings none of its own. Settings: see {@code plugins/hikari/README.md}.
 */
public final class HikariPlugin implements ActionPlugin {

    public static final String POOL_RESIZE = "pool.resize";
    static final String MAX = "max";
    static final String MIN_IDLE = "minIdle";

    @Override
    public String name() {
        return "hikari";
    }

    @Override
    public String spiVersion() {
        return Spi.VERSION;
    }

    @Override
    public Set<String> actionTypes() {
        return Set.of(POOL_RESIZE);
    }

    @Override
    public ActionHandler create(PluginContext context) {
        HikariSettings settings = HikariSettings.parse(context.settings(), context.databases());
        return new PoolResizeHandler(settings, new Pools(Registry.global(), settings.remotes()), context.clock());
    }
}
