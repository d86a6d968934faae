package dev.governor.engine.rules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An action type written literally in a rule file ({@code new Action( "pool.resize", ... )}), with
 * where it is, so that {@code governor check} can report types no plugin handles before anything runs.
 * Types computed at run time are not seen here; the dispatcher still audits them as FAILED.
 */
public record ActionTypeReference(Path file, int line, String type) {

    private static final Pattern NEW_ACTION =
            Pattern.compile("new\\s+(?:dev\\.governor\\.api\\.)?Action\\s*\\(\\s*\"([^\"]+)\"");

    /** Every literal action type in these files, in file and line order. */
    public static List<ActionTypeReference> scan(List<Path> files) {
        List<ActionTypeReference> found = new ArrayList<>();
        for (Path file : files) {
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            Matcher matcher = NEW_ACTION.matcher(text);
            while (matcher.find()) {
                found.add(new ActionTypeReference(file, lineOf(text, matcher.start()), matcher.group(1)));
            }
        }
        return found;
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
