package dev.governor.engine.cli;

/**
 * A command another module adds to {@code governor}: a picocli {@code @Command} class that implements this
 * interface, with a public no-argument constructor, listed in
 * {@code META-INF/services/dev.governor.engine.cli.Subcommand}. The command line adds each one found on its
 * class path under its {@code @Command} name, so {@code governor demo} exists exactly when the demo module is
 * on the class path and the engine does not depend on it.
 */
public interface Subcommand {
}
