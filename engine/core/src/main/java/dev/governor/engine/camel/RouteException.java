package dev.governor.engine.camel;

import java.util.List;

/** Route files that cannot be loaded; each problem reads {@code file[:line]: message}. */
public final class RouteException extends RuntimeException {

    private final List<String> problems;

    public RouteException(List<String> problems, Throwable cause) {
        super(String.join(System.lineSeparator(), problems), cause);
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
