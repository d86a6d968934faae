package dev.governor.engine.rules;

import java.nio.file.Path;

/**
 * One problem found while compiling rules, printed as {@code file:line: message} so editors and CI
 * logs link straight to it.
 *
 * @param file    the rule file; null when the problem belongs to no file
 * @param line    1-based line, or 0 when the compiler gave none
 * @param message what is wrong
 * @param error   true for an error, false for a warning
 */
public record RuleProblem(Path file, int line, String message, boolean error) {

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        if (file != null) {
            out.append(file);
            if (line > 0) {
                out.append(':').append(line);
            }
            out.append(": ");
        }
        if (!error) {
            out.append("warning: ");
        }
        return out.append(message).toString();
    }
}
