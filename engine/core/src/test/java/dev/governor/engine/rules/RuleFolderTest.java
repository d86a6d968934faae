package dev.governor.engine.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleFolderTest {

    @TempDir
    Path dir;

    @Test
    void anEditOfTheSameSizeAndTimeIsSeen() throws Exception {
        Path file = Files.writeString(dir.resolve("pool.drl"), "waiting > 5");
        FileTime time = Files.getLastModifiedTime(file);
        RuleFolder before = RuleFolder.scan(dir);
        assertThat(RuleFolder.scan(dir)).isEqualTo(before);

        Files.writeString(file, "waiting > 7");
        Files.setLastModifiedTime(file, time);
        RuleFolder after = RuleFolder.scan(dir);
        assertThat(after).isNotEqualTo(before);
        assertThat(after.changesSince(before)).containsExactly("pool.drl changed");
    }

    @Test
    void namesWhatWasAddedChangedAndRemovedAndIgnoresOtherFiles() throws Exception {
        Files.writeString(dir.resolve("a.drl"), "a");
        Files.writeString(dir.resolve("b.drl"), "b");
        RuleFolder before = RuleFolder.scan(dir);
        Files.writeString(dir.resolve("notes.txt"), "not a rule");
        Files.createDirectories(dir.resolve("tests.drl"));
        assertThat(RuleFolder.scan(dir)).as("only *.drl files and params.yaml count").isEqualTo(before);
        Files.writeString(dir.resolve("params.yaml"), "pool.grow.step: 2\n");
        assertThat(RuleFolder.scan(dir).changesSince(before)).as("the rules' params count").containsExactly("params.yaml added");
        Files.delete(dir.resolve("params.yaml"));

        Files.writeString(dir.resolve("a.drl"), "a2");
        Files.delete(dir.resolve("b.drl"));
        Files.writeString(dir.resolve("c.drl"), "c");
        assertThat(RuleFolder.scan(dir).changesSince(before)).containsExactly("a.drl changed", "c.drl added", "b.drl removed");
    }

    @Test
    void aMissingFolderIsAStateOfItsOwn() throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        RuleFolder empty = RuleFolder.scan(rules);
        Files.delete(rules);
        RuleFolder missing = RuleFolder.scan(rules);
        assertThat(missing.exists()).isFalse();
        assertThat(missing).isNotEqualTo(empty);
        assertThat(missing.changesSince(empty)).containsExactly("the folder is gone");
        Files.createDirectories(rules);
        assertThat(RuleFolder.scan(rules).changesSince(missing)).containsExactly("the folder is back");
    }
}
