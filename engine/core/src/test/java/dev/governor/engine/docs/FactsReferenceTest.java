package dev.governor.engine.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.api.ActionOutcome;
import dev.governor.api.Fact;
import dev.governor.api.FactTypes;
import dev.governor.api.Metric;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/facts.md documents every field of every fact type, and nothing that is not a field. */
class FactsReferenceTest {

    private static final Path DOC = Path.of("../../docs/facts.md");
    private static final Pattern FIELD_ROW = Pattern.compile("^\\| `([A-Za-z0-9]+)` \\|");
    private static final Set<Class<? extends Fact>> DOCUMENTED_IN_README = Set.of(Metric.class, ActionOutcome.class);

    @Test
    void everyFieldOfEveryFactTypeIsDocumentedWithAUnit() throws IOException {
        Map<String, List<String>> documented = sections(Files.readAllLines(DOC));
        for (Class<? extends Fact> type : FactTypes.all()) {
            if (DOCUMENTED_IN_README.contains(type)) {
                continue;
            }
            String name = FactTypes.nameOf(type);
            assertThat(documented).as("docs/facts.md has a section '## %s'", name).containsKey(name);
            List<String> fields = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
            assertThat(documented.get(name)).as("fields documented for %s, in record order", name)
                    .containsExactlyElementsOf(fields);
        }
    }

    private static Map<String, List<String>> sections(List<String> lines) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : lines) {
            if (line.startsWith("## ")) {
                current = new ArrayList<>();
                out.put(line.substring(3).trim(), current);
            } else if (current != null) {
                Matcher m = FIELD_ROW.matcher(line);
                if (m.find()) {
                    current.add(m.group(1));
                }
            }
        }
        return out;
    }
}
